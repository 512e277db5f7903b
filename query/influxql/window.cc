// InfluxDB 1.x window arithmetic (IteratorOptions.Window and the fill
// iterator's walk), with wrapping int64 arithmetic as Go has.
#include "query/influxql/window.h"

#include <string>

#include "query/bucket_math.h"
#include "query/influxql/exec.h"

namespace citynexus::query::influxql {
namespace {

constexpr int64_t kNsPerSecond = 1000000000;

// Go's int64 + and - wrap; mirror that without signed-overflow UB.
int64_t Add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) +
                              static_cast<uint64_t>(b));
}
int64_t Sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) -
                              static_cast<uint64_t>(b));
}
int64_t Abs(int64_t v) { return v < 0 ? -v : v; }

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

Status TooManyWindows(size_t max_windows) {
  return Status::ResourceExhausted("query would return more than " +
                                   std::to_string(max_windows) +
                                   " buckets; the limit is query.max_buckets");
}

}  // namespace

int64_t TimeWindows::ZoneOffsetNs(int64_t ns) const {
  if (!zone_) return 0;
  return zone_->OffsetAt(FloorDiv(ns, kNsPerSecond)) * kNsPerSecond;
}

void TimeWindows::Bounds(int64_t t, int64_t* start, int64_t* end) const {
  const int64_t d = interval_ns_;
  t = Sub(t, offset_ns_);
  const int64_t zone = ZoneOffsetNs(t);
  // Truncate the local time; Go's % keeps the sign of the dividend.
  int64_t dt = Add(t, zone) % d;
  if (dt < 0) dt += d;

  *start = Add(kMinTime, dt) >= t ? kMinTime : t - dt;
  // The point may lie after an offset switch that the window start does
  // not: move the start by the difference when it is below the interval.
  const int64_t start_offset = ZoneOffsetNs(*start);
  if (const int64_t o = zone - start_offset; o != 0 && Abs(o) < d) {
    *start = Add(*start, o);
  }
  *start = Add(*start, offset_ns_);

  const int64_t rest = d - dt;
  *end = Sub(kMaxTime, rest) <= t ? kMaxTime : t + rest;
  const int64_t end_offset = ZoneOffsetNs(*end);
  if (const int64_t o = zone - end_offset; o != 0 && Abs(o) < d) {
    // Clocks going back add time to this window. Clocks going forward
    // skip time, which belongs to this window only if the switch happens
    // inside it (the offset just before the new end is already the new one).
    if (o > 0 || ZoneOffsetNs(Add(*end, o)) == end_offset) {
      *end = Add(*end, o);
    }
  }
  *end = Add(*end, offset_ns_);
}

int64_t TimeWindows::Start(int64_t t) const {
  if (!zone_) return BucketStart(t, interval_ns_, offset_ns_);
  int64_t start = 0, end = 0;
  Bounds(t, &start, &end);
  return start;
}

int64_t TimeWindows::End(int64_t t) const {
  if (!zone_) return BucketStart(t, interval_ns_, offset_ns_) + interval_ns_;
  int64_t start = 0, end = 0;
  Bounds(t, &start, &end);
  return end;
}

Result<std::vector<int64_t>> TimeWindows::Grid(int64_t first, int64_t last,
                                               size_t max_windows) const {
  std::vector<int64_t> out;
  const int64_t lo = Start(first);
  const int64_t hi = Start(last);
  if (hi < lo) return out;
  if (!zone_) {
    // Unsigned: the span of extreme time bounds does not fit an int64.
    const uint64_t n = (static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo)) /
                           static_cast<uint64_t>(interval_ns_) +
                       1;
    if (n > max_windows) return TooManyWindows(max_windows);
    out.reserve(n);
    for (uint64_t k = 0; k < n; ++k) {
      out.push_back(lo + static_cast<int64_t>(k) * interval_ns_);
    }
    return out;
  }
  // As InfluxDB's fill iterator: step by the interval, then correct by the
  // offset change seen just before the new window start.
  int64_t t = lo;
  int64_t offset = ZoneOffsetNs(t);
  while (t <= hi) {
    if (out.size() >= max_windows) return TooManyWindows(max_windows);
    out.push_back(t);
    if (t > kMaxTime - interval_ns_) break;
    t += interval_ns_;
    if (const int64_t now = ZoneOffsetNs(t - 1); now != offset) {
      if (const int64_t diff = offset - now; Abs(diff) < interval_ns_) {
        t += diff;
      }
      offset = now;
    }
  }
  return out;
}

}  // namespace citynexus::query::influxql
