// QueryEngine against a real store on disk.
#include <catch2/catch.hpp>
#include <cmath>

#include "engine/engine.h"
#include "query/query.h"
#include "query/query_fixture_util.h"

using namespace citynexus;

namespace {

constexpr int64_t kMin = 60LL * 1000000000;
constexpr int64_t kHour = 60 * kMin;

using Fixture = citynexus::testing::StoreFixture;

double AsDouble(const std::optional<engine::Value>& v) {
  REQUIRE(v.has_value());
  if (v->index() == 1) return static_cast<double>(std::get<int64_t>(*v));
  return std::get<double>(*v);
}

}  // namespace

TEST_CASE("query returns raw points of the selected series in time order",
          "[query][engine]") {
  Fixture f;
  const auto a = f.Series("air", {{"station", "S1"}}, "no2");
  const auto b = f.Series("air", {{"station", "S2"}}, "no2");
  f.Write({{a, 2 * kMin, 21.5}, {a, 1 * kMin, 20.0}, {b, 1 * kMin, 99.0}});
  query::QueryEngine q(*f.store, {});
  query::QuerySpec spec;
  spec.measurement = "air";
  spec.tags = {{"station", query::TagOp::kEqual, "S1"}};
  spec.start_ns = 0;
  spec.end_ns = kHour;
  auto r = q.Run(spec);
  REQUIRE(r.has_value());
  REQUIRE(r->series.size() == 1);
  const auto& values = r->series[0].values;
  REQUIRE(values.size() == 2);
  CHECK(values[0].first == kMin);
  CHECK(AsDouble(values[0].second) == 20.0);
  CHECK(AsDouble(values[1].second) == 21.5);
  CHECK(r->series[0].tags.at("station") == "S1");
}

TEST_CASE("bucketed aggregates group series by tag and fill gaps",
          "[query][engine]") {
  Fixture f;
  const auto a = f.Series("traffic", {{"district", "Mitte"}, {"sensor", "K1"}},
                          "vehicles", engine::ValueType::kInt);
  const auto b = f.Series("traffic", {{"district", "Mitte"}, {"sensor", "K2"}},
                          "vehicles", engine::ValueType::kInt);
  const auto c = f.Series("traffic", {{"district", "Nord"}, {"sensor", "K3"}},
                          "vehicles", engine::ValueType::kInt);
  // Hour 0: a=10,20 b=30 c=5; hour 1: nothing; hour 2: a=40.
  f.Write({{a, 0, int64_t{10}},
           {a, 10 * kMin, int64_t{20}},
           {b, 5 * kMin, int64_t{30}},
           {c, 0, int64_t{5}},
           {a, 2 * kHour, int64_t{40}}});
  query::QueryEngine q(*f.store, {});
  query::QuerySpec spec;
  spec.measurement = "traffic";
  spec.field = "vehicles";
  spec.start_ns = 0;
  spec.end_ns = 3 * kHour;
  spec.step_ns = kHour;
  spec.agg = query::AggFunction::kSum;
  spec.group_by = {"district"};
  spec.fill = query::FillMode::kValue;
  spec.fill_value = 0;
  auto r = q.Run(spec);
  REQUIRE(r.has_value());
  REQUIRE(r->series.size() == 2);
  const auto& mitte = r->series[0];
  CHECK(mitte.tags.at("district") == "Mitte");
  REQUIRE(mitte.values.size() == 3);
  CHECK(AsDouble(mitte.values[0].second) == 60);
  CHECK(AsDouble(mitte.values[1].second) == 0);  // filled
  CHECK(AsDouble(mitte.values[2].second) == 40);
  const auto& nord = r->series[1];
  CHECK(nord.tags.at("district") == "Nord");
  CHECK(AsDouble(nord.values[0].second) == 5);

  spec.agg = query::AggFunction::kMean;
  spec.fill = query::FillMode::kNone;
  r = q.Run(spec);
  REQUIRE(r.has_value());
  REQUIRE(r->series[0].values.size() == 2);
  CHECK(AsDouble(r->series[0].values[0].second) == Approx(20));

  spec.agg = query::AggFunction::kCount;
  r = q.Run(spec);
  REQUIRE(r.has_value());
  CHECK(std::get<int64_t>(*r->series[0].values[0].second) == 3);
}

TEST_CASE("regex and negated tag predicates select series", "[query][engine]") {
  Fixture f;
  f.Series("parking", {{"lot", "P1-north"}}, "free");
  f.Series("parking", {{"lot", "P2-south"}}, "free");
  f.Series("parking", {{"lot", "P3-north"}}, "free");
  query::QueryEngine q(*f.store, {});
  auto north = q.FindSeries("parking",
                            {{"lot", query::TagOp::kRegexMatch, "north$"}}, "");
  REQUIRE(north.has_value());
  CHECK(north->size() == 2);
  auto not_p1 = q.FindSeries(
      "parking", {{"lot", query::TagOp::kNotEqual, "P1-north"}}, "");
  REQUIRE(not_p1.has_value());
  CHECK(not_p1->size() == 2);
  auto bad =
      q.FindSeries("parking", {{"lot", query::TagOp::kRegexMatch, "("}}, "");
  CHECK_FALSE(bad.has_value());
}

TEST_CASE("counter increase spans buckets and survives a meter reset",
          "[query][engine]") {
  Fixture f;
  const auto m = f.Series("water_meter", {{"id", "W1"}}, "m3");
  // 100 -> 110 (hour 0), 115 then reset to 2 -> 4 (hour 1).
  f.Write({{m, 0, 100.0},
           {m, 30 * kMin, 110.0},
           {m, kHour, 115.0},
           {m, kHour + 10 * kMin, 2.0},
           {m, kHour + 20 * kMin, 4.0}});
  query::QueryEngine q(*f.store, {});
  query::QuerySpec spec;
  spec.measurement = "water_meter";
  spec.start_ns = 0;
  spec.end_ns = 2 * kHour;
  spec.step_ns = kHour;
  spec.agg = query::AggFunction::kIncrease;
  auto r = q.Run(spec);
  REQUIRE(r.has_value());
  REQUIRE(r->series.size() == 1);
  REQUIRE(r->series[0].values.size() == 2);
  CHECK(AsDouble(r->series[0].values[0].second) == Approx(10));
  // 110 -> 115 (+5), reset to 2 (+2), 2 -> 4 (+2)
  CHECK(AsDouble(r->series[0].values[1].second) == Approx(9));
}

TEST_CASE("query limits answer with an error naming the limit",
          "[query][engine]") {
  Fixture f;
  for (int i = 0; i < 5; ++i) {
    f.Series("m", {{"i", std::to_string(i)}}, "v");
  }
  query::QueryOptions options;
  options.max_series = 3;
  query::QueryEngine q(*f.store, options);
  query::QuerySpec spec;
  spec.measurement = "m";
  spec.start_ns = 0;
  spec.end_ns = kHour;
  auto r = q.Run(spec);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == StatusCode::kResourceExhausted);
  CHECK_THAT(r.error().message(), Catch::Contains("max_series"));
  // Grouped, the limit counts output series: 5 series in 2 groups pass,
  // grouped by their own tag (5 groups) they do not.
  for (int i = 0; i < 5; ++i) {
    const auto id = f.Series("m", {{"i", std::to_string(i)}}, "v");
    f.Write({{id, kHour / 2, static_cast<double>(i)}});
  }
  spec.agg = query::AggFunction::kSum;
  spec.step_ns = kHour;
  spec.group_by = {"parity"};
  auto grouped = q.Run(spec);
  REQUIRE(grouped.has_value());
  REQUIRE(grouped->series.size() == 1);  // no series has "parity": one group
  CHECK(AsDouble(grouped->series[0].values[0].second) == Approx(10));
  spec.group_by = {"i"};
  auto per_series = q.Run(spec);
  REQUIRE_FALSE(per_series.has_value());
  CHECK(per_series.error().code() == StatusCode::kResourceExhausted);
  CHECK_THAT(per_series.error().message(), Catch::Contains("output series"));
}

TEST_CASE("aggregating a string field is refused", "[query][engine]") {
  Fixture f;
  const auto s = f.Series("gate", {}, "state", engine::ValueType::kString);
  f.Write({{s, 0, std::string("open")}});
  query::QueryEngine q(*f.store, {});
  query::QuerySpec spec;
  spec.measurement = "gate";
  spec.start_ns = 0;
  spec.end_ns = kHour;
  spec.agg = query::AggFunction::kMean;
  auto r = q.Run(spec);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("daily sums in Europe/Berlin follow local midnights across DST",
          "[query][engine][tz]") {
  Fixture f;
  const auto m = f.Series("energy", {}, "kwh");
  // One point per UTC hour from 2024-03-30 00:00 UTC for 72 hours, value 1.
  const int64_t t0 = 1711756800LL * 1000000000;  // 2024-03-30T00:00:00Z
  std::vector<engine::Point> points;
  for (int h = 0; h < 72; ++h) points.push_back({m, t0 + h * kHour, 1.0});
  f.Write(points);
  query::QueryEngine q(*f.store, {});
  query::QuerySpec spec;
  spec.measurement = "energy";
  spec.start_ns = t0 + 23 * kHour;            // 2024-03-31 00:00 Berlin (CET)
  spec.end_ns = t0 + (23 + 23 + 24) * kHour;  // 2024-04-02 00:00 Berlin
  spec.agg = query::AggFunction::kSum;
  spec.calendar_unit = query::CalendarUnit::kDay;
  spec.calendar_count = 1;
  spec.time_zone = "Europe/Berlin";
  auto r = q.Run(spec);
  REQUIRE(r.has_value());
  REQUIRE(r->series.size() == 1);
  const auto& v = r->series[0].values;
  REQUIRE(v.size() == 2);
  CHECK(v[0].first == t0 + 23 * kHour);
  CHECK(AsDouble(v[0].second) == 23);  // the short day
  CHECK(AsDouble(v[1].second) == 24);
}

TEST_CASE("a scan over the whole int64 time range sees head and sealed points",
          "[query][engine]") {
  Fixture f;
  const auto s = f.Series("m", {}, "v");
  f.Write({{s, -5 * kHour, 1.0}, {s, 7 * kHour, 2.0}});
  auto count_all = [&] {
    size_t n = 0;
    REQUIRE(f.store
                ->Scan(s, INT64_MIN, INT64_MAX,
                       [&](const engine::Sample&) {
                         ++n;
                         return true;
                       })
                .ok());
    return n;
  };
  CHECK(count_all() == 2);
  REQUIRE(f.store->Flush().ok());
  CHECK(count_all() == 2);
}
