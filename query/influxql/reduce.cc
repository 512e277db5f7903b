#include "query/influxql/reduce.h"

#include <algorithm>
#include <cmath>

#include "query/bucket_math.h"

namespace citynexus::query::influxql {
namespace {

double ToDouble(const engine::Value& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  return std::nan("");
}

bool AllIntegers(std::span<const TimedValue> points) {
  for (const auto& p : points) {
    if (!std::holds_alternative<int64_t>(p.value)) return false;
  }
  return true;
}

// InfluxDB breaks first/last ties between series by the greater value.
bool Greater(const engine::Value& a, const engine::Value& b) {
  if (a.index() == b.index()) {
    if (const auto* s = std::get_if<std::string>(&a)) {
      return *s > std::get<std::string>(b);
    }
    if (const auto* x = std::get_if<bool>(&a)) {
      return *x && !std::get<bool>(b);
    }
  }
  return ToDouble(a) > ToDouble(b);
}

}  // namespace

Cell ToCell(const engine::Value& v) {
  return std::visit([](const auto& x) -> Cell { return x; }, v);
}

std::optional<Fn> FnByName(std::string_view name) {
  static const std::pair<std::string_view, Fn> kNames[] = {
      {"count", Fn::kCount},
      {"sum", Fn::kSum},
      {"mean", Fn::kMean},
      {"min", Fn::kMin},
      {"max", Fn::kMax},
      {"first", Fn::kFirst},
      {"last", Fn::kLast},
      {"median", Fn::kMedian},
      {"spread", Fn::kSpread},
      {"stddev", Fn::kStddev},
      {"percentile", Fn::kPercentile},
      {"integral", Fn::kIntegral},
      {"mode", Fn::kMode}};
  for (const auto& [n, fn] : kNames) {
    if (n == name) return fn;
  }
  return std::nullopt;
}

bool IsSelector(Fn fn) {
  return fn == Fn::kMin || fn == Fn::kMax || fn == Fn::kFirst ||
         fn == Fn::kLast || fn == Fn::kPercentile;
}

bool AcceptsAnyType(Fn fn) {
  return fn == Fn::kCount || fn == Fn::kFirst || fn == Fn::kLast ||
         fn == Fn::kMode || fn == Fn::kCountDistinct;
}

std::optional<Reduced> Reduce(Fn fn, double param,
                              std::span<const TimedValue> points,
                              bool greater_on_tie) {
  if (points.empty()) return std::nullopt;
  switch (fn) {
    case Fn::kCount:
      return Reduced{0, static_cast<int64_t>(points.size())};
    case Fn::kSum: {
      if (AllIntegers(points)) {
        int64_t sum = 0;
        for (const auto& p : points) sum += std::get<int64_t>(p.value);
        return Reduced{0, sum};
      }
      double sum = 0;
      for (const auto& p : points) sum += ToDouble(p.value);
      return Reduced{0, sum};
    }
    case Fn::kMean: {
      if (AllIntegers(points)) {
        int64_t sum = 0;
        for (const auto& p : points) sum += std::get<int64_t>(p.value);
        return Reduced{
            0, static_cast<double>(sum) / static_cast<double>(points.size())};
      }
      double sum = 0;
      for (const auto& p : points) sum += ToDouble(p.value);
      return Reduced{0, sum / static_cast<double>(points.size())};
    }
    case Fn::kMin:
    case Fn::kMax: {
      // Ascending time: a strict comparison keeps the earliest on ties.
      const TimedValue* best = &points[0];
      for (const auto& p : points) {
        const double v = ToDouble(p.value);
        const double b = ToDouble(best->value);
        if (fn == Fn::kMin ? v < b : v > b) best = &p;
      }
      return Reduced{best->time_ns, ToCell(best->value)};
    }
    case Fn::kFirst: {
      // Several series at the earliest time: the greater value with GROUP BY
      // time; without, InfluxDB 1.6 returns the last series' point.
      const TimedValue* best = &points[0];
      for (const auto& p : points) {
        if (p.time_ns != points[0].time_ns) break;
        if (greater_on_tie ? Greater(p.value, best->value) : true) best = &p;
      }
      return Reduced{best->time_ns, ToCell(best->value)};
    }
    case Fn::kLast: {
      const TimedValue* best = &points.back();
      if (greater_on_tie) {
        for (auto it = points.rbegin(); it != points.rend(); ++it) {
          if (it->time_ns != points.back().time_ns) break;
          if (Greater(it->value, best->value)) best = &*it;
        }
      }
      return Reduced{best->time_ns, ToCell(best->value)};
    }
    case Fn::kMedian: {
      std::vector<double> v;
      v.reserve(points.size());
      for (const auto& p : points) v.push_back(ToDouble(p.value));
      std::sort(v.begin(), v.end());
      const size_t n = v.size();
      const double m = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
      return Reduced{0, m};
    }
    case Fn::kSpread: {
      if (AllIntegers(points)) {
        int64_t lo = std::get<int64_t>(points[0].value), hi = lo;
        for (const auto& p : points) {
          lo = std::min(lo, std::get<int64_t>(p.value));
          hi = std::max(hi, std::get<int64_t>(p.value));
        }
        return Reduced{0, hi - lo};
      }
      double lo = ToDouble(points[0].value), hi = lo;
      for (const auto& p : points) {
        lo = std::min(lo, ToDouble(p.value));
        hi = std::max(hi, ToDouble(p.value));
      }
      return Reduced{0, hi - lo};
    }
    case Fn::kStddev: {
      std::vector<double> v;
      v.reserve(points.size());
      for (const auto& p : points) v.push_back(ToDouble(p.value));
      const double s = SampleStddev(v);
      // One point has no sample deviation; InfluxDB reports null.
      if (std::isnan(s)) return Reduced{0, std::monostate{}};
      return Reduced{0, s};
    }
    case Fn::kPercentile: {
      std::vector<const TimedValue*> sorted;
      sorted.reserve(points.size());
      for (const auto& p : points) sorted.push_back(&p);
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const TimedValue* a, const TimedValue* b) {
                         return ToDouble(a->value) < ToDouble(b->value);
                       });
      // Nearest rank, as InfluxDB: floor(n * p / 100 + 0.5) - 1.
      const auto i =
          static_cast<int64_t>(std::floor(
              static_cast<double>(sorted.size()) * param / 100.0 + 0.5)) -
          1;
      if (i < 0 || i >= static_cast<int64_t>(sorted.size())) {
        return std::nullopt;
      }
      const TimedValue* p = sorted[static_cast<size_t>(i)];
      return Reduced{p->time_ns, ToCell(p->value)};
    }
    case Fn::kMode:
    case Fn::kCountDistinct:
      return ReduceMore(fn, points);
    case Fn::kIntegral:
      break;
  }
  return std::nullopt;
}

std::vector<std::pair<int64_t, double>> IntegralByWindow(
    std::span<const TimedValue> points, int64_t unit_ns,
    const TimeWindows& windows) {
  const int64_t interval_ns = windows.interval_ns();
  std::vector<std::pair<int64_t, double>> out;
  if (points.empty()) return out;
  const double unit = static_cast<double>(unit_ns);
  int64_t prev_t = points[0].time_ns;
  double prev_v = ToDouble(points[0].value);
  int64_t window_start = 0;
  int64_t window_end = 0;
  if (interval_ns > 0) {
    window_start = windows.Start(prev_t);
    window_end = windows.End(prev_t);
  }
  double sum = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    const int64_t t = points[i].time_ns;
    const double v = ToDouble(points[i].value);
    if (t == prev_t) {  // same timestamp from another series: replace
      prev_v = v;
      continue;
    }
    if (interval_ns > 0 && t >= window_end) {
      // Close the window, interpolating the value at its end.
      if (prev_t != window_end) {
        const double slope = (v - prev_v) / static_cast<double>(t - prev_t);
        const double at_end =
            prev_v + slope * static_cast<double>(window_end - prev_t);
        sum += 0.5 * (at_end + prev_v) *
               (static_cast<double>(window_end - prev_t) / unit);
        prev_v = at_end;
        prev_t = window_end;
      }
      out.emplace_back(window_start, sum);
      window_start = windows.Start(t);
      window_end = windows.End(t);
      sum = 0;
    }
    sum += 0.5 * (v + prev_v) * (static_cast<double>(t - prev_t) / unit);
    prev_t = t;
    prev_v = v;
  }
  // A last point exactly at the window start adds no area to it.
  if (prev_t != window_start || interval_ns == 0) {
    out.emplace_back(window_start, sum);
  }
  return out;
}

}  // namespace citynexus::query::influxql
