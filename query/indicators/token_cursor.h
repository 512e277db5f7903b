// The read position over the tokens of one expression (expr_lexer.h), shared
// by the two parsers that use that lexer: indicator expressions
// (indicators/expr_parser.cc) and PromQL (promql/parser.cc). It holds what is
// the same job in both: lookahead, advancing without running past kEnd,
// comma-separated lists up to a closing token, label-matcher operators, and
// errors that carry the byte offset. The grammars themselves (operators,
// precedence, what a primary is) stay in each parser.
//
// Thread-safety: one parser, one thread.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "query/indicators/expr_ast.h"
#include "query/indicators/expr_lexer.h"

namespace citynexus::query::indicators {

class TokenCursor {
 public:
  // `tokens` as Tokenize returns them: never empty, the last one kEnd.
  TokenCursor(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  // The token `ahead` places on; kEnd past the end.
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(index_ + ahead, tokens_.size() - 1)];
  }
  // The current token; moves on unless it is kEnd.
  const Token& Next() {
    const Token& t = Peek();
    if (index_ + 1 < tokens_.size()) ++index_;
    return t;
  }
  bool IsIdent(std::string_view word, size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kIdent && Peek(ahead).text == word;
  }

  // `code` with FormatExprError's "line L:C: message" and the marked line;
  // remembers `pos` (error_pos) for callers that report it separately.
  Status Fail(size_t pos, std::string_view message,
              StatusCode code = StatusCode::kInvalidArgument) {
    error_pos_ = pos;
    return Status(code, FormatExprError(text_, pos, message));
  }
  size_t error_pos() const { return error_pos_; }
  std::string_view text() const { return text_; }

  // Calls `item` (returning Status) until `close`, which it consumes; items
  // are separated by commas and a trailing comma is allowed. An item
  // followed by neither fails with `separator_error` at that token.
  template <typename ItemFn>
  Status ParseDelimited(TokenKind close, std::string_view separator_error,
                        ItemFn&& item) {
    while (Peek().kind != close) {
      CITYNEXUS_RETURN_IF_ERROR(item());
      if (Peek().kind == TokenKind::kComma) {
        Next();
      } else if (Peek().kind != close) {
        return Fail(Peek().pos, separator_error);
      }
    }
    Next();
    return Status::Ok();
  }

  // Expression trees are walked recursively (typing, evaluation,
  // destruction), so their height must stay far below what a thread's stack
  // holds. A path from the root passes nested parentheses, signs and calls
  // (at most kMaxNesting open at once) and binary operators (at most
  // kMaxBinaryOperators in the whole expression: `1 + 1 + … + 1` is one
  // left-deep chain as tall as it is long).
  static constexpr int kMaxNesting = 200;
  static constexpr int kMaxBinaryOperators = 4096;

  // One level of nesting while it lives; check `Status()` before parsing on.
  class NestingScope {
   public:
    explicit NestingScope(TokenCursor& cursor) : cursor_(cursor) {
      ++cursor_.nesting_;
    }
    ~NestingScope() { --cursor_.nesting_; }
    NestingScope(const NestingScope&) = delete;
    NestingScope& operator=(const NestingScope&) = delete;
    citynexus::Status Status() {
      if (cursor_.nesting_ <= kMaxNesting) return Status::Ok();
      return cursor_.Fail(cursor_.Peek().pos, "expression nested deeper than " +
                                                  std::to_string(kMaxNesting) +
                                                  " levels");
    }

   private:
    TokenCursor& cursor_;
  };

  // Counts one binary operator at `pos`; fails past kMaxBinaryOperators.
  citynexus::Status CountBinaryOperator(size_t pos) {
    if (++binary_operators_ <= kMaxBinaryOperators) return Status::Ok();
    return Fail(pos, "expression has more than " +
                         std::to_string(kMaxBinaryOperators) +
                         " binary operators");
  }

 private:
  std::string_view text_;
  std::vector<Token> tokens_;
  size_t index_ = 0;
  size_t error_pos_ = 0;
  int nesting_ = 0;
  int binary_operators_ = 0;
};

// The label-matcher operator a token stands for (=, !=, =~, !~); nullopt for
// any other token.
inline std::optional<MatchOp> MatchOpOf(TokenKind kind) {
  static constexpr std::pair<TokenKind, MatchOp> kOps[] = {
      {TokenKind::kAssign, MatchOp::kEqual},
      {TokenKind::kNe, MatchOp::kNotEqual},
      {TokenKind::kRegexEq, MatchOp::kRegexMatch},
      {TokenKind::kRegexNe, MatchOp::kRegexNotMatch},
  };
  for (const auto& [token, op] : kOps) {
    if (token == kind) return op;
  }
  return std::nullopt;
}

}  // namespace citynexus::query::indicators
