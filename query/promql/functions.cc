// PromQL functions (functions.h), following Prometheus 2.42's funcs.go:
// the signature table, label functions, histogram quantiles over classic
// `le` buckets, math and calendar functions. The range-vector functions
// (rate, deriv, the *_over_time family...) are in range_functions.cc.
#include "query/promql/functions.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>

#include "common/regex.h"
#include "query/promql/operators.h"
#include "query/promql/range_functions.h"
#include "query/promql/series_names.h"

namespace citynexus::query::promql {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

using VK = ValueKind;

const std::vector<FunctionSignature>& Table() {
  static const std::vector<FunctionSignature> table = [] {
    std::vector<FunctionSignature> t;
    for (const char* name :
         {"abs",   "ceil", "floor", "exp",       "ln",    "log2",  "log10",
          "sqrt",  "sgn",  "acos",  "acosh",     "asin",  "asinh", "atan",
          "atanh", "cos",  "cosh",  "sin",       "sinh",  "tan",   "tanh",
          "deg",   "rad",  "sort",  "sort_desc", "absent"}) {
      t.push_back({name, {VK::kVector}, 0, false, VK::kVector});
    }
    for (const char* name :
         {"rate", "irate", "increase", "delta", "idelta", "deriv", "resets",
          "changes", "avg_over_time", "min_over_time", "max_over_time",
          "sum_over_time", "count_over_time", "last_over_time",
          "stddev_over_time", "stdvar_over_time", "present_over_time",
          "absent_over_time"}) {
      t.push_back({name, {VK::kMatrix}, 0, false, VK::kVector});
    }
    for (const char* name :
         {"day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour",
          "minute", "month", "year"}) {
      t.push_back({name, {VK::kVector}, 1, false, VK::kVector});
    }
    t.push_back({"quantile_over_time",
                 {VK::kScalar, VK::kMatrix},
                 0,
                 false,
                 VK::kVector});
    t.push_back(
        {"predict_linear", {VK::kMatrix, VK::kScalar}, 0, false, VK::kVector});
    t.push_back({"round", {VK::kVector, VK::kScalar}, 1, false, VK::kVector});
    t.push_back({"clamp",
                 {VK::kVector, VK::kScalar, VK::kScalar},
                 0,
                 false,
                 VK::kVector});
    t.push_back(
        {"clamp_min", {VK::kVector, VK::kScalar}, 0, false, VK::kVector});
    t.push_back(
        {"clamp_max", {VK::kVector, VK::kScalar}, 0, false, VK::kVector});
    t.push_back({"histogram_quantile",
                 {VK::kScalar, VK::kVector},
                 0,
                 false,
                 VK::kVector});
    t.push_back(
        {"label_replace",
         {VK::kVector, VK::kString, VK::kString, VK::kString, VK::kString},
         0,
         false,
         VK::kVector});
    t.push_back({"label_join",
                 {VK::kVector, VK::kString, VK::kString, VK::kString},
                 1,
                 true,
                 VK::kVector});
    t.push_back({"time", {}, 0, false, VK::kScalar});
    t.push_back({"pi", {}, 0, false, VK::kScalar});
    t.push_back({"timestamp", {VK::kVector}, 0, false, VK::kVector});
    t.push_back({"vector", {VK::kScalar}, 0, false, VK::kVector});
    t.push_back({"scalar", {VK::kVector}, 0, false, VK::kScalar});
    return t;
  }();
  return table;
}

// Go's math.Max / math.Min: NaN wins.
double GoMax(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return kNaN;
  return std::max(a, b);
}
double GoMin(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return kNaN;
  return std::min(a, b);
}

Value EmptyVector() {
  Value v;
  v.kind = VK::kVector;
  return v;
}

// ---- instant-vector functions ----

double MathFn(std::string_view fn, double x) {
  static const std::map<std::string_view, double (*)(double)> kFns = {
      {"abs", [](double v) { return std::fabs(v); }},
      {"ceil", [](double v) { return std::ceil(v); }},
      {"floor", [](double v) { return std::floor(v); }},
      {"exp", [](double v) { return std::exp(v); }},
      {"ln", [](double v) { return std::log(v); }},
      {"log2", [](double v) { return std::log2(v); }},
      {"log10", [](double v) { return std::log10(v); }},
      {"sqrt", [](double v) { return std::sqrt(v); }},
      {"acos", [](double v) { return std::acos(v); }},
      {"acosh", [](double v) { return std::acosh(v); }},
      {"asin", [](double v) { return std::asin(v); }},
      {"asinh", [](double v) { return std::asinh(v); }},
      {"atan", [](double v) { return std::atan(v); }},
      {"atanh", [](double v) { return std::atanh(v); }},
      {"cos", [](double v) { return std::cos(v); }},
      {"cosh", [](double v) { return std::cosh(v); }},
      {"sin", [](double v) { return std::sin(v); }},
      {"sinh", [](double v) { return std::sinh(v); }},
      {"tan", [](double v) { return std::tan(v); }},
      {"tanh", [](double v) { return std::tanh(v); }},
      {"deg", [](double v) { return v * 180 / M_PI; }},
      {"rad", [](double v) { return v * M_PI / 180; }},
      {"sgn", [](double v) { return v < 0   ? -1.0
                                    : v > 0 ? 1.0
                                            : v; }},
  };
  auto it = kFns.find(fn);
  return it == kFns.end() ? kNaN : it->second(x);
}

double CalendarFn(std::string_view fn, double seconds) {
  if (std::isnan(seconds) || std::isinf(seconds)) return kNaN;
  const std::time_t t = static_cast<std::time_t>(std::floor(seconds));
  std::tm tm{};
  gmtime_r(&t, &tm);
  if (fn == "day_of_month") return tm.tm_mday;
  if (fn == "day_of_week") return tm.tm_wday;
  if (fn == "day_of_year") return tm.tm_yday + 1;
  if (fn == "hour") return tm.tm_hour;
  if (fn == "minute") return tm.tm_min;
  if (fn == "month") return tm.tm_mon + 1;
  if (fn == "year") return tm.tm_year + 1900;
  // days_in_month
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int year = tm.tm_year + 1900;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return kDays[tm.tm_mon] + (tm.tm_mon == 1 && leap ? 1 : 0);
}

double HistogramQuantile(double q, std::vector<std::pair<double, double>> b) {
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  if (std::isnan(q)) return kNaN;
  std::sort(b.begin(), b.end());
  if (b.empty() || !std::isinf(b.back().first) || b.back().first < 0)
    return kNaN;
  // Coalesce equal bounds, then force monotonic counts.
  std::vector<std::pair<double, double>> c;
  for (const auto& x : b) {
    if (!c.empty() && c.back().first == x.first) {
      c.back().second += x.second;
    } else {
      c.push_back(x);
    }
  }
  double max = -kInf;
  for (auto& x : c) {
    if (x.second > max) {
      max = x.second;
    } else {
      x.second = max;
    }
  }
  if (c.size() < 2) return kNaN;
  const double observations = c.back().second;
  if (observations == 0) return kNaN;
  double rank = q * observations;
  size_t i = 0;
  while (i < c.size() - 1 && c[i].second < rank) ++i;
  if (i == c.size() - 1) return c[c.size() - 2].first;
  if (i == 0 && c[0].first <= 0) return c[0].first;
  double start = 0, end = c[i].first, count = c[i].second;
  if (i > 0) {
    start = c[i - 1].first;
    count -= c[i - 1].second;
    rank -= c[i - 1].second;
  }
  return start + (end - start) * (rank / count);
}

// Go's regexp.Expand, which Prometheus' label_replace uses: `$$` is a
// literal `$`; `$name` / `${name}` is capture group `name` (a number or a
// (?P<name>) group; the unbraced name is the longest run of [A-Za-z0-9_]);
// an unknown group expands to "", a `$` starting no valid reference stays.
std::string ExpandTemplate(std::string_view tmpl, const Regex& re,
                           const std::vector<std::string_view>& groups) {
  auto is_name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  };
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '$' || i + 1 >= tmpl.size()) {
      out += tmpl[i];
      continue;
    }
    if (tmpl[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string_view name;
    size_t next = 0;  // index of the last character of the reference
    if (tmpl[i + 1] == '{') {
      const size_t close = tmpl.find('}', i + 2);
      if (close != std::string_view::npos && close > i + 2) {
        name = tmpl.substr(i + 2, close - i - 2);
        next = close;
        for (char c : name) {
          if (!is_name_char(c)) name = {};
        }
      }
    } else {
      size_t j = i + 1;
      while (j < tmpl.size() && is_name_char(tmpl[j])) ++j;
      if (j > i + 1) {
        name = tmpl.substr(i + 1, j - i - 1);
        next = j - 1;
      }
    }
    if (name.empty()) {  // not a reference: the `$` is literal
      out += '$';
      continue;
    }
    int index = -1;
    if (std::all_of(name.begin(), name.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) != 0;
        })) {
      if (name.size() <= 4) index = std::stoi(std::string(name));
    } else {
      index = re.NamedGroupIndex(name);
    }
    if (index >= 0 && static_cast<size_t>(index) < groups.size()) {
      out += groups[static_cast<size_t>(index)];
    }
    i = next;
  }
  return out;
}

Result<Value> LabelReplace(const CallInput& in) {
  const std::string& dst = in.args[1].text;
  const std::string& repl = in.args[2].text;
  const std::string& src = in.args[3].text;
  // common/regex.h: length cap, compile cache, clear errors.
  auto re = CompileAnchored(in.args[4].text);
  if (!re) {
    return Status::InvalidArgument(
        "invalid regular expression in label_replace(): " +
        re.error().message());
  }
  const bool valid = IsValidLabelName(dst);
  if (!valid)
    return Status::InvalidArgument(
        "invalid destination label name in label_replace(): " + dst);
  Value out = in.args[0];
  std::vector<std::string_view> groups;
  for (Sample& s : out.vector) {
    const std::string value(LabelValue(s.labels, src));
    if (!(*re)->FullMatchGroups(value, &groups)) continue;
    const std::string result = ExpandTemplate(repl, **re, groups);
    if (result.empty()) {
      DeleteLabel(s.labels, dst);
    } else {
      SetLabel(s.labels, dst, result);
    }
  }
  return out;
}

}  // namespace

double Quantile(double q, std::vector<double> values) {
  if (values.empty() || std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  const double rank = q * (n - 1);
  const double lower = std::max(0.0, std::floor(rank));
  const double upper = std::min(n - 1, lower + 1);
  const double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) +
         values[static_cast<size_t>(upper)] * weight;
}

const FunctionSignature* FindFunction(std::string_view name) {
  for (const auto& f : Table()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Result<Value> CallFunction(const CallInput& in) {
  const std::string& fn = in.call.text;
  const FunctionSignature* sig = FindFunction(fn);
  if (!sig->args.empty() && sig->args[0] == VK::kMatrix)
    return RangeFunction(in);
  if (fn == "quantile_over_time") return RangeFunction(in);
  if (fn == "time") return Value::Scalar(static_cast<double>(in.t_ms) / 1000);
  if (fn == "pi") return Value::Scalar(M_PI);
  if (fn == "vector") {
    Value out = EmptyVector();
    out.vector.push_back(Sample{{}, in.args[0].scalar, in.t_ms});
    return out;
  }
  if (fn == "scalar") {
    if (in.args[0].vector.size() != 1) return Value::Scalar(kNaN);
    return Value::Scalar(in.args[0].vector[0].value);
  }
  if (fn == "absent") {
    Value out = EmptyVector();
    if (in.args[0].vector.empty())
      out.vector.push_back({AbsentLabels(*in.call.args[0]), 1, 0});
    return out;
  }
  if (fn == "label_replace") return LabelReplace(in);
  if (fn == "label_join") {
    const std::string& dst = in.args[1].text;
    Value out = in.args[0];
    for (Sample& s : out.vector) {
      std::string joined;
      for (size_t i = 3; i < in.args.size(); ++i) {
        if (i > 3) joined += in.args[2].text;
        joined += LabelValue(s.labels, in.args[i].text);
      }
      if (joined.empty()) {
        DeleteLabel(s.labels, dst);
      } else {
        SetLabel(s.labels, dst, joined);
      }
    }
    return out;
  }
  if (fn == "sort" || fn == "sort_desc") {
    Value out = in.args[0];
    const bool desc = fn == "sort_desc";
    std::stable_sort(out.vector.begin(), out.vector.end(),
                     [&](const Sample& a, const Sample& b) {
                       if (std::isnan(a.value)) return false;
                       if (std::isnan(b.value)) return true;
                       return desc ? a.value > b.value : a.value < b.value;
                     });
    return out;
  }
  if (fn == "histogram_quantile") {
    std::map<std::string,
             std::pair<Labels, std::vector<std::pair<double, double>>>>
        groups;
    std::vector<std::string> order;
    for (const Sample& s : in.args[1].vector) {
      const std::string le(LabelValue(s.labels, "le"));
      char* end = nullptr;
      const double bound = std::strtod(le.c_str(), &end);
      if (le.empty() || end != le.c_str() + le.size()) continue;
      Labels labels = s.labels;
      DeleteLabel(labels, "le");
      DeleteLabel(labels, kMetricName);
      const std::string key = LabelsKey(labels);
      auto [it, added] = groups.try_emplace(key);
      if (added) {
        order.push_back(key);
        it->second.first = std::move(labels);
      }
      it->second.second.emplace_back(bound, s.value);
    }
    Value out = EmptyVector();
    for (const auto& key : order) {
      auto& g = groups[key];
      out.vector.push_back(Sample{
          g.first, HistogramQuantile(in.args[0].scalar, g.second), in.t_ms});
    }
    return out;
  }
  // Element-wise functions of one vector: the metric name is dropped.
  Value out = EmptyVector();
  const bool calendar = fn == "day_of_month" || fn == "day_of_week" ||
                        fn == "day_of_year" || fn == "days_in_month" ||
                        fn == "hour" || fn == "minute" || fn == "month" ||
                        fn == "year";
  if (calendar && in.args.empty()) {
    out.vector.push_back(Sample{
        {}, CalendarFn(fn, static_cast<double>(in.t_ms) / 1000), in.t_ms});
    return out;
  }
  if (fn == "clamp" && in.args[2].scalar < in.args[1].scalar) return out;
  const Node* arg0 = in.call.args[0].get();
  while (arg0->kind == NodeKind::kParen) arg0 = arg0->args[0].get();
  const bool selector_arg = arg0->kind == NodeKind::kVectorSelector;
  for (const Sample& s : in.args[0].vector) {
    double v = s.value;
    if (calendar) {
      v = CalendarFn(fn, v);
    } else if (fn == "timestamp") {
      // The point's own time for a selector, else the evaluation time.
      v = static_cast<double>(selector_arg ? s.t_ms : in.t_ms) / 1000;
    } else if (fn == "round") {
      const double to = in.args.size() > 1 ? in.args[1].scalar : 1;
      const double inverse = 1.0 / to;
      v = std::floor(v * inverse + 0.5) / inverse;
    } else if (fn == "clamp") {
      v = GoMax(in.args[1].scalar, GoMin(in.args[2].scalar, v));
    } else if (fn == "clamp_min") {
      v = GoMax(in.args[1].scalar, v);
    } else if (fn == "clamp_max") {
      v = GoMin(in.args[1].scalar, v);
    } else {
      v = MathFn(fn, v);
    }
    Labels labels = s.labels;
    DeleteLabel(labels, kMetricName);
    out.vector.push_back(Sample{std::move(labels), v, in.t_ms});
  }
  return out;
}

}  // namespace citynexus::query::promql
