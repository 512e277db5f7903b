// The static type rules of PromQL (Prometheus 2.42's checkAST): what each
// binary operator, function call, aggregation and selector accepts. The
// parser applies them as it builds each node, so a query that parses is
// well typed and the evaluator need not check again.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "query/promql/ast.h"
#include "query/promql/functions.h"

namespace citynexus::query::promql {

// A broken rule: the byte offset it is about and Prometheus' message.
struct TypeError {
  size_t pos = 0;
  std::string message;
};

// True for the set operators and, or, unless.
bool IsSetOperator(std::string_view op);

// Checks a kBinary node whose two operands are typed, and sets its type
// (scalar only when both operands are).
std::optional<TypeError> TypeBinary(Node& n);

// A kVectorSelector before its metric name becomes a __name__ matcher: the
// name is not given twice, and some matcher does not match the empty string.
std::optional<TypeError> CheckSelector(const Node& n);

// The argument count and types of a kCall node against `sig`.
std::optional<TypeError> CheckCallArguments(const Node& call,
                                            const FunctionSignature& sig);

// The argument count and types of a kAggregate node (`text` is the
// operator: topk, bottomk, quantile and count_values take a parameter).
std::optional<TypeError> CheckAggregateArguments(const Node& aggregate);

}  // namespace citynexus::query::promql
