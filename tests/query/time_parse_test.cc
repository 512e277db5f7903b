#include "query/time_parse.h"

#include <catch2/catch.hpp>

using citynexus::query::ParseDurationNs;
using citynexus::query::ParseEpochUnit;
using citynexus::query::ParseTimeNs;

constexpr int64_t kSec = 1000000000;

TEST_CASE("durations sum their parts and reject unknown units",
          "[query][time]") {
  CHECK(*ParseDurationNs("90s") == 90 * kSec);
  CHECK(*ParseDurationNs("1h30m") == 5400 * kSec);
  CHECK(*ParseDurationNs("2w") == 14 * 86400 * kSec);
  CHECK(*ParseDurationNs("500ms") == kSec / 2);
  CHECK(*ParseDurationNs("7d") == 7 * 86400 * kSec);
  CHECK_FALSE(ParseDurationNs("").has_value());
  CHECK_FALSE(ParseDurationNs("5").has_value());
  CHECK_FALSE(ParseDurationNs("5y").has_value());
  CHECK_FALSE(ParseDurationNs("h").has_value());
  CHECK_FALSE(ParseDurationNs("99999999999999999d").has_value());
}

TEST_CASE("times parse RFC 3339, epoch numbers and now-relative forms",
          "[query][time]") {
  const int64_t now = 1704067200 * kSec;  // 2024-01-01T00:00:00Z
  CHECK(*ParseTimeNs("2024-01-01T00:00:00Z", 0) == now);
  CHECK(*ParseTimeNs("2024-01-01", 0) == now);
  CHECK(*ParseTimeNs("2024-01-01T01:00:00+01:00", 0) == now);
  CHECK(*ParseTimeNs("2023-12-31T23:00:00-01:00", 0) == now);
  CHECK(*ParseTimeNs("2024-01-01T00:00:00.25Z", 0) == now + kSec / 4);
  CHECK(*ParseTimeNs("1704067200", 0) == now);
  CHECK(*ParseTimeNs("1704067200000ms", 0) == now);
  CHECK(*ParseTimeNs("1704067200.5", 0) == now + kSec / 2);
  CHECK(*ParseTimeNs("now", now) == now);
  CHECK(*ParseTimeNs("now-1d", now) == now - 86400 * kSec);
  CHECK(*ParseTimeNs("now+1h", now) == now + 3600 * kSec);
  CHECK(*ParseTimeNs("1969-12-31T23:59:59Z", 0) == -kSec);
  CHECK_FALSE(ParseTimeNs("yesterday", now).has_value());
  CHECK_FALSE(ParseTimeNs("2024-13-01T00:00:00Z", now).has_value());
  CHECK_FALSE(ParseTimeNs("2024-01-01T00:00:00", now).has_value());
  CHECK_FALSE(ParseTimeNs("12x", now).has_value());
}

TEST_CASE("epoch units map to nanoseconds per unit", "[query][time]") {
  CHECK(*ParseEpochUnit("ms") == 1000000);
  CHECK(*ParseEpochUnit("s") == kSec);
  CHECK(*ParseEpochUnit("ns") == 1);
  CHECK(*ParseEpochUnit("u") == 1000);
  CHECK_FALSE(ParseEpochUnit("days").has_value());
}

TEST_CASE("calendar steps are parsed in one place", "[query][time_parse]") {
  using citynexus::query::CalendarUnit;
  using citynexus::query::ParseCalendarStep;
  auto months = ParseCalendarStep("3mo", false);
  REQUIRE(months.has_value());
  CHECK(months->unit == CalendarUnit::kMonth);
  CHECK(months->count == 3);
  // Days and weeks follow the calendar only in a zone.
  CHECK(ParseCalendarStep("1d", false)->count == 0);
  auto week = ParseCalendarStep("2w", true);
  REQUIRE(week.has_value());
  CHECK(week->unit == CalendarUnit::kWeek);
  CHECK(week->count == 2);
  CHECK(ParseCalendarStep("15m", true)->count == 0);
  CHECK_FALSE(ParseCalendarStep("0mo", false).has_value());
  CHECK_FALSE(ParseCalendarStep("mo", false).has_value());
  CHECK(ParseCalendarStep("12345mo", false).error().message() ==
        "expected a count of 1 to 9999 before \"mo\", got \"12345mo\"");
}
