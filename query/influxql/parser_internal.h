// The InfluxQL parser's internals, shared by its files: the Parser class
// (one per query text) holds the lexer with one token of lookahead and the
// bound parameters. Token helpers are in parser_tokens.cc,
// expressions in parser_expr.cc, SELECT and statement dispatch in
// parser.cc, SHOW in parser_show.cc. Internal to query/.
//
// Thread-safety: a Parser is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "query/influxql/ast.h"
#include "query/influxql/lexer.h"
#include "query/influxql/parser.h"

namespace citynexus::query::influxql::detail {

using ExprPtr = std::unique_ptr<Expr>;

// Declares `var` from a Result-returning expression, returning its error.
#define IQL_ASSIGN(var, expr)                     \
  auto var##_result = (expr);                     \
  if (!var##_result) return var##_result.error(); \
  auto var = std::move(*var##_result)

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Keywords that cannot be bare identifiers (quote them to use as names).
bool IsReserved(std::string_view word);

struct OpInfo {
  BinaryOp op;
  int precedence;
};

class Parser {
 public:
  Parser(std::string_view text, const Params& params)
      : lex_(text), params_(params) {}

  // Every statement of the text (parser.cc).
  Result<std::vector<Statement>> ParseAll();

 private:
  // Tokens (parser_tokens.cc).
  const Token& Peek();
  Token Next();
  static bool IsOp(const Token& t, std::string_view op);
  static bool IsKeyword(const Token& t, std::string_view word);
  bool AcceptKeyword(std::string_view word);
  bool AcceptOp(std::string_view op);
  Status Error(const Token& found, std::string_view expected);
  Status ExpectKeyword(std::string_view word);
  Status ExpectOp(std::string_view op);
  // A regex literal at the current position (the peek buffer is dropped and
  // the text rescanned, since '/' lexes as an operator by default).
  Result<Token> NextRegex();
  bool PeekRegex();
  Result<std::string> ParseIdent();
  Result<int64_t> ParseInteger();
  // `<keyword> <integer>` when the next token is `keyword` (LIMIT, OFFSET,
  // SLIMIT, SOFFSET): stores the integer in *value; otherwise leaves it.
  Status ParseOptionalCount(std::string_view keyword, int64_t* value);
  // Skips to the end of the statement (for statements we do not run).
  Status SkipStatement();

  // Statements and SELECT (parser.cc).
  Result<Statement> ParseStatement();
  // "DROP MEASUREMENT ..." -> not supported: DROP MEASUREMENT.
  Result<Statement> Unsupported(std::string verb);
  Result<SelectStatement> ParseSelect();
  Result<std::vector<Source>> ParseSources();
  Result<int64_t> ParseSignedDuration();
  Status ParseDimensions(SelectStatement& s);
  Status ParseFill(SelectStatement& s);

  // SHOW (parser_show.cc).
  Result<Statement> ParseShow();
  Status ParseTagKeyCondition(ShowStatement& s);

  // Expressions (parser_expr.cc).
  std::optional<OpInfo> PeekBinaryOp();
  // Bounded by kMaxExprNesting / kMaxBinaryOperators (errors, not crashes).
  Result<ExprPtr> ParseExpr(int min_precedence);
  Result<ExprPtr> ParseExprAtDepth(int min_precedence);
  Result<ExprPtr> ParseUnary();

  Lexer lex_;
  const Params& params_;
  Token peek_;
  bool has_peek_ = false;
  std::string not_supported_;  // set while parsing a SELECT we cannot run
  static constexpr int kMaxSubqueryDepth = 8;
  int subquery_depth_ = 0;  // FROM (SELECT ...) levels open
  // Expression trees are walked recursively (planning, evaluation, and
  // destruction), so their height must stay far below what a thread's stack
  // holds. A path from the root passes nested parentheses, signs and calls
  // (bounded by kMaxExprNesting) and binary operators (bounded in total by
  // kMaxBinaryOperators): `a + a + … + a` is one left-deep chain.
  static constexpr int kMaxExprNesting = 200;
  static constexpr int kMaxBinaryOperators = 4096;
  int expr_nesting_ = 0;      // ParseExpr calls open
  int binary_operators_ = 0;  // binary operators in the current query
};

}  // namespace citynexus::query::influxql::detail
