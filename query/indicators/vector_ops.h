// Operators between evaluated values (PromQL semantics): arithmetic and
// comparisons between scalars and instant vectors with one-to-one label
// matching (on / ignoring), `and`, and aggregation across series
// (sum avg min max count quantile with by / without).
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "query/indicators/eval_value.h"
#include "query/indicators/expr_ast.h"

namespace citynexus::query::indicators {

// `e` is the kBinary node (operator and modifiers). kInvalidArgument for a
// scalar comparison without bool or for many-to-many matches.
Result<Value> ApplyBinary(const Expr& e, Value lhs, Value rhs);

// `e` is the kAggregate node; `param` the quantile's scalar (else null).
Result<Value> ApplyAggregate(const Expr& e, const Value& arg,
                             const Value* param);

// Applies `fn` to every present cell (abs, clamp, negation).
template <typename Fn>
void MapValues(Value& v, Fn fn) {
  for (auto& row : v.rows) {
    for (size_t k = 0; k < row.cells.size(); ++k) {
      if (row.cells[k].state == CellState::kValue) {
        row.cells[k].value = fn(row.cells[k].value, k);
      }
    }
  }
}

bool CompareValues(BinaryOp op, double l, double r);

}  // namespace citynexus::query::indicators
