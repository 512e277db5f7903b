#include "query/influxql/lexer.h"

#include <cctype>
#include <charconv>
#include <limits>

namespace citynexus::query::influxql {
namespace {

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsIdentChar(char c) {
  return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Nanoseconds of a duration unit at the start of `s`; sets `len`.
int64_t UnitNs(std::string_view s, size_t* len) {
  if (s.substr(0, 2) == "ns") return *len = 2, 1;
  if (s.substr(0, 2) == "ms") return *len = 2, 1000000;
  if (s.substr(0, 2) == "\xC2\xB5") return *len = 2, 1000;  // µ
  if (s.empty()) return 0;
  *len = 1;
  switch (s[0]) {
    case 'u':
      return 1000;
    case 's':
      return 1000000000;
    case 'm':
      return 60LL * 1000000000;
    case 'h':
      return 3600LL * 1000000000;
    case 'd':
      return 86400LL * 1000000000;
    case 'w':
      return 7 * 86400LL * 1000000000;
    default:
      return 0;
  }
}

}  // namespace

bool ParseInfluxDuration(std::string_view text, int64_t* out_ns) {
  if (text.empty()) return false;
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && IsDigit(text[j])) ++j;
    if (j == i) return false;
    int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data() + i, text.data() + j, n);
    if (ec != std::errc()) return false;
    size_t len = 0;
    const int64_t unit = UnitNs(text.substr(j), &len);
    if (unit == 0) return false;
    if (n > std::numeric_limits<int64_t>::max() / unit) return false;
    if (total > std::numeric_limits<int64_t>::max() - n * unit) return false;
    total += n * unit;
    i = j + len;
  }
  *out_ns = total;
  return true;
}

std::string Lexer::Where(size_t offset) const {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (i < text_.size() && text_[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", char " + std::to_string(col);
}

void Lexer::SkipBlanks() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++pos_;
    } else if (c == '-' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '-') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
      const size_t end = text_.find("*/", pos_ + 2);
      pos_ = end == std::string_view::npos ? text_.size() : end + 2;
    } else {
      break;
    }
  }
}

Token Lexer::ScanNumber(size_t start) {
  Token t;
  t.pos = start;
  while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
  bool fraction = false;
  if (pos_ < text_.size() && text_[pos_] == '.') {
    fraction = true;
    ++pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
  }
  // A unit right after the digits makes a duration ("10m", "1h30m").
  size_t len = 0;
  if (!fraction && UnitNs(text_.substr(pos_), &len) != 0) {
    size_t end = pos_;
    while (end < text_.size() &&
           (IsIdentChar(text_[end]) || IsDigit(text_[end]))) {
      ++end;
    }
    t.text = std::string(text_.substr(start, end - start));
    pos_ = end;
    if (!ParseInfluxDuration(t.text, &t.integer)) {
      t.kind = TokenKind::kIllegal;
      t.text = "invalid duration " + t.text;
      return t;
    }
    t.kind = TokenKind::kDuration;
    return t;
  }
  t.text = std::string(text_.substr(start, pos_ - start));
  if (fraction) {
    t.kind = TokenKind::kNumber;
    t.number = std::strtod(t.text.c_str(), nullptr);
    return t;
  }
  auto [p, ec] =
      std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.integer);
  if (ec != std::errc()) {
    // Too large for int64: InfluxDB falls back to a float literal.
    t.kind = TokenKind::kNumber;
    t.number = std::strtod(t.text.c_str(), nullptr);
    return t;
  }
  t.kind = TokenKind::kInteger;
  t.number = static_cast<double>(t.integer);
  return t;
}

Token Lexer::ScanQuoted(size_t start, char quote) {
  Token t;
  t.pos = start;
  ++pos_;  // opening quote
  std::string out;
  while (true) {
    if (pos_ >= text_.size()) {
      t.kind = TokenKind::kIllegal;
      t.text = quote == '"' ? "unterminated quoted identifier"
                            : "unterminated string";
      return t;
    }
    const char c = text_[pos_++];
    if (c == quote) break;
    if (c == '\\' && pos_ < text_.size()) {
      const char e = text_[pos_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case '\\':
          out += '\\';
          break;
        case '\'':
          out += '\'';
          break;
        case '"':
          out += '"';
          break;
        default:
          t.kind = TokenKind::kIllegal;
          t.text = std::string("bad escape \\") + e;
          return t;
      }
      continue;
    }
    if (c == '\n' && quote == '\'') {
      t.kind = TokenKind::kIllegal;
      t.text = "unterminated string";
      return t;
    }
    out += c;
  }
  t.kind = quote == '"' ? TokenKind::kIdent : TokenKind::kString;
  t.quoted = quote == '"';
  t.text = std::move(out);
  return t;
}

Token Lexer::Scan() {
  SkipBlanks();
  Token t;
  t.pos = pos_;
  if (pos_ >= text_.size()) {
    t.pos = text_.size() + 1;  // InfluxDB reports EOF one past the end
    return t;
  }
  const size_t start = pos_;
  const char c = text_[pos_];
  if (IsIdentStart(c)) {
    while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    // "µs" starts with a non-ASCII byte but only after digits; here it is
    // just part of an identifier.
    t.kind = TokenKind::kIdent;
    t.text = std::string(text_.substr(start, pos_ - start));
    return t;
  }
  if (IsDigit(c) ||
      (c == '.' && pos_ + 1 < text_.size() && IsDigit(text_[pos_ + 1]))) {
    return ScanNumber(start);
  }
  if (c == '"' || c == '\'') return ScanQuoted(start, c);
  if (c == '$') {
    ++pos_;
    while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    t.kind = TokenKind::kBoundParam;
    t.text = std::string(text_.substr(start + 1, pos_ - start - 1));
    if (t.text.empty()) {
      t.kind = TokenKind::kIllegal;
      t.text = std::string(1, '$');
    }
    return t;
  }
  static constexpr std::string_view kTwo[] = {"=~", "!~", "!=", "<>",
                                              "<=", ">=", "::"};
  for (std::string_view op : kTwo) {
    if (text_.substr(pos_, 2) == op) {
      pos_ += 2;
      t.kind = TokenKind::kOperator;
      t.text = std::string(op);
      return t;
    }
  }
  static constexpr std::string_view kOne = "=<>+-*/%(),;.:";
  if (kOne.find(c) != std::string_view::npos) {
    ++pos_;
    t.kind = TokenKind::kOperator;
    t.text = std::string(1, c);
    return t;
  }
  ++pos_;
  t.kind = TokenKind::kIllegal;
  t.text = std::string(1, c);
  return t;
}

Token Lexer::ScanRegex() {
  SkipBlanks();
  Token t;
  t.pos = pos_;
  if (pos_ >= text_.size() || text_[pos_] != '/') {
    t.kind = TokenKind::kIllegal;
    t.text = "expected regex";
    return t;
  }
  ++pos_;
  std::string out;
  while (true) {
    if (pos_ >= text_.size()) {
      t.kind = TokenKind::kIllegal;
      t.text = "unterminated regex";
      return t;
    }
    const char c = text_[pos_++];
    if (c == '/') break;
    if (c == '\\' && pos_ < text_.size()) {
      if (text_[pos_] == '/') {
        out += '/';
      } else {
        out += '\\';
        out += text_[pos_];
      }
      ++pos_;
      continue;
    }
    out += c;
  }
  t.kind = TokenKind::kRegex;
  t.text = std::move(out);
  return t;
}

}  // namespace citynexus::query::influxql
