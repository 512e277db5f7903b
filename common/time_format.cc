#include "common/time_format.h"

#include <cstdio>
#include <ctime>

namespace citynexus {

std::string FormatRfc3339(int64_t timestamp_ns, Rfc3339Fraction fraction) {
  constexpr int64_t kNanos = 1'000'000'000;
  int64_t seconds = timestamp_ns / kNanos;
  int64_t nanos = timestamp_ns % kNanos;
  if (nanos < 0) {  // floor for times before 1970
    nanos += kNanos;
    --seconds;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = text;
  if (nanos != 0 || fraction == Rfc3339Fraction::kAlwaysNine) {
    char digits[16];
    std::snprintf(digits, sizeof(digits), ".%09lld",
                  static_cast<long long>(nanos));
    std::string frac = digits;
    if (fraction == Rfc3339Fraction::kTrimmed) {
      while (frac.back() == '0') frac.pop_back();
    }
    out += frac;
  }
  return out + "Z";
}

}  // namespace citynexus
