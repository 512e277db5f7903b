// The wall clock as an integer count since the Unix epoch, in the units
// timestamps are stored (ns), served by the Prometheus API (ms) and written
// by the demo feeds (s). One definition instead of a NowNs() per file.
//
// Thread-safety: safe for concurrent use (reads the system clock).
#pragma once

#include <chrono>
#include <cstdint>

namespace citynexus {

inline int64_t UnixNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline int64_t UnixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline int64_t UnixNowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace citynexus
