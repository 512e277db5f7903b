#include "query/indicators/vector_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "query/bucket_math.h"

namespace citynexus::query::indicators {
namespace {

double Arith(BinaryOp op, double l, double r) {
  switch (op) {
    case BinaryOp::kAdd:
      return l + r;
    case BinaryOp::kSub:
      return l - r;
    case BinaryOp::kMul:
      return l * r;
    case BinaryOp::kDiv:
      return l / r;  // IEEE: x/0 = ±Inf, 0/0 = NaN
    default:
      return 0;
  }
}

std::string LabelsText(const Labels& labels) {
  std::string s = "{";
  for (const auto& [k, v] : labels) {
    if (s.size() > 1) {
      s += ",";
    }
    s += k;
    s += "=\"";
    s += v;
    s += "\"";
  }
  return s + "}";
}

// The labels used to match the two sides of a binary operation.
Labels Signature(const Labels& labels, const Expr& e) {
  if (!e.has_matching) {
    return labels;
  }
  Labels out;
  for (const auto& kv : labels) {
    const bool listed =
        std::find(e.matching_labels.begin(), e.matching_labels.end(),
                  kv.first) != e.matching_labels.end();
    if (listed == e.on) {
      out.push_back(kv);
    }
  }
  return out;
}

// Combines one cell pair. `vector_side_value` is the value a filtering
// comparison keeps (PromQL keeps the left-hand side; for scalar op vector,
// the vector's value).
Cell Combine(const Expr& e, const Cell& l, const Cell& r,
             bool keep_right_value) {
  if (l.state == CellState::kNone || r.state == CellState::kNone) {
    return {};
  }
  Cell out;
  out.coverage = std::min(l.coverage, r.coverage);
  if (l.state == CellState::kAbsent || r.state == CellState::kAbsent) {
    out.state = CellState::kAbsent;
    out.coverage = 0;
    return out;
  }
  out.state = CellState::kValue;
  if (!IsComparison(e.op)) {
    out.value = Arith(e.op, l.value, r.value);
    return out;
  }
  const bool holds = CompareValues(e.op, l.value, r.value);
  if (e.return_bool) {
    out.value = holds ? 1 : 0;
    return out;
  }
  if (!holds) {
    return {};
  }
  out.value = keep_right_value ? r.value : l.value;
  return out;
}

// `and`: the left cell where the right side has an element. When the
// right element exists but has no data (a filter like `tmax >= 30` on a day
// whose temperature is not reported yet), whether the left value passes is
// unknown, so the result has no data either instead of the left's value.
Cell FilterByPresence(const Cell& l, const Cell& r) {
  if (l.state == CellState::kNone || r.state == CellState::kNone) return {};
  if (r.state == CellState::kAbsent) {
    Cell unknown;
    unknown.state = CellState::kAbsent;
    return unknown;
  }
  Cell out = l;
  out.coverage = std::min(l.coverage, r.coverage);
  return out;
}

Labels Reduce(const Labels& labels, const Expr& e, bool arithmetic) {
  // PromQL: arithmetic results keep the matching labels (on) or drop the
  // ignored ones; filtering comparisons keep the left-hand side as is.
  if (!arithmetic || !e.has_matching) {
    return labels;
  }
  return Signature(labels, e);
}

}  // namespace

bool CompareValues(BinaryOp op, double l, double r) {
  switch (op) {
    case BinaryOp::kEq:
      return l == r;
    case BinaryOp::kNe:
      return l != r;
    case BinaryOp::kGt:
      return l > r;
    case BinaryOp::kLt:
      return l < r;
    case BinaryOp::kGe:
      return l >= r;
    case BinaryOp::kLe:
      return l <= r;
    default:
      return false;
  }
}

Result<Value> ApplyBinary(const Expr& e, Value lhs, Value rhs) {
  const bool arithmetic = !IsComparison(e.op) && e.op != BinaryOp::kAnd;
  if (e.op == BinaryOp::kAnd && (lhs.scalar || rhs.scalar)) {
    return Status::InvalidArgument(
        "\"and\" needs instant vectors on both sides");
  }
  if (lhs.scalar && rhs.scalar) {
    if (IsComparison(e.op) && !e.return_bool) {
      return Status::InvalidArgument(
          std::string("comparison ") + BinaryOpText(e.op) +
          " between two scalars needs the bool modifier");
    }
    Value out;
    out.scalar = true;
    out.rows.push_back(Row{});
    const auto& l = lhs.rows[0].cells;
    const auto& r = rhs.rows[0].cells;
    for (size_t k = 0; k < l.size(); ++k) {
      out.rows[0].cells.push_back(Combine(e, l[k], r[k], false));
    }
    return out;
  }
  if (lhs.scalar || rhs.scalar) {
    const bool scalar_left = lhs.scalar;
    Value& vec = scalar_left ? rhs : lhs;
    const auto& sc = (scalar_left ? lhs : rhs).rows[0].cells;
    for (auto& row : vec.rows) {
      for (size_t k = 0; k < row.cells.size(); ++k) {
        row.cells[k] = scalar_left ? Combine(e, sc[k], row.cells[k], true)
                                   : Combine(e, row.cells[k], sc[k], false);
      }
    }
    return std::move(vec);
  }
  // vector op vector: one-to-one on the match signature.
  std::map<Labels, size_t> right;
  for (size_t i = 0; i < rhs.rows.size(); ++i) {
    Labels sig = Signature(rhs.rows[i].labels, e);
    auto [it, inserted] = right.emplace(sig, i);
    if (!inserted && e.op != BinaryOp::kAnd) {
      return Status::InvalidArgument(
          std::string("many-to-many matching for \"") + BinaryOpText(e.op) +
          "\": several series on the right side have labels " +
          LabelsText(sig) + "; aggregate them or match on(...) other labels");
    }
  }
  Value out;
  std::map<Labels, size_t> seen;
  for (auto& row : lhs.rows) {
    Labels sig = Signature(row.labels, e);
    auto it = right.find(sig);
    if (it == right.end()) {
      continue;
    }
    if (e.op != BinaryOp::kAnd && !seen.emplace(sig, 0).second) {
      return Status::InvalidArgument(
          std::string("many-to-many matching for \"") + BinaryOpText(e.op) +
          "\": several series on the left side have labels " + LabelsText(sig) +
          "; aggregate them or match on(...) other labels");
    }
    const Row& r = rhs.rows[it->second];
    Row o;
    o.labels = Reduce(row.labels, e, arithmetic);
    o.cells.resize(row.cells.size());
    for (size_t k = 0; k < row.cells.size(); ++k) {
      if (e.op == BinaryOp::kAnd) {
        o.cells[k] = FilterByPresence(row.cells[k], r.cells[k]);
      } else {
        o.cells[k] = Combine(e, row.cells[k], r.cells[k], false);
      }
    }
    out.rows.push_back(std::move(o));
  }
  return out;
}

namespace {

// sum, avg, min, max and count of one group, accumulated row by row: each
// row's cells are read in order (the columnar layout) instead of one cell
// of every row per step, which missed the cache once per row and step.
// Rows are added in the group's order, so sums round exactly as before.
void FoldGroup(AggFunction agg, const std::vector<const Row*>& rows,
               size_t steps, Row* o) {
  std::vector<uint32_t> members(steps, 0);
  std::vector<uint32_t> counted(steps, 0);  // members holding a value
  std::vector<double> coverage(steps, 0);
  std::vector<double> acc(steps, 0);
  for (const Row* r : rows) {
    const Cell* cells = r->cells.data();
    for (size_t k = 0; k < steps; ++k) {
      const Cell& c = cells[k];
      if (c.state == CellState::kNone) {
        continue;
      }
      ++members[k];
      coverage[k] += c.coverage;  // absent members count as 0 coverage
      if (c.state != CellState::kValue) {
        continue;
      }
      double& a = acc[k];
      if (counted[k]++ == 0) {
        // A sum starts from 0 (0 + -0.0 is +0.0, as before).
        a = agg == AggFunction::kSum || agg == AggFunction::kMean ? 0 + c.value
                                                                  : c.value;
        continue;
      }
      switch (agg) {
        case AggFunction::kSum:
        case AggFunction::kMean:
          a += c.value;
          break;
        case AggFunction::kMin:
          if (c.value < a) {
            a = c.value;
          }
          break;
        case AggFunction::kMax:
          if (a < c.value) {
            a = c.value;
          }
          break;
        default:
          break;
      }
    }
  }
  for (size_t k = 0; k < steps; ++k) {
    Cell& cell = o->cells[k];
    if (members[k] == 0) {
      continue;  // kNone
    }
    cell.coverage = coverage[k] / static_cast<double>(members[k]);
    if (counted[k] == 0) {
      cell.state = CellState::kAbsent;
      continue;
    }
    cell.state = CellState::kValue;
    switch (agg) {
      case AggFunction::kMean:
        cell.value = acc[k] / static_cast<double>(counted[k]);
        break;
      case AggFunction::kCount:
        cell.value = static_cast<double>(counted[k]);
        break;
      default:
        cell.value = acc[k];
        break;
    }
  }
}

// quantile of one group: the values of every member at each step.
void QuantileGroup(const std::vector<const Row*>& rows, size_t steps,
                   const Value& param, Row* o) {
  std::vector<double> values;
  for (size_t k = 0; k < steps; ++k) {
    values.clear();
    size_t members = 0;
    double coverage = 0;
    for (const Row* r : rows) {
      const Cell& c = r->cells[k];
      if (c.state == CellState::kNone) {
        continue;
      }
      ++members;
      coverage += c.coverage;  // absent members count as 0 coverage
      if (c.state == CellState::kValue) {
        values.push_back(c.value);
      }
    }
    Cell& cell = o->cells[k];
    if (members == 0) {
      continue;  // kNone
    }
    cell.coverage = coverage / static_cast<double>(members);
    if (values.empty()) {
      cell.state = CellState::kAbsent;
      continue;
    }
    const Cell& q = param.rows[0].cells[k];
    if (q.state != CellState::kValue) {
      cell.state = CellState::kAbsent;
      continue;
    }
    cell.state = CellState::kValue;
    if (q.value < 0) {
      cell.value = -std::numeric_limits<double>::infinity();
    } else if (q.value > 1) {
      cell.value = std::numeric_limits<double>::infinity();
    } else {
      cell.value = Percentile(values, q.value * 100);
    }
  }
}

}  // namespace

Result<Value> ApplyAggregate(const Expr& e, const Value& arg,
                             const Value* param) {
  if (arg.scalar) {
    return Status::InvalidArgument(
        "aggregation over a scalar; it needs an "
        "instant vector");
  }
  std::map<Labels, std::vector<const Row*>> groups;
  for (const auto& row : arg.rows) {
    Labels key;
    for (const auto& kv : row.labels) {
      const bool listed = std::find(e.grouping.begin(), e.grouping.end(),
                                    kv.first) != e.grouping.end();
      if (listed != e.without) {
        key.push_back(kv);
      }
    }
    groups[key].push_back(&row);
  }
  Value out;
  size_t steps = 0;
  if (!arg.rows.empty()) {
    steps = arg.rows[0].cells.size();
  }
  for (const auto& [key, rows] : groups) {
    Row o;
    o.labels = key;
    o.cells.resize(steps);
    if (e.agg == AggFunction::kPercentile) {
      QuantileGroup(rows, steps, *param, &o);
    } else {
      FoldGroup(e.agg, rows, steps, &o);
    }
    out.rows.push_back(std::move(o));
  }
  return out;
}

}  // namespace citynexus::query::indicators
