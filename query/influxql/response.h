// The InfluxDB 1.x JSON response of /query, byte-compatible with what
// InfluxDB's Go encoder writes: key order, omitted empty members, float
// formatting (1 not 1.0, 1e-7 not 1e-07), HTML-safe string escapes,
// RFC 3339 times with trailing zeros trimmed, or epoch integers.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "query/influxql/exec.h"

namespace citynexus::query::influxql {

struct ResponseFormat {
  // Divisor applied to nanosecond times; 0 writes RFC 3339 strings.
  int64_t epoch_divisor = 0;
  bool pretty = false;  // indented with four spaces, as InfluxDB
};

// Divisor for the `epoch` parameter: "u"/"µ" 1e3, "ms" 1e6, "s" 1e9,
// "m" 6e10, "h" 3.6e12, anything else (ns, n, ...) 1; empty -> 0 (RFC 3339).
int64_t EpochDivisor(std::string_view epoch);

// {"results":[{"statement_id":0,"series":[...]}, ...]} plus a newline.
std::string WriteResults(const std::vector<StatementResult>& results,
                         const ResponseFormat& format);

// {"error":"..."} plus a newline.
std::string WriteError(std::string_view message, bool pretty);

// "2024-01-01T00:00:00.5Z" (Go's RFC3339Nano in UTC).
std::string FormatRfc3339Nano(int64_t ns);
// The same instant as local time at `offset_seconds` from UTC:
// "2024-03-31T00:00:00+01:00". As Go, a zero offset is written "Z" and the
// suffix keeps whole minutes only.
std::string FormatRfc3339Nano(int64_t ns, int64_t offset_seconds);
// A float as Go's encoding/json writes it; "null" for NaN and infinities.
std::string FormatFloat(double value);
// A JSON string literal with Go's escapes (\u003c for '<', ...).
std::string QuoteJson(std::string_view text);

}  // namespace citynexus::query::influxql
