// Backfill: the demo city's history, written to the server over HTTP line
// protocol in large gzip batches (two in flight while the next is built),
// with a progress bar.
//
// Thread-safety: Backfill() runs on the caller's thread plus up to two
// sender threads it joins before returning.
#pragma once

#include <atomic>
#include <cstdint>
#include <ostream>

#include "app/cmd/demo_city.h"
#include "app/cmd/demo_http.h"
#include "common/status.h"

namespace citynexus::app::demo {

inline constexpr int64_t kBackfillStepS = 900;  // one point per 15 minutes

struct BackfillOptions {
  int64_t start_s = 0;            // exclusive; rounded down to the step
  int64_t end_s = 0;              // inclusive; rounded down to the step
  size_t batch_bytes = 8u << 20;  // uncompressed line protocol per POST
  // Set from the signal handler: stops after the batches in flight.
  const std::atomic<bool>* stop = nullptr;
  bool progress_bar = true;  // "\r" updates (a terminal); else a few lines
};

struct BackfillStats {
  int64_t lines = 0;
  int64_t bytes = 0;
  int64_t batches = 0;
  double seconds = 0;
  bool stopped = false;  // interrupted by *stop
};

// Writes every feed at every 15-minute step in (start_s, end_s] and the
// daily feed at each local midnight. Fails on the first write the server
// refuses (the message says which status and why).
Result<BackfillStats> Backfill(const DemoCity& city, DemoHttp& http,
                               const BackfillOptions& options,
                               std::ostream& progress);

}  // namespace citynexus::app::demo
