#include "query/bucket_math.h"

#include <algorithm>
#include <cmath>

namespace citynexus::query {

int64_t BucketStart(int64_t t, int64_t step_ns, int64_t offset_ns) {
  // Floor division that is correct for negative times.
  const int64_t shifted = t - offset_ns;
  int64_t k = shifted / step_ns;
  if (shifted % step_ns != 0 && shifted < 0) --k;
  return k * step_ns + offset_ns;
}

void MergeBucket(engine::Bucket& into, const engine::Bucket& b) {
  if (b.count == 0) return;
  if (into.count == 0) {
    into = b;
    return;
  }
  into.count += b.count;
  into.sum += b.sum;
  into.min = std::min(into.min, b.min);
  into.max = std::max(into.max, b.max);
  if (b.first_ns < into.first_ns) {
    into.first_ns = b.first_ns;
    into.first = b.first;
  }
  if (b.last_ns > into.last_ns) {
    into.last_ns = b.last_ns;
    into.last = b.last;
  }
}

bool IsBucketFunction(AggFunction f) {
  switch (f) {
    case AggFunction::kCount:
    case AggFunction::kSum:
    case AggFunction::kMean:
    case AggFunction::kMin:
    case AggFunction::kMax:
    case AggFunction::kFirst:
    case AggFunction::kLast:
    case AggFunction::kSpread:
      return true;
    default:
      return false;
  }
}

double BucketValue(AggFunction f, const engine::Bucket& b) {
  switch (f) {
    case AggFunction::kCount:
      return static_cast<double>(b.count);
    case AggFunction::kSum:
      return b.sum;
    case AggFunction::kMean:
      return b.sum / static_cast<double>(b.count);
    case AggFunction::kMin:
      return b.min;
    case AggFunction::kMax:
      return b.max;
    case AggFunction::kFirst:
      return b.first;
    case AggFunction::kLast:
      return b.last;
    case AggFunction::kSpread:
      return b.max - b.min;
    default:
      return std::nan("");
  }
}

double Percentile(std::vector<double>& values, double p) {
  if (values.size() == 1) return values[0];
  const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  const bool has_nan = std::any_of(values.begin(), values.end(),
                                   [](double v) { return std::isnan(v); });
  if (has_nan || !(rank >= 0) || rank >= static_cast<double>(values.size())) {
    // NaN has no rank: keep the sorted order the full sort gives (a
    // selection would order the NaNs differently).
    std::sort(values.begin(), values.end());
    const size_t lo = static_cast<size_t>(std::floor(rank));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    const double frac = rank - static_cast<double>(lo);
    return values[lo] + (values[hi] - values[lo]) * frac;
  }
  // Two order statistics in linear time instead of a sort: the quantile
  // windows of indicators (28 days of 5-minute values at every daily step)
  // spent most of their time sorting. The values are those a sort would put
  // at `lo` and `hi`, so the result is the same.
  const size_t lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  const double frac = rank - static_cast<double>(lo);
  const auto lo_it = values.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(values.begin(), lo_it, values.end());
  const double v_lo = *lo_it;
  const double v_hi =
      hi == lo ? v_lo : *std::min_element(lo_it + 1, values.end());
  return v_lo + (v_hi - v_lo) * frac;
}

double SampleStddev(const std::vector<double>& values) {
  if (values.size() < 2) return std::nan("");
  double mean = 0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double sq = 0;
  for (double v : values) sq += (v - mean) * (v - mean);
  return std::sqrt(sq / static_cast<double>(values.size() - 1));
}

double CounterIncrease(const std::vector<std::pair<int64_t, double>>& points,
                       std::optional<double> prev) {
  double total = 0;
  for (const auto& [t, v] : points) {
    if (prev) total += v >= *prev ? v - *prev : v;
    prev = v;
  }
  return total;
}

double TrapezoidIntegral(const std::vector<std::pair<int64_t, double>>& points,
                         int64_t unit_ns) {
  double area = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    const double dt =
        static_cast<double>(points[i].first - points[i - 1].first);
    area += (points[i].second + points[i - 1].second) * 0.5 * dt;
  }
  return area / static_cast<double>(unit_ns);
}

std::vector<std::pair<int64_t, std::optional<double>>> ApplyFill(
    const std::vector<std::pair<int64_t, double>>& sparse,
    const std::vector<int64_t>& bucket_starts, FillMode fill,
    double fill_value) {
  std::vector<std::pair<int64_t, std::optional<double>>> out;
  if (fill == FillMode::kNone) {
    out.reserve(sparse.size());
    for (const auto& [t, v] : sparse) out.emplace_back(t, v);
    return out;
  }
  size_t i = 0;
  std::optional<std::pair<int64_t, double>> previous;
  for (const int64_t t : bucket_starts) {
    while (i < sparse.size() && sparse[i].first < t) ++i;
    if (i < sparse.size() && sparse[i].first == t) {
      out.emplace_back(t, sparse[i].second);
      previous = sparse[i];
      continue;
    }
    std::optional<double> v;
    switch (fill) {
      case FillMode::kNull:
      case FillMode::kNone:
        break;
      case FillMode::kValue:
        v = fill_value;
        break;
      case FillMode::kPrevious:
        if (previous) v = previous->second;
        break;
      case FillMode::kLinear:
        // Interpolate only between two buckets that have values.
        if (previous && i < sparse.size()) {
          const auto& next = sparse[i];
          const double frac = static_cast<double>(t - previous->first) /
                              static_cast<double>(next.first - previous->first);
          v = previous->second + (next.second - previous->second) * frac;
        }
        break;
    }
    out.emplace_back(t, v);
  }
  return out;
}

}  // namespace citynexus::query
