// Parser of PromQL expressions (Prometheus 2.42 grammar and precedence:
// or < and/unless < comparisons < + - < * / % atan2 < unary - < ^), with
// type checking of function arguments and operands. Tokens come from the
// indicator language's lexer (query/indicators/expr_lexer.h).
//
// Thread-safety: pure functions.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "query/promql/ast.h"

namespace citynexus::query::promql {

// Parses `text` (at most kMaxQueryBytes; nesting and binary operators bounded
// by indicators::TokenCursor::kMaxNesting / kMaxBinaryOperators).
// kInvalidArgument with "line:col: message" for syntax and type errors;
// kNotSupported for PromQL features citynexus does not implement (native
// histograms, holt_winters...), naming the feature.
Result<std::unique_ptr<Node>> ParsePromql(std::string_view text);

// A time series selector alone, as /series and /labels take in match[].
// kInvalidArgument unless `text` is a vector selector.
Result<std::unique_ptr<Node>> ParseSeriesSelector(std::string_view text);

inline constexpr size_t kMaxQueryBytes = 64 * 1024;

}  // namespace citynexus::query::promql
