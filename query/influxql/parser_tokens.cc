// Token-level helpers of the InfluxQL parser: lookahead, keyword and
// operator matching, identifiers, integers, regex literals, bound
// parameters, and InfluxDB's error wording.
#include <algorithm>
#include <cctype>

#include "common/regex.h"
#include "query/influxql/parser_internal.h"

namespace citynexus::query::influxql::detail {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsReserved(std::string_view word) {
  static constexpr std::string_view kWords[] = {
      "select", "from",   "where",   "group",      "by",   "order",  "limit",
      "offset", "slimit", "soffset", "and",        "or",   "as",     "asc",
      "desc",   "into",   "on",      "with",       "show", "create", "drop",
      "delete", "in",     "key",     "measurement"};
  for (std::string_view w : kWords) {
    if (EqualsIgnoreCase(word, w)) return true;
  }
  return false;
}

const Token& Parser::Peek() {
  if (!has_peek_) {
    peek_ = lex_.Scan();
    has_peek_ = true;
  }
  return peek_;
}

Token Parser::Next() {
  Peek();
  has_peek_ = false;
  return std::move(peek_);
}

bool Parser::IsOp(const Token& t, std::string_view op) {
  return t.kind == TokenKind::kOperator && t.text == op;
}

bool Parser::IsKeyword(const Token& t, std::string_view word) {
  return t.kind == TokenKind::kIdent && !t.quoted &&
         EqualsIgnoreCase(t.text, word);
}

bool Parser::AcceptKeyword(std::string_view word) {
  if (!IsKeyword(Peek(), word)) return false;
  Next();
  return true;
}

bool Parser::AcceptOp(std::string_view op) {
  if (!IsOp(Peek(), op)) return false;
  Next();
  return true;
}

Status Parser::Error(const Token& found, std::string_view expected) {
  if (found.kind == TokenKind::kIllegal) {
    return Status::InvalidArgument(found.text + " at " + lex_.Where(found.pos));
  }
  std::string what = found.kind == TokenKind::kEof ? "EOF" : found.text;
  return Status::InvalidArgument("found " + what + ", " +
                                 std::string(expected) + " at " +
                                 lex_.Where(found.pos));
}

Status Parser::ExpectKeyword(std::string_view word) {
  if (AcceptKeyword(word)) return Status::Ok();
  std::string upper(word);
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  return Error(Peek(), "expected " + upper);
}

Status Parser::ExpectOp(std::string_view op) {
  if (AcceptOp(op)) return Status::Ok();
  return Error(Peek(), "expected " + std::string(op));
}

// A regex literal at the current position (the peek buffer is dropped and
// the text rescanned, since '/' lexes as an operator by default).
namespace {
// Compiles a regex literal at parse time, so unsupported syntax
// (backreferences, lookaround) or an overlong pattern is a parse error (400)
// as in InfluxDB; the compile is cached for the executor.
Status CheckRegex(const std::string& text) {
  auto re = CompileRegex(text);
  if (!re) return re.error();
  return Status::Ok();
}
}  // namespace

Result<Token> Parser::NextRegex() {
  if (has_peek_ && peek_.kind == TokenKind::kBoundParam) {
    Token t = Next();
    auto it = params_.find(t.text);
    if (it == params_.end() ||
        !std::holds_alternative<std::string>(it->second)) {
      return Status::InvalidArgument("missing or non-string parameter: " +
                                     t.text);
    }
    t.kind = TokenKind::kRegex;
    t.text = std::get<std::string>(it->second);
    CITYNEXUS_RETURN_IF_ERROR(CheckRegex(t.text));
    return t;
  }
  if (has_peek_) {
    lex_.Seek(peek_.pos);
    has_peek_ = false;
  }
  Token t = lex_.ScanRegex();
  if (t.kind != TokenKind::kRegex) {
    lex_.Seek(t.pos);
    return Error(Peek(), "expected regex");
  }
  CITYNEXUS_RETURN_IF_ERROR(CheckRegex(t.text));
  return t;
}

bool Parser::PeekRegex() {
  const Token& t = Peek();
  return IsOp(t, "/");
}

Result<std::string> Parser::ParseIdent() {
  const Token& t = Peek();
  if (t.kind == TokenKind::kBoundParam) {
    auto it = params_.find(t.text);
    if (it == params_.end()) {
      return Status::InvalidArgument("missing parameter: " + t.text);
    }
    if (!std::holds_alternative<std::string>(it->second)) {
      return Error(t, "expected identifier");
    }
    Next();
    return std::get<std::string>(it->second);
  }
  if (t.kind != TokenKind::kIdent || (!t.quoted && IsReserved(t.text))) {
    return Error(t, "expected identifier");
  }
  return Next().text;
}

Result<int64_t> Parser::ParseInteger() {
  const Token& t = Peek();
  if (t.kind != TokenKind::kInteger || t.integer < 0) {
    return Error(t, "expected integer");
  }
  return Next().integer;
}

Status Parser::ParseOptionalCount(std::string_view keyword, int64_t* value) {
  if (!AcceptKeyword(keyword)) return Status::Ok();
  IQL_ASSIGN(n, ParseInteger());
  *value = n;
  return Status::Ok();
}

// Skips to the end of the statement (for statements we do not run).
Status Parser::SkipStatement() {
  int depth = 0;
  while (true) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kEof) return Status::Ok();
    if (t.kind == TokenKind::kIllegal) return Error(t, "");
    if (depth == 0 && IsOp(t, ";")) return Status::Ok();
    if (IsOp(t, "(")) ++depth;
    if (IsOp(t, ")")) --depth;
    Next();
  }
}

}  // namespace citynexus::query::influxql::detail
