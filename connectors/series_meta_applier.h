// Gives the series of decoded batches their metadata: what the payload
// carries (SenML unit, TTN device EUI, GBFS station name and position) plus
// the source's configured unit and domain. Fills only empty slots and
// handles each series once per process, so later metadata edits through the
// API are not overwritten. Shared by the MQTT connector and the pollers.
//
// Thread-safety: not thread-safe; each connector or poller owns one and
// calls it from one thread at a time.
#pragma once

#include <set>
#include <string>

#include "connectors/decoders/decoded.h"
#include "engine/engine.h"

namespace citynexus::connectors {

class SeriesMetaApplier {
 public:
  // `component` names the log source of failures ("mqtt", "poller").
  SeriesMetaApplier(engine::Store& store, std::string component)
      : store_(store), component_(std::move(component)) {}

  // Call after `batch` was written. `unit` and `domain` (may be empty) are
  // the configured defaults. A failed metadata write is logged and retried
  // with the next batch holding that series.
  void Apply(const DecodedBatch& batch, const std::string& unit,
             const std::string& domain);

 private:
  engine::Store& store_;
  const std::string component_;
  std::set<std::string> done_;  // canonical keys already handled
};

}  // namespace citynexus::connectors
