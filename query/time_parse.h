// Parsing of times and durations in query parameters.
//
// Times: RFC 3339 ("2024-01-01T00:00:00Z", fractional seconds and
// "+01:00" offsets allowed), epoch numbers (seconds, fractions allowed, or
// with a unit suffix: "1704067200000ms", "...us", "...ns"), "now", and
// "now-1d" / "now+1h".
// Durations: an integer with a unit, summed: "500ms", "90s", "15m", "1h30m",
// "7d", "2w".
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "query/query.h"

namespace citynexus::query {

// kInvalidArgument naming the text and what was expected.
Result<int64_t> ParseDurationNs(std::string_view text);
Result<int64_t> ParseTimeNs(std::string_view text, int64_t now_ns);

// A calendar step: "3mo" -> {kMonth, 3}; with `zoned` (a time zone other
// than UTC is in force, so days start at local midnight and weeks on
// Monday) also "1d" -> {kDay, 1} and "2w" -> {kWeek, 2}. count 0 when
// `step` is not a calendar step (parse it with ParseDurationNs).
// kInvalidArgument when the count is not 1..9999 ("0mo", "mo", "12345mo").
// The one parser of calendar steps (JSON API, indicators, catalog).
struct CalendarStep {
  CalendarUnit unit = CalendarUnit::kDay;
  int count = 0;
};
Result<CalendarStep> ParseCalendarStep(std::string_view step, bool zoned);

// Unit suffix of the `epoch` parameter ("s", "ms", "us", "ns", also the
// InfluxDB spellings "u", "n", "h", "m") -> nanoseconds per unit.
Result<int64_t> ParseEpochUnit(std::string_view text);

}  // namespace citynexus::query
