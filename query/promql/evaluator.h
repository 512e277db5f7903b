// Evaluates a parsed PromQL expression the way Prometheus 2.42 does: every
// output time is evaluated on its own (instant semantics), selectors read
// the latest point within the lookback delta before the time, range
// selectors and subqueries read the closed window [t - range, t] (after
// offset / @). Points are read once per selector for the whole query.
//
// `indicator:<id>` selects the indicator's output series. Its points are
// the indicator's step values, each stamped at the END of its step (when
// the value is complete: a trailing window ending there), and an instant
// selector looks back at least one indicator step, so a daily indicator
// answers with the last complete day under the default 5m lookback.
//
// Thread-safety: one evaluation per Evaluator, one thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "query/indicators.h"
#include "query/promql/ast.h"
#include "query/promql/series_names.h"
#include "query/promql/value.h"
#include "query/query_guard.h"

namespace citynexus::query::promql {

struct EvalLimits {
  int64_t lookback_ms = 5 * 60 * 1000;
  int64_t default_subquery_step_ms = 60 * 1000;  // Prometheus' default
  size_t max_series = 10000;          // series selectors may select, in total
  uint64_t max_points = 50000000;     // raw points read
  size_t max_values = 1000000;        // values in the result
  const QueryGuard* guard = nullptr;  // checked at every output time
  // Evaluates `indicator:<id>` selectors; null: they select nothing.
  const IndicatorService* indicators = nullptr;
  // Step of indicator evaluations ("60s" for a range query's step); "" =
  // each definition's own step.
  std::string indicator_step;
};

// Result of a query: an instant query's value, or a range query's matrix.
// Errors: kInvalidArgument (bad regex, bad function argument),
// kResourceExhausted (a limit, named), kDeadlineExceeded / kCancelled (the
// guard), store errors.
Result<Value> EvaluateInstant(const Node& root, engine::Store& store,
                              const SeriesView& view, int64_t t_ms,
                              const EvalLimits& limits);
// Steps start_ms, start_ms + step_ms, ... <= end_ms. The result is a
// kMatrix value with series sorted by labels. kInvalidArgument for a
// string expression.
Result<Value> EvaluateRange(const Node& root, engine::Store& store,
                            const SeriesView& view, int64_t start_ms,
                            int64_t end_ms, int64_t step_ms,
                            const EvalLimits& limits);

}  // namespace citynexus::query::promql
