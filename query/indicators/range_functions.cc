#include "query/indicators/range_functions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>

#include "query/bucket_math.h"

namespace citynexus::query::indicators {
namespace {

constexpr double kNsPerHour = 3600.0 * 1e9;

Cell Absent() { return Cell{0, 0, CellState::kAbsent}; }
Cell Make(double v, double coverage) {
  return Cell{v, coverage, CellState::kValue};
}

// Longest spacing between two points that still counts as observed.
int64_t MaxGap(int64_t interval_ns) {
  return interval_ns > 0 ? 3 * interval_ns
                         : std::numeric_limits<int64_t>::max();
}

double Quantile(std::vector<double>& values, double q) {
  if (q < 0) {
    return -std::numeric_limits<double>::infinity();
  }
  if (q > 1) {
    return std::numeric_limits<double>::infinity();
  }
  return Percentile(values, q * 100);
}

// Linear interpolation between neighbouring points (also those just
// outside the window), clipped to [a, b); gaps are not integrated. The
// coverage is the share of the window covered by integrated segments.
Cell Integral(const RawData& d, size_t lo, int64_t a, int64_t b) {
  const int64_t max_gap = MaxGap(d.interval_ns);
  double area = 0;  // value x ns
  int64_t observed = 0;
  const size_t first = lo > 0 ? lo - 1 : lo;
  for (size_t i = first; i + 1 < d.times.size() && d.times[i] < b; ++i) {
    const int64_t t0 = d.times[i];
    const int64_t t1 = d.times[i + 1];
    if (t1 - t0 > max_gap || t1 <= a) {
      continue;
    }
    const int64_t c0 = std::max(t0, a);
    const int64_t c1 = std::min(t1, b);
    if (c1 <= c0) {
      continue;
    }
    const double slope =
        (d.values[i + 1] - d.values[i]) / static_cast<double>(t1 - t0);
    const double v0 = d.values[i] + slope * static_cast<double>(c0 - t0);
    const double v1 = d.values[i] + slope * static_cast<double>(c1 - t0);
    area += (v0 + v1) / 2 * static_cast<double>(c1 - c0);
    observed += c1 - c0;
  }
  if (observed == 0) {
    return Absent();
  }
  return Make(area / kNsPerHour,
              static_cast<double>(observed) / static_cast<double>(b - a));
}

}  // namespace

Result<RangeFn> RangeFnFromName(std::string_view name) {
  if (name == "sum_over_time") {
    return RangeFn::kSum;
  }
  if (name == "avg_over_time") {
    return RangeFn::kAvg;
  }
  if (name == "min_over_time") {
    return RangeFn::kMin;
  }
  if (name == "max_over_time") {
    return RangeFn::kMax;
  }
  if (name == "count_over_time") {
    return RangeFn::kCount;
  }
  if (name == "last_over_time") {
    return RangeFn::kLast;
  }
  if (name == "quantile_over_time") {
    return RangeFn::kQuantile;
  }
  if (name == "increase") {
    return RangeFn::kIncrease;
  }
  if (name == "rate") {
    return RangeFn::kRate;
  }
  if (name == "integral") {
    return RangeFn::kIntegral;
  }
  if (name == "time_share") {
    return RangeFn::kTimeShare;
  }
  return Status::InvalidArgument("unknown range function " + std::string(name));
}

bool IsBucketRangeFn(RangeFn fn) {
  switch (fn) {
    case RangeFn::kSum:
    case RangeFn::kAvg:
    case RangeFn::kMin:
    case RangeFn::kMax:
    case RangeFn::kCount:
    case RangeFn::kLast:
      return true;
    default:
      return false;
  }
}

namespace {

// A bucket function over the buckets [lo, hi) of the window [a, b).
Cell BucketCell(RangeFn fn, const BucketData& d, size_t lo, size_t hi,
                int64_t a, int64_t b) {
  const uint64_t count = d.prefix_count[hi] - d.prefix_count[lo];
  if (count == 0) {
    return Absent();
  }
  const double cov = Coverage(count, d.interval_ns, b - a);
  const double sum = d.prefix_sum[hi] - d.prefix_sum[lo];
  switch (fn) {
    case RangeFn::kSum:
      return Make(sum, cov);
    case RangeFn::kAvg:
      return Make(sum / static_cast<double>(count), cov);
    case RangeFn::kCount:
      return Make(static_cast<double>(count), cov);
    case RangeFn::kLast:
      return Make(d.buckets[hi - 1].last, cov);
    case RangeFn::kMin:
    case RangeFn::kMax: {
      double v = fn == RangeFn::kMin ? d.buckets[lo].min : d.buckets[lo].max;
      for (size_t i = lo + 1; i < hi; ++i) {
        v = fn == RangeFn::kMin ? std::min(v, d.buckets[i].min)
                                : std::max(v, d.buckets[i].max);
      }
      return Make(v, cov);
    }
    default:
      return Absent();  // not a bucket function; callers check
  }
}

}  // namespace

Cell BucketWindow(RangeFn fn, const BucketData& d, int64_t a, int64_t b) {
  const auto [lo, hi] = d.Range(a, b);
  return BucketCell(fn, d, lo, hi, a, b);
}

void BucketWindows(RangeFn fn, const BucketData& d,
                   const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                   std::vector<Cell>* out) {
  const auto& buckets = d.buckets;
  const size_t n = buckets.size();
  size_t lo = 0;
  size_t hi = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    if (k > 0 && (a[k] < a[k - 1] || b[k] < b[k - 1])) {
      // Not ascending (never for step grids, but cheap to honour): search.
      std::tie(lo, hi) = d.Range(a[k], b[k]);
    } else {
      // Windows ascend: both edges only move forward, one pass in all.
      while (lo < n && buckets[lo].start_ns < a[k]) {
        ++lo;
      }
      hi = std::max(hi, lo);
      while (hi < n && buckets[hi].start_ns < b[k]) {
        ++hi;
      }
    }
    out->push_back(BucketCell(fn, d, lo, hi, a[k], b[k]));
  }
}

Cell RawWindow(RangeFn fn, const RawData& d, int64_t a, int64_t b, double q) {
  const auto [lo, hi] = d.Range(a, b);
  if (fn == RangeFn::kIntegral) {
    return Integral(d, lo, a, b);
  }
  if (hi == lo) {
    return Absent();
  }
  const double cov = Coverage(hi - lo, d.interval_ns, b - a);
  switch (fn) {
    case RangeFn::kQuantile: {
      std::vector<double> v(d.values.begin() + static_cast<std::ptrdiff_t>(lo),
                            d.values.begin() + static_cast<std::ptrdiff_t>(hi));
      return Make(Quantile(v, q), cov);
    }
    case RangeFn::kIncrease:
    case RangeFn::kRate: {
      // The increment between two readings belongs to the window holding
      // the later one, so consecutive windows add up to the total.
      std::vector<std::pair<int64_t, double>> pts;
      for (size_t i = lo; i < hi; ++i) {
        pts.emplace_back(d.times[i], d.values[i]);
      }
      std::optional<double> prev;
      if (lo > 0) {
        prev = d.values[lo - 1];
      }
      const double inc = CounterIncrease(pts, prev);
      if (fn == RangeFn::kIncrease) {
        return Make(inc, cov);
      }
      return Make(inc / (static_cast<double>(b - a) / 1e9), cov);
    }
    default:
      return Absent();
  }
}

TimeShareSpans::TimeShareSpans(const RawData& d,
                               const std::vector<uint8_t>& holds) {
  if (d.interval_ns <= 0) {
    return;  // a state's tail is then the window's length: no fixed spans
  }
  const int64_t max_gap = MaxGap(d.interval_ns);
  const size_t n = d.times.size();
  observed_.assign(n + 1, 0);
  held_.assign(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    const int64_t t0 = d.times[i];
    int64_t t1 = t0 + d.interval_ns;
    if (i + 1 < n && d.times[i + 1] - t0 <= max_gap) {
      t1 = d.times[i + 1];
    }
    observed_[i + 1] = observed_[i] + (t1 - t0);
    held_[i + 1] = held_[i] + (holds[i] ? t1 - t0 : 0);
  }
}

Cell TimeShareWindow(const RawData& d, int64_t a, int64_t b,
                     const std::vector<uint8_t>& holds,
                     const TimeShareSpans& spans) {
  if (!spans.ready()) {
    return TimeShareWindow(d, a, b, [&](size_t i) { return holds[i] != 0; });
  }
  // The same sums as the loop below, exactly (integers): a state that
  // starts inside [a, b) and is not the last one there ends before b, so
  // only the state before a and the last state in the window are clipped;
  // the others come from the prefix sums.
  const auto [lo, hi] = d.Range(a, b);
  const int64_t max_gap = MaxGap(d.interval_ns);
  int64_t observed = 0;
  int64_t held = 0;
  auto clipped = [&](size_t i) {
    const int64_t t0 = d.times[i];
    int64_t t1 = t0 + d.interval_ns;
    if (i + 1 < d.times.size() && d.times[i + 1] - t0 <= max_gap) {
      t1 = d.times[i + 1];
    }
    const int64_t c0 = std::max(t0, a);
    const int64_t c1 = std::min(t1, b);
    if (c1 <= c0) {
      return;
    }
    observed += c1 - c0;
    if (holds[i]) {
      held += c1 - c0;
    }
  };
  if (lo > 0) {
    clipped(lo - 1);
  }
  if (hi > lo) {
    observed += spans.observed(lo, hi - 1);
    held += spans.held(lo, hi - 1);
    clipped(hi - 1);
  }
  if (observed == 0) {
    return Absent();
  }
  const double cov = static_cast<double>(observed) / static_cast<double>(b - a);
  return Make(static_cast<double>(held) / static_cast<double>(observed),
              std::min(1.0, cov));
}

Cell TimeShareWindow(const RawData& d, int64_t a, int64_t b,
                     const std::function<bool(size_t)>& holds) {
  const auto [lo, hi] = d.Range(a, b);
  const int64_t max_gap = MaxGap(d.interval_ns);
  const int64_t tail = d.interval_ns > 0 ? d.interval_ns : b - a;
  int64_t observed = 0;
  int64_t held = 0;
  const size_t first = lo > 0 ? lo - 1 : lo;
  for (size_t i = first; i < d.times.size() && d.times[i] < b; ++i) {
    const int64_t t0 = d.times[i];
    // A state lasts until the next point; across a gap (or after the last
    // point) it lasts one interval and the rest is unobserved.
    int64_t t1 = t0 + tail;
    if (i + 1 < d.times.size() && d.times[i + 1] - t0 <= max_gap) {
      t1 = d.times[i + 1];
    }
    const int64_t c0 = std::max(t0, a);
    const int64_t c1 = std::min(t1, b);
    if (c1 <= c0) {
      continue;
    }
    observed += c1 - c0;
    if (holds(i)) {
      held += c1 - c0;
    }
  }
  if (observed == 0) {
    return Absent();
  }
  const double cov = static_cast<double>(observed) / static_cast<double>(b - a);
  return Make(static_cast<double>(held) / static_cast<double>(observed),
              std::min(1.0, cov));
}

Result<Cell> CellsWindow(RangeFn fn, const std::vector<Cell>& cells,
                         size_t from, size_t to, double q) {
  if (!IsBucketRangeFn(fn) && fn != RangeFn::kQuantile) {
    return Status::NotSupported(
        "increase, rate, integral and time_share over a subquery");
  }
  std::vector<double> values;
  double coverage = 0;
  bool any = false;
  double last = 0;
  for (size_t i = from; i < to; ++i) {
    if (cells[i].state == CellState::kNone) {
      continue;
    }
    any = true;
    coverage += cells[i].coverage;
    if (cells[i].state == CellState::kValue) {
      values.push_back(cells[i].value);
      last = cells[i].value;
    }
  }
  if (!any) {
    return Cell{};
  }
  if (values.empty()) {
    return Absent();
  }
  const double cov = to > from ? coverage / static_cast<double>(to - from) : 0;
  double v = 0;
  switch (fn) {
    case RangeFn::kSum:
    case RangeFn::kAvg:
      for (double x : values) {
        v += x;
      }
      if (fn == RangeFn::kAvg) {
        v /= static_cast<double>(values.size());
      }
      break;
    case RangeFn::kMin:
      v = *std::min_element(values.begin(), values.end());
      break;
    case RangeFn::kMax:
      v = *std::max_element(values.begin(), values.end());
      break;
    case RangeFn::kCount:
      v = static_cast<double>(values.size());
      break;
    case RangeFn::kLast:
      v = last;
      break;
    case RangeFn::kQuantile:
      v = Quantile(values, q);
      break;
    default:
      break;
  }
  return Make(v, cov);
}

}  // namespace citynexus::query::indicators
