// Evaluator semantics against a real store: range functions, vector
// matching, aggregation, counters, integral, time_share, facts, calendar
// steps, subqueries, coverage and quality. Expected values are worked out by
// hand in the comments.
#include <catch2/catch.hpp>
#include <cmath>

#include "indicator_fixture_util.h"

using namespace citynexus;
using namespace citynexus::testing;
using query::Quality;

namespace {

// power.kw{site=A}: day 0 at 00/06/12/18 h = 1, 2, 3, 6; day 1 at 00/06 h =
// 4, 8 (two of four readings). Interval 6 h.
void WritePower(IndicatorFixture& f) {
  const auto id = f.Series("power", {{"site", "A"}}, "kw");
  const double day0[] = {1, 2, 3, 6};
  for (int i = 0; i < 4; ++i) {
    f.Write(id, kT0 + i * (6 * kHourNs), day0[i]);
  }
  f.Write(id, kT0 + kDay, 4.0);
  f.Write(id, kT0 + kDay + 6 * kHourNs, 8.0);
}

const std::map<std::string, std::string> kSiteA = {{"site", "A"}};

}  // namespace

TEST_CASE("range functions over daily buckets with coverage and quality",
          "[query][indicators][eval]") {
  IndicatorFixture f;
  WritePower(f);
  const int64_t end = kT0 + 2 * kDay;
  struct Case {
    const char* fn;
    double day0, day1;
  } cases[] = {
      {"sum_over_time", 12, 12},  // 1+2+3+6, 4+8
      {"avg_over_time", 3, 6},    // 12/4, 12/2
      {"min_over_time", 1, 4},   {"max_over_time", 6, 8},
      {"count_over_time", 4, 2}, {"last_over_time", 6, 8},
  };
  for (const auto& c : cases) {
    INFO(c.fn);
    auto r = f.Eval(std::string(c.fn) + "(power.kw[1d])", kT0, end, "1d");
    const auto& p0 = PointAt(r, kT0, kSiteA);
    const auto& p1 = PointAt(r, kT0 + kDay, kSiteA);
    CHECK(*p0.value == Approx(c.day0));
    CHECK(*p1.value == Approx(c.day1));
    // Coverage = points x 6 h / 24 h: 4 -> 1.0 (ok), 2 -> 0.5 (partial).
    CHECK(p0.coverage == Approx(1.0));
    CHECK(p0.quality == Quality::kOk);
    CHECK(p1.coverage == Approx(0.5));
    CHECK(p1.quality == Quality::kPartial);
  }
  // Without [W] the window is the step.
  auto dflt = f.Eval("sum_over_time(power.kw)", kT0, end, "1d");
  CHECK(*PointAt(dflt, kT0, kSiteA).value == Approx(12));

  // [2d] at daily steps: the window ending where the step ends. Day 1
  // covers [T0, T0+2d): 12 + 12 = 24, 6 of 8 expected readings = 0.75.
  auto two = f.Eval("sum_over_time(power.kw[2d])", kT0, end, "1d");
  CHECK(*PointAt(two, kT0 + kDay, kSiteA).value == Approx(24));
  CHECK(PointAt(two, kT0 + kDay, kSiteA).coverage == Approx(0.75));
  // Day 0 covers [T0-1d, T0+1d): 12, 4 of 8 readings.
  CHECK(*PointAt(two, kT0, kSiteA).value == Approx(12));
  CHECK(PointAt(two, kT0, kSiteA).coverage == Approx(0.5));

  // offset 1d moves the window a day back: day 1 sees day 0's 12.
  auto off = f.Eval("sum_over_time(power.kw[1d] offset 1d)", kT0, end, "1d");
  CHECK(*PointAt(off, kT0 + kDay, kSiteA).value == Approx(12));
  CHECK(PointAt(off, kT0, kSiteA).quality == Quality::kInsufficientData);
  CHECK_FALSE(PointAt(off, kT0, kSiteA).value.has_value());

  // quantile_over_time on day 0 (1, 2, 3, 6): the median interpolates
  // between 2 and 3 = 2.5; q=0.15: rank 0.15*3 = 0.45 -> 1 + 0.45*(2-1).
  auto med = f.Eval("quantile_over_time(0.5, power.kw[1d])", kT0, end, "1d");
  CHECK(*PointAt(med, kT0, kSiteA).value == Approx(2.5));
  auto q15 = f.Eval("quantile_over_time(0.15, power.kw[1d])", kT0, end, "1d");
  CHECK(*PointAt(q15, kT0, kSiteA).value == Approx(1.45));

  // A bare selector is the last value in each step's bucket.
  auto inst = f.Eval("power.kw", kT0, end, "6h");
  CHECK(*PointAt(inst, kT0 + 18 * kHourNs, kSiteA).value == Approx(6));
  CHECK(*PointAt(inst, kT0 + kDay + 6 * kHourNs, kSiteA).value == Approx(8));
}

TEST_CASE("binary operators match series one-to-one and filter on comparisons",
          "[query][indicators][eval]") {
  IndicatorFixture f;
  const int64_t t = kT0 + kHourNs;
  f.Write(f.Series("a", {{"zone", "North"}, {"dir", "in"}}, "x"), t, 10.0);
  f.Write(f.Series("a", {{"zone", "South"}, {"dir", "in"}}, "x"), t, 20.0);
  f.Write(f.Series("b", {{"zone", "North"}}, "y"), t, 2.0);
  f.Write(f.Series("b", {{"zone", "South"}}, "y"), t, 4.0);
  const int64_t end = kT0 + kDay;
  const std::map<std::string, std::string> north = {{"zone", "North"}};
  const std::map<std::string, std::string> south = {{"zone", "South"}};
  const std::map<std::string, std::string> south_in = {{"dir", "in"},
                                                       {"zone", "South"}};
  const std::map<std::string, std::string> north_in = {{"dir", "in"},
                                                       {"zone", "North"}};

  // 10/2 = 5 and 20/4 = 5; on(zone) keeps only the zone label.
  auto on = f.Eval("a.x / on(zone) b.y", kT0, end, "1d");
  REQUIRE(on.series.size() == 2);
  CHECK(*PointAt(on, kT0, north).value == Approx(5));
  CHECK(*PointAt(on, kT0, south).value == Approx(5));
  auto ign = f.Eval("a.x / ignoring(dir) b.y", kT0, end, "1d");
  CHECK(*PointAt(ign, kT0, south).value == Approx(5));
  // Without matching modifiers the label sets differ: no result.
  CHECK(f.Eval("a.x / b.y", kT0, end, "1d").series.empty());

  // Filter: only South (20 > 15) survives, with its value and labels.
  auto filt = f.Eval("a.x > 15", kT0, end, "1d");
  REQUIRE(filt.series.size() == 1);
  CHECK(*PointAt(filt, kT0, south_in).value == Approx(20));
  auto b = f.Eval("a.x > bool 15", kT0, end, "1d");
  CHECK(*PointAt(b, kT0, north_in).value == 0);
  CHECK(*PointAt(b, kT0, south_in).value == 1);
  auto rev = f.Eval("15 < a.x", kT0, end, "1d");  // scalar on the left
  REQUIRE(rev.series.size() == 1);
  CHECK(*PointAt(rev, kT0, south_in).value == Approx(20));

  // and: North's b.y (2) fails > 3, so only South's a.x remains.
  auto both = f.Eval("a.x and on(zone) (b.y > 3)", kT0, end, "1d");
  REQUIRE(both.series.size() == 1);
  CHECK(*PointAt(both, kT0, south_in).value == Approx(20));

  // Aggregations: 10 + 20 = 30, avg 15, count 2, median 15.
  CHECK(*PointAt(f.Eval("sum(a.x)", kT0, end, "1d"), kT0).value == 30);
  CHECK(*PointAt(f.Eval("avg(a.x)", kT0, end, "1d"), kT0).value == 15);
  CHECK(*PointAt(f.Eval("count(a.x)", kT0, end, "1d"), kT0).value == 2);
  CHECK(*PointAt(f.Eval("min(a.x)", kT0, end, "1d"), kT0).value == 10);
  CHECK(*PointAt(f.Eval("max(a.x)", kT0, end, "1d"), kT0).value == 20);
  CHECK(*PointAt(f.Eval("quantile(0.5, a.x)", kT0, end, "1d"), kT0).value ==
        15);
  auto by = f.Eval("sum by (zone) (a.x)", kT0, end, "1d");
  CHECK(*PointAt(by, kT0, north).value == 10);
  CHECK(*PointAt(by, kT0, south).value == 20);
  auto without = f.Eval("sum without (zone) (a.x)", kT0, end, "1d");
  CHECK(*PointAt(without, kT0, {{"dir", "in"}}).value == 30);

  // Functions: clamp_max(10,20 ; 15) = 10, 15; abs(-x).
  auto clamp = f.Eval("clamp_max(a.x, 15)", kT0, end, "1d");
  CHECK(*PointAt(clamp, kT0, south_in).value == 15);
  CHECK(*PointAt(clamp, kT0, north_in).value == 10);
  auto cmin = f.Eval("clamp_min(a.x, 15)", kT0, end, "1d");
  CHECK(*PointAt(cmin, kT0, north_in).value == 15);
  CHECK(*PointAt(f.Eval("abs(-a.x)", kT0, end, "1d"), kT0, north_in).value ==
        10);

  // Regexes are anchored (PromQL): "orth" alone matches nothing.
  CHECK(f.Eval("a.x{zone=~\"orth\"}", kT0, end, "1d").series.empty());
  CHECK(f.Eval("a.x{zone=~\"N.*\"}", kT0, end, "1d").series.size() == 1);
  CHECK(f.Eval("a.x{zone!~\"N.*\"}", kT0, end, "1d").series.size() == 1);
  CHECK(f.Eval("a.x{zone!=\"North\"}", kT0, end, "1d").series.size() == 1);

  // Two right-hand series with zone=North: many-to-many is an error.
  f.Write(f.Series("c", {{"zone", "North"}, {"k", "1"}}, "z"), t, 1.0);
  f.Write(f.Series("c", {{"zone", "North"}, {"k", "2"}}, "z"), t, 1.0);
  Status m2m = f.EvalError("b.y / on(zone) c.z", kT0, end, "1d");
  CHECK(m2m.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(m2m.message(), Catch::Contains("many-to-many"));
  // Scalar comparisons need bool.
  CHECK_THAT(f.EvalError("1 > 2", kT0, end, "1d").message(),
             Catch::Contains("bool"));
  CHECK(*PointAt(f.Eval("1 < bool 2", kT0, end, "1d"), kT0).value == 1);
  CHECK_THAT(f.EvalError("a.x[1d]", kT0, end, "1d").message(),
             Catch::Contains("range function"));
}

TEST_CASE("increase and rate handle counter resets and windows add up",
          "[query][indicators][eval]") {
  IndicatorFixture f;
  const auto id = f.Series("meter", {{"m", "1"}}, "kwh");
  // Day 0: 100, 110, 120, then a reset to 5 at 18 h. Day 1: 15, 25, 35, 45.
  const double values[] = {100, 110, 120, 5, 15, 25, 35, 45};
  for (int i = 0; i < 8; ++i) {
    f.Write(id, kT0 + i * (6 * kHourNs), values[i]);
  }
  const int64_t end = kT0 + 2 * kDay;
  auto r = f.Eval("increase(meter.kwh[1d])", kT0, end, "1d");
  const std::map<std::string, std::string> m = {{"m", "1"}};
  // Day 0: +10 +10, reset: +5 (counted from zero) = 25.
  CHECK(*PointAt(r, kT0, m).value == Approx(25));
  // Day 1 starts from the last reading of day 0 (5): +10 x 4 = 40.
  CHECK(*PointAt(r, kT0 + kDay, m).value == Approx(40));
  // 25 + 40 = 65 = the whole two days (20 + 5 + 40) in one window.
  auto whole = f.Eval("increase(meter.kwh[2d])", kT0 + kDay, end, "1d");
  CHECK(*PointAt(whole, kT0 + kDay, m).value == Approx(65));
  auto rate = f.Eval("rate(meter.kwh[1d])", kT0, end, "1d");
  CHECK(*PointAt(rate, kT0 + kDay, m).value == Approx(40.0 / 86400));
}

TEST_CASE("integral is a trapezoid in value x hours, clipped to the window",
          "[query][indicators][eval]") {
  IndicatorFixture f;
  const auto id = f.Series("ev", {{"cp", "1"}}, "power");
  // kW at 0, 1, 2, 3 h: 0, 10, 10, 0.
  const double kw[] = {0, 10, 10, 0};
  for (int i = 0; i < 4; ++i) {
    f.Write(id, kT0 + i * kHourNs, kw[i]);
  }
  const std::map<std::string, std::string> cp = {{"cp", "1"}};
  // (0+10)/2*1 + 10*1 + (10+0)/2*1 = 20 kWh.
  auto day = f.Eval("integral(ev.power[1d])", kT0, kT0 + kDay, "1d");
  CHECK(*PointAt(day, kT0, cp).value == Approx(20));
  // Window [0:30, 1:00) and [1:00, 1:30) at 30 min steps: interpolated
  // 5 -> 10 kW: (5+10)/2*0.5 = 3.75 kWh; then 10 kW * 0.5 h = 5 kWh.
  auto half = f.Eval("integral(ev.power)", kT0, kT0 + 2 * kHourNs, "30m");
  CHECK(*PointAt(half, kT0 + 30 * kMinute, cp).value == Approx(3.75));
  CHECK(*PointAt(half, kT0 + 60 * kMinute, cp).value == Approx(5));
}

TEST_CASE("time_share is the share of observed time a comparison held",
          "[query][indicators][eval]") {
  IndicatorFixture f;
  const auto id = f.Series("ev", {{"cp", "1"}}, "power");
  // Every 15 min over day 0, except a gap 18:00-20:00 (8 readings
  // missing); power > 0 from 08:00 to 12:00 (16 readings).
  for (int i = 0; i < 96; ++i) {
    const int64_t t = kT0 + i * (15 * kMinute);
    if (i >= 72 && i < 80) {
      continue;  // the gap
    }
    f.Write(id, t, (i >= 32 && i < 48) ? 7.0 : 0.0);
  }
  const std::map<std::string, std::string> cp = {{"cp", "1"}};
  // Observed: 88 readings x 15 min = 22 h (the reading at 17:45 lasts one
  // interval, the gap is excluded). Held: 16 x 15 min = 4 h. 4/22.
  auto r = f.Eval("time_share(ev.power > 0 [1d])", kT0, kT0 + kDay, "1d");
  const auto& p = PointAt(r, kT0, cp);
  CHECK(*p.value == Approx(4.0 / 22.0));
  CHECK(p.coverage == Approx(22.0 / 24.0));
  CHECK(p.quality == Quality::kOk);
  // The same with the selector on the right and a fact threshold.
  f.facts.Set("zero", {query::Facts::Period{INT64_MIN, 0}});
  auto r2 = f.Eval("time_share(fact(\"zero\") < ev.power[1d])", kT0, kT0 + kDay,
                   "1d");
  CHECK(*PointAt(r2, kT0, cp).value == Approx(4.0 / 22.0));

  // Strings: Faulted from 06:00 to 12:00 of readings every 6 h = 6/24.
  const auto st =
      f.Series("ev", {{"cp", "1"}}, "status", engine::ValueType::kString);
  const char* states[] = {"Available", "Faulted", "Available", "Available"};
  for (int i = 0; i < 4; ++i) {
    f.Write(st, kT0 + i * (6 * kHourNs), std::string(states[i]));
  }
  auto s = f.Eval("time_share(ev.status == \"Faulted\" [1d])", kT0, kT0 + kDay,
                  "1d");
  CHECK(*PointAt(s, kT0, cp).value == Approx(0.25));
  CHECK_THAT(f.EvalError("sum_over_time(ev.status[1d])", kT0, kT0 + kDay, "1d")
                 .message(),
             Catch::Contains("string"));
}

TEST_CASE("facts take the value in force at each step",
          "[query][indicators][eval]") {
  IndicatorFixture f;
  f.facts.Set("population", {query::Facts::Period{kT0, 1000},
                             query::Facts::Period{kT0 + kDay, 2000}});
  auto r = f.Eval("fact(\"population\") * 2", kT0 - kDay, kT0 + 2 * kDay, "1d");
  REQUIRE(r.series.size() == 1);
  // Before the first period the fact is undefined: no value.
  CHECK_FALSE(PointAt(r, kT0 - kDay).value.has_value());
  CHECK(PointAt(r, kT0 - kDay).quality == Quality::kInsufficientData);
  CHECK(*PointAt(r, kT0).value == 2000);
  CHECK(*PointAt(r, kT0 + kDay).value == 4000);
  auto parsed = query::FactsFromJson(
      R"({"population": [{"from": "2024-03-05", "value": 5}], "area_km2": 12.5})");
  REQUIRE(parsed.has_value());
  CHECK(parsed->ValueAt("population", kT0 + kDay) == 5);
  CHECK_FALSE(parsed->ValueAt("population", kT0 + kDay - 1).has_value());
  CHECK(parsed->ValueAt("area_km2", 0) == 12.5);
  auto bad = query::FactsFromJson(R"({"population": [{"form": "2024"}]})");
  REQUIRE_FALSE(bad.has_value());
  CHECK_THAT(bad.error().message(), Catch::Contains("facts.population[0]"));
  CHECK_THAT(
      f.EvalError("fact(\"households\")", kT0, kT0 + kDay, "1d").message(),
      Catch::Contains("unknown fact \"households\""));
}

TEST_CASE("daily steps in a time zone follow local midnights across DST",
          "[query][indicators][eval]") {
  IndicatorFixture f;
  const auto id = f.Series("water", {{"outlet", "W1"}}, "m3");
  // Local midnight 2024-03-30 in Berlin (CET) is 2024-03-29T23:00Z; the
  // local day 2024-03-31 has 23 hours (CEST from 02:00). 71 hourly readings
  // of 1 m3 cover the three local days.
  const int64_t start = 1711753200LL * kSec;
  f.WriteRegular(id, start, kHourNs, 71, 1.0);
  const int64_t end = start + 71 * kHourNs;
  auto r = f.Eval("sum_over_time(water.m3)", start, end, "1d", "Europe/Berlin");
  const std::map<std::string, std::string> w = {{"outlet", "W1"}};
  CHECK(*PointAt(r, start, w).value == 24);
  CHECK(*PointAt(r, start + 24 * kHourNs, w).value == 23);  // DST day
  CHECK(PointAt(r, start + 24 * kHourNs, w).coverage == Approx(1.0));
  CHECK(*PointAt(r, start + 47 * kHourNs, w).value == 24);
}

TEST_CASE("subqueries apply a range function over an inner step grid",
          "[query][indicators][eval]") {
  IndicatorFixture f;
  WritePower(f);
  const int64_t end = kT0 + 2 * kDay;
  // Inner: the last reading of each 6 h step. Day 0: 1, 2, 3, 6.
  auto mx = f.Eval("max_over_time(sum(power.kw)[1d:6h])", kT0, end, "1d");
  CHECK(*PointAt(mx, kT0).value == 6);
  auto avg = f.Eval("avg_over_time(sum(power.kw)[1d:6h])", kT0, end, "1d");
  CHECK(*PointAt(avg, kT0).value == Approx(3));  // 12 / 4
  // Day 1: 2 of 4 inner steps have a value -> coverage 0.5, partial.
  CHECK(*PointAt(avg, kT0 + kDay).value == Approx(6));
  CHECK(PointAt(avg, kT0 + kDay).coverage == Approx(0.5));
  CHECK(PointAt(avg, kT0 + kDay).quality == Quality::kPartial);
  CHECK(f.EvalError("increase(sum(power.kw)[1d:6h])", kT0, end, "1d").code() ==
        StatusCode::kNotSupported);
}

TEST_CASE("aggregation counts missing series in coverage",
          "[query][indicators][eval]") {
  IndicatorFixture f;
  // Two meters reporting hourly; meter 2 is silent on day 1.
  const auto m1 = f.Series("elec", {{"meter", "1"}}, "kwh");
  const auto m2 = f.Series("elec", {{"meter", "2"}}, "kwh");
  f.WriteRegular(m1, kT0, kHourNs, 48, 1.0);
  f.WriteRegular(m2, kT0, kHourNs, 24, 2.0);
  auto r =
      f.Eval("sum(sum_over_time(elec.kwh[1d]))", kT0, kT0 + 2 * kDay, "1d");
  // Day 0: 24 + 48 = 72, both complete. Day 1: 24 from meter 1 only; the
  // mean coverage (1 + 0) / 2 = 0.5 flags it partial.
  CHECK(*PointAt(r, kT0).value == 72);
  CHECK(PointAt(r, kT0).quality == Quality::kOk);
  CHECK(*PointAt(r, kT0 + kDay).value == 24);
  CHECK(PointAt(r, kT0 + kDay).coverage == Approx(0.5));
  CHECK(PointAt(r, kT0 + kDay).quality == Quality::kPartial);
  // Division by zero is not a value.
  auto z =
      f.Eval("sum(sum_over_time(elec.kwh[1d])) / 0", kT0, kT0 + kDay, "1d");
  CHECK_FALSE(PointAt(z, kT0).value.has_value());
  CHECK(PointAt(z, kT0).quality == Quality::kInsufficientData);
}

TEST_CASE("evaluation limits stop oversized evaluations",
          "[query][indicators][eval]") {
  IndicatorFixture f;
  WritePower(f);
  query::EvaluationLimits limits;
  limits.max_raw_points = 3;
  limits.max_steps = 10;
  query::IndicatorService service(f.store(), query::IndicatorCatalog(), f.facts,
                                  limits);
  const int64_t end = kT0 + 2 * kDay;
  auto raw = service.EvaluateExpression("increase(power.kw[1d])",
                                        {kT0, end, "1d", ""});
  REQUIRE_FALSE(raw.has_value());
  CHECK(raw.error().code() == StatusCode::kResourceExhausted);
  // The same limit holds inside a subquery.
  auto sub = service.EvaluateExpression(
      "max_over_time(max(quantile_over_time(0.5, power.kw[6h]))[1d:6h])",
      {kT0, end, "1d", ""});
  REQUIRE_FALSE(sub.has_value());
  CHECK(sub.error().code() == StatusCode::kResourceExhausted);
  auto steps = service.EvaluateExpression("sum_over_time(power.kw)",
                                          {kT0, end, "1h", ""});
  REQUIRE_FALSE(steps.has_value());
  CHECK(steps.error().code() == StatusCode::kResourceExhausted);
  CHECK_THAT(steps.error().message(), Catch::Contains("max_steps"));
}

TEST_CASE("a range call the expression repeats is read once, same values",
          "[query][indicators][eval]") {
  IndicatorFixture f;
  WritePower(f);
  const int64_t end = kT0 + 2 * kDay;
  auto once = f.Eval("quantile_over_time(0.5, power.kw[1d])", kT0, end, "1d");
  auto twice = f.Eval(
      "quantile_over_time(0.5, power.kw[1d]) + "
      "quantile_over_time(0.5, power.kw[1d])",
      kT0, end, "1d");
  CHECK(*PointAt(twice, kT0, kSiteA).value ==
        2 * *PointAt(once, kT0, kSiteA).value);
  CHECK(*PointAt(twice, kT0 + kDay, kSiteA).value ==
        2 * *PointAt(once, kT0 + kDay, kSiteA).value);
  CHECK(twice.points_read == once.points_read);  // the second use is reused
  // A different range is another call: read again.
  auto other = f.Eval(
      "quantile_over_time(0.5, power.kw[1d]) + "
      "quantile_over_time(0.5, power.kw[2d])",
      kT0, end, "1d");
  CHECK(other.points_read > once.points_read);
  // Bucket functions too.
  auto sum_once = f.Eval("sum_over_time(power.kw[1d])", kT0, end, "1d");
  auto sum_twice =
      f.Eval("sum_over_time(power.kw[1d]) / sum_over_time(power.kw[1d])", kT0,
             end, "1d");
  CHECK(sum_twice.buckets_read == sum_once.buckets_read);
  CHECK(*PointAt(sum_twice, kT0, kSiteA).value == 1);
}
