#include "query/indicators/expr_lexer.h"

#include <cctype>
#include <cstdlib>

#include "common/numbers.h"
#include "query/time_parse.h"

namespace citynexus::query::indicators {
namespace {

bool IsIdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         c == '.';
}
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

}  // namespace

std::pair<int, int> LineColumn(std::string_view text, size_t pos) {
  int line = 1;
  int col = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

std::string FormatExprError(std::string_view text, size_t pos,
                            std::string_view message) {
  if (pos > text.size()) {
    pos = text.size();
  }
  const auto [line, col] = LineColumn(text, pos);
  size_t begin = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  begin = (begin == std::string_view::npos || pos == 0) ? 0 : begin + 1;
  if (pos > 0 && begin > pos) {
    begin = pos;
  }
  size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) {
    end = text.size();
  }
  std::string out = "line " + std::to_string(line) + ":" + std::to_string(col) +
                    ": " + std::string(message) + "\n  " +
                    std::string(text.substr(begin, end - begin)) + "\n  " +
                    std::string(pos - begin, ' ') + "^";
  return out;
}

Result<std::vector<Token>> Tokenize(std::string_view text, size_t* error_pos) {
  std::vector<Token> out;
  size_t i = 0;
  auto fail = [&](size_t pos, const std::string& msg) -> Status {
    if (error_pos) {
      *error_pos = pos;
    }
    return Status::InvalidArgument(FormatExprError(text, pos, msg));
  };
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '#') {  // comment to end of line, as in PromQL
      while (i < text.size() && text[i] != '\n') {
        ++i;
      }
      continue;
    }
    Token t;
    t.pos = i;
    if (IsIdentStart(c)) {
      size_t j = i;
      while (j < text.size() && IsIdentChar(text[j])) {
        ++j;
      }
      t.kind = TokenKind::kIdent;
      t.text = std::string(text.substr(i, j - i));
      i = j;
    } else if (IsDigit(c) ||
               (c == '.' && i + 1 < text.size() && IsDigit(text[i + 1]))) {
      // A number, or a duration when unit letters follow directly.
      size_t j = i;
      while (j < text.size() && (IsDigit(text[j]) || text[j] == '.')) {
        ++j;
      }
      const bool exponent = j < text.size() &&
                            (text[j] == 'e' || text[j] == 'E') &&
                            j + 1 < text.size() &&
                            (IsDigit(text[j + 1]) ||
                             ((text[j + 1] == '+' || text[j + 1] == '-') &&
                              j + 2 < text.size() && IsDigit(text[j + 2])));
      if (exponent) {
        j += 2;
        while (j < text.size() && IsDigit(text[j])) {
          ++j;
        }
      }
      if (!exponent && j < text.size() &&
          std::isalpha(static_cast<unsigned char>(text[j]))) {
        while (j < text.size() &&
               std::isalnum(static_cast<unsigned char>(text[j]))) {
          ++j;
        }
        auto ns = ParseDurationNs(text.substr(i, j - i));
        if (!ns) {
          return fail(i, "bad duration \"" +
                             std::string(text.substr(i, j - i)) +
                             "\" (expected e.g. 15m, 1h, 1d, 7d)");
        }
        t.kind = TokenKind::kDuration;
        t.duration_ns = *ns;
      } else {
        const std::string num(text.substr(i, j - i));
        const std::optional<double> value = ParseDecimal(num);
        if (!value) {
          return fail(i, "bad number \"" + num + "\"");
        }
        t.number = *value;
        t.kind = TokenKind::kNumber;
      }
      t.text = std::string(text.substr(i, j - i));
      i = j;
    } else if (c == '`') {  // raw string: no escapes
      const size_t close = text.find('`', i + 1);
      if (close == std::string_view::npos) {
        return fail(i, "unterminated string");
      }
      t.kind = TokenKind::kString;
      t.text = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '"' || c == '\'') {
      size_t j = i + 1;
      std::string value;
      bool closed = false;
      while (j < text.size()) {
        if (text[j] == '\\' && j + 1 < text.size()) {
          const char e = text[j + 1];
          value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
          j += 2;
          continue;
        }
        if (text[j] == c) {
          closed = true;
          ++j;
          break;
        }
        value += text[j++];
      }
      if (!closed) {
        return fail(i, "unterminated string");
      }
      t.kind = TokenKind::kString;
      t.text = std::move(value);
      i = j;
    } else {
      const char n = i + 1 < text.size() ? text[i + 1] : '\0';
      size_t len = 1;
      switch (c) {
        case '(':
          t.kind = TokenKind::kLParen;
          break;
        case ')':
          t.kind = TokenKind::kRParen;
          break;
        case '{':
          t.kind = TokenKind::kLBrace;
          break;
        case '}':
          t.kind = TokenKind::kRBrace;
          break;
        case '[':
          t.kind = TokenKind::kLBracket;
          break;
        case ']':
          t.kind = TokenKind::kRBracket;
          break;
        case ',':
          t.kind = TokenKind::kComma;
          break;
        case ':':
          t.kind = TokenKind::kColon;
          break;
        case '.':
          t.kind = TokenKind::kDot;
          break;
        case '+':
          t.kind = TokenKind::kPlus;
          break;
        case '-':
          t.kind = TokenKind::kMinus;
          break;
        case '*':
          t.kind = TokenKind::kStar;
          break;
        case '/':
          t.kind = TokenKind::kSlash;
          break;
        case '^':
          t.kind = TokenKind::kCaret;
          break;
        case '%':
          t.kind = TokenKind::kPercent;
          break;
        case '@':
          t.kind = TokenKind::kAt;
          break;
        case '=':
          if (n == '=') {
            t.kind = TokenKind::kEq;
            len = 2;
          } else if (n == '~') {
            t.kind = TokenKind::kRegexEq;
            len = 2;
          } else {
            t.kind = TokenKind::kAssign;
          }
          break;
        case '!':
          if (n == '=') {
            t.kind = TokenKind::kNe;
          } else if (n == '~') {
            t.kind = TokenKind::kRegexNe;
          } else {
            return fail(i, "unexpected character '!'");
          }
          len = 2;
          break;
        case '>':
          t.kind = n == '=' ? TokenKind::kGe : TokenKind::kGt;
          len = n == '=' ? 2 : 1;
          break;
        case '<':
          t.kind = n == '=' ? TokenKind::kLe : TokenKind::kLt;
          len = n == '=' ? 2 : 1;
          break;
        default:
          return fail(i, std::string("unexpected character '") + c + "'");
      }
      t.text = std::string(text.substr(i, len));
      i += len;
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.pos = text.size();
  out.push_back(end);
  return out;
}

}  // namespace citynexus::query::indicators
