// Per-series functions over a time window [a, b): the *_over_time family,
// counter-aware increase and rate, integral (trapezoid, value x hours) and
// time_share (fraction of the observed time a condition held), computed
// from bucket aggregates where possible and from raw points otherwise.
// Exact rules (boundaries, gaps) are in docs/indicators.md.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "query/indicators/eval_value.h"
#include "query/indicators/series_data.h"

namespace citynexus::query::indicators {

enum class RangeFn {
  kSum,
  kAvg,
  kMin,
  kMax,
  kCount,
  kLast,
  kQuantile,
  kIncrease,
  kRate,
  kIntegral,
  kTimeShare,
};

// kInvalidArgument for an unknown name.
Result<RangeFn> RangeFnFromName(std::string_view name);
// True when the function can be computed from bucket aggregates (rollups).
bool IsBucketRangeFn(RangeFn fn);

// A bucket function over the buckets inside [a, b). kAbsent without points.
Cell BucketWindow(RangeFn fn, const BucketData& data, int64_t a, int64_t b);
// BucketWindow of every window [a[k], b[k]) appended to `out`, in one pass
// over the buckets when the windows ascend (as a step grid's do).
void BucketWindows(RangeFn fn, const BucketData& data,
                   const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                   std::vector<Cell>* out);

// A raw-point function (quantile with `q` in 0..1, increase, rate,
// integral) over [a, b) of a numeric series.
Cell RawWindow(RangeFn fn, const RawData& data, int64_t a, int64_t b, double q);

// Fraction of the observed time in [a, b) during which `holds(i)` was true
// for the state set by point i. Each point's state lasts until the next
// point; when the next point is more than 3 median intervals away (a gap),
// or for the last point, it lasts one interval and the rest is excluded.
Cell TimeShareWindow(const RawData& data, int64_t a, int64_t b,
                     const std::function<bool(size_t)>& holds);

// Prefix sums of the state durations of one series (each point's state
// until the next point, or one interval across a gap), so that the windows
// of a step grid cost two binary searches each instead of a walk over
// every point: a 30-day window at daily steps walked each point 30 times.
// Empty (not ready) when the series' interval is unknown.
class TimeShareSpans {
 public:
  // `holds[i]` != 0 when the condition holds for point i of `data`.
  TimeShareSpans(const RawData& data, const std::vector<uint8_t>& holds);
  bool ready() const { return !observed_.empty(); }
  // Summed durations of the states of points [from, to).
  int64_t observed(size_t from, size_t to) const {
    return observed_[to] - observed_[from];
  }
  int64_t held(size_t from, size_t to) const { return held_[to] - held_[from]; }

 private:
  std::vector<int64_t> observed_;  // observed_[i]: states of points < i
  std::vector<int64_t> held_;
};

// TimeShareWindow with the condition evaluated once per point (`holds`)
// and `spans` built from the same data and condition; the same result.
Cell TimeShareWindow(const RawData& data, int64_t a, int64_t b,
                     const std::vector<uint8_t>& holds,
                     const TimeShareSpans& spans);

// A function over the cells [from, to) of a subquery's inner steps. The
// coverage is the mean coverage of those steps (a step without a cell counts
// as 0). kNotSupported for increase, rate, integral and time_share.
Result<Cell> CellsWindow(RangeFn fn, const std::vector<Cell>& cells,
                         size_t from, size_t to, double q);

}  // namespace citynexus::query::indicators
