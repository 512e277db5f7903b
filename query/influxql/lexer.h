// Tokenizer of InfluxQL text. Regex literals (/.../) are context dependent in
// InfluxQL (the same character is division), so the parser asks for them
// explicitly with ScanRegex() where the grammar allows one.
//
// Thread-safety: one thread at a time per Lexer; the text must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace citynexus::query::influxql {

enum class TokenKind {
  kEof,
  kIllegal,     // text holds the reason
  kIdent,       // bare or "double quoted" identifier (quoted = true)
  kString,      // 'single quoted' (unescaped)
  kNumber,      // 1.5
  kInteger,     // 15
  kDuration,    // 15m, 1h30m; `integer` holds nanoseconds
  kRegex,       // only from ScanRegex()
  kBoundParam,  // $name; text holds the name
  kOperator,    // = != <> < <= > >= =~ !~ + - * / % ( ) , ; . :: :
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string text;  // unescaped value, or the operator
  bool quoted = false;
  int64_t integer = 0;
  double number = 0;
  size_t pos = 0;  // byte offset of the token start
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // The next token; kEof at the end (repeatedly).
  Token Scan();
  // A regex literal starting at the next non-blank character, which must be
  // '/'; kIllegal otherwise or when unterminated. `\/` becomes `/`, other
  // escapes are kept for the regex engine.
  Token ScanRegex();

  size_t pos() const { return pos_; }
  void Seek(size_t pos) { pos_ = pos; }

  // "line L, char C" (both 1-based) of a byte offset, as InfluxDB reports.
  std::string Where(size_t offset) const;

 private:
  void SkipBlanks();
  Token ScanNumber(size_t start);
  Token ScanQuoted(size_t start, char quote);

  std::string_view text_;
  size_t pos_ = 0;
};

// Duration literal "1h30m" -> nanoseconds (units ns u µ ms s m h d w).
// False on malformed input or overflow.
bool ParseInfluxDuration(std::string_view text, int64_t* out_ns);

}  // namespace citynexus::query::influxql
