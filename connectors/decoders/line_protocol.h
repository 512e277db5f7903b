// InfluxDB line protocol decoder: request body bytes -> DecodedBatch.
//
//   traffic,sensor=K12,district=Mitte vehicles=14i,speed=43.5
//   1704067200000000000
//
// Follows the InfluxDB 1.x/2.x (Go) semantics as implemented by
// influxdata/line-protocol; docs/formats.md ("Line protocol") lists the rules
// and the conformance numbers against that project's corpus. Every line is
// decoded on its own: a bad line yields one DecodeError (line, element,
// reason) and never hides the good lines around it.
//
// Thread-safety: DecodeLineProtocol is a pure function; concurrent calls with
// distinct output batches are safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "connectors/decoders/decoded.h"

namespace citynexus::connectors {

// Unit of the timestamps written in the body.
enum class Precision : uint8_t {
  kNanosecond,
  kMicrosecond,
  kMillisecond,
  kSecond,
  kMinute,  // v1 API only (`precision=m`)
  kHour,    // v1 API only (`precision=h`)
};

// Nanoseconds per unit of `precision` (1 for kNanosecond).
int64_t PrecisionNanos(Precision precision);

// Parses the `precision` query parameter. `v1_api` selects the accepted
// spellings: /write (v1) takes n|ns|u|ms|s|m|h, /api/v2/write takes
// ns|us|ms|s. An empty string means nanoseconds in both.
// kInvalidArgument naming the accepted values otherwise.
Result<Precision> ParsePrecision(std::string_view text, bool v1_api);

struct LineProtocolOptions {
  // Unit of the timestamps in the body. Default: nanoseconds.
  Precision precision = Precision::kNanosecond;
  // Time given to lines without a timestamp, in ns since the epoch (normally
  // the server clock at request arrival). It is truncated (floored) to a
  // multiple of `precision`, as InfluxDB does. Default 0.
  int64_t default_time_ns = 0;
};

// Longest accepted token (measurement, tag key or value, field key or value,
// timestamp), in raw input bytes. Longer tokens reject their line.
inline constexpr size_t kMaxLineProtocolTokenBytes = 64 * 1024;

// Decodes `body` into `out` (cleared first). Lines, tags and fields may view
// `body`, so `body` must outlive the use of `out`. Never fails as a whole:
// rejected lines are reported in out->errors, in input order, each naming the
// line number, the element and the reason. Comments (`#`) and blank lines
// produce nothing. Accepts LF and CRLF line endings.
void DecodeLineProtocol(std::string_view body,
                        const LineProtocolOptions& options, DecodedBatch* out);

}  // namespace citynexus::connectors
