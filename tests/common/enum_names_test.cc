// Unit tests for common/enum_names.h, and for the enum name tables built on
// it (log levels, status codes): every value has a name, and each name
// parses back to its value.
#include "common/enum_names.h"

#include <catch2/catch.hpp>

#include "common/log.h"
#include "common/status.h"

namespace citynexus {
namespace {

enum class Color { kRed, kGreen, kBlue };

constexpr EnumName<Color> kColorNames[] = {{"red", Color::kRed},
                                           {"green", Color::kGreen}};

TEST_CASE("an enum name table reads both ways", "[common][enum_names]") {
  CHECK(NameOf(kColorNames, Color::kGreen, "?") == "green");
  CHECK(NameOf(kColorNames, Color::kBlue, "?") == "?");  // not in the table
  CHECK(ValueOf(kColorNames, "red") == Color::kRed);
  CHECK_FALSE(ValueOf(kColorNames, "Red"));  // exact match only
  CHECK_FALSE(ValueOf(kColorNames, ""));
  static_assert(NameOf(kColorNames, Color::kRed, "?") == "red");
}

TEST_CASE("log level names round-trip", "[common][enum_names]") {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn,
                         LogLevel::kError, LogLevel::kOff}) {
    LogLevel parsed = LogLevel::kInfo;
    REQUIRE(ParseLogLevel(LogLevelName(level), &parsed));
    CHECK(parsed == level);
  }
  LogLevel unchanged = LogLevel::kWarn;
  CHECK_FALSE(ParseLogLevel("verbose", &unchanged));
  CHECK(unchanged == LogLevel::kWarn);
}

TEST_CASE("every status code has its wire name", "[common][enum_names]") {
  CHECK(StatusCodeName(StatusCode::kOk) == "ok");
  CHECK(StatusCodeName(StatusCode::kInvalidArgument) == "invalid_argument");
  CHECK(StatusCodeName(StatusCode::kResourceExhausted) == "resource_exhausted");
  CHECK(StatusCodeName(StatusCode::kUnauthenticated) == "unauthorized");
  CHECK(StatusCodeName(StatusCode::kPermissionDenied) == "forbidden");
  for (int c = 0; c <= static_cast<int>(StatusCode::kPermissionDenied); ++c) {
    CHECK(StatusCodeName(static_cast<StatusCode>(c)) != "unknown");
  }
}

}  // namespace
}  // namespace citynexus
