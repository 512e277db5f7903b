// Timestamp precisions of the line protocol (see line_protocol.h): their
// names in the v1 and v2 write APIs and their length in nanoseconds.
#include <span>
#include <string>
#include <string_view>

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

namespace {

struct PrecisionName {
  std::string_view name;
  Precision precision;
};

// The v1 API (/write?precision=) also takes "ns", which its error message
// does not advertise, as InfluxDB 1.x does; the v2 API (/api/v2/write) has
// no minutes or hours.
constexpr PrecisionName kV1Names[] = {
    {"n", Precision::kNanosecond},  {"ns", Precision::kNanosecond},
    {"u", Precision::kMicrosecond}, {"ms", Precision::kMillisecond},
    {"s", Precision::kSecond},      {"m", Precision::kMinute},
    {"h", Precision::kHour}};
constexpr PrecisionName kV2Names[] = {{"ns", Precision::kNanosecond},
                                      {"us", Precision::kMicrosecond},
                                      {"ms", Precision::kMillisecond},
                                      {"s", Precision::kSecond}};

}  // namespace

Result<Precision> ParsePrecision(std::string_view text, bool v1_api) {
  if (text.empty()) return Precision::kNanosecond;
  const std::span<const PrecisionName> names =
      v1_api ? std::span<const PrecisionName>(kV1Names) : kV2Names;
  for (const PrecisionName& n : names) {
    if (n.name == text) return n.precision;
  }
  return Status::InvalidArgument(
      std::string("precision: must be one of ") +
      (v1_api ? "n, u, ms, s, m, h" : "ns, us, ms, s") + "; got " +
      Quote(text));
}

}  // namespace citynexus::connectors
