// Static type rules of PromQL; see type_check.h.
#include "query/promql/type_check.h"

#include <algorithm>

#include "common/enum_names.h"
#include "query/promql/value.h"

namespace citynexus::query::promql {

bool IsComparisonOperator(std::string_view op) {
  return op == "==" || op == "!=" || op == ">" || op == "<" || op == ">=" ||
         op == "<=";
}

bool IsSetOperator(std::string_view op) {
  return op == "and" || op == "or" || op == "unless";
}

namespace {

constexpr EnumName<ValueKind> kValueKindNames[] = {
    {"scalar", ValueKind::kScalar},
    {"instant vector", ValueKind::kVector},
    {"range vector", ValueKind::kMatrix},
    {"string", ValueKind::kString}};

}  // namespace

const char* ValueKindName(ValueKind kind) {
  // The names are literals, so the view is NUL-terminated.
  return NameOf(kValueKindNames, kind, "?").data();
}

std::optional<TypeError> TypeBinary(Node& n) {
  const ValueKind l = n.args[0]->type;
  const ValueKind r = n.args[1]->type;
  for (const auto& a : n.args) {
    if (a->type != ValueKind::kScalar && a->type != ValueKind::kVector) {
      return TypeError{a->pos,
                       std::string("binary expression must contain only "
                                   "scalar and instant vector types, got ") +
                           ValueKindName(a->type)};
    }
  }
  const bool both_scalar = l == ValueKind::kScalar && r == ValueKind::kScalar;
  if (IsComparisonOperator(n.text) && both_scalar && !n.return_bool) {
    return TypeError{n.pos,
                     "comparisons between scalars must use BOOL modifier"};
  }
  if (IsSetOperator(n.text) &&
      (l != ValueKind::kVector || r != ValueKind::kVector)) {
    return TypeError{n.pos, "set operator \"" + n.text +
                                "\" not allowed in binary scalar expression"};
  }
  if ((!n.matching_labels.empty() || n.on ||
       n.card != Cardinality::kOneToOne) &&
      !(l == ValueKind::kVector && r == ValueKind::kVector)) {
    if (!IsSetOperator(n.text)) {
      return TypeError{n.pos,
                       "vector matching only allowed between instant vectors"};
    }
  }
  n.type = both_scalar ? ValueKind::kScalar : ValueKind::kVector;
  return std::nullopt;
}

std::optional<TypeError> CheckSelector(const Node& n) {
  bool non_empty = false;
  for (const auto& m : n.matchers) {
    if (m.label == kMetricName && !n.text.empty()) {
      return TypeError{n.pos, "metric name must not be set twice"};
    }
    const bool matches_empty =
        (m.op == MatchOp::kEqual && m.value.empty()) ||
        (m.op == MatchOp::kNotEqual && !m.value.empty()) ||
        (m.op == MatchOp::kRegexMatch &&
         (m.value.empty() || m.value == ".*")) ||
        m.op == MatchOp::kRegexNotMatch;
    if (!matches_empty) non_empty = true;
  }
  if (n.text.empty() && !non_empty) {
    return TypeError{n.pos,
                     "vector selector must contain at least one "
                     "non-empty matcher"};
  }
  return std::nullopt;
}

std::optional<TypeError> CheckCallArguments(const Node& call,
                                            const FunctionSignature& sig) {
  const size_t given = call.args.size();
  const size_t max = sig.args.size();
  const size_t min = max - static_cast<size_t>(sig.optional_args);
  if (given < min || (!sig.variadic && given > max)) {
    return TypeError{call.pos,
                     "expected " + std::to_string(min) +
                         (min == max ? "" : " to " + std::to_string(max)) +
                         " argument(s) in call to \"" + call.text + "\", got " +
                         std::to_string(given)};
  }
  for (size_t i = 0; i < given; ++i) {
    const ValueKind want = sig.args[std::min(i, max - 1)];
    const Node& arg = *call.args[i];
    if (arg.type != want) {
      return TypeError{arg.pos, "expected type " +
                                    std::string(ValueKindName(want)) +
                                    " in call to function \"" + call.text +
                                    "\", got " + ValueKindName(arg.type)};
    }
  }
  return std::nullopt;
}

std::optional<TypeError> CheckAggregateArguments(const Node& aggregate) {
  const std::string& op = aggregate.text;
  const auto& args = aggregate.args;
  const bool has_param = op == "topk" || op == "bottomk" || op == "quantile" ||
                         op == "count_values";
  const size_t want = has_param ? 2 : 1;
  if (args.size() != want) {
    return TypeError{aggregate.pos,
                     "wrong number of arguments for aggregate expression "
                     "provided, expected " +
                         std::to_string(want) + ", got " +
                         std::to_string(args.size())};
  }
  if (has_param) {
    const ValueKind p =
        op == "count_values" ? ValueKind::kString : ValueKind::kScalar;
    if (args[0]->type != p) {
      return TypeError{args[0]->pos, "expected type " +
                                         std::string(ValueKindName(p)) +
                                         " in aggregation parameter, got " +
                                         ValueKindName(args[0]->type)};
    }
  }
  if (args.back()->type != ValueKind::kVector) {
    return TypeError{args.back()->pos,
                     std::string("expected type instant vector in aggregation "
                                 "expression, got ") +
                         ValueKindName(args.back()->type)};
  }
  return std::nullopt;
}

}  // namespace citynexus::query::promql
