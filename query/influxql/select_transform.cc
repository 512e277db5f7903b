// InfluxQL transformations over one output series, as InfluxDB 1.6's
// reducers compute them (query/functions.go): derivative and difference
// skip a point at the time of the current one (several merged series at one
// time: the first counts), non_negative_ forms drop negative results,
// moving_average keeps a running sum over a ring of N values, elapsed
// reports integer time steps in the unit.
#include <algorithm>
#include <cmath>

#include "query/influxql/select_expr.h"

namespace citynexus::query::influxql::detail {
namespace {

double AsDouble(const Cell& c) {
  if (const auto* d = std::get_if<double>(&c)) return *d;
  if (const auto* i = std::get_if<int64_t>(&c)) return static_cast<double>(*i);
  return std::nan("");
}

bool IsInteger(const Cell& c) { return std::holds_alternative<int64_t>(c); }

std::vector<TimedCell> Derivative(int64_t unit_ns,
                                  std::span<const TimedCell> points,
                                  bool ascending, bool non_negative) {
  std::vector<TimedCell> out;
  const TimedCell* prev = nullptr;
  for (const auto& p : points) {
    if (prev != nullptr && prev->time_ns == p.time_ns) continue;
    if (prev != nullptr) {
      const double diff = AsDouble(p.value) - AsDouble(prev->value);
      int64_t elapsed = p.time_ns - prev->time_ns;
      if (!ascending) elapsed = -elapsed;
      const double value =
          diff / (static_cast<double>(elapsed) / static_cast<double>(unit_ns));
      if (!(non_negative && diff < 0)) out.push_back({p.time_ns, value});
    }
    prev = &p;
  }
  return out;
}

std::vector<TimedCell> Difference(std::span<const TimedCell> points,
                                  bool non_negative) {
  std::vector<TimedCell> out;
  const TimedCell* prev = nullptr;
  for (const auto& p : points) {
    if (prev != nullptr && prev->time_ns == p.time_ns) continue;
    if (prev != nullptr) {
      if (IsInteger(p.value) && IsInteger(prev->value)) {
        const int64_t diff =
            std::get<int64_t>(p.value) - std::get<int64_t>(prev->value);
        if (!(non_negative && diff < 0)) out.push_back({p.time_ns, diff});
      } else {
        const double diff = AsDouble(p.value) - AsDouble(prev->value);
        if (!(non_negative && diff < 0)) out.push_back({p.time_ns, diff});
      }
    }
    prev = &p;
  }
  return out;
}

std::vector<TimedCell> MovingAverage(int64_t n,
                                     std::span<const TimedCell> points) {
  std::vector<TimedCell> out;
  if (n <= 0) return out;
  const size_t window = static_cast<size_t>(n);
  if (window > points.size()) return out;  // never a full window
  std::vector<double> ring;
  ring.reserve(window);
  size_t pos = 0;
  double sum = 0;
  for (const auto& p : points) {
    const double v = AsDouble(p.value);
    if (ring.size() < window) {
      ring.push_back(v);
    } else {
      ring[pos] = v;
    }
    sum += v;
    pos = (pos + 1) % window;
    if (ring.size() < window) continue;
    out.push_back({p.time_ns, sum / static_cast<double>(window)});
    sum -= ring[pos];  // the oldest value leaves with the next point
  }
  return out;
}

std::vector<TimedCell> CumulativeSum(std::span<const TimedCell> points) {
  std::vector<TimedCell> out;
  int64_t isum = 0;
  double fsum = 0;
  for (const auto& p : points) {
    if (IsInteger(p.value)) {
      isum += std::get<int64_t>(p.value);
      out.push_back({p.time_ns, isum});
    } else {
      fsum += AsDouble(p.value);
      out.push_back({p.time_ns, fsum});
    }
  }
  return out;
}

std::vector<TimedCell> Elapsed(int64_t unit_ns,
                               std::span<const TimedCell> points) {
  std::vector<TimedCell> out;
  for (size_t i = 1; i < points.size(); ++i) {
    out.push_back({points[i].time_ns,
                   (points[i].time_ns - points[i - 1].time_ns) / unit_ns});
  }
  return out;
}

}  // namespace

std::optional<Transform> TransformByName(std::string_view name) {
  static const std::pair<std::string_view, Transform> kNames[] = {
      {"derivative", Transform::kDerivative},
      {"non_negative_derivative", Transform::kNonNegativeDerivative},
      {"difference", Transform::kDifference},
      {"non_negative_difference", Transform::kNonNegativeDifference},
      {"moving_average", Transform::kMovingAverage},
      {"cumulative_sum", Transform::kCumulativeSum},
      {"elapsed", Transform::kElapsed}};
  for (const auto& [n, t] : kNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

bool ExtendsStart(Transform t) { return t != Transform::kCumulativeSum; }

std::vector<TimedCell> ApplyTransform(Transform t, int64_t param,
                                      std::span<const TimedCell> points,
                                      bool ascending) {
  switch (t) {
    case Transform::kDerivative:
      return Derivative(param, points, ascending, false);
    case Transform::kNonNegativeDerivative:
      return Derivative(param, points, ascending, true);
    case Transform::kDifference:
      return Difference(points, false);
    case Transform::kNonNegativeDifference:
      return Difference(points, true);
    case Transform::kMovingAverage:
      return MovingAverage(param, points);
    case Transform::kCumulativeSum:
      return CumulativeSum(points);
    case Transform::kElapsed:
      return Elapsed(param, points);
  }
  return {};
}

}  // namespace citynexus::query::influxql::detail
