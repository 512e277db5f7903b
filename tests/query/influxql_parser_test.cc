// InfluxQL lexer and parser: every statement form we accept, and errors with
// InfluxDB's wording and position.
#include <catch2/catch.hpp>

#include "query/influxql/lexer.h"
#include "query/influxql/parser.h"

using namespace citynexus::query::influxql;

namespace {

std::vector<Statement> Parse(const std::string& q, const Params& params = {}) {
  auto r = ParseQuery(q, params);
  INFO(q);
  if (!r) INFO(r.error().message());
  REQUIRE(r.has_value());
  return std::move(*r);
}

const SelectStatement& AsSelect(const Statement& s) {
  REQUIRE(std::holds_alternative<SelectStatement>(s));
  return std::get<SelectStatement>(s);
}

const ShowStatement& AsShow(const Statement& s) {
  REQUIRE(std::holds_alternative<ShowStatement>(s));
  return std::get<ShowStatement>(s);
}

std::string ParseError(const std::string& q) {
  auto r = ParseQuery(q, {});
  REQUIRE_FALSE(r.has_value());
  return r.error().message();
}

constexpr int64_t kSecond = 1000000000;

}  // namespace

TEST_CASE("lexer scans durations, numbers, strings and quoted identifiers",
          "[query][influxql]") {
  Lexer lex("1h30m 1704067200000ms 2.5 42 'it\\'s' \"my field\" $p =~ <>");
  Token t = lex.Scan();
  CHECK(t.kind == TokenKind::kDuration);
  CHECK(t.integer == 5400 * kSecond);
  t = lex.Scan();
  CHECK(t.kind == TokenKind::kDuration);
  CHECK(t.integer == 1704067200000LL * 1000000);
  t = lex.Scan();
  CHECK(t.kind == TokenKind::kNumber);
  CHECK(t.number == 2.5);
  t = lex.Scan();
  CHECK(t.kind == TokenKind::kInteger);
  CHECK(t.integer == 42);
  t = lex.Scan();
  CHECK(t.kind == TokenKind::kString);
  CHECK(t.text == "it's");
  t = lex.Scan();
  CHECK(t.kind == TokenKind::kIdent);
  CHECK(t.quoted);
  CHECK(t.text == "my field");
  t = lex.Scan();
  CHECK(t.kind == TokenKind::kBoundParam);
  CHECK(t.text == "p");
  CHECK(lex.Scan().text == "=~");
  CHECK(lex.Scan().text == "<>");
  CHECK(lex.Scan().kind == TokenKind::kEof);
}

TEST_CASE("lexer scans regexes with escaped slashes on request",
          "[query][influxql]") {
  Lexer lex(R"(  /a\/b\.c/ rest)");
  Token t = lex.ScanRegex();
  REQUIRE(t.kind == TokenKind::kRegex);
  CHECK(t.text == R"(a/b\.c)");
  CHECK(lex.Scan().text == "rest");
  Lexer bad("/open");
  CHECK(bad.ScanRegex().kind == TokenKind::kIllegal);
}

TEST_CASE("parser reads a Grafana-style aggregate SELECT",
          "[query][influxql]") {
  auto stmts = Parse(
      "SELECT mean(\"value\") AS \"avg\", percentile(value, 95), "
      "integral(value, 1m) FROM \"autogen\".\"cpu\" WHERE (\"host\" =~ "
      "/^(a|b)$/ OR region != 'us') AND time >= now() - 6h and time <= "
      "1704067200000ms GROUP BY time(10s, 5s), \"host\" fill(linear) ORDER BY "
      "time DESC LIMIT 10 OFFSET 2 SLIMIT 3 SOFFSET 1 tz('UTC')");
  REQUIRE(stmts.size() == 1);
  const auto& s = AsSelect(stmts[0]);
  REQUIRE(s.fields.size() == 3);
  CHECK(s.fields[0].expr->kind == ExprKind::kCall);
  CHECK(s.fields[0].expr->name == "mean");
  CHECK(s.fields[0].alias == "avg");
  CHECK(s.fields[1].expr->args.size() == 2);
  CHECK(s.fields[1].expr->args[1]->integer == 95);
  CHECK(s.fields[2].expr->args[1]->kind == ExprKind::kDuration);
  REQUIRE(s.sources.size() == 1);
  CHECK(s.sources[0].retention_policy == "autogen");
  CHECK(s.sources[0].name == "cpu");
  REQUIRE(s.condition);
  CHECK(s.condition->op == BinaryOp::kAnd);
  CHECK(s.interval_ns == 10 * kSecond);
  CHECK(s.interval_offset_ns == 5 * kSecond);
  CHECK(s.group_tags == std::vector<std::string>{"host"});
  CHECK(s.fill == FillKind::kLinear);
  CHECK(s.descending);
  CHECK(s.limit == 10);
  CHECK(s.offset == 2);
  CHECK(s.slimit == 3);
  CHECK(s.soffset == 1);
  CHECK(s.tz == "UTC");
}

TEST_CASE("parser applies InfluxQL precedence: AND binds tighter than OR",
          "[query][influxql]") {
  auto stmts =
      Parse("SELECT v FROM m WHERE a = 'x' OR b = 'y' AND c > 1 + 2 * 3");
  const auto& s = AsSelect(stmts[0]);
  REQUIRE(s.condition);
  CHECK(s.condition->op == BinaryOp::kOr);
  CHECK(s.condition->rhs->op == BinaryOp::kAnd);
  const Expr& cmp = *s.condition->rhs->rhs;
  CHECK(cmp.op == BinaryOp::kGt);
  CHECK(cmp.rhs->op == BinaryOp::kAdd);
  CHECK(cmp.rhs->rhs->op == BinaryOp::kMul);
}

TEST_CASE("parser reads sources in every form", "[query][influxql]") {
  auto stmts = Parse("SELECT * FROM db.rp.m1, db..m2, /^cpu.*/, \"we.ird\"");
  const auto& s = AsSelect(stmts[0]);
  REQUIRE(s.sources.size() == 4);
  CHECK(s.sources[0].database == "db");
  CHECK(s.sources[0].retention_policy == "rp");
  CHECK(s.sources[0].name == "m1");
  CHECK(s.sources[1].database == "db");
  CHECK(s.sources[1].retention_policy.empty());
  CHECK(s.sources[1].name == "m2");
  REQUIRE(s.sources[2].regex.has_value());
  CHECK(*s.sources[2].regex == "^cpu.*");
  CHECK(s.sources[3].name == "we.ird");
  CHECK(s.fields[0].expr->kind == ExprKind::kWildcard);
}

TEST_CASE("parser reads fill values, GROUP BY * and several statements",
          "[query][influxql]") {
  auto stmts = Parse(
      "SELECT max(v) FROM m GROUP BY * fill(-1.5); SELECT count(v) FROM m "
      "GROUP BY time(1m) fill(0);");
  REQUIRE(stmts.size() == 2);
  const auto& a = AsSelect(stmts[0]);
  CHECK(a.group_all_tags);
  CHECK(a.fill == FillKind::kNumber);
  CHECK(a.fill_value == -1.5);
  const auto& b = AsSelect(stmts[1]);
  CHECK(b.fill_value == 0);
  CHECK(b.fill_value_integer);
}

TEST_CASE("parser reads every SHOW form and CREATE DATABASE",
          "[query][influxql]") {
  auto stmts = Parse(
      "SHOW DATABASES; SHOW MEASUREMENTS WITH MEASUREMENT =~ /cp.*/ LIMIT 5;"
      "SHOW TAG KEYS FROM cpu; SHOW TAG VALUES FROM cpu WITH KEY = \"host\";"
      "SHOW TAG VALUES WITH KEY IN (\"a\", \"b\") WHERE x = 'y';"
      "SHOW TAG VALUES ON db WITH KEY =~ /h.*/; SHOW FIELD KEYS FROM m;"
      "SHOW SERIES FROM cpu WHERE host = 'a'; SHOW RETENTION POLICIES ON db;"
      "CREATE DATABASE foo WITH DURATION 1d");
  REQUIRE(stmts.size() == 10);
  CHECK(AsShow(stmts[0]).kind == ShowKind::kDatabases);
  CHECK(AsShow(stmts[1]).kind == ShowKind::kMeasurements);
  CHECK(*AsShow(stmts[1]).measurement_regex == "cp.*");
  CHECK(AsShow(stmts[1]).limit == 5);
  CHECK(AsShow(stmts[2]).kind == ShowKind::kTagKeys);
  CHECK(AsShow(stmts[2]).sources[0].name == "cpu");
  CHECK(AsShow(stmts[3]).keys == std::vector<std::string>{"host"});
  CHECK(AsShow(stmts[4]).keys == std::vector<std::string>{"a", "b"});
  CHECK(AsShow(stmts[4]).condition);
  CHECK(AsShow(stmts[5]).key_op == BinaryOp::kEqRegex);
  CHECK(AsShow(stmts[5]).on_database == "db");
  CHECK(AsShow(stmts[6]).kind == ShowKind::kFieldKeys);
  CHECK(AsShow(stmts[7]).kind == ShowKind::kSeries);
  CHECK(AsShow(stmts[8]).kind == ShowKind::kRetentionPolicies);
  REQUIRE(std::holds_alternative<CreateDatabaseStatement>(stmts[9]));
  CHECK(std::get<CreateDatabaseStatement>(stmts[9]).name == "foo");
}

TEST_CASE("parser substitutes bound parameters", "[query][influxql]") {
  Params params{{"host", std::string("a")}, {"n", int64_t{5}}};
  auto stmts =
      Parse("SELECT v FROM m WHERE host = $host AND v > $n LIMIT 1", params);
  const auto& s = AsSelect(stmts[0]);
  CHECK(s.condition->lhs->rhs->kind == ExprKind::kString);
  CHECK(s.condition->lhs->rhs->name == "a");
  CHECK(s.condition->rhs->rhs->integer == 5);
  CHECK_FALSE(ParseQuery("SELECT v FROM m WHERE host = $missing", {}));
}

TEST_CASE("parser marks statements it cannot run as not supported",
          "[query][influxql]") {
  auto stmts = Parse(
      "DROP MEASUREMENT cpu; SELECT mean(v) INTO other FROM m; SHOW USERS");
  REQUIRE(stmts.size() == 3);
  for (const auto& s : stmts) {
    REQUIRE(std::holds_alternative<UnsupportedStatement>(s));
  }
  CHECK(std::get<UnsupportedStatement>(stmts[0]).reason ==
        "not supported: DROP MEASUREMENT");
  CHECK(std::get<UnsupportedStatement>(stmts[1]).reason ==
        "not supported: SELECT ... INTO");
}

TEST_CASE("parser reads subqueries as sources", "[query][influxql]") {
  auto stmts = Parse(
      "SELECT max(m) FROM (SELECT mean(v) AS m FROM cpu "
      "GROUP BY time(1m), host) WHERE time > 0 GROUP BY host");
  REQUIRE(stmts.size() == 1);
  const auto& outer = std::get<SelectStatement>(stmts[0]);
  REQUIRE(outer.sources.size() == 1);
  REQUIRE(outer.sources[0].subquery != nullptr);
  const SelectStatement& inner = *outer.sources[0].subquery;
  CHECK(inner.fields[0].alias == "m");
  CHECK(inner.interval_ns == 60000000000);
  CHECK(inner.group_tags == std::vector<std::string>{"host"});
  CHECK(outer.group_tags == std::vector<std::string>{"host"});
}

TEST_CASE("parse errors name the token and position like InfluxDB",
          "[query][influxql]") {
  CHECK(ParseError("SELECT value") ==
        "found EOF, expected FROM at line 1, char 14");
  CHECK(ParseError("SELECT FROM cpu") ==
        "found FROM, expected identifier, string, number, bool at line 1, "
        "char 8");
  CHECK(ParseError("SELEC value FROM cpu") ==
        "found SELEC, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, "
        "GRANT, REVOKE, ALTER, SET, KILL at line 1, char 1");
  CHECK(ParseError("SELECT v FROM m\nWHERE host = 'a") ==
        "unterminated string at line 2, char 14");
  CHECK(ParseError("SELECT v FROM m LIMIT x") ==
        "found x, expected integer at line 1, char 23");
  CHECK(ParseError("SELECT v FROM m ORDER BY v") ==
        "only ORDER BY time supported at this time");
  CHECK(ParseError("SELECT v FROM m extra") ==
        "found extra, expected ; at line 1, char 17");
  CHECK(ParseError("") == "empty query");
}

// Expression trees are walked recursively; a query of 100,000 nested
// parentheses or a chain of 50,000 additions crashed the server by stack
// overflow before these bounds.
TEST_CASE("parser bounds expression nesting and operator count",
          "[query][influxql][hardening]") {
  auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  CHECK(ParseError("SELECT " + repeat("(", 100000) + "value" +
                   repeat(")", 100000) + " FROM m")
            .find("nested deeper than 200 levels") != std::string::npos);
  CHECK(ParseError("SELECT value FROM m WHERE " + repeat("(", 300) + "a = 1" +
                   repeat(")", 300))
            .find("nested deeper than 200 levels") != std::string::npos);
  CHECK(ParseError("SELECT value" + repeat(" + value", 50000) + " FROM m")
            .find("more than 4096 operators") != std::string::npos);
  // At the bounds, the query parses.
  Parse("SELECT " + repeat("(", 199) + "value" + repeat(")", 199) + " FROM m");
  Parse("SELECT value" + repeat(" + value", 4096) + " FROM m");
}
