// Stops a query that runs past its time limit or whose client has gone away,
// so one expensive request cannot pin an I/O thread and the store for
// minutes after nobody waits for the answer.
//
// Readers call Check() between units of work (a series, a statement); it
// reads the clock and, at most every few milliseconds, probes the client
// connection, so calling it often is cheap.
//
// Thread-safety: one guard per query, used by one thread.
#pragma once

#include <chrono>
#include <functional>

#include "common/status.h"

namespace citynexus::query {

class QueryGuard {
 public:
  using Clock = std::chrono::steady_clock;

  // A guard that never stops the query (tests, the CLI).
  QueryGuard() = default;
  // `timeout` <= 0 means no limit. `client_gone` (may be empty) says whether
  // the requesting client has closed its connection.
  QueryGuard(std::chrono::milliseconds timeout,
             std::function<bool()> client_gone);

  // OK while the query may go on; kDeadlineExceeded once the time limit has
  // passed, kCancelled once the client is gone. Sticky: after a failure
  // every later call fails the same way.
  Status Check() const;

 private:
  std::chrono::milliseconds timeout_{0};
  Clock::time_point deadline_ = Clock::time_point::max();
  std::function<bool()> client_gone_;
  mutable Clock::time_point next_probe_{};
  mutable Status stopped_;
};

}  // namespace citynexus::query
