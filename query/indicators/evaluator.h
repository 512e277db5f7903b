// Evaluates a parsed indicator expression over a step grid, reading series
// from the store (rollup buckets where possible, raw points where a function
// needs them) and facts in force at each step.
//
// Thread-safety: an EvalContext belongs to one evaluation (one thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/status.h"
#include "engine/engine.h"
#include "query/indicators.h"
#include "query/indicators/eval_value.h"
#include "query/indicators/expr_ast.h"
#include "query/indicators/step_grid.h"

namespace citynexus::query::indicators {

struct EvalContext {
  engine::Store& store;
  const Facts& facts;
  const StepGrid& grid;
  const EvaluationLimits& limits;
  uint64_t points_read = 0;           // raw points scanned
  uint64_t buckets_read = 0;          // bucket aggregates read
  const QueryGuard* guard = nullptr;  // checked before each series read
  // Range-function calls that occur more than once in the expression (by
  // ExprKey), filled by CountRepeatedRangeCalls; their first result is kept
  // in `repeated_results` and reused, so e.g. travel_time_index reads and
  // computes its daily median once although it names it twice.
  std::map<std::string, int> range_call_uses;
  std::map<std::string, Value> repeated_results;
  // Reads the series of a bucket function in parallel when set.
  QueryWorkers* workers = nullptr;
};

// The guard's verdict: OK, or why the evaluation must stop.
inline Status CheckGuard(const EvalContext& ctx) {
  return ctx.guard ? ctx.guard->Check() : Status::Ok();
}

// A text that is equal for two nodes exactly when they evaluate alike
// (same kind, names, matchers, ranges, modifiers and operands).
std::string ExprKey(const Expr& e);

// Counts the range-function calls of `root` into ctx.range_call_uses (not
// inside subqueries, whose inner steps differ). Call before Evaluate.
void CountRepeatedRangeCalls(const Expr& root, EvalContext& ctx);

// kInvalidArgument (type errors such as a range vector outside a range
// function, unknown facts, non-numeric series), kResourceExhausted (limits),
// kNotSupported (documented gaps), or store errors.
Result<Value> Evaluate(const Expr& e, EvalContext& ctx);

}  // namespace citynexus::query::indicators
