// Range-vector functions (range_functions.h): Prometheus' extrapolated
// rate/increase/delta, irate/idelta, linear regression for deriv and
// predict_linear, and the *_over_time family.
#include "query/promql/range_functions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "query/promql/series_names.h"

namespace citynexus::query::promql {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Prometheus' extrapolatedRate: the change over the points of the window,
// extrapolated towards the window edges (not past a counter's zero).
std::optional<double> ExtrapolatedRate(const SeriesPoints& s, int64_t a,
                                       int64_t b, bool counter, bool rate) {
  const size_t n = s.values.size();
  if (n < 2) return std::nullopt;
  double correction = 0, last = 0;
  for (double v : s.values) {
    if (counter && v < last) correction += last;
    last = v;
  }
  double result = last - s.values[0] + correction;
  double to_start = static_cast<double>(s.t_ms[0] - a) / 1000;
  double to_end = static_cast<double>(b - s.t_ms[n - 1]) / 1000;
  const double sampled = static_cast<double>(s.t_ms[n - 1] - s.t_ms[0]) / 1000;
  const double average = sampled / static_cast<double>(n - 1);
  if (counter && result > 0 && s.values[0] >= 0) {
    const double to_zero = sampled * (s.values[0] / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  const double threshold = average * 1.1;
  double interval = sampled;
  interval += to_start < threshold ? to_start : average / 2;
  interval += to_end < threshold ? to_end : average / 2;
  result = result * (interval / sampled);
  if (rate) result /= static_cast<double>(b - a) / 1000;
  return result;
}

std::optional<double> InstantDelta(const SeriesPoints& s, bool rate) {
  const size_t n = s.values.size();
  if (n < 2) return std::nullopt;
  const double last = s.values[n - 1], prev = s.values[n - 2];
  double result = rate && last < prev ? last : last - prev;
  if (!rate) return result;
  const int64_t interval = s.t_ms[n - 1] - s.t_ms[n - 2];
  if (interval == 0) return std::nullopt;
  return result / (static_cast<double>(interval) / 1000);
}

std::pair<double, double> LinearRegression(const SeriesPoints& s,
                                           int64_t intercept_ms) {
  double n = 0, sum_x = 0, sum_y = 0, sum_xy = 0, sum_x2 = 0;
  const double init_y = s.values[0];
  bool const_y = true;
  for (size_t i = 0; i < s.values.size(); ++i) {
    if (i > 0 && s.values[i] != init_y) const_y = false;
    n += 1;
    const double x = static_cast<double>(s.t_ms[i] - intercept_ms) / 1e3;
    sum_x += x;
    sum_y += s.values[i];
    sum_xy += x * s.values[i];
    sum_x2 += x * x;
  }
  if (const_y) {
    if (std::isinf(init_y)) return {kNaN, kNaN};
    return {0, init_y};
  }
  const double cov_xy = sum_xy - sum_x * sum_y / n;
  const double var_x = sum_x2 - sum_x * sum_x / n;
  const double slope = cov_xy / var_x;
  return {slope, sum_y / n - slope * sum_x / n};
}

std::optional<double> OverTime(std::string_view fn, const SeriesPoints& s,
                               double q) {
  const auto& v = s.values;
  if (v.empty()) return std::nullopt;
  if (fn == "avg_over_time") {
    double mean = 0, count = 0;
    for (double x : v) {
      count += 1;
      if (std::isinf(mean)) {
        if (std::isinf(x) && (mean > 0) == (x > 0)) continue;
        if (!std::isinf(x) && !std::isnan(x)) continue;
      }
      mean += x / count - mean / count;
    }
    return mean;
  }
  if (fn == "sum_over_time") {
    double sum = 0;
    for (double x : v) sum += x;
    return sum;
  }
  if (fn == "min_over_time" || fn == "max_over_time") {
    const bool max = fn == "max_over_time";
    double r = v[0];
    for (double x : v) {
      if ((max ? x > r : x < r) || std::isnan(r)) r = x;
    }
    return r;
  }
  if (fn == "count_over_time") return static_cast<double>(v.size());
  if (fn == "last_over_time") return v.back();
  if (fn == "present_over_time") return 1.0;
  if (fn == "stddev_over_time" || fn == "stdvar_over_time") {
    double count = 0, mean = 0, aux = 0;
    for (double x : v) {
      count += 1;
      const double delta = x - mean;
      mean += delta / count;
      aux += delta * (x - mean);
    }
    return fn == "stddev_over_time" ? std::sqrt(aux / count) : aux / count;
  }
  if (fn == "quantile_over_time") return Quantile(q, v);
  if (fn == "changes" || fn == "resets") {
    double count = 0;
    for (size_t i = 1; i < v.size(); ++i) {
      if (fn == "changes") {
        if (v[i] != v[i - 1] && !(std::isnan(v[i]) && std::isnan(v[i - 1])))
          ++count;
      } else if (v[i] < v[i - 1]) {
        ++count;
      }
    }
    return count;
  }
  return std::nullopt;
}

}  // namespace

// Labels of absent()'s answer: the selector's equality matchers (not the
// metric name), when the argument is a selector; none otherwise.
Labels AbsentLabels(const Node& arg_in) {
  const Node* arg = &arg_in;
  while (arg->kind == NodeKind::kParen) arg = arg->args[0].get();
  if (arg->kind == NodeKind::kMatrixSelector) arg = arg->args[0].get();
  Labels out;
  if (arg->kind != NodeKind::kVectorSelector) return out;
  std::map<std::string, int> seen;
  for (const auto& m : arg->matchers) {
    if (m.label == kMetricName) continue;
    if (m.op == MatchOp::kEqual) {
      if (++seen[m.label] == 1) SetLabel(out, m.label, m.value);
    }
  }
  for (const auto& [name, count] : seen) {
    if (count > 1) DeleteLabel(out, name);  // contradictory: no single value
  }
  return out;
}

Value RangeFunction(const CallInput& in) {
  const std::string& fn = in.call.text;
  const Value& m = in.args[fn == "quantile_over_time" ? 1 : 0];
  Value out;
  out.kind = ValueKind::kVector;
  if (fn == "absent_over_time") {
    if (m.matrix.empty())
      out.vector.push_back({AbsentLabels(*in.call.args[0]), 1, 0});
    return out;
  }
  const double q = fn == "quantile_over_time" ? in.args[0].scalar : 0;
  for (const SeriesPoints& s : m.matrix) {
    std::optional<double> v;
    if (fn == "rate" || fn == "increase" || fn == "delta") {
      v = ExtrapolatedRate(s, in.window_start_ms, in.window_end_ms,
                           fn != "delta", fn == "rate");
    } else if (fn == "irate" || fn == "idelta") {
      v = InstantDelta(s, fn == "irate");
    } else if (fn == "deriv") {
      if (s.values.size() >= 2) v = LinearRegression(s, s.t_ms[0]).first;
    } else if (fn == "predict_linear") {
      if (s.values.size() >= 2) {
        auto [slope, intercept] = LinearRegression(s, in.t_ms);
        v = slope * in.args[1].scalar + intercept;
      }
    } else {
      v = OverTime(fn, s, q);
    }
    if (!v) continue;
    Labels labels = s.labels;
    if (fn != "last_over_time") DeleteLabel(labels, kMetricName);
    out.vector.push_back(Sample{std::move(labels), *v, in.t_ms});
  }
  return out;
}

}  // namespace citynexus::query::promql
