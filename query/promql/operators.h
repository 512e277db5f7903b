// PromQL operators at one evaluation time: binary operators between
// scalars and instant vectors (vector matching with on / ignoring,
// group_left / group_right, bool, and / or / unless) and aggregations.
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "query/promql/ast.h"
#include "query/promql/value.h"

namespace citynexus::query::promql {

// `n` is the kBinary node. kInvalidArgument for matching errors (many-to-many
// matches, duplicate series on the "one" side), with Prometheus' wording.
Result<Value> ApplyBinary(const Node& n, const Value& lhs, const Value& rhs);

// `n` is the kAggregate node; `param` its evaluated parameter (topk's k,
// quantile's q, count_values' label) or null.
Result<Value> ApplyAggregate(const Node& n, const Value* param,
                             std::vector<Sample> input);

// Prometheus' float formatting: shortest round-trip, no exponent
// (strconv.FormatFloat(v, 'f', -1, 64)); "+Inf", "-Inf", "NaN".
std::string FormatValue(double v);

}  // namespace citynexus::query::promql
