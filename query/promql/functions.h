// PromQL functions: their signatures (read by the parser) and their
// implementations at one evaluation time (called by the evaluator).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "query/promql/ast.h"
#include "query/promql/value.h"

namespace citynexus::query::promql {

struct FunctionSignature {
  std::string_view name;
  std::vector<ValueKind> args;
  int optional_args = 0;  // trailing args that may be left out
  bool variadic = false;  // the last arg repeats (label_join)
  ValueKind returns = ValueKind::kVector;
};

// Null for an unknown name.
const FunctionSignature* FindFunction(std::string_view name);

// What a function sees: evaluated arguments at time `t_ms` (for a matrix
// argument, the window [window_start_ms, window_end_ms] its points came
// from), and the call node for argument-specific rules (absent's labels).
struct CallInput {
  const Node& call;
  std::vector<Value> args;
  int64_t t_ms = 0;
  int64_t window_start_ms = 0;
  int64_t window_end_ms = 0;
  int64_t range_ms = 0;
};

// kInvalidArgument for bad arguments (a bad regex in label_replace...).
Result<Value> CallFunction(const CallInput& in);

// Prometheus' quantile over unsorted values (linear interpolation between
// closest ranks; q < 0 gives -Inf, q > 1 +Inf). Shared with aggregation.
double Quantile(double q, std::vector<double> values);

}  // namespace citynexus::query::promql
