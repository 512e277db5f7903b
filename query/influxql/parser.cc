// InfluxQL statements: the entry point, statement dispatch, SELECT with its
// FROM, GROUP BY, fill() and tz() clauses, and statements citynexus
// recognises but does not run. Recursive descent; see
// parser_internal.h for how the parser is split into files.
#include "query/influxql/parser.h"

#include <cctype>

#include "query/influxql/parser_internal.h"
#include "query/time_zone.h"

namespace citynexus::query::influxql {
namespace detail {

Result<std::vector<Statement>> Parser::ParseAll() {
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

Result<Statement> Parser::ParseStatement() {
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
Result<Statement> Parser::Unsupported(std::string verb) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kIdent && !t.quoted) {
    std::string word = t.text;
    for (char& c : word) c = static_cast<char>(std::toupper(c));
    verb += " " + word;
  }
  CITYNEXUS_RETURN_IF_ERROR(SkipStatement());
  return Statement(UnsupportedStatement{"not supported: " + verb});
}

Result<SelectStatement> Parser::ParseSelect() {
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
  CITYNEXUS_RETURN_IF_ERROR(ParseOptionalCount("limit", &s.limit));
  CITYNEXUS_RETURN_IF_ERROR(ParseOptionalCount("offset", &s.offset));
  CITYNEXUS_RETURN_IF_ERROR(ParseOptionalCount("slimit", &s.slimit));
  CITYNEXUS_RETURN_IF_ERROR(ParseOptionalCount("soffset", &s.soffset));
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

Result<std::vector<Source>> Parser::ParseSources() {
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
      // A subquery, nested at most kMaxSubqueryDepth deep (the parser and
      // the executor recurse once per level).
      Next();
      if (++subquery_depth_ > kMaxSubqueryDepth) {
        return Status::InvalidArgument("subqueries nested deeper than " +
                                       std::to_string(kMaxSubqueryDepth));
      }
      if (!AcceptKeyword("select")) return Error(Peek(), "expected SELECT");
      IQL_ASSIGN(sub, ParseSelect());
      CITYNEXUS_RETURN_IF_ERROR(ExpectOp(")"));
      --subquery_depth_;
      Source src;
      src.subquery = std::make_shared<const SelectStatement>(std::move(sub));
      out.push_back(std::move(src));
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

Result<int64_t> Parser::ParseSignedDuration() {
  const bool negative = AcceptOp("-");
  const Token& t = Peek();
  if (t.kind != TokenKind::kDuration) return Error(t, "expected duration");
  const int64_t ns = Next().integer;
  return negative ? -ns : ns;
}

Status Parser::ParseDimensions(SelectStatement& s) {
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
        return Status::InvalidArgument("multiple time dimensions not allowed");
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

Status Parser::ParseFill(SelectStatement& s) {
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

}  // namespace detail

Result<std::vector<Statement>> ParseQuery(std::string_view text,
                                          const Params& params) {
  detail::Parser parser(text, params);
  return parser.ParseAll();
}

}  // namespace citynexus::query::influxql
