// InfluxQL expressions: precedence climbing with InfluxDB's operator
// precedence (OR < AND < comparisons < + - < * / %), literals, bound
// parameters, calls and casts.
#include <cctype>

#include "query/influxql/parser_internal.h"

namespace citynexus::query::influxql::detail {

std::optional<OpInfo> Parser::PeekBinaryOp() {
  const Token& t = Peek();
  if (IsKeyword(t, "and")) return OpInfo{BinaryOp::kAnd, 2};
  if (IsKeyword(t, "or")) return OpInfo{BinaryOp::kOr, 1};
  if (t.kind != TokenKind::kOperator) return std::nullopt;
  static const std::pair<std::string_view, OpInfo> kOps[] = {
      {"=", {BinaryOp::kEq, 4}},        {"!=", {BinaryOp::kNeq, 4}},
      {"<>", {BinaryOp::kNeq, 4}},      {"<", {BinaryOp::kLt, 4}},
      {"<=", {BinaryOp::kLte, 4}},      {">", {BinaryOp::kGt, 4}},
      {">=", {BinaryOp::kGte, 4}},      {"=~", {BinaryOp::kEqRegex, 4}},
      {"!~", {BinaryOp::kNeqRegex, 4}}, {"+", {BinaryOp::kAdd, 5}},
      {"-", {BinaryOp::kSub, 5}},       {"*", {BinaryOp::kMul, 6}},
      {"/", {BinaryOp::kDiv, 6}},       {"%", {BinaryOp::kMod, 6}}};
  for (const auto& [text, info] : kOps) {
    if (t.text == text) return info;
  }
  return std::nullopt;
}

Result<ExprPtr> Parser::ParseExpr(int min_precedence) {
  if (expr_nesting_ >= kMaxExprNesting) {
    return Status::InvalidArgument("expression nested deeper than " +
                                   std::to_string(kMaxExprNesting) +
                                   " levels at " + lex_.Where(Peek().pos));
  }
  ++expr_nesting_;
  auto result = ParseExprAtDepth(min_precedence);
  --expr_nesting_;
  return result;
}

Result<ExprPtr> Parser::ParseExprAtDepth(int min_precedence) {
  IQL_ASSIGN(lhs, ParseUnary());
  while (true) {
    auto op = PeekBinaryOp();
    if (!op || op->precedence < min_precedence) break;
    if (++binary_operators_ > kMaxBinaryOperators) {
      return Status::InvalidArgument("query has more than " +
                                     std::to_string(kMaxBinaryOperators) +
                                     " operators at " + lex_.Where(Peek().pos));
    }
    Next();
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kBinary;
    e->op = op->op;
    e->lhs = std::move(lhs);
    if (op->op == BinaryOp::kEqRegex || op->op == BinaryOp::kNeqRegex) {
      IQL_ASSIGN(re, NextRegex());
      e->rhs = std::make_unique<Expr>();
      e->rhs->kind = ExprKind::kRegex;
      e->rhs->name = re.text;
    } else {
      IQL_ASSIGN(rhs, ParseExpr(op->precedence + 1));
      e->rhs = std::move(rhs);
    }
    lhs = std::move(e);
  }
  return lhs;
}

Result<ExprPtr> Parser::ParseUnary() {
  auto e = std::make_unique<Expr>();
  const Token t = Peek();
  if (IsOp(t, "(")) {
    Next();
    IQL_ASSIGN(inner, ParseExpr(1));
    CITYNEXUS_RETURN_IF_ERROR(ExpectOp(")"));
    e->kind = ExprKind::kParen;
    e->lhs = std::move(inner);
    return e;
  }
  if (IsOp(t, "-") || IsOp(t, "+")) {
    Next();
    const Token n = Next();
    const double sign = IsOp(t, "-") ? -1 : 1;
    if (n.kind == TokenKind::kInteger) {
      e->kind = ExprKind::kInteger;
      e->integer = static_cast<int64_t>(sign) * n.integer;
      e->number = sign * n.number;
    } else if (n.kind == TokenKind::kNumber) {
      e->kind = ExprKind::kNumber;
      e->number = sign * n.number;
    } else if (n.kind == TokenKind::kDuration) {
      e->kind = ExprKind::kDuration;
      e->integer = static_cast<int64_t>(sign) * n.integer;
    } else {
      return Error(n, "expected number or duration");
    }
    return e;
  }
  if (IsOp(t, "*")) {
    Next();
    e->kind = ExprKind::kWildcard;
    return e;
  }
  if (PeekRegex()) {
    IQL_ASSIGN(re, NextRegex());
    e->kind = ExprKind::kRegex;
    e->name = re.text;
    return e;
  }
  switch (t.kind) {
    case TokenKind::kString:
      e->kind = ExprKind::kString;
      e->name = Next().text;
      return e;
    case TokenKind::kInteger:
      e->kind = ExprKind::kInteger;
      e->integer = t.integer;
      e->number = t.number;
      Next();
      return e;
    case TokenKind::kNumber:
      e->kind = ExprKind::kNumber;
      e->number = t.number;
      Next();
      return e;
    case TokenKind::kDuration:
      e->kind = ExprKind::kDuration;
      e->integer = t.integer;
      Next();
      return e;
    case TokenKind::kBoundParam: {
      auto it = params_.find(t.text);
      if (it == params_.end()) {
        return Status::InvalidArgument("missing parameter: " + t.text);
      }
      Next();
      const ParamValue& v = it->second;
      if (const auto* s = std::get_if<std::string>(&v)) {
        e->kind = ExprKind::kString;
        e->name = *s;
      } else if (const auto* d = std::get_if<double>(&v)) {
        e->kind = ExprKind::kNumber;
        e->number = *d;
      } else if (const auto* i = std::get_if<int64_t>(&v)) {
        e->kind = ExprKind::kInteger;
        e->integer = *i;
        e->number = static_cast<double>(*i);
      } else {
        e->kind = ExprKind::kBool;
        e->boolean = std::get<bool>(v);
      }
      return e;
    }
    case TokenKind::kIdent:
      break;
    default:
      return Error(t, "expected identifier, string, number, bool");
  }
  if (!t.quoted &&
      (EqualsIgnoreCase(t.text, "true") || EqualsIgnoreCase(t.text, "false"))) {
    Next();
    e->kind = ExprKind::kBool;
    e->boolean = EqualsIgnoreCase(t.text, "true");
    return e;
  }
  if (!t.quoted && IsReserved(t.text)) {
    return Error(t, "expected identifier, string, number, bool");
  }
  Next();
  e->name = t.text;
  if (!t.quoted && IsOp(Peek(), "(")) {
    Next();
    e->kind = ExprKind::kCall;
    for (char& c : e->name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!AcceptOp(")")) {
      do {
        IQL_ASSIGN(arg, ParseExpr(1));
        e->args.push_back(std::move(arg));
      } while (AcceptOp(","));
      CITYNEXUS_RETURN_IF_ERROR(ExpectOp(")"));
    }
    return e;
  }
  e->kind = ExprKind::kVarRef;
  if (AcceptOp("::")) {
    IQL_ASSIGN(cast, ParseIdent());
    e->cast = cast;
  }
  return e;
}

}  // namespace citynexus::query::influxql::detail
