// OData expressions of $filter / $orderby, query options and ISO 8601 times.
#include <catch2/catch.hpp>
#include <map>

#include "query/sta/expr.h"
#include "query/sta/options.h"

namespace citynexus::query::sta {
namespace {

ExprValue Eval(const std::string& text,
               const std::map<std::string, ExprValue>& vars = {}) {
  auto e = ParseExpr(text, "$filter");
  INFO(text << ": " << (e ? "" : e.error().message()));
  REQUIRE(e);
  return Evaluate(
      **e,
      [&](const std::vector<std::string>& p) {
        std::string key;
        for (const auto& s : p) key += (key.empty() ? "" : "/") + s;
        auto it = vars.find(key);
        return it == vars.end() ? ExprValue::Null() : it->second;
      },
      0);
}

bool True(const std::string& text,
          const std::map<std::string, ExprValue>& vars = {}) {
  ExprValue v = Eval(text, vars);
  return v.kind == ExprValue::Kind::kBool && v.boolean;
}

std::string ErrorOf(const std::string& text) {
  auto e = ParseExpr(text, "$filter");
  REQUIRE(!e);
  return e.error().message();
}

}  // namespace

TEST_CASE(
    "sta expr: precedence of logical, comparison and arithmetic operators",
    "[query][sta]") {
  CHECK(True("1 add 2 mul 3 eq 7"));
  CHECK(True("(1 add 2) mul 3 eq 9"));
  CHECK(True("true or false and false"));
  CHECK(!True("(true or false) and false"));
  CHECK(True("not 1 eq 2"));
  CHECK(True("not (1 eq 2) and 2 eq 2"));
  CHECK(True("-3 lt -2"));
  CHECK(True("10 mod 4 eq 2 and 9 div 2 eq 4.5 and 5 sub 7 eq -2"));
  CHECK(True("- x eq -4", {{"x", ExprValue::Number(4)}}));
  CHECK(!True("x gt 1", {}));  // null compares false
  CHECK(True("x eq null"));
  CHECK(True("1.5e1 eq 15 and 2.0f eq 2"));
}

TEST_CASE("sta expr: string, math and date functions", "[query][sta]") {
  const std::map<std::string, ExprValue> v = {
      {"name", ExprValue::String("Traffic K12")},
      {"t", ExprValue::Time(*ParseIsoTime("2024-03-05T07:08:09.250Z"))}};
  CHECK(True("substringof('K1', name) and contains(name, 'ffic')", v));
  CHECK(True("startswith(name, 'Tr') and endswith(name, '12')", v));
  CHECK(True("length(name) eq 11 and indexof(name, 'K') eq 8", v));
  CHECK(
      True("substring(name, 8) eq 'K12' and substring(name, 0, 2) eq 'Tr'", v));
  CHECK(True(
      "tolower(name) eq 'traffic k12' and toupper(name) eq 'TRAFFIC K12'", v));
  CHECK(True("trim('  a ') eq 'a' and concat('a', 'b') eq 'ab'", v));
  CHECK(True("round(2.5) eq 3 and floor(2.7) eq 2 and ceiling(2.1) eq 3"));
  CHECK(True("year(t) eq 2024 and month(t) eq 3 and day(t) eq 5", v));
  CHECK(True("hour(t) eq 7 and minute(t) eq 8 and second(t) eq 9", v));
  CHECK(True("fractionalseconds(t) eq 0.25 and date(t) eq 2024-03-05", v));
  CHECK(
      True("t gt 2024-03-05T07:00:00Z and t lt 2024-03-05T08:00:00+00:00", v));
  CHECK(True("t lt now() or true", v));
  CHECK(True("mindatetime() lt t and t lt maxdatetime()", v));
  CHECK(True("t eq '2024-03-05T07:08:09.250Z'", v));  // strings read as times
}

TEST_CASE("sta expr: errors name the position; geo functions are not supported",
          "[query][sta]") {
  CHECK(ErrorOf("name eq") == "$filter: position 8: expected an operand");
  CHECK(ErrorOf("name eq 'x").find("position 9: unterminated string") !=
        std::string::npos);
  CHECK(ErrorOf("name eq 1 )").find("position 11") != std::string::npos);
  CHECK(ErrorOf("length(name, 2) eq 1").find("length() takes 1") !=
        std::string::npos);
  CHECK(ErrorOf("foo(1)").find("unknown function foo()") != std::string::npos);
  CHECK(ErrorOf("t gt 2024-13-01T00:00:00Z").find("malformed ISO 8601") !=
        std::string::npos);
  CHECK(ErrorOf(std::string(100, '(') + "1" + std::string(100, ')'))
            .find("nested too deeply") != std::string::npos);
  CHECK(ErrorOf(std::string(5000, 'a')).find("longer than") !=
        std::string::npos);
  auto geo =
      ParseExpr("geo.intersects(location, geography'POINT(1 2)')", "$filter");
  REQUIRE(!geo);
  CHECK(geo.error().code() == StatusCode::kNotSupported);
}

TEST_CASE("sta expr: time bounds are extracted from top-level conjuncts only",
          "[query][sta]") {
  auto bounds = [](const std::string& text) {
    return ExtractTimeBounds(ParseExpr(text, "$filter").value().get());
  };
  const int64_t t1 = *ParseIsoTime("2024-01-01T00:00:00Z");
  const int64_t t2 = *ParseIsoTime("2024-01-02T00:00:00Z");
  TimeBounds b = bounds(
      "phenomenonTime ge 2024-01-01T00:00:00Z and phenomenonTime lt "
      "2024-01-02T00:00:00Z");
  CHECK(b.start_ns == t1);
  CHECK(b.end_ns == t2);
  CHECK(b.exact);
  b = bounds("2024-01-01T00:00:00Z lt phenomenonTime and result gt 3");
  CHECK(b.start_ns == t1 + 1);
  CHECK(b.end_ns == INT64_MAX);
  CHECK(!b.exact);
  b = bounds(
      "phenomenonTime ge 2024-01-01T00:00:00Z or phenomenonTime lt "
      "2024-01-02T00:00:00Z");
  CHECK(b.start_ns == INT64_MIN);
  CHECK(!b.exact);
  b = bounds("phenomenonTime eq 2024-01-01T00:00:00Z");
  CHECK(b.start_ns == t1);
  CHECK(b.end_ns == t1 + 1);
}

TEST_CASE("sta options: parsing, nesting and bounds", "[query][sta]") {
  auto parse = [](std::vector<std::pair<std::string, std::string>> p) {
    return ParseQueryOptions(p);
  };
  auto o = parse({{"$top", "5"},
                  {"$skip", "10"},
                  {"$count", "true"},
                  {"$select", "name, id"},
                  {"$orderby", "name desc,id"},
                  {"$expand",
                   "Datastreams($top=1;$expand=Observations($filter=result gt "
                   "1;$select=result)),Locations"},
                  {"other", "ignored"}});
  REQUIRE(o);
  CHECK(*o->top == 5);
  CHECK(o->skip == 10);
  CHECK(o->count);
  CHECK(o->select == std::vector<std::string>{"name", "id"});
  REQUIRE(o->orderby.size() == 2);
  CHECK(o->orderby[0].descending);
  CHECK(!o->orderby[1].descending);
  REQUIRE(o->expand.size() == 2);
  CHECK(*o->expand[0].options.top == 1);
  REQUIRE(o->expand[0].options.expand.size() == 1);
  CHECK(o->expand[0].options.expand[0].options.filter);
  // A path expand nests: A/B(opts) = A($expand=B(opts)).
  o = parse({{"$expand", "Datastreams/Observations($top=2)"}});
  REQUIRE(o);
  CHECK(o->expand[0].path == std::vector<std::string>{"Datastreams"});
  CHECK(*o->expand[0].options.expand[0].options.top == 2);
  CHECK(!o->expand[0].options.top);
  CHECK(parse({{"$expand", "A($expand=B($expand=C($expand=D($expand=E))))"}})
            .error()
            .message()
            .find("nested deeper") != std::string::npos);
  CHECK(
      parse({{"$expand", "A($top=1"}}).error().message().find("missing ')'") !=
      std::string::npos);
  CHECK(parse({{"$apply", "x"}}).error().code() == StatusCode::kNotSupported);
  CHECK(parse({{"$skip", "x"}}).error().code() == StatusCode::kInvalidArgument);
  CHECK(parse({{"$aggregate", "mean"}})
            .error()
            .message()
            .find("needs $interval") != std::string::npos);
  CHECK(parse({{"$interval", "PT1H"}})
            .error()
            .message()
            .find("need $aggregate") != std::string::npos);
}

TEST_CASE("sta options: ISO 8601 durations and times", "[query][sta]") {
  int months = 0, days = 0;
  CHECK(ParseIsoDuration("PT15M", &months, &days).value() ==
        15 * 60'000'000'000LL);
  CHECK(ParseIsoDuration("P1DT12H", &months, &days).value() ==
        36 * 3600'000'000'000LL);
  CHECK(days == 1);
  CHECK(ParseIsoDuration("P2W", &months, &days).value() ==
        14 * 86400'000'000'000LL);
  CHECK(ParseIsoDuration("P1M", &months, &days).value() == 0);
  CHECK(months == 1);
  CHECK(!ParseIsoDuration("PT0S", &months, &days));
  CHECK(!ParseIsoDuration("P1MT1H", &months, &days));
  CHECK(!ParseIsoDuration("1h", &months, &days));
  CHECK(!ParseIsoDuration("PT", &months, &days));
  CHECK(ParseIsoTime("2010-12-23T10:20:00-0700") ==
        ParseIsoTime("2010-12-23T17:20:00Z"));
  CHECK(ParseIsoTime("2024-01-01") == ParseIsoTime("2024-01-01T00:00:00Z"));
  CHECK(!ParseIsoTime("2024-01-01T00:00:00"));  // a time needs its zone
  CHECK(!ParseIsoTime("2024-01-01T25:00:00Z"));
  CHECK(FormatIsoTime(*ParseIsoTime("1969-12-31T23:59:59.5Z")) ==
        "1969-12-31T23:59:59.500Z");
  CHECK(FormatIsoTime(1) == "1970-01-01T00:00:00.000000001Z");
}

}  // namespace citynexus::query::sta
