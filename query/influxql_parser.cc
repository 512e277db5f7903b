// Recursive-descent InfluxQL parser with InfluxDB's operator precedence
// (OR < AND < comparisons < + - < * / %) and error wording.
#include "query/influxql_parser.h"

#include <algorithm>
#include <cctype>

#include "query/influxql_lexer.h"
#include "query/time_zone.h"

namespace citynexus::query::influxql {
namespace {

using ExprPtr = std::unique_ptr<Expr>;

#define IQL_ASSIGN(var, expr)                     \
  auto var##_result = (expr);                     \
  if (!var##_result) return var##_result.error(); \
  auto var = std::move(*var##_result)

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Keywords that cannot be bare identifiers (quote them to use as names).
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

struct OpInfo {
  BinaryOp op;
  int precedence;
};

class Parser {
 public:
  Parser(std::string_view text, const Params& params)
      : lex_(text), params_(params) {}

  Result<std::vector<Statement>> ParseAll() {
    std::vector<Statement> out;
    while (true) {
      while (IsOp(Peek(), ";")) Next();
      if (Peek().kind == TokenKind::kEof) break;
      IQL_ASSIGN(stmt, ParseStatement());
      out.push_back(std::move(stmt));
      const Token& t = Peek();
      if (t.kind == TokenKind::kEof) break;
      if (!IsOp(t, ";")) return Error(t, "expected ;");
    }
    if (out.empty()) {
      return Status::InvalidArgument("empty query");
    }
    return out;
  }

 private:
  // ---- tokens ----

  const Token& Peek() {
    if (!has_peek_) {
      peek_ = lex_.Scan();
      has_peek_ = true;
    }
    return peek_;
  }
  Token Next() {
    Peek();
    has_peek_ = false;
    return std::move(peek_);
  }
  static bool IsOp(const Token& t, std::string_view op) {
    return t.kind == TokenKind::kOperator && t.text == op;
  }
  static bool IsKeyword(const Token& t, std::string_view word) {
    return t.kind == TokenKind::kIdent && !t.quoted &&
           EqualsIgnoreCase(t.text, word);
  }
  bool AcceptKeyword(std::string_view word) {
    if (!IsKeyword(Peek(), word)) return false;
    Next();
    return true;
  }
  bool AcceptOp(std::string_view op) {
    if (!IsOp(Peek(), op)) return false;
    Next();
    return true;
  }
  Status Error(const Token& found, std::string_view expected) {
    if (found.kind == TokenKind::kIllegal) {
      return Status::InvalidArgument(found.text + " at " +
                                     lex_.Where(found.pos));
    }
    std::string what = found.kind == TokenKind::kEof ? "EOF" : found.text;
    return Status::InvalidArgument("found " + what + ", " +
                                   std::string(expected) + " at " +
                                   lex_.Where(found.pos));
  }
  Status ExpectKeyword(std::string_view word) {
    if (AcceptKeyword(word)) return Status::Ok();
    std::string upper(word);
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    return Error(Peek(), "expected " + upper);
  }
  Status ExpectOp(std::string_view op) {
    if (AcceptOp(op)) return Status::Ok();
    return Error(Peek(), "expected " + std::string(op));
  }
  // A regex literal at the current position (the peek buffer is dropped and
  // the text rescanned, since '/' lexes as an operator by default).
  Result<Token> NextRegex() {
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
    return t;
  }
  bool PeekRegex() {
    const Token& t = Peek();
    return IsOp(t, "/");
  }

  Result<std::string> ParseIdent() {
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

  Result<int64_t> ParseInteger() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kInteger || t.integer < 0) {
      return Error(t, "expected integer");
    }
    return Next().integer;
  }

  // Skips to the end of the statement (for statements we do not run).
  Status SkipStatement() {
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

  // ---- statements ----

  Result<Statement> ParseStatement() {
    const Token first = Peek();
    if (AcceptKeyword("select")) {
      IQL_ASSIGN(select, ParseSelect());
      if (!not_supported_.empty()) {
        std::string reason = std::move(not_supported_);
        not_supported_.clear();
        return Statement(UnsupportedStatement{"not supported: " + reason});
      }
      return Statement(std::move(select));
    }
    if (AcceptKeyword("show")) return ParseShow();
    if (AcceptKeyword("create")) {
      if (AcceptKeyword("database")) {
        IQL_ASSIGN(name, ParseIdent());
        CITYNEXUS_RETURN_IF_ERROR(SkipStatement());  // WITH DURATION ...
        return Statement(CreateDatabaseStatement{name});
      }
      return Unsupported("CREATE");
    }
    static constexpr std::string_view kOthers[] = {
        "drop", "delete", "alter", "grant", "revoke", "kill", "explain", "set"};
    for (std::string_view word : kOthers) {
      if (IsKeyword(first, word)) {
        Next();
        std::string upper(word);
        for (char& c : upper) c = static_cast<char>(std::toupper(c));
        return Unsupported(upper);
      }
    }
    return Error(first,
                 "expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, "
                 "GRANT, REVOKE, ALTER, SET, KILL");
  }

  // "DROP MEASUREMENT ..." -> not supported: DROP MEASUREMENT.
  Result<Statement> Unsupported(std::string verb) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kIdent && !t.quoted) {
      std::string word = t.text;
      for (char& c : word) c = static_cast<char>(std::toupper(c));
      verb += " " + word;
    }
    CITYNEXUS_RETURN_IF_ERROR(SkipStatement());
    return Statement(UnsupportedStatement{"not supported: " + verb});
  }

  Result<SelectStatement> ParseSelect() {
    SelectStatement s;
    do {
      SelectField f;
      if (IsOp(Peek(), "*")) {
        Next();
        f.expr = std::make_unique<Expr>();
        f.expr->kind = ExprKind::kWildcard;
      } else {
        IQL_ASSIGN(e, ParseExpr(1));
        f.expr = std::move(e);
      }
      if (AcceptKeyword("as")) {
        IQL_ASSIGN(alias, ParseIdent());
        f.alias = alias;
      }
      s.fields.push_back(std::move(f));
    } while (AcceptOp(","));
    if (AcceptKeyword("into")) {
      not_supported_ = "SELECT ... INTO";
      do {
        if (!Peek().quoted && IsKeyword(Peek(), "from")) break;
        Next();
      } while (Peek().kind != TokenKind::kEof);
    }
    CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("from"));
    IQL_ASSIGN(sources, ParseSources());
    s.sources = std::move(sources);
    if (AcceptKeyword("where")) {
      IQL_ASSIGN(cond, ParseExpr(1));
      s.condition = std::move(cond);
    }
    if (AcceptKeyword("group")) {
      CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("by"));
      CITYNEXUS_RETURN_IF_ERROR(ParseDimensions(s));
    }
    if (IsKeyword(Peek(), "fill")) {
      Next();
      CITYNEXUS_RETURN_IF_ERROR(ParseFill(s));
    }
    if (AcceptKeyword("order")) {
      CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("by"));
      const Token t = Peek();
      if (!IsKeyword(t, "time") && !(t.quoted && t.text == "time")) {
        if (IsKeyword(t, "asc") || IsKeyword(t, "desc")) {
          Next();
          s.descending = IsKeyword(t, "desc");
        } else {
          return Status::InvalidArgument(
              "only ORDER BY time supported at this time");
        }
      } else {
        Next();
        if (AcceptKeyword("desc")) {
          s.descending = true;
        } else {
          (void)AcceptKeyword("asc");
        }
      }
      if (IsOp(Peek(), ",")) {
        return Status::InvalidArgument(
            "only ORDER BY time supported at this time");
      }
    }
    if (AcceptKeyword("limit")) {
      IQL_ASSIGN(n, ParseInteger());
      s.limit = n;
    }
    if (AcceptKeyword("offset")) {
      IQL_ASSIGN(n, ParseInteger());
      s.offset = n;
    }
    if (AcceptKeyword("slimit")) {
      IQL_ASSIGN(n, ParseInteger());
      s.slimit = n;
    }
    if (AcceptKeyword("soffset")) {
      IQL_ASSIGN(n, ParseInteger());
      s.soffset = n;
    }
    if (IsKeyword(Peek(), "tz")) {
      Next();
      CITYNEXUS_RETURN_IF_ERROR(ExpectOp("("));
      const Token t = Peek();
      if (t.kind != TokenKind::kString) return Error(t, "expected string");
      s.tz = Next().text;
      CITYNEXUS_RETURN_IF_ERROR(ExpectOp(")"));
      // InfluxDB resolves the zone while parsing: an unknown one fails the
      // whole query.
      if (!s.tz.empty() && s.tz != "UTC" && !TimeZone::Load(s.tz)) {
        return Status::InvalidArgument("unable to find time zone " + s.tz);
      }
    }
    return s;
  }

  Result<std::vector<Source>> ParseSources() {
    std::vector<Source> out;
    do {
      if (PeekRegex()) {
        IQL_ASSIGN(re, NextRegex());
        Source src;
        src.regex = re.text;
        out.push_back(std::move(src));
        continue;
      }
      if (IsOp(Peek(), "(")) {
        not_supported_ = "subqueries";
        int depth = 0;
        do {
          const Token t = Next();
          if (t.kind == TokenKind::kEof) return Error(t, "expected )");
          if (IsOp(t, "(")) ++depth;
          if (IsOp(t, ")")) --depth;
        } while (depth > 0);
        out.push_back(Source{});
        continue;
      }
      // name, rp.name, db.rp.name, db..name
      std::vector<std::string> parts;
      IQL_ASSIGN(first, ParseIdent());
      parts.push_back(first);
      while (AcceptOp(".")) {
        if (IsOp(Peek(), ".")) {
          parts.emplace_back();  // db..m: default retention policy
          continue;
        }
        if (parts.size() < 3 && PeekRegex()) {
          IQL_ASSIGN(re, NextRegex());
          Source src;
          src.regex = re.text;
          if (parts.size() == 2) src.database = parts[0];
          src.retention_policy = parts.back();
          out.push_back(std::move(src));
          parts.clear();
          break;
        }
        IQL_ASSIGN(part, ParseIdent());
        parts.push_back(part);
      }
      if (parts.empty()) continue;
      if (parts.size() > 3) return Error(Peek(), "expected measurement");
      Source src;
      src.name = parts.back();
      if (parts.size() >= 2) src.retention_policy = parts[parts.size() - 2];
      if (parts.size() == 3) src.database = parts[0];
      out.push_back(std::move(src));
    } while (AcceptOp(","));
    return out;
  }

  Result<int64_t> ParseSignedDuration() {
    const bool negative = AcceptOp("-");
    const Token& t = Peek();
    if (t.kind != TokenKind::kDuration) return Error(t, "expected duration");
    const int64_t ns = Next().integer;
    return negative ? -ns : ns;
  }

  Status ParseDimensions(SelectStatement& s) {
    do {
      const Token t = Peek();
      if (IsOp(t, "*")) {
        Next();
        s.group_all_tags = true;
      } else if (PeekRegex()) {
        IQL_ASSIGN(re, NextRegex());
        (void)re;
        not_supported_ = "GROUP BY /regex/";
      } else if (IsKeyword(t, "time")) {
        Next();
        if (!AcceptOp("(")) {
          return Error(Peek(), "expected (");  // GROUP BY time alone
        }
        if (s.interval_ns != 0) {
          return Status::InvalidArgument(
              "multiple time dimensions not allowed");
        }
        IQL_ASSIGN(interval, ParseSignedDuration());
        if (interval <= 0) {
          return Status::InvalidArgument(
              "time dimension must have positive "
              "interval");
        }
        s.interval_ns = interval;
        if (AcceptOp(",")) {
          if (IsKeyword(Peek(), "now")) {
            not_supported_ = "GROUP BY time offset now()";
            Next();
            CITYNEXUS_RETURN_IF_ERROR(ExpectOp("("));
            CITYNEXUS_RETURN_IF_ERROR(ExpectOp(")"));
          } else {
            IQL_ASSIGN(offset, ParseSignedDuration());
            s.interval_offset_ns = offset;
          }
        }
        CITYNEXUS_RETURN_IF_ERROR(ExpectOp(")"));
      } else {
        IQL_ASSIGN(tag, ParseIdent());
        if (AcceptOp("::")) {
          IQL_ASSIGN(cast, ParseIdent());
          (void)cast;
        }
        s.group_tags.push_back(tag);
      }
    } while (AcceptOp(","));
    return Status::Ok();
  }

  Status ParseFill(SelectStatement& s) {
    CITYNEXUS_RETURN_IF_ERROR(ExpectOp("("));
    const bool negative = AcceptOp("-");
    const Token t = Next();
    if (!negative && IsKeyword(t, "null")) {
      s.fill = FillKind::kNull;
    } else if (!negative && IsKeyword(t, "none")) {
      s.fill = FillKind::kNone;
    } else if (!negative && IsKeyword(t, "previous")) {
      s.fill = FillKind::kPrevious;
    } else if (!negative && IsKeyword(t, "linear")) {
      s.fill = FillKind::kLinear;
    } else if (t.kind == TokenKind::kInteger || t.kind == TokenKind::kNumber) {
      s.fill = FillKind::kNumber;
      s.fill_value = negative ? -t.number : t.number;
      s.fill_value_integer = t.kind == TokenKind::kInteger;
    } else {
      return Status::InvalidArgument("fill must be a function call at " +
                                     lex_.Where(t.pos));
    }
    return ExpectOp(")");
  }

  Result<Statement> ParseShow() {
    const Token t = Peek();
    ShowStatement s;
    if (AcceptKeyword("databases")) {
      s.kind = ShowKind::kDatabases;
      return Statement(std::move(s));
    }
    if (AcceptKeyword("retention")) {
      CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("policies"));
      s.kind = ShowKind::kRetentionPolicies;
      if (AcceptKeyword("on")) {
        IQL_ASSIGN(db, ParseIdent());
        s.on_database = db;
      }
      return Statement(std::move(s));
    }
    if (AcceptKeyword("measurements")) {
      s.kind = ShowKind::kMeasurements;
    } else if (AcceptKeyword("series")) {
      s.kind = ShowKind::kSeries;
    } else if (AcceptKeyword("tag")) {
      if (AcceptKeyword("keys")) {
        s.kind = ShowKind::kTagKeys;
      } else if (AcceptKeyword("values")) {
        s.kind = ShowKind::kTagValues;
      } else {
        return Error(Peek(), "expected KEYS, VALUES");
      }
    } else if (AcceptKeyword("field")) {
      CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("keys"));
      s.kind = ShowKind::kFieldKeys;
    } else if (t.kind == TokenKind::kIdent && !t.quoted) {
      return Unsupported("SHOW");
    } else {
      return Error(t,
                   "expected DATABASES, MEASUREMENTS, SERIES, TAG, FIELD, "
                   "RETENTION");
    }
    if (AcceptKeyword("on")) {
      IQL_ASSIGN(db, ParseIdent());
      s.on_database = db;
    }
    if (s.kind != ShowKind::kMeasurements && AcceptKeyword("from")) {
      IQL_ASSIGN(sources, ParseSources());
      s.sources = std::move(sources);
    }
    if (s.kind == ShowKind::kMeasurements && AcceptKeyword("with")) {
      CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("measurement"));
      if (AcceptOp("=~")) {
        IQL_ASSIGN(re, NextRegex());
        s.measurement_regex = re.text;
      } else if (AcceptOp("=")) {
        if (PeekRegex()) {
          IQL_ASSIGN(re, NextRegex());
          s.measurement_regex = re.text;
        } else {
          IQL_ASSIGN(name, ParseIdent());
          s.measurement_equals = name;
        }
      } else {
        return Error(Peek(), "expected =, =~");
      }
    }
    if (s.kind == ShowKind::kTagValues) {
      CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("with"));
      CITYNEXUS_RETURN_IF_ERROR(ExpectKeyword("key"));
      CITYNEXUS_RETURN_IF_ERROR(ParseTagKeyCondition(s));
    }
    if (AcceptKeyword("where")) {
      IQL_ASSIGN(cond, ParseExpr(1));
      s.condition = std::move(cond);
    }
    if (AcceptKeyword("limit")) {
      IQL_ASSIGN(n, ParseInteger());
      s.limit = n;
    }
    if (AcceptKeyword("offset")) {
      IQL_ASSIGN(n, ParseInteger());
      s.offset = n;
    }
    return Statement(std::move(s));
  }

  Status ParseTagKeyCondition(ShowStatement& s) {
    if (AcceptKeyword("in")) {
      CITYNEXUS_RETURN_IF_ERROR(ExpectOp("("));
      do {
        IQL_ASSIGN(key, ParseIdent());
        s.keys.push_back(key);
      } while (AcceptOp(","));
      s.key_op = BinaryOp::kEq;
      return ExpectOp(")");
    }
    const Token t = Next();
    if (IsOp(t, "=~") || IsOp(t, "!~")) {
      IQL_ASSIGN(re, NextRegex());
      s.key_op = IsOp(t, "=~") ? BinaryOp::kEqRegex : BinaryOp::kNeqRegex;
      s.key_regex = re.text;
      return Status::Ok();
    }
    if (IsOp(t, "=") || IsOp(t, "!=") || IsOp(t, "<>")) {
      s.key_op = IsOp(t, "=") ? BinaryOp::kEq : BinaryOp::kNeq;
      if (PeekRegex()) {
        IQL_ASSIGN(re, NextRegex());
        s.key_op = s.key_op == BinaryOp::kEq ? BinaryOp::kEqRegex
                                             : BinaryOp::kNeqRegex;
        s.key_regex = re.text;
        return Status::Ok();
      }
      IQL_ASSIGN(key, ParseIdent());
      s.keys.push_back(key);
      return Status::Ok();
    }
    return Error(t, "expected =, !=, =~, !~, IN");
  }

  // ---- expressions ----

  std::optional<OpInfo> PeekBinaryOp() {
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

  Result<ExprPtr> ParseExpr(int min_precedence) {
    IQL_ASSIGN(lhs, ParseUnary());
    while (true) {
      auto op = PeekBinaryOp();
      if (!op || op->precedence < min_precedence) break;
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

  Result<ExprPtr> ParseUnary() {
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
    if (!t.quoted && (EqualsIgnoreCase(t.text, "true") ||
                      EqualsIgnoreCase(t.text, "false"))) {
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

  Lexer lex_;
  const Params& params_;
  Token peek_;
  bool has_peek_ = false;
  std::string not_supported_;  // set while parsing a SELECT we cannot run
};

}  // namespace

Result<std::vector<Statement>> ParseQuery(std::string_view text,
                                          const Params& params) {
  Parser parser(text, params);
  return parser.ParseAll();
}

}  // namespace citynexus::query::influxql
