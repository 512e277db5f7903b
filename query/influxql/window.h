// GROUP BY time(interval[, offset]) windows of InfluxQL, optionally in a
// time zone (tz('Europe/Berlin')), with InfluxDB 1.x semantics:
//
// - A window is found by truncating the local time (UTC + the zone's offset
//   at the point) to the interval, then moving its start by the change of
//   offset between the point and the start when that change is smaller than
//   the interval. So time(1d) windows begin at local midnight and last 23 or
//   25 hours on DST switch days, while time(1h) windows keep their length
//   (an offset change of one hour is not smaller than the interval).
// - The window grid that fill() walks steps by the interval and corrects by
//   the offset change across each step, under the same "smaller than the
//   interval" rule.
//
// Without a zone (or in UTC) windows are the epoch-aligned k*interval+offset.
//
// Thread-safety: immutable after construction; safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "query/time_zone.h"

namespace citynexus::query::influxql {

class TimeWindows {
 public:
  TimeWindows() = default;
  // `interval_ns` 0 means no windows (one window over everything); `zone`
  // may be null (UTC).
  TimeWindows(int64_t interval_ns, int64_t offset_ns,
              std::shared_ptr<const TimeZone> zone)
      : interval_ns_(interval_ns),
        offset_ns_(offset_ns),
        zone_(std::move(zone)) {}

  int64_t interval_ns() const { return interval_ns_; }
  int64_t offset_ns() const { return offset_ns_; }
  // True when windows depend on a zone's offsets (not fixed-length epoch
  // buckets), so precomputed fixed-interval buckets cannot answer them.
  bool zoned() const { return zone_ != nullptr && interval_ns_ > 0; }

  // Start of the window containing `t`. Requires interval_ns() > 0.
  int64_t Start(int64_t t) const;
  // End (exclusive) of the window containing `t`. Requires interval_ns() > 0.
  int64_t End(int64_t t) const;

  // The window starts fill() walks from the window of `first` to the window
  // of `last` (inclusive). kResourceExhausted past `max_windows`. Requires
  // interval_ns() > 0.
  Result<std::vector<int64_t>> Grid(int64_t first, int64_t last,
                                    size_t max_windows) const;

 private:
  // The zone's offset at `ns`, in nanoseconds; 0 without a zone.
  int64_t ZoneOffsetNs(int64_t ns) const;
  void Bounds(int64_t t, int64_t* start, int64_t* end) const;

  int64_t interval_ns_ = 0;
  int64_t offset_ns_ = 0;
  std::shared_ptr<const TimeZone> zone_;
};

}  // namespace citynexus::query::influxql
