// Time zones for calendar buckets: a city's day starts at local midnight.
//
// g++ 12's standard library has no std::chrono time-zone database, so this
// reads the system's compiled IANA database (TZif files under
// /usr/share/zoneinfo, Debian package tzdata) itself: the transition table,
// and the POSIX TZ rule in the file's footer for instants after the last
// transition ("CET-1CEST,M3.5.0,M10.5.0/3").
//
// Thread-safety: a loaded TimeZone is immutable; share it freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "query/query.h"

namespace citynexus::query {

class TimeZone {
 public:
  // Loads an IANA zone ("Europe/Berlin", "UTC"). kInvalidArgument for
  // unknown or malformed names; the zone directory can be overridden with
  // the TZDIR environment variable, as in glibc.
  static Result<TimeZone> Load(std::string_view name);
  static TimeZone Utc();

  const std::string& name() const { return name_; }

  // Offset of local time from UTC, in seconds, at the UTC instant.
  int64_t OffsetAt(int64_t utc_seconds) const;

  // The UTC instant of a local wall-clock time. For a time that does not
  // exist (skipped by a DST jump) returns the instant the jump lands on
  // plus the gap; for an ambiguous one (repeated), the earlier instant.
  int64_t LocalToUtc(int64_t local_seconds) const;

  struct Rule;  // the POSIX TZ footer rule; defined in time_zone.cc

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int32_t> offsets_;      // offset after each transition
  int32_t initial_offset_ = 0;        // before the first transition
  std::shared_ptr<const Rule> rule_;  // after the last transition, if any
};

// Local-calendar bucket edges covering [start_ns, end_ns): edges[0] is the
// start of the bucket containing start_ns, the last edge is >= end_ns; every
// `count` days / ISO weeks (starting Monday) / months, counted from the
// epoch's local calendar so the grid does not depend on the query range.
// kInvalidArgument for count < 1 or more than `max_buckets` buckets.
Result<std::vector<int64_t>> CalendarBucketEdges(int64_t start_ns,
                                                 int64_t end_ns,
                                                 CalendarUnit unit, int count,
                                                 const TimeZone& zone,
                                                 size_t max_buckets);

}  // namespace citynexus::query
