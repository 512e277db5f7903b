// Tokenizer of indicator expressions. Identifiers may contain dots (the last
// dot of a selector separates measurement and field); durations are a number
// directly followed by a unit ("15m", "1d", "1h30m").
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace citynexus::query::indicators {

enum class TokenKind {
  kEnd,
  kIdent,     // letters, digits, '_', ':', '.'; not starting with a digit
  kNumber,    // 1, 2.5, 1e3
  kDuration,  // 5m, 1d, 1h30m (value in duration_ns)
  kString,    // "..." or '...' with backslash escapes (text unescaped), or
              // `...` raw (PromQL)
  kLParen,
  kRParen,
  kLBrace,
  kRBrace,
  kLBracket,
  kRBracket,
  kComma,
  kColon,
  kDot,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kEq,  // ==
  kNe,  // !=
  kGt,
  kLt,
  kGe,
  kLe,
  kAssign,   // =  (label matcher)
  kRegexEq,  // =~
  kRegexNe,  // !~
  kCaret,    // ^  (PromQL only; the indicator parser rejects it)
  kPercent,  // %  (PromQL only)
  kAt,       // @  (PromQL only)
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t pos = 0;  // byte offset
  std::string text;
  double number = 0;
  int64_t duration_ns = 0;
};

// kInvalidArgument with FormatExprError's message on a bad character or an
// unterminated string; `error_pos` receives its offset.
Result<std::vector<Token>> Tokenize(std::string_view text, size_t* error_pos);

// "line 2:7: <message>\n  <the line>\n        ^" for an error at byte `pos`.
std::string FormatExprError(std::string_view text, size_t pos,
                            std::string_view message);
// 1-based line and column of byte `pos`.
std::pair<int, int> LineColumn(std::string_view text, size_t pos);

}  // namespace citynexus::query::indicators
