// Unit tests for common/time_format.{h,cc}: the one RFC 3339 formatter and
// its three fraction styles (CLI, verify reports, dead letters).
#include "common/time_format.h"

#include <catch2/catch.hpp>

namespace citynexus {
namespace {

constexpr int64_t kT0 = 1'704'067'200'000'000'000;  // 2024-01-01T00:00:00Z

TEST_CASE("RFC 3339 with a trimmed fraction", "[common][time]") {
  CHECK(FormatRfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatRfc3339(kT0 + 500'000'000) == "2024-01-01T00:00:00.5Z");
  CHECK(FormatRfc3339(-1) == "1969-12-31T23:59:59.999999999Z");
}

TEST_CASE("RFC 3339 with nine fraction digits", "[common][time]") {
  CHECK(FormatRfc3339(kT0, Rfc3339Fraction::kNineIfNonZero) ==
        "2024-01-01T00:00:00Z");
  CHECK(FormatRfc3339(kT0 + 500'000'000, Rfc3339Fraction::kNineIfNonZero) ==
        "2024-01-01T00:00:00.500000000Z");
  CHECK(FormatRfc3339(kT0, Rfc3339Fraction::kAlwaysNine) ==
        "2024-01-01T00:00:00.000000000Z");
  CHECK(FormatRfc3339(-1'500'000'000, Rfc3339Fraction::kAlwaysNine) ==
        "1969-12-31T23:59:58.500000000Z");
}

}  // namespace
}  // namespace citynexus
