// The bounds on expression height shared by the indicator and PromQL parsers
// (indicators::TokenCursor). Before them, 1845 nested parentheses (found by
// the indicator_expr fuzzer) or a 30,000-term sum crashed the server by
// stack overflow.
#include <catch2/catch.hpp>
#include <string>

#include "query/indicators/expr_parser.h"
#include "query/promql/parser.h"

namespace citynexus::query {
namespace {

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

template <typename ParseFn>
std::string ErrorOf(ParseFn parse, const std::string& text) {
  auto r = parse(text);
  REQUIRE_FALSE(r.has_value());
  return r.error().message();
}

auto kIndicator = [](const std::string& t) { return indicators::ParseExpr(t); };
auto kPromql = [](const std::string& t) { return promql::ParsePromql(t); };

}  // namespace

TEST_CASE("indicator and PromQL parsers bound nesting and operator count",
          "[query][indicators][promql][hardening]") {
  for (int which = 0; which < 2; ++which) {
    auto check_error = [&](const std::string& text, const std::string& want) {
      const std::string message =
          which == 0 ? ErrorOf(kIndicator, text) : ErrorOf(kPromql, text);
      INFO(message);
      CHECK(message.find(want) != std::string::npos);
    };
    check_error(Repeat("(", 1845) + "1" + Repeat(")", 1845),
                "nested deeper than 200 levels");
    check_error(Repeat("-", 5000) + "1", "nested deeper than 200 levels");
    check_error("1" + Repeat("+1", 20000), "more than 4096 binary operators");
    // At the bounds, the expression parses.
    const std::string deep = Repeat("(", 190) + "1" + Repeat(")", 190);
    const std::string chain = "1" + Repeat("+1", 4096);
    if (which == 0) {
      CHECK(indicators::ParseExpr(deep).has_value());
      CHECK(indicators::ParseExpr(chain).has_value());
    } else {
      CHECK(promql::ParsePromql(deep).has_value());
      CHECK(promql::ParsePromql(chain).has_value());
    }
  }
}

}  // namespace citynexus::query
