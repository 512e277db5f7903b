// Timestamp precisions of the line protocol (see line_protocol.h): their
// names in the v1 and v2 write APIs and their length in nanoseconds.
#include <string>

#include "connectors/decoders/line_protocol.h"
#include "connectors/decoders/line_protocol_text.h"

namespace citynexus::connectors {

using line_protocol_internal::Quote;

int64_t PrecisionNanos(Precision precision) {
  switch (precision) {
    case Precision::kNanosecond:
      return 1;
    case Precision::kMicrosecond:
      return 1'000;
    case Precision::kMillisecond:
      return 1'000'000;
    case Precision::kSecond:
      return 1'000'000'000;
    case Precision::kMinute:
      return 60'000'000'000;
    case Precision::kHour:
      return 3'600'000'000'000;
  }
  return 1;
}

Result<Precision> ParsePrecision(std::string_view text, bool v1_api) {
  if (text.empty()) return Precision::kNanosecond;
  if (v1_api) {
    if (text == "n" || text == "ns") return Precision::kNanosecond;
    if (text == "u") return Precision::kMicrosecond;
    if (text == "ms") return Precision::kMillisecond;
    if (text == "s") return Precision::kSecond;
    if (text == "m") return Precision::kMinute;
    if (text == "h") return Precision::kHour;
    return Status::InvalidArgument(
        "precision: must be one of n, u, ms, s, m, h; got " + Quote(text));
  }
  if (text == "ns") return Precision::kNanosecond;
  if (text == "us") return Precision::kMicrosecond;
  if (text == "ms") return Precision::kMillisecond;
  if (text == "s") return Precision::kSecond;
  return Status::InvalidArgument(
      "precision: must be one of ns, us, ms, s; got " + Quote(text));
}

}  // namespace citynexus::connectors
