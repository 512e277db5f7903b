// Aggregation operators (operators.h), following Prometheus 2.42's
// aggregation(): incremental mean, Welford variance, NaN rules of min/max.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "query/promql/functions.h"
#include "query/promql/operators.h"

namespace citynexus::query::promql {
namespace {

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

// topk / bottomk keep Prometheus' selection among equal values: a min-heap
// (max-heap for bottomk) of the first k samples; a later sample strictly
// better than the top (or any sample when the top is NaN) pops the top and
// is pushed, with Go's container/heap sift order. Less is Prometheus'
// vectorByValueHeap (NaN lowest) or its reverse.
class SelectionHeap {
 public:
  SelectionHeap(bool top, size_t k) : top_(top), k_(k) {}

  void Add(Sample s) {
    if (heap_.size() >= k_) {
      const double head = heap_[0].value;
      const bool better =
          (top_ ? head < s.value : head > s.value) || std::isnan(head);
      if (!better) return;
      // heap.Pop: the top goes to the end, the rest sifts down.
      std::swap(heap_[0], heap_.back());
      Down(0, heap_.size() - 1);
      heap_.pop_back();
    }
    heap_.push_back(std::move(s));
    Up(heap_.size() - 1);
  }

  std::vector<Sample>& samples() { return heap_; }

 private:
  bool Less(size_t i, size_t j) const {
    const double a = heap_[i].value, b = heap_[j].value;
    if (std::isnan(a)) return true;
    return top_ ? a < b : a > b;
  }
  void Up(size_t j) {
    while (j > 0) {
      const size_t i = (j - 1) / 2;
      if (!Less(j, i)) break;
      std::swap(heap_[i], heap_[j]);
      j = i;
    }
  }
  void Down(size_t i0, size_t n) {
    size_t i = i0;
    while (true) {
      const size_t j1 = 2 * i + 1;
      if (j1 >= n) break;
      size_t j = j1;
      if (j1 + 1 < n && Less(j1 + 1, j1)) j = j1 + 1;
      if (!Less(j, i)) break;
      std::swap(heap_[i], heap_[j]);
      i = j;
    }
  }

  bool top_;
  size_t k_;
  std::vector<Sample> heap_;
};

struct Group {
  Labels labels;
  double value = 0;
  double mean = 0;
  size_t count = 0;
  std::optional<SelectionHeap> heap;  // topk / bottomk
  std::vector<double> values;         // quantile
};

// Output order of topk / bottomk: best first, NaN last.
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
    const bool ok = IsValidLabelName(count_label);
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
      if (op == "topk" || op == "bottomk") {
        g.heap.emplace(op == "topk", static_cast<size_t>(k));
        g.heap->Add(std::move(s));
      }
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
      g.heap->Add(std::move(s));
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
      std::vector<Sample>& kept = g.heap->samples();
      std::stable_sort(kept.begin(), kept.end(),
                       [&](const Sample& a, const Sample& b) {
                         return Before(top, a.value, b.value);
                       });
      for (Sample& s : kept) out.vector.push_back(std::move(s));
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
