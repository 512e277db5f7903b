// Open-data pollers: fetch configured URLs on an interval (GBFS bike/scooter
// station feeds, JSON APIs, CSV files), decode them with the mapped
// decoders and store the points through PointWriter (source
// "poller:<name>").
//
// Each poll sends conditional requests (If-None-Match / If-Modified-Since
// from the last ETag / Last-Modified; a 304 means nothing new), backs off
// exponentially while polls fail (reset by the next success), and for GBFS
// follows gbfs.json auto-discovery to station_status (every poll) and
// station_information (every information_every polls). docs/pollers.md.
//
// Metrics per poller (label poller="<name>"):
//   citynexus_poller_up                              1 after a good poll
//   citynexus_poller_last_success_timestamp_seconds  Unix time
//   citynexus_poller_errors_total                    failed polls
//   citynexus_poller_points_total                    points stored
//   citynexus_poller_not_modified_total              304 answers
//   citynexus_poller_rejected_total                  rejected lines/fields
//
// Threads: one thread per poller ("poller <name>": fetch with a blocking
// call, decode, write durably, sleep) and one HTTP client I/O thread shared
// by all. Public methods are safe to call from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "connectors/poller_options.h"
#include "engine/engine.h"
#include "net/net.h"

namespace citynexus::connectors {

// A snapshot of one poller, for tests and diagnostics.
struct PollerState {
  std::string name;
  uint64_t polls = 0;          // finished polls, good or failed
  uint64_t errors = 0;         // failed polls
  uint64_t not_modified = 0;   // polls answered 304
  uint64_t points = 0;         // points stored
  uint64_t rejected = 0;       // lines or fields rejected by decoder/writer
  int consecutive_errors = 0;  // failed polls since the last good one
  std::chrono::milliseconds next_delay{0};  // wait before the next poll
  int64_t last_success_ns = 0;              // 0: never
  std::string last_error;                   // empty after a good poll
};

class Pollers {
 public:
  // `store` and `metrics` must outlive this object. An empty `pollers`
  // means the component is off (Start() does nothing, Health() is OK).
  Pollers(engine::Store& store, net::MetricsRegistry& metrics,
          std::vector<PollerOptions> pollers);
  ~Pollers();  // Stop()s
  Pollers(const Pollers&) = delete;
  Pollers& operator=(const Pollers&) = delete;

  // Validates the options (kInvalidArgument naming each problem; nothing
  // started) and starts one thread per poller; the first poll runs at once.
  // Call at most once.
  Status Start();
  // Stops every poller: sleeping ones at once, a fetch in flight is
  // cancelled, a write in progress finishes. Returns within about `grace`
  // plus one store write. Idempotent.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  bool enabled() const;
  // OK when off or when no poller has failed kUnhealthyAfter polls in a
  // row; otherwise kUnavailable naming those pollers and their last error.
  // A single failed poll of a third-party feed is not worth a 503.
  Status Health() const;
  static constexpr int kUnhealthyAfter = 3;
  std::vector<PollerState> States() const;

 private:
  class Poller;
  std::vector<PollerOptions> options_;
  engine::Store& store_;
  net::MetricsRegistry& metrics_;
  // One client per trusted CA file ("" : the system store), shared by the
  // pollers that name it.
  std::map<std::string, std::unique_ptr<net::HttpClient>> clients_;
  std::vector<std::unique_ptr<Poller>> pollers_;
  mutable Mutex mu_;  // orders Start() and Stop()
  bool started_ GUARDED_BY(mu_) = false;
  bool stopped_ GUARDED_BY(mu_) = false;
};

}  // namespace citynexus::connectors
