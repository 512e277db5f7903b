#include "query/time_zone.h"

#include <catch2/catch.hpp>

#include "query/civil_time.h"

using namespace citynexus::query;

namespace {
constexpr int64_t kNs = 1000000000;
// Seconds since the epoch of a UTC civil time.
int64_t Utc(int64_t y, unsigned m, unsigned d, int64_t h = 0, int64_t min = 0) {
  return DaysFromCivil(y, m, d) * 86400 + h * 3600 + min * 60;
}
}  // namespace

TEST_CASE("civil date conversions round-trip and know weekdays",
          "[query][tz]") {
  CHECK(DaysFromCivil(1970, 1, 1) == 0);
  CHECK(DaysFromCivil(2024, 3, 31) == 19813);
  const CivilDate d = CivilFromDays(19813);
  CHECK(d.year == 2024);
  CHECK(d.month == 3);
  CHECK(d.day == 31);
  CHECK(WeekdayFromDays(0) == 4);      // Thursday
  CHECK(WeekdayFromDays(19813) == 0);  // 2024-03-31 was a Sunday
  CHECK(WeekdayFromDays(-3) == 1);     // 1969-12-29 was a Monday
  CHECK(FloorDiv(-1, 86400) == -1);
}

TEST_CASE(
    "Europe/Berlin offsets switch on the last Sundays of March and October",
    "[query][tz]") {
  auto berlin = TimeZone::Load("Europe/Berlin");
  REQUIRE(berlin.has_value());
  CHECK(berlin->OffsetAt(Utc(2024, 1, 15)) == 3600);
  CHECK(berlin->OffsetAt(Utc(2024, 7, 1)) == 7200);
  // 2024-03-31 01:00 UTC: clocks jump from 02:00 CET to 03:00 CEST.
  CHECK(berlin->OffsetAt(Utc(2024, 3, 31, 0, 59)) == 3600);
  CHECK(berlin->OffsetAt(Utc(2024, 3, 31, 1, 0)) == 7200);
  // 2024-10-27 01:00 UTC: back from 03:00 CEST to 02:00 CET.
  CHECK(berlin->OffsetAt(Utc(2024, 10, 27, 0, 59)) == 7200);
  CHECK(berlin->OffsetAt(Utc(2024, 10, 27, 1, 0)) == 3600);
  // After the file's last transition the POSIX footer rule applies.
  CHECK(berlin->OffsetAt(Utc(2080, 7, 1)) == 7200);
  CHECK(berlin->OffsetAt(Utc(2080, 12, 1)) == 3600);
  // Local midnight to UTC.
  CHECK(berlin->LocalToUtc(Utc(2024, 3, 31)) == Utc(2024, 3, 30, 23));
  CHECK(berlin->LocalToUtc(Utc(2024, 4, 1)) == Utc(2024, 3, 31, 22));
}

TEST_CASE("unknown or malicious zone names are refused", "[query][tz]") {
  CHECK_FALSE(TimeZone::Load("Mars/Olympus_Mons").has_value());
  CHECK_FALSE(TimeZone::Load("../../etc/passwd").has_value());
  CHECK_FALSE(TimeZone::Load("").has_value());
  CHECK(TimeZone::Load("UTC")->OffsetAt(12345) == 0);
}

TEST_CASE(
    "calendar days in Berlin are 23 and 25 hours long at the DST switches",
    "[query][tz]") {
  auto berlin = TimeZone::Load("Europe/Berlin");
  REQUIRE(berlin.has_value());
  // Local days 2024-03-30 .. 2024-04-01 (spring forward on the 31st).
  auto edges =
      CalendarBucketEdges(Utc(2024, 3, 30, 12) * kNs, Utc(2024, 4, 1, 12) * kNs,
                          CalendarUnit::kDay, 1, *berlin, 100);
  REQUIRE(edges.has_value());
  REQUIRE(edges->size() == 4);
  CHECK((*edges)[0] == Utc(2024, 3, 29, 23) * kNs);
  CHECK((*edges)[1] == Utc(2024, 3, 30, 23) * kNs);
  CHECK((*edges)[2] == Utc(2024, 3, 31, 22) * kNs);  // 23 h day
  CHECK((*edges)[3] == Utc(2024, 4, 1, 22) * kNs);
  // Autumn: 2024-10-27 is 25 hours long.
  edges = CalendarBucketEdges(Utc(2024, 10, 27, 5) * kNs,
                              Utc(2024, 10, 27, 6) * kNs, CalendarUnit::kDay, 1,
                              *berlin, 100);
  REQUIRE(edges.has_value());
  REQUIRE(edges->size() == 2);
  CHECK((*edges)[1] - (*edges)[0] == 25 * 3600 * kNs);
}

TEST_CASE("calendar weeks start on Monday and months on the first, locally",
          "[query][tz]") {
  auto berlin = TimeZone::Load("Europe/Berlin");
  REQUIRE(berlin.has_value());
  // Wednesday 2024-01-10 lies in the week starting Monday 2024-01-08.
  auto weeks =
      CalendarBucketEdges(Utc(2024, 1, 10) * kNs, Utc(2024, 1, 16) * kNs,
                          CalendarUnit::kWeek, 1, *berlin, 100);
  REQUIRE(weeks.has_value());
  REQUIRE(weeks->size() == 3);
  CHECK((*weeks)[0] == Utc(2024, 1, 7, 23) * kNs);
  CHECK((*weeks)[1] == Utc(2024, 1, 14, 23) * kNs);
  auto months =
      CalendarBucketEdges(Utc(2024, 2, 15) * kNs, Utc(2024, 4, 2) * kNs,
                          CalendarUnit::kMonth, 1, *berlin, 100);
  REQUIRE(months.has_value());
  REQUIRE(months->size() == 4);
  CHECK((*months)[0] == Utc(2024, 1, 31, 23) * kNs);  // Feb 1 local
  CHECK((*months)[1] == Utc(2024, 2, 29, 23) * kNs);  // Mar 1 local (CET)
  CHECK((*months)[2] == Utc(2024, 3, 31, 22) * kNs);  // Apr 1 local (CEST)
  auto too_many = CalendarBucketEdges(0, Utc(2024, 1, 1) * kNs,
                                      CalendarUnit::kDay, 1, *berlin, 100);
  CHECK_FALSE(too_many.has_value());
}
