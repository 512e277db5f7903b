// Binary operators (operators.h), following Prometheus 2.42's
// VectorBinop / VectorscalarBinop / set operations.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "query/promql/operators.h"

namespace citynexus::query::promql {
namespace {

// (value, keep) of `l op r`; comparisons keep l when true.
std::pair<double, bool> ElemBinop(std::string_view op, double l, double r) {
  if (op == "+") return {l + r, true};
  if (op == "-") return {l - r, true};
  if (op == "*") return {l * r, true};
  if (op == "/") return {l / r, true};
  if (op == "%") return {std::fmod(l, r), true};
  if (op == "^") return {std::pow(l, r), true};
  if (op == "atan2") return {std::atan2(l, r), true};
  if (op == "==") return {l, l == r};
  if (op == "!=") return {l, l != r};
  if (op == ">") return {l, l > r};
  if (op == "<") return {l, l < r};
  if (op == ">=") return {l, l >= r};
  if (op == "<=") return {l, l <= r};
  return {0, false};
}

double ScalarBinop(std::string_view op, double l, double r) {
  if (IsComparisonOperator(op)) return ElemBinop(op, l, r).second ? 1 : 0;
  return ElemBinop(op, l, r).first;
}

// The matching signature of `labels` under the node's on/ignoring.
std::string Signature(const Node& n, const Labels& labels) {
  Labels kept;
  for (const auto& kv : labels) {
    const bool listed =
        std::find(n.matching_labels.begin(), n.matching_labels.end(),
                  kv.first) != n.matching_labels.end();
    if (n.on ? listed : (!listed && kv.first != kMetricName)) {
      kept.push_back(kv);
    }
  }
  return LabelsKey(kept);
}

bool DropsName(const Node& n) {
  return !IsComparisonOperator(n.text) || n.return_bool;
}

Result<Value> SetOperation(const Node& n, const Value& lhs, const Value& rhs) {
  Value out;
  out.kind = ValueKind::kVector;
  std::set<std::string> right;
  for (const Sample& s : rhs.vector) right.insert(Signature(n, s.labels));
  if (n.text == "and" || n.text == "unless") {
    const bool want = n.text == "and";
    for (const Sample& s : lhs.vector) {
      if ((right.count(Signature(n, s.labels)) > 0) == want) {
        out.vector.push_back(s);
      }
    }
    return out;
  }
  std::set<std::string> left;
  for (const Sample& s : lhs.vector) {
    left.insert(Signature(n, s.labels));
    out.vector.push_back(s);
  }
  for (const Sample& s : rhs.vector) {
    if (left.count(Signature(n, s.labels)) == 0) out.vector.push_back(s);
  }
  return out;
}

Result<Value> VectorVector(const Node& n, const Value& lhs_in,
                           const Value& rhs_in) {
  // Iterate the "many" side as lhs.
  const bool swapped = n.card == Cardinality::kOneToMany;
  const Value& lhs = swapped ? rhs_in : lhs_in;
  const Value& rhs = swapped ? lhs_in : rhs_in;
  std::map<std::string, const Sample*> right;
  for (const Sample& s : rhs.vector) {
    const std::string sig = Signature(n, s.labels);
    if (!right.emplace(sig, &s).second) {
      return Status::InvalidArgument(
          std::string("found duplicate series for the match group on the ") +
          (swapped ? "left" : "right") +
          " hand-side of the operation; many-to-many matching not allowed: "
          "matching labels must be unique on one side");
    }
  }
  Value out;
  out.kind = ValueKind::kVector;
  std::set<std::string> matched_one_to_one;
  std::set<std::string> result_keys;
  for (const Sample& ls : lhs.vector) {
    const std::string sig = Signature(n, ls.labels);
    auto it = right.find(sig);
    if (it == right.end()) continue;
    const Sample& rs = *it->second;
    double vl = ls.value, vr = rs.value;
    if (swapped) std::swap(vl, vr);
    auto [value, keep] = ElemBinop(n.text, vl, vr);
    if (n.return_bool) {
      value = keep ? 1 : 0;
    } else if (!keep) {
      continue;
    }
    if (n.card == Cardinality::kOneToOne &&
        !matched_one_to_one.insert(sig).second) {
      return Status::InvalidArgument(
          "multiple matches for labels: many-to-one matching must be "
          "explicit (group_left/group_right)");
    }
    Labels labels = ls.labels;
    if (DropsName(n)) DeleteLabel(labels, kMetricName);
    if (n.card == Cardinality::kOneToOne) {
      if (n.on) {
        std::erase_if(labels, [&](const auto& kv) {
          return std::find(n.matching_labels.begin(), n.matching_labels.end(),
                           kv.first) == n.matching_labels.end();
        });
      } else {
        for (const auto& name : n.matching_labels) DeleteLabel(labels, name);
      }
    }
    for (const auto& name : n.include_labels) {
      const std::string_view v = LabelValue(rs.labels, name);
      if (v.empty()) {
        DeleteLabel(labels, name);
      } else {
        SetLabel(labels, name, v);
      }
    }
    if (n.card != Cardinality::kOneToOne &&
        !result_keys.insert(LabelsKey(labels)).second) {
      return Status::InvalidArgument(
          "multiple matches for labels: grouping labels must ensure unique "
          "matches");
    }
    out.vector.push_back(Sample{std::move(labels), value, ls.t_ms});
  }
  return out;
}

}  // namespace

Result<Value> ApplyBinary(const Node& n, const Value& lhs, const Value& rhs) {
  if (lhs.kind == ValueKind::kScalar && rhs.kind == ValueKind::kScalar) {
    return Value::Scalar(ScalarBinop(n.text, lhs.scalar, rhs.scalar));
  }
  if (n.card == Cardinality::kManyToMany) return SetOperation(n, lhs, rhs);
  if (lhs.kind == ValueKind::kVector && rhs.kind == ValueKind::kVector) {
    return VectorVector(n, lhs, rhs);
  }
  // Vector and scalar.
  const bool scalar_left = lhs.kind == ValueKind::kScalar;
  const Value& vec = scalar_left ? rhs : lhs;
  const double scalar = scalar_left ? lhs.scalar : rhs.scalar;
  Value out;
  out.kind = ValueKind::kVector;
  for (const Sample& s : vec.vector) {
    double l = s.value, r = scalar;
    if (scalar_left) std::swap(l, r);
    auto [value, keep] = ElemBinop(n.text, l, r);
    // A comparison keeps the vector element's value on either side.
    if (IsComparisonOperator(n.text) && scalar_left) value = r;
    if (n.return_bool) {
      value = keep ? 1 : 0;
    } else if (!keep) {
      continue;
    }
    Sample o = s;
    o.value = value;
    if (DropsName(n)) DeleteLabel(o.labels, kMetricName);
    out.vector.push_back(std::move(o));
  }
  return out;
}

}  // namespace citynexus::query::promql
