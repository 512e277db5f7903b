// Parser of indicator expressions into an Expr tree (recursive descent,
// PromQL operator precedence: `and` < comparisons < + - < * / < unary -).
//
// Thread-safety: pure functions.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "query/indicators/expr_ast.h"

namespace citynexus::query::indicators {

// Parses `text`. On failure returns kInvalidArgument (syntax, unknown
// function, wrong arguments) or kNotSupported (a PromQL feature we do not
// implement, e.g. group_left), with a message "line L:C: ...\n<line>\n<caret>";
// `error_pos` (when not null) receives the byte offset of the error.
Result<std::unique_ptr<Expr>> ParseExpr(std::string_view text,
                                        size_t* error_pos = nullptr);

// Range functions, which take `selector[W]` (W defaults to the step) or a
// subquery `(expr)[W:R]`.
bool IsRangeFunction(std::string_view name);

}  // namespace citynexus::query::indicators
