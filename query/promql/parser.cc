#include "query/promql/parser.h"

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "query/indicators/expr_lexer.h"
#include "query/indicators/token_cursor.h"
#include "query/promql/functions.h"
#include "query/promql/type_check.h"
#include "query/promql/value.h"

namespace citynexus::query::promql {
namespace {

using indicators::Token;
using indicators::TokenKind;

const char* kAggregations[] = {"sum",   "avg",     "min",          "max",
                               "count", "group",   "stddev",       "stdvar",
                               "topk",  "bottomk", "count_values", "quantile"};

bool IsAggregation(std::string_view name) {
  for (const char* a : kAggregations) {
    if (name == a) return true;
  }
  return false;
}

// Binary operator precedence; 0 = not a binary operator.
int Precedence(const Token& t) {
  switch (t.kind) {
    case TokenKind::kCaret:
      return 6;
    case TokenKind::kStar:
    case TokenKind::kSlash:
    case TokenKind::kPercent:
      return 5;
    case TokenKind::kPlus:
    case TokenKind::kMinus:
      return 4;
    case TokenKind::kEq:
    case TokenKind::kNe:
    case TokenKind::kGt:
    case TokenKind::kLt:
    case TokenKind::kGe:
    case TokenKind::kLe:
      return 3;
    case TokenKind::kIdent:
      if (t.text == "atan2") return 5;
      if (t.text == "and" || t.text == "unless") return 2;
      if (t.text == "or") return 1;
      return 0;
    default:
      return 0;
  }
}

// A node of `kind` and `type` at byte offset `pos`; the rest is default.
std::unique_ptr<Node> NewNode(NodeKind kind, ValueKind type, size_t pos) {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  n->type = type;
  n->pos = pos;
  return n;
}

class Parser : private indicators::TokenCursor {
 public:
  using TokenCursor::TokenCursor;

  Result<std::unique_ptr<Node>> ParseAll() {
    auto e = ParseBinary(1);
    if (!e) return e;
    if (Peek().kind != TokenKind::kEnd) {
      return Fail(Peek().pos, "unexpected \"" + Peek().text + "\"");
    }
    return e;
  }

 private:
  // A broken type rule (type_check.h) as this parser's error.
  Status Typed(std::optional<TypeError> error) {
    if (!error) return Status::Ok();
    return Fail(error->pos, error->message);
  }

  Status Expect(TokenKind kind, std::string_view what) {
    if (Peek().kind != kind) {
      return Fail(Peek().pos, "expected " + std::string(what) + ", got \"" +
                                  Peek().text + "\"");
    }
    Next();
    return Status::Ok();
  }

  Result<std::unique_ptr<Node>> ParseBinary(int min_prec) {
    NestingScope nesting(*this);
    CITYNEXUS_RETURN_IF_ERROR(nesting.Status());
    auto lhs = ParseUnary();
    if (!lhs) return lhs;
    while (true) {
      const Token& op = Peek();
      const int prec = Precedence(op);
      if (prec == 0 || prec < min_prec) break;
      CITYNEXUS_RETURN_IF_ERROR(CountBinaryOperator(op.pos));
      Next();
      auto node = NewNode(NodeKind::kBinary, ValueKind::kScalar, op.pos);
      node->text = op.text;
      if (IsIdent("bool")) {
        if (!IsComparisonOperator(node->text)) {
          return Fail(Peek().pos, "bool modifier on a non-comparison operator");
        }
        Next();
        node->return_bool = true;
      }
      if (IsIdent("on") || IsIdent("ignoring")) {
        node->on = Next().text == "on";
        auto labels = ParseLabelList();
        if (!labels) return labels.error();
        node->matching_labels = std::move(*labels);
        if (IsIdent("group_left") || IsIdent("group_right")) {
          const Token& g = Next();
          if (IsSetOperator(node->text)) {
            return Fail(g.pos, "no grouping allowed for \"" + node->text +
                                   "\" operation");
          }
          node->card = g.text == "group_left" ? Cardinality::kManyToOne
                                              : Cardinality::kOneToMany;
          if (Peek().kind == TokenKind::kLParen) {
            auto include = ParseLabelList();
            if (!include) return include.error();
            node->include_labels = std::move(*include);
          }
        }
      }
      if (IsSetOperator(node->text)) node->card = Cardinality::kManyToMany;
      // ^ is right-associative; the rest associate to the left.
      auto rhs = ParseBinary(op.kind == TokenKind::kCaret ? prec : prec + 1);
      if (!rhs) return rhs;
      node->args.push_back(std::move(*lhs));
      node->args.push_back(std::move(*rhs));
      CITYNEXUS_RETURN_IF_ERROR(Typed(TypeBinary(*node)));
      lhs = std::move(node);
    }
    return lhs;
  }

  Result<std::unique_ptr<Node>> ParseUnary() {
    const Token& t = Peek();
    if (t.kind == TokenKind::kMinus || t.kind == TokenKind::kPlus) {
      Next();
      // Unary minus binds tighter than * but looser than ^: -2^2 is -4.
      auto operand = ParseBinary(6);
      if (!operand) return operand;
      if ((*operand)->type != ValueKind::kScalar &&
          (*operand)->type != ValueKind::kVector) {
        return Fail(t.pos,
                    "unary expression only allowed on expressions of "
                    "type scalar or instant vector");
      }
      if (t.kind == TokenKind::kPlus) return operand;
      if ((*operand)->kind == NodeKind::kNumber) {
        (*operand)->number = -(*operand)->number;
        (*operand)->pos = t.pos;
        return operand;
      }
      auto node = NewNode(NodeKind::kUnary, (*operand)->type, t.pos);
      node->args.push_back(std::move(*operand));
      return node;
    }
    return ParsePostfix();
  }

  Result<int64_t> ParseDurationMs(bool allow_sign) {
    bool negative = false;
    if (allow_sign &&
        (Peek().kind == TokenKind::kMinus || Peek().kind == TokenKind::kPlus)) {
      negative = Next().kind == TokenKind::kMinus;
    }
    const Token& t = Peek();
    if (t.kind != TokenKind::kDuration) {
      return Fail(t.pos, "expected a duration like 5m, got \"" + t.text + "\"");
    }
    Next();
    if (t.duration_ns % 1000000 != 0) {
      return Fail(t.pos, "durations below a millisecond are not allowed");
    }
    const int64_t ms = t.duration_ns / 1000000;
    return negative ? -ms : ms;
  }

  // offset and @ after a selector or subquery, in either order.
  Status ParseModifiers(Node& n) {
    bool seen_offset = false;
    bool seen_at = false;
    while (true) {
      if (IsIdent("offset")) {
        const size_t pos = Next().pos;
        if (seen_offset)
          return Fail(pos, "offset may not be set multiple times");
        seen_offset = true;
        auto d = ParseDurationMs(true);
        if (!d) return d.error();
        n.offset_ms = *d;
      } else if (Peek().kind == TokenKind::kAt) {
        const size_t pos = Next().pos;
        if (seen_at)
          return Fail(pos, "@ <timestamp> may not be set multiple times");
        seen_at = true;
        if (IsIdent("start") || IsIdent("end")) {
          n.at = Next().text == "start" ? AtKind::kStart : AtKind::kEnd;
          CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "\"(\""));
          CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "\")\""));
        } else {
          bool negative = false;
          if (Peek().kind == TokenKind::kMinus ||
              Peek().kind == TokenKind::kPlus) {
            negative = Next().kind == TokenKind::kMinus;
          }
          if (Peek().kind != TokenKind::kNumber) {
            return Fail(Peek().pos, "expected a timestamp after @");
          }
          const double s = Next().number * (negative ? -1 : 1);
          if (!std::isfinite(s) || std::fabs(s) > 9e15 / 1000) {
            return Fail(pos, "timestamp out of bounds for @ modifier");
          }
          n.at = AtKind::kTime;
          n.at_ms = static_cast<int64_t>(std::llround(s * 1000));
        }
      } else {
        return Status::Ok();
      }
    }
  }

  Result<std::unique_ptr<Node>> ParsePostfix() {
    auto e = ParsePrimary();
    if (!e) return e;
    while (true) {
      if (Peek().kind == TokenKind::kLBracket) {
        const size_t pos = Next().pos;
        auto range = ParseDurationMs(false);
        if (!range) return range.error();
        auto node = std::make_unique<Node>();
        node->pos = (*e)->pos;
        node->range_ms = *range;
        if (*range <= 0) return Fail(pos, "range must be positive");
        if (Peek().kind == TokenKind::kColon) {
          Next();
          if (Peek().kind != TokenKind::kRBracket) {
            auto step = ParseDurationMs(false);
            if (!step) return step.error();
            if (*step <= 0) return Fail(pos, "subquery step must be positive");
            node->step_ms = *step;
          }
          CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kRBracket, "\"]\""));
          if ((*e)->type != ValueKind::kVector) {
            return Fail(pos, std::string("subquery is only allowed on instant "
                                         "vector, got ") +
                                 ValueKindName((*e)->type));
          }
          node->kind = NodeKind::kSubquery;
          node->type = ValueKind::kMatrix;
          node->args.push_back(std::move(*e));
          CITYNEXUS_RETURN_IF_ERROR(ParseModifiers(*node));
        } else {
          CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kRBracket, "\"]\""));
          if ((*e)->kind != NodeKind::kVectorSelector) {
            return Fail(pos, "ranges only allowed for vector selectors");
          }
          if ((*e)->offset_ms != 0 || (*e)->at != AtKind::kNone) {
            return Fail(pos, "no offset or @ modifiers allowed before range");
          }
          node->kind = NodeKind::kMatrixSelector;
          node->type = ValueKind::kMatrix;
          node->args.push_back(std::move(*e));
          // Modifiers after the range belong to the vector selector.
          CITYNEXUS_RETURN_IF_ERROR(ParseModifiers(*node->args[0]));
        }
        e = std::move(node);
        continue;
      }
      if (IsIdent("offset") || Peek().kind == TokenKind::kAt) {
        if ((*e)->kind != NodeKind::kVectorSelector) {
          return Fail(Peek().pos,
                      "offset and @ modifiers must follow a selector, a "
                      "range or a subquery");
        }
        CITYNEXUS_RETURN_IF_ERROR(ParseModifiers(**e));
        continue;
      }
      return e;
    }
  }

  Result<std::vector<std::string>> ParseLabelList() {
    CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "\"(\""));
    std::vector<std::string> out;
    CITYNEXUS_RETURN_IF_ERROR(ParseDelimited(
        TokenKind::kRParen, "expected \",\" or \")\" in label list", [&]() {
          const Token& t = Peek();
          if (t.kind != TokenKind::kIdent || !IsValidLabelName(t.text)) {
            return Fail(t.pos, "expected a label name, got \"" + t.text + "\"");
          }
          out.push_back(Next().text);
          return Status::Ok();
        }));
    return out;
  }

  // Expressions up to ")" (consumed), separated by commas, into `args`.
  Status ParseArguments(std::vector<std::unique_ptr<Node>>& args,
                        std::string_view separator_error) {
    return ParseDelimited(TokenKind::kRParen, separator_error, [&]() {
      CITYNEXUS_ASSIGN_OR_RETURN(auto arg, ParseBinary(1));
      args.push_back(std::move(arg));
      return Status::Ok();
    });
  }

  Status ParseMatchers(Node& n) {
    Next();  // {
    CITYNEXUS_RETURN_IF_ERROR(ParseDelimited(
        TokenKind::kRBrace, "expected \",\" or \"}\" in label matchers", [&]() {
          const Token& name = Peek();
          if (name.kind != TokenKind::kIdent || !IsValidLabelName(name.text)) {
            return Fail(name.pos,
                        "expected a label matcher, got \"" + name.text + "\"");
          }
          Next();
          LabelMatcher m;
          m.label = name.text;
          const std::optional<MatchOp> op = indicators::MatchOpOf(Next().kind);
          if (!op) {
            return Fail(name.pos,
                        "expected =, !=, =~ or !~ after \"" + name.text + "\"");
          }
          m.op = *op;
          if (Peek().kind != TokenKind::kString) {
            return Fail(Peek().pos,
                        "expected a string after the label matcher");
          }
          m.value = Next().text;
          n.matchers.push_back(std::move(m));
          return Status::Ok();
        }));
    return Status::Ok();
  }

  Result<std::unique_ptr<Node>> ParseSelector(std::string name, size_t pos) {
    auto n = NewNode(NodeKind::kVectorSelector, ValueKind::kVector, pos);
    n->text = std::move(name);
    if (Peek().kind == TokenKind::kLBrace) {
      CITYNEXUS_RETURN_IF_ERROR(ParseMatchers(*n));
    }
    CITYNEXUS_RETURN_IF_ERROR(Typed(CheckSelector(*n)));
    if (!n->text.empty()) {
      n->matchers.insert(
          n->matchers.begin(),
          LabelMatcher{std::string(kMetricName), MatchOp::kEqual, n->text});
    }
    return n;
  }

  Result<std::unique_ptr<Node>> ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kNumber: {
        Next();
        auto n = NewNode(NodeKind::kNumber, ValueKind::kScalar, t.pos);
        n->number = t.number;
        return n;
      }
      case TokenKind::kString: {
        Next();
        auto n = NewNode(NodeKind::kString, ValueKind::kString, t.pos);
        n->text = t.text;
        return n;
      }
      case TokenKind::kLParen: {
        Next();
        auto inner = ParseBinary(1);
        if (!inner) return inner;
        CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "\")\""));
        auto n = NewNode(NodeKind::kParen, (*inner)->type, t.pos);
        n->args.push_back(std::move(*inner));
        return n;
      }
      case TokenKind::kLBrace:
        return ParseSelector("", t.pos);
      case TokenKind::kIdent:
        break;
      default:
        return Fail(t.pos, "unexpected \"" + t.text + "\"");
    }
    Next();
    const std::string lower = [&] {
      std::string s = t.text;
      for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    }();
    if (lower == "inf" || lower == "nan") {
      auto n = NewNode(NodeKind::kNumber, ValueKind::kScalar, t.pos);
      n->number = lower == "inf" ? std::numeric_limits<double>::infinity()
                                 : std::numeric_limits<double>::quiet_NaN();
      return n;
    }
    if (IsAggregation(t.text) && (Peek().kind == TokenKind::kLParen ||
                                  IsIdent("by") || IsIdent("without"))) {
      return ParseAggregate(t);
    }
    if (Peek().kind == TokenKind::kLParen) return ParseCall(t);
    if (!IsValidMetricName(t.text)) {
      return Fail(t.pos, "bad metric name \"" + t.text + "\"");
    }
    return ParseSelector(t.text, t.pos);
  }

  Result<std::unique_ptr<Node>> ParseCall(const Token& name) {
    const FunctionSignature* sig = FindFunction(name.text);
    if (sig == nullptr) {
      if (name.text == "holt_winters" || name.text.starts_with("histogram_")) {
        return Fail(
            name.pos,
            "function \"" + name.text + "\" is not supported by citynexus",
            StatusCode::kNotSupported);
      }
      return Fail(name.pos, "unknown function with name \"" + name.text + "\"");
    }
    auto n = NewNode(NodeKind::kCall, sig->returns, name.pos);
    n->text = name.text;
    Next();  // (
    CITYNEXUS_RETURN_IF_ERROR(
        ParseArguments(n->args, "expected \",\" or \")\" in function call"));
    CITYNEXUS_RETURN_IF_ERROR(Typed(CheckCallArguments(*n, *sig)));
    return n;
  }

  Result<std::unique_ptr<Node>> ParseAggregate(const Token& op) {
    auto n = NewNode(NodeKind::kAggregate, ValueKind::kVector, op.pos);
    n->text = op.text;
    auto grouping = [&]() -> Status {
      n->without = Next().text == "without";
      auto labels = ParseLabelList();
      if (!labels) return labels.error();
      n->grouping = std::move(*labels);
      return Status::Ok();
    };
    const bool before = IsIdent("by") || IsIdent("without");
    if (before) CITYNEXUS_RETURN_IF_ERROR(grouping());
    CITYNEXUS_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "\"(\""));
    CITYNEXUS_RETURN_IF_ERROR(
        ParseArguments(n->args, "expected \",\" or \")\" in aggregation"));
    if (!before && (IsIdent("by") || IsIdent("without"))) {
      CITYNEXUS_RETURN_IF_ERROR(grouping());
    }
    CITYNEXUS_RETURN_IF_ERROR(Typed(CheckAggregateArguments(*n)));
    return n;
  }
};

}  // namespace

Result<std::unique_ptr<Node>> ParsePromql(std::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return Status::InvalidArgument("query longer than " +
                                   std::to_string(kMaxQueryBytes) + " bytes");
  }
  auto tokens = indicators::Tokenize(text, nullptr);
  if (!tokens) return tokens.error();
  for (const Token& t : *tokens) {
    if (t.kind == TokenKind::kDot || (t.kind == TokenKind::kIdent &&
                                      t.text.find('.') != std::string::npos)) {
      return Status::InvalidArgument(
          indicators::FormatExprError(text, t.pos, "unexpected character '.'"));
    }
  }
  if (tokens->size() == 1) {
    return Status::InvalidArgument("no expression found in input");
  }
  Parser parser(text, std::move(*tokens));
  return parser.ParseAll();
}

Result<std::unique_ptr<Node>> ParseSeriesSelector(std::string_view text) {
  auto node = ParsePromql(text);
  if (!node) return node;
  if ((*node)->kind != NodeKind::kVectorSelector || (*node)->offset_ms != 0 ||
      (*node)->at != AtKind::kNone) {
    return Status::InvalidArgument("\"" + std::string(text) +
                                   "\" is not a series selector");
  }
  return node;
}

}  // namespace citynexus::query::promql
