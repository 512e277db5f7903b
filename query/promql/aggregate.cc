// Aggregation operators (operators.h), following Prometheus 2.42's
// aggregation(): incremental mean, Welford variance, NaN rules of min/max.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include "query/promql/functions.h"
#include "query/promql/operators.h"

namespace citynexus::query::promql {
namespace {

struct Group {
  Labels labels;
  double value = 0;
  double mean = 0;
  size_t count = 0;
  std::vector<Sample> heap;    // topk / bottomk
  std::vector<double> values;  // quantile
};

Labels GroupLabels(const Node& n, const Labels& labels) {
  Labels out;
  for (const auto& kv : labels) {
    const bool listed = std::find(n.grouping.begin(), n.grouping.end(),
                                  kv.first) != n.grouping.end();
    if (n.without ? (!listed && kv.first != kMetricName) : listed) {
      out.push_back(kv);
    }
  }
  return out;
}

// Prometheus orders topk with NaN as the smallest value (bottomk: largest).
bool Before(bool top, double a, double b) {
  if (top) return a > b || (std::isnan(b) && !std::isnan(a));
  return a < b || (std::isnan(b) && !std::isnan(a));
}

}  // namespace

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

Result<Value> ApplyAggregate(const Node& n, const Value* param,
                             std::vector<Sample> input) {
  const std::string& op = n.text;
  std::map<std::string, Group> groups;
  std::vector<std::string> order;  // groups in first-seen order
  std::string count_label;
  int64_t k = 0;
  double q = 0;
  if (op == "topk" || op == "bottomk") {
    const double kf = param->scalar;
    if (std::isnan(kf) || kf > 9.2e18 || kf < -9.2e18) {
      return Status::InvalidArgument("Scalar value " + FormatValue(kf) +
                                     " overflows int64");
    }
    k = static_cast<int64_t>(kf);
    if (k < 1) return Value{};
  } else if (op == "quantile") {
    q = param->scalar;
  } else if (op == "count_values") {
    count_label = param->text;
    bool ok = !count_label.empty() &&
              !std::isdigit(static_cast<unsigned char>(count_label[0]));
    for (char c : count_label) {
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    }
    if (!ok)
      return Status::InvalidArgument("invalid label name \"" + count_label +
                                     "\"");
  }
  for (Sample& s : input) {
    Labels key_labels = GroupLabels(n, s.labels);
    if (op == "count_values") {
      SetLabel(key_labels, count_label, FormatValue(s.value));
    }
    const std::string key = LabelsKey(key_labels);
    auto [it, added] = groups.try_emplace(key);
    Group& g = it->second;
    if (added) {
      order.push_back(key);
      g.labels = std::move(key_labels);
      g.value = s.value;
      g.mean = s.value;
      g.count = 1;
      if (op == "stddev" || op == "stdvar") {
        g.value = 0;
      } else if (op == "count" || op == "group" || op == "count_values") {
        g.value = 1;
      }
      if (op == "topk" || op == "bottomk") g.heap.push_back(std::move(s));
      if (op == "quantile") g.values.push_back(s.value);
      continue;
    }
    ++g.count;
    const double v = s.value;
    if (op == "sum") {
      g.value += v;
    } else if (op == "avg") {
      if (std::isinf(g.mean)) {
        if (std::isinf(v) && (g.mean > 0) == (v > 0)) continue;
        if (!std::isinf(v) && !std::isnan(v)) continue;
      }
      g.mean += v / static_cast<double>(g.count) -
                g.mean / static_cast<double>(g.count);
    } else if (op == "max") {
      if (g.value < v || std::isnan(g.value)) g.value = v;
    } else if (op == "min") {
      if (g.value > v || std::isnan(g.value)) g.value = v;
    } else if (op == "count" || op == "count_values") {
      g.value = static_cast<double>(g.count);
    } else if (op == "stddev" || op == "stdvar") {
      const double delta = v - g.mean;
      g.mean += delta / static_cast<double>(g.count);
      g.value += delta * (v - g.mean);
    } else if (op == "topk" || op == "bottomk") {
      g.heap.push_back(std::move(s));
    } else if (op == "quantile") {
      g.values.push_back(v);
    }
  }
  Value out;
  out.kind = ValueKind::kVector;
  for (const std::string& key : order) {
    Group& g = groups[key];
    if (op == "topk" || op == "bottomk") {
      const bool top = op == "topk";
      std::stable_sort(g.heap.begin(), g.heap.end(),
                       [&](const Sample& a, const Sample& b) {
                         return Before(top, a.value, b.value);
                       });
      const size_t keep =
          std::min<size_t>(g.heap.size(), static_cast<size_t>(k));
      for (size_t i = 0; i < keep; ++i)
        out.vector.push_back(std::move(g.heap[i]));
      continue;
    }
    double v = g.value;
    if (op == "avg") v = g.mean;
    if (op == "stdvar") v = g.value / static_cast<double>(g.count);
    if (op == "stddev") v = std::sqrt(g.value / static_cast<double>(g.count));
    if (op == "quantile") v = Quantile(q, g.values);
    out.vector.push_back(Sample{std::move(g.labels), v, 0});
  }
  return out;
}

}  // namespace citynexus::query::promql
