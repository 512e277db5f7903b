// RFC 3339 timestamps (UTC, "2024-05-01T10:00:00.5Z") for every layer that
// prints one: CLI output, verify reports, dead letters, SSE events.
//
// Thread-safety: stateless; safe for concurrent use (gmtime_r).
#pragma once

#include <cstdint>
#include <string>

namespace citynexus {

// How the nanoseconds after the second are written.
enum class Rfc3339Fraction {
  kTrimmed,        // ".5" ; none when whole seconds (trailing zeros dropped)
  kNineIfNonZero,  // ".500000000" ; none when whole seconds
  kAlwaysNine,     // ".000000000" even for whole seconds
};

// `timestamp_ns` (nanoseconds since the Unix epoch, may be negative: floors
// to the second before) as "YYYY-MM-DDTHH:MM:SS[.fraction]Z".
std::string FormatRfc3339(int64_t timestamp_ns,
                          Rfc3339Fraction fraction = Rfc3339Fraction::kTrimmed);

}  // namespace citynexus
