// Parser of indicator expressions: structure, precedence and errors with
// positions.
#include <catch2/catch.hpp>

#include "query/indicators/expr_parser.h"

using namespace citynexus;
using namespace citynexus::query::indicators;

namespace {

std::unique_ptr<Expr> Parse(const std::string& text) {
  auto e = ParseExpr(text);
  if (!e) {
    FAIL(e.error().message());
  }
  return std::move(*e);
}

}  // namespace

TEST_CASE("parser splits selectors at the last dot and reads matchers",
          "[query][indicators][parser]") {
  auto e = Parse(
      R"(elec.meter.energy{class="residential",dist!="x",m=~"a|b",n!~"c"})");
  REQUIRE(e->kind == ExprKind::kSelector);
  CHECK(e->measurement == "elec.meter");
  CHECK(e->field == "energy");
  REQUIRE(e->matchers.size() == 4);
  CHECK(e->matchers[0].op == MatchOp::kEqual);
  CHECK(e->matchers[1].op == MatchOp::kNotEqual);
  CHECK(e->matchers[2].op == MatchOp::kRegexMatch);
  CHECK(e->matchers[2].value == "a|b");
  CHECK(e->matchers[3].op == MatchOp::kRegexNotMatch);

  auto q = Parse(R"("traffic.count".vehicles[15m])");
  CHECK(q->measurement == "traffic.count");
  CHECK(q->field == "vehicles");
  CHECK(q->has_range);
  CHECK(q->range_ns == 15LL * 60 * 1000000000);
}

TEST_CASE("parser follows PromQL precedence and binary modifiers",
          "[query][indicators][parser]") {
  auto e = Parse("1 + 2 * 3 > bool 4");
  REQUIRE(e->kind == ExprKind::kBinary);
  CHECK(e->op == BinaryOp::kGt);
  CHECK(e->return_bool);
  const Expr& sum = *e->args[0];
  REQUIRE(sum.op == BinaryOp::kAdd);
  CHECK(sum.args[1]->op == BinaryOp::kMul);

  auto m = Parse("a.x / ignoring(dir) b.y");
  CHECK(m->has_matching);
  CHECK_FALSE(m->on);
  CHECK(m->matching_labels == std::vector<std::string>{"dir"});

  auto agg = Parse("sum(increase(w.m3[1d])) by (zone, dma)");
  REQUIRE(agg->kind == ExprKind::kAggregate);
  CHECK(agg->grouping == std::vector<std::string>{"zone", "dma"});
  auto agg2 = Parse("quantile without (site) (0.9, a.b)");
  CHECK(agg2->agg == query::AggFunction::kPercentile);
  CHECK(agg2->without);
  CHECK(agg2->args.size() == 2);

  auto ts = Parse("time_share(ev.power > 0 [1d])");
  REQUIRE(ts->kind == ExprKind::kCall);
  CHECK(ts->has_range);
  CHECK(ts->range_ns == 86400LL * 1000000000);

  auto sq = Parse("max_over_time((a.b + 1)[1d:1h] offset 1d)");
  const Expr& arg = *sq->args[0];
  REQUIRE(arg.kind == ExprKind::kSubquery);
  CHECK(arg.resolution_ns == 3600LL * 1000000000);
  CHECK(arg.offset_ns == 86400LL * 1000000000);

  auto neg = Parse("-fact(\"population\") * -2");
  CHECK(neg->kind == ExprKind::kBinary);
  CHECK(neg->args[0]->kind == ExprKind::kNegate);
  CHECK(neg->args[1]->number == -2);
}

TEST_CASE("parser errors name line, column and show a caret",
          "[query][indicators][parser]") {
  size_t pos = 0;
  auto e = ParseExpr("sum(water.flow[1d]", &pos);
  REQUIRE_FALSE(e.has_value());
  CHECK(e.error().code() == StatusCode::kInvalidArgument);
  CHECK(pos == 18);
  CHECK_THAT(e.error().message(), Catch::Contains("line 1:19: expected ')'"));
  CHECK_THAT(e.error().message(),
             Catch::Contains("sum(water.flow[1d]\n                    ^"));

  auto unknown = ParseExpr("1 +\n  sqrt(a.b)", &pos);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(pos == 6);
  CHECK_THAT(unknown.error().message(),
             Catch::Contains("line 2:3: unknown function \"sqrt\""));
  CHECK_THAT(unknown.error().message(), Catch::Contains("\n    ^"));

  auto bare = ParseExpr("population * 2", &pos);
  REQUIRE_FALSE(bare.has_value());
  CHECK(pos == 0);
  CHECK_THAT(bare.error().message(), Catch::Contains("measurement.field"));

  auto matcher = ParseExpr("a.b{x=1}", &pos);
  REQUIRE_FALSE(matcher.has_value());
  CHECK(pos == 6);
  CHECK_THAT(matcher.error().message(), Catch::Contains("quoted label value"));

  auto range = ParseExpr("a.b + 1 [5m]", &pos);
  REQUIRE_FALSE(range.has_value());
  CHECK(pos == 8);

  auto unterminated = ParseExpr("fact(\"population)", &pos);
  REQUIRE_FALSE(unterminated.has_value());
  CHECK(pos == 5);
  CHECK_THAT(unterminated.error().message(),
             Catch::Contains("unterminated string"));

  auto eq = ParseExpr("a.b = 1", &pos);
  REQUIRE_FALSE(eq.has_value());
  CHECK_THAT(eq.error().message(), Catch::Contains("compare with '=='"));
}

TEST_CASE("parser checks function arguments and rejects unsupported features",
          "[query][indicators][parser]") {
  size_t pos = 0;
  auto ts = ParseExpr("time_share(ev.power[1d])", &pos);
  REQUIRE_FALSE(ts.has_value());
  CHECK_THAT(ts.error().message(), Catch::Contains("takes a comparison"));

  auto arity = ParseExpr("clamp_min(a.b)", &pos);
  REQUIRE_FALSE(arity.has_value());
  CHECK_THAT(arity.error().message(),
             Catch::Contains("clamp_min takes 2 argument(s), got 1"));

  auto range_fn = ParseExpr("sum_over_time(a.b + 1)", &pos);
  REQUIRE_FALSE(range_fn.has_value());
  CHECK_THAT(range_fn.error().message(), Catch::Contains("range selector"));

  auto fact = ParseExpr("fact(population)", &pos);
  REQUIRE_FALSE(fact.has_value());

  auto group = ParseExpr("a.b * on(x) group_left b.c", &pos);
  REQUIRE_FALSE(group.has_value());
  CHECK(group.error().code() == StatusCode::kNotSupported);
  CHECK(pos == 12);

  auto dur = ParseExpr("a.b[5x]", &pos);
  REQUIRE_FALSE(dur.has_value());
  CHECK_THAT(dur.error().message(), Catch::Contains("bad duration"));
}
