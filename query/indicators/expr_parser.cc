#include "query/indicators/expr_parser.h"

#include <optional>
#include <set>
#include <string>
#include <utility>

#include "query/indicators/expr_lexer.h"
#include "query/indicators/token_cursor.h"

namespace citynexus::query::indicators {
namespace {

const std::set<std::string_view>& RangeFunctions() {
  static const std::set<std::string_view> kNames = {
      "sum_over_time",      "avg_over_time",   "min_over_time",
      "max_over_time",      "count_over_time", "last_over_time",
      "quantile_over_time", "increase",        "rate",
      "integral",           "time_share"};
  return kNames;
}

// Functions over instant vectors / scalars with their argument counts.
int InstantFunctionArity(std::string_view name) {
  if (name == "abs") {
    return 1;
  }
  if (name == "clamp_min" || name == "clamp_max") {
    return 2;
  }
  if (name == "fact") {
    return 1;
  }
  return -1;
}

// The aggregation operators of the indicator language (PromQL's names).
bool IndicatorAggFromName(std::string_view name, AggFunction* op) {
  if (name == "sum") {
    *op = AggFunction::kSum;
  } else if (name == "avg") {
    *op = AggFunction::kMean;
  } else if (name == "min") {
    *op = AggFunction::kMin;
  } else if (name == "max") {
    *op = AggFunction::kMax;
  } else if (name == "count") {
    *op = AggFunction::kCount;
  } else if (name == "quantile") {
    *op = AggFunction::kPercentile;
  } else {
    return false;
  }
  return true;
}

class Parser : private TokenCursor {
 public:
  using TokenCursor::error_pos;
  using TokenCursor::TokenCursor;

  Result<std::unique_ptr<Expr>> ParseAll() {
    auto e = ParseAnd();
    if (!e) {
      return e;
    }
    if (Peek().kind != TokenKind::kEnd) {
      if (Peek().kind == TokenKind::kLBracket) {
        return Fail(Peek().pos,
                    "a range [W] applies to a selector (or [W:R] to a "
                    "subquery); put it right after the selector");
      }
      return Fail(Peek().pos, "unexpected \"" + Peek().text + "\"");
    }
    return e;
  }

 private:
  Status Expect(TokenKind kind, const char* what) {
    if (Peek().kind != kind) {
      return Fail(Peek().pos, std::string("expected ") + what + ", got " +
                                  (Peek().kind == TokenKind::kEnd
                                       ? std::string("end of expression")
                                       : "\"" + Peek().text + "\""));
    }
    Next();
    return Status::Ok();
  }

  // ( label, label, ... )
  Result<std::vector<std::string>> ParseLabelList() {
    CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "'('"));
    std::vector<std::string> labels;
    CITYNEXUS_RETURN_IF_ERROR(ParseDelimited(
        TokenKind::kRParen, "expected ',' or ')' in label list", [&]() {
          if (Peek().kind != TokenKind::kIdent) {
            return Fail(Peek().pos, "expected a label name");
          }
          labels.push_back(Next().text);
          return Status::Ok();
        }));
    return labels;
  }

  // bool, on(...), ignoring(...) after a binary operator.
  Status ParseModifiers(Expr* e) {
    if (IsIdent("bool")) {
      if (!IsComparison(e->op)) {
        return Fail(Peek().pos, "bool is only allowed after a comparison");
      }
      Next();
      e->return_bool = true;
    }
    if (IsIdent("on") || IsIdent("ignoring")) {
      e->on = Next().text == "on";
      e->has_matching = true;
      CITYNEXUS_ASSIGN_OR_RETURN(auto labels, ParseLabelList());
      e->matching_labels = std::move(labels);
    }
    if (IsIdent("group_left") || IsIdent("group_right")) {
      return Fail(Peek().pos,
                  Peek().text +
                      " (many-to-one matching) is not supported; aggregate "
                      "one side first",
                  StatusCode::kNotSupported);
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<Expr>> MakeBinary(BinaryOp op, size_t pos,
                                           std::unique_ptr<Expr> lhs) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kBinary;
    e->op = op;
    e->pos = pos;
    CITYNEXUS_RETURN_IF_ERROR(ParseModifiers(e.get()));
    e->args.push_back(std::move(lhs));
    return e;
  }

  // The binary operators: precedence (higher binds tighter), all left-
  // associative, as in PromQL; "or" and "unless" are not supported.
  struct BinaryOpInfo {
    BinaryOp op;
    int precedence;
  };
  std::optional<BinaryOpInfo> PeekBinaryOp() {
    if (IsIdent("and")) return BinaryOpInfo{BinaryOp::kAnd, 1};
    static constexpr std::pair<TokenKind, BinaryOpInfo> kSymbols[] = {
        {TokenKind::kEq, {BinaryOp::kEq, 2}},
        {TokenKind::kNe, {BinaryOp::kNe, 2}},
        {TokenKind::kGt, {BinaryOp::kGt, 2}},
        {TokenKind::kLt, {BinaryOp::kLt, 2}},
        {TokenKind::kGe, {BinaryOp::kGe, 2}},
        {TokenKind::kLe, {BinaryOp::kLe, 2}},
        {TokenKind::kPlus, {BinaryOp::kAdd, 3}},
        {TokenKind::kMinus, {BinaryOp::kSub, 3}},
        {TokenKind::kStar, {BinaryOp::kMul, 4}},
        {TokenKind::kSlash, {BinaryOp::kDiv, 4}},
    };
    for (const auto& [token, info] : kSymbols) {
      if (token == Peek().kind) return info;
    }
    return std::nullopt;
  }

  // A whole expression: every binary operator at once.
  Result<std::unique_ptr<Expr>> ParseAnd() { return ParseBinary(1); }

  // Precedence climbing (the model is query/influxql/parser_expr.cc): one
  // loop for all binary operators instead of one function per level.
  Result<std::unique_ptr<Expr>> ParseBinary(int min_precedence) {
    NestingScope nesting(*this);
    CITYNEXUS_RETURN_IF_ERROR(nesting.Status());
    CITYNEXUS_ASSIGN_OR_RETURN(auto lhs, ParseUnary());
    for (;;) {
      if (Peek().kind == TokenKind::kAssign) {
        return Fail(Peek().pos, "'=' is a label matcher; compare with '=='");
      }
      if (IsIdent("or") || IsIdent("unless")) {
        return Fail(Peek().pos, "\"" + Peek().text + "\" is not supported",
                    StatusCode::kNotSupported);
      }
      const std::optional<BinaryOpInfo> info = PeekBinaryOp();
      if (!info || info->precedence < min_precedence) return lhs;
      CITYNEXUS_RETURN_IF_ERROR(CountBinaryOperator(Peek().pos));
      const size_t pos = Next().pos;
      CITYNEXUS_ASSIGN_OR_RETURN(auto e,
                                 MakeBinary(info->op, pos, std::move(lhs)));
      CITYNEXUS_ASSIGN_OR_RETURN(auto rhs, ParseBinary(info->precedence + 1));
      e->args.push_back(std::move(rhs));
      lhs = std::move(e);
    }
  }

  Result<std::unique_ptr<Expr>> ParseUnary() {
    if (Peek().kind == TokenKind::kMinus || Peek().kind == TokenKind::kPlus) {
      NestingScope nesting(*this);
      CITYNEXUS_RETURN_IF_ERROR(nesting.Status());
      const bool minus = Peek().kind == TokenKind::kMinus;
      const size_t pos = Next().pos;
      auto child = ParseUnary();
      if (!child) {
        return child;
      }
      if (!minus) {
        return child;
      }
      if ((*child)->kind == ExprKind::kNumber) {
        (*child)->number = -(*child)->number;
        (*child)->pos = pos;
        return child;
      }
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::kNegate;
      e->pos = pos;
      e->args.push_back(std::move(*child));
      return e;
    }
    auto primary = ParsePrimary();
    if (!primary) {
      return primary;
    }
    return ParsePostfix(std::move(*primary));
  }

  // [W], [W:R] and `offset D` after a primary expression.
  Result<std::unique_ptr<Expr>> ParsePostfix(std::unique_ptr<Expr> e) {
    if (Peek().kind == TokenKind::kLBracket) {
      const bool subquery = Peek(1).kind == TokenKind::kDuration &&
                            Peek(2).kind == TokenKind::kColon;
      if (e->kind == ExprKind::kSelector && !e->has_range && !subquery) {
        Next();
        if (Peek().kind != TokenKind::kDuration) {
          return Fail(Peek().pos, "expected a duration such as 15m or 1d");
        }
        e->range_ns = Next().duration_ns;
        e->has_range = true;
        if (e->range_ns <= 0) {
          return Fail(e->pos, "range must be positive");
        }
        CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kRBracket, "']'"));
      } else if (subquery) {
        Next();
        auto sq = std::make_unique<Expr>();
        sq->kind = ExprKind::kSubquery;
        sq->pos = e->pos;
        sq->has_range = true;
        sq->range_ns = Next().duration_ns;
        Next();  // ':'
        if (Peek().kind != TokenKind::kDuration) {
          return Fail(Peek().pos,
                      "expected the subquery resolution, e.g. [1d:15m]");
        }
        sq->resolution_ns = Next().duration_ns;
        if (sq->range_ns <= 0 || sq->resolution_ns <= 0) {
          return Fail(sq->pos, "subquery range and resolution must be > 0");
        }
        CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kRBracket, "']'"));
        sq->args.push_back(std::move(e));
        e = std::move(sq);
      } else {
        return e;  // `cond [W]` inside time_share: the caller takes it
      }
    }
    if (IsIdent("offset")) {
      const size_t pos = Next().pos;
      if (!(e->has_range)) {
        return Fail(pos, "offset applies to a range selector or subquery");
      }
      if (Peek().kind != TokenKind::kDuration) {
        return Fail(Peek().pos, "expected a duration after offset");
      }
      e->offset_ns = Next().duration_ns;
    }
    return e;
  }

  Result<std::unique_ptr<Expr>> ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kNumber: {
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kNumber;
        e->pos = t.pos;
        e->number = Next().number;
        return e;
      }
      case TokenKind::kString: {
        if (Peek(1).kind == TokenKind::kDot) {
          return ParseSelector();
        }
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kString;
        e->pos = t.pos;
        e->text = Next().text;
        return e;
      }
      case TokenKind::kLParen: {
        Next();
        auto e = ParseAnd();
        if (!e) {
          return e;
        }
        CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
        return e;
      }
      case TokenKind::kIdent: {
        AggFunction op;
        if (IndicatorAggFromName(t.text, &op) &&
            (Peek(1).kind == TokenKind::kLParen || IsIdent("by", 1) ||
             IsIdent("without", 1))) {
          return ParseAggregate(op);
        }
        if (Peek(1).kind == TokenKind::kLParen) {
          return ParseCall();
        }
        return ParseSelector();
      }
      case TokenKind::kDuration:
        return Fail(t.pos,
                    "a duration is only allowed inside [..] or after "
                    "offset");
      case TokenKind::kEnd:
        return Fail(t.pos, "unexpected end of expression");
      default:
        return Fail(t.pos, "unexpected \"" + t.text + "\"");
    }
  }

  Result<std::unique_ptr<Expr>> ParseSelector() {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kSelector;
    e->pos = Peek().pos;
    const Token& first = Next();
    if (first.kind == TokenKind::kString) {
      e->measurement = first.text;
      Next();  // '.'
      if (Peek().kind != TokenKind::kIdent &&
          Peek().kind != TokenKind::kString) {
        return Fail(Peek().pos, "expected a field name after '.'");
      }
      e->field = Next().text;
    } else {
      const std::string& name = first.text;
      if (!name.empty() && name.back() == '.' &&
          Peek().kind == TokenKind::kString) {
        e->measurement = name.substr(0, name.size() - 1);
        e->field = Next().text;
      } else {
        const size_t dot = name.rfind('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) {
          return Fail(first.pos,
                      "expected a selector measurement.field or a "
                      "function, got \"" +
                          name + "\"");
        }
        e->measurement = name.substr(0, dot);
        e->field = name.substr(dot + 1);
      }
    }
    if (Peek().kind == TokenKind::kLBrace) {
      Next();
      CITYNEXUS_RETURN_IF_ERROR(ParseDelimited(
          TokenKind::kRBrace, "expected ',' or '}' in label matchers", [&]() {
            LabelMatcher m;
            if (Peek().kind != TokenKind::kIdent) {
              return Fail(Peek().pos, "expected a label name");
            }
            m.label = Next().text;
            const std::optional<MatchOp> op = MatchOpOf(Peek().kind);
            if (!op) {
              return Fail(
                  Peek().pos,
                  "expected =, !=, =~ or !~ after label \"" + m.label + "\"");
            }
            m.op = *op;
            Next();
            if (Peek().kind != TokenKind::kString) {
              return Fail(Peek().pos, "expected a quoted label value");
            }
            m.value = Next().text;
            e->matchers.push_back(std::move(m));
            return Status::Ok();
          }));
    }
    return e;
  }

  Result<std::unique_ptr<Expr>> ParseAggregate(AggFunction op) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kAggregate;
    e->agg = op;
    e->pos = Next().pos;
    auto grouping = [&]() -> Status {
      if (IsIdent("by") || IsIdent("without")) {
        e->without = Next().text == "without";
        CITYNEXUS_ASSIGN_OR_RETURN(auto labels, ParseLabelList());
        e->grouping = std::move(labels);
      }
      return Status::Ok();
    };
    CITYNEXUS_RETURN_IF_ERROR(grouping());
    CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "'('"));
    if (op == AggFunction::kPercentile) {
      auto q = ParseAnd();
      if (!q) {
        return q;
      }
      e->args.push_back(std::move(*q));
      CITYNEXUS_RETURN_IF_ERROR(
          Expect(TokenKind::kComma, "',' after the quantile"));
    }
    auto arg = ParseAnd();
    if (!arg) {
      return arg;
    }
    e->args.push_back(std::move(*arg));
    CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
    if (e->grouping.empty() && !e->without) {
      CITYNEXUS_RETURN_IF_ERROR(grouping());
    }
    return e;
  }

  Result<std::unique_ptr<Expr>> ParseCall() {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kCall;
    e->pos = Peek().pos;
    e->text = Next().text;
    const std::string& name = e->text;
    const bool range = IsRangeFunction(name);
    const int arity = range ? (name == "quantile_over_time" ? 2 : 1)
                            : InstantFunctionArity(name);
    if (arity < 0) {
      return Fail(e->pos, "unknown function \"" + name + "\"");
    }
    Next();  // '('
    CITYNEXUS_RETURN_IF_ERROR(ParseDelimited(
        TokenKind::kRParen, "expected ',' or ')' in the arguments of " + name,
        [&]() -> Status {
          CITYNEXUS_ASSIGN_OR_RETURN(auto arg, ParseAnd());
          e->args.push_back(std::move(arg));
          if (name == "time_share" && Peek().kind == TokenKind::kLBracket) {
            // time_share(cond [W]): the window follows the whole condition.
            Next();
            if (Peek().kind != TokenKind::kDuration) {
              return Fail(Peek().pos, "expected a duration such as 1d");
            }
            e->range_ns = Next().duration_ns;
            e->has_range = true;
            CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kRBracket, "']'"));
          }
          return Status::Ok();
        }));
    if (static_cast<int>(e->args.size()) != arity) {
      return Fail(e->pos, name + " takes " + std::to_string(arity) +
                              " argument(s), got " +
                              std::to_string(e->args.size()));
    }
    if (name == "fact" && e->args[0]->kind != ExprKind::kString) {
      return Fail(e->args[0]->pos, "fact takes a quoted fact name");
    }
    if (range) {
      const Expr& series = *e->args.back();
      if (name == "time_share") {
        if (series.kind != ExprKind::kBinary || !IsComparison(series.op)) {
          return Fail(series.pos,
                      "time_share takes a comparison, e.g. "
                      "time_share(ev.power > 0 [1d])");
        }
      } else if (series.kind != ExprKind::kSelector &&
                 series.kind != ExprKind::kSubquery) {
        return Fail(series.pos, name +
                                    " takes a range selector s[W] or a "
                                    "subquery (expr)[W:R]");
      }
    }
    return e;
  }
};

}  // namespace

bool IsRangeFunction(std::string_view name) {
  return RangeFunctions().count(name) > 0;
}

bool IsComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEq:
    case BinaryOp::kNe:
    case BinaryOp::kGt:
    case BinaryOp::kLt:
    case BinaryOp::kGe:
    case BinaryOp::kLe:
      return true;
    default:
      return false;
  }
}

const char* BinaryOpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kEq:
      return "==";
    case BinaryOp::kNe:
      return "!=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kAnd:
      return "and";
  }
  return "?";
}

void CollectFacts(const Expr& e,
                  std::vector<std::pair<std::string, size_t>>* facts_with_pos) {
  if (e.kind == ExprKind::kCall && e.text == "fact" && !e.args.empty()) {
    facts_with_pos->emplace_back(e.args[0]->text, e.args[0]->pos);
  }
  for (const auto& a : e.args) {
    CollectFacts(*a, facts_with_pos);
  }
}

void CollectSelectors(const Expr& e, std::vector<const Expr*>* selectors) {
  if (e.kind == ExprKind::kSelector) {
    selectors->push_back(&e);
  }
  for (const auto& a : e.args) {
    CollectSelectors(*a, selectors);
  }
}

Result<std::unique_ptr<Expr>> ParseExpr(std::string_view text,
                                        size_t* error_pos) {
  CITYNEXUS_ASSIGN_OR_RETURN(auto tokens, Tokenize(text, error_pos));
  Parser parser(text, std::move(tokens));
  auto e = parser.ParseAll();
  if (!e && error_pos) {
    *error_pos = parser.error_pos();
  }
  return e;
}

}  // namespace citynexus::query::indicators
