// Evaluates a parsed indicator expression over a step grid, reading series
// from the store (rollup buckets where possible, raw points where a function
// needs them) and facts in force at each step.
//
// Thread-safety: an EvalContext belongs to one evaluation (one thread).
#pragma once

#include <cstdint>

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
};

// The guard's verdict: OK, or why the evaluation must stop.
inline Status CheckGuard(const EvalContext& ctx) {
  return ctx.guard ? ctx.guard->Check() : Status::Ok();
}

// kInvalidArgument (type errors such as a range vector outside a range
// function, unknown facts, non-numeric series), kResourceExhausted (limits),
// kNotSupported (documented gaps), or store errors.
Result<Value> Evaluate(const Expr& e, EvalContext& ctx);

}  // namespace citynexus::query::indicators
