// Loading and validating indicator definitions.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "query/indicators.h"
#include "support/temp_dir.h"

using namespace citynexus;
using citynexus::query::Facts;
using citynexus::testing::TempDir;

namespace {

Facts SomeFacts() {
  Facts f;
  f.Set("population", {Facts::Period{INT64_MIN, 1000}});
  return f;
}

std::string Def(const std::string& expr, const std::string& extra = "") {
  return R"({"id": "x_test", "version": 1, "name": "X", "domains": ["water"],
  "reference": {"standard": "ISO 37120:2014", "code": "21.5",
                "status": "confirmed"},
  "unit": "l", "step": "1d", "expr": ")" +
         expr + "\"" + extra + "}";
}

Status ParseError(const std::string& text) {
  auto d = query::ParseIndicatorDefinition(text, SomeFacts(), nullptr, nullptr);
  REQUIRE_FALSE(d.has_value());
  return d.error();
}

}  // namespace

TEST_CASE("the shipped catalog loads with every required indicator",
          "[query][indicators][catalog]") {
  Facts facts;
  for (const char* name : {"population", "bev_registered", "mains_length_km",
                           "apparent_loss_share"}) {
    facts.Set(name, {Facts::Period{INT64_MIN, 1}});
  }
  std::vector<std::string> warnings;
  const std::vector<std::string> known = {"traffic", "parking", "grid",   "pv",
                                          "ev",      "water",   "weather"};
  auto catalog = query::LoadIndicatorCatalog(
      {std::string(CITYNEXUS_SOURCE_DIR) + "/config/indicators"}, facts,
      &warnings, &known);
  REQUIRE(catalog.has_value());
  for (const char* id :
       {"travel_time_index", "parking_occupancy", "electricity_use_per_capita",
        "local_renewable_electricity_share", "ev_public_charging_power_per_bev",
        "water_consumption_per_capita", "non_revenue_water_share",
        "real_losses_per_main_km", "water_supply_energy_intensity",
        "ev_charging_local_pv_share", "hot_day_water_demand_peak_ratio",
        "traffic_air_quality_coupling"}) {
    INFO(id);
    const auto* d = catalog->Find(id);
    REQUIRE(d != nullptr);
    CHECK(d->parsed != nullptr);
    CHECK_FALSE(d->reference.status.empty());
  }
  // "air" is not declared: the coupling indicator's selectors warn.
  REQUIRE(warnings.size() == 2);
  CHECK_THAT(warnings[0], Catch::Contains("traffic_air_quality_coupling"));
  CHECK_THAT(warnings[0], Catch::Contains("air.no2"));

  // Without the facts the catalog names the file and the fact.
  auto missing = query::LoadIndicatorCatalog(
      {std::string(CITYNEXUS_SOURCE_DIR) + "/config/indicators"}, Facts(),
      nullptr);
  REQUIRE_FALSE(missing.has_value());
  CHECK_THAT(missing.error().message(), Catch::Contains(".json"));
  CHECK_THAT(missing.error().message(), Catch::Contains("unknown fact"));
}

TEST_CASE("definitions are validated with clear errors",
          "[query][indicators][catalog]") {
  auto ok = query::ParseIndicatorDefinition(
      Def("sum(sum_over_time(water.system_input[1d])) / "
          "fact(\\\"population\\\")",
          ", \"min_coverage\": 0.9"),
      SomeFacts(), nullptr, nullptr);
  REQUIRE(ok.has_value());
  CHECK(ok->min_coverage == 0.9);
  CHECK(ok->reference.code == "21.5");

  CHECK_THAT(ParseError(Def("1", ", \"unt\": 2")).message(),
             Catch::Contains("unt: unknown key; did you mean \"unit\"?"));
  const Status syntax = ParseError(Def("sum(water.flow[1d]"));
  CHECK(syntax.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(syntax.message(), Catch::Contains("expr: line 1:19"));
  CHECK_THAT(syntax.message(), Catch::Contains("^"));
  CHECK_THAT(ParseError(Def("median_over_time(a.b[1d])")).message(),
             Catch::Contains("unknown function \"median_over_time\""));
  const Status fact = ParseError(Def("fact(\\\"populaton\\\")"));
  CHECK_THAT(fact.message(), Catch::Contains("unknown fact \"populaton\""));
  CHECK_THAT(fact.message(), Catch::Contains("did you mean \"population\""));
  CHECK_THAT(ParseError(Def("1", ", \"min_coverage\": 2")).message(),
             Catch::Contains("min_coverage"));
  CHECK_THAT(ParseError(R"({"id": "Bad-Id"})").message(),
             Catch::Contains("snake_case"));
  std::string bad_status = Def("1");
  bad_status.replace(bad_status.find("\"confirmed\""), 11, "\"checked\"");
  CHECK_THAT(ParseError(bad_status).message(),
             Catch::Contains("reference.status"));
  std::string bad_step = Def("1");
  bad_step.replace(bad_step.find("\"1d\""), 4, "\"daily\"");
  CHECK_THAT(ParseError(bad_step).message(), Catch::Contains("step"));

  // Selectors of undeclared measurements are warnings, not errors.
  std::vector<std::string> warnings;
  const std::vector<std::string> known = {"water"};
  auto warned = query::ParseIndicatorDefinition(
      Def("sum_over_time(water.a[1d]) + sum_over_time(gas.b[1d])"), SomeFacts(),
      &known, &warnings);
  REQUIRE(warned.has_value());
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("gas.b"));
}

TEST_CASE("catalog loading rejects duplicate ids and names the file",
          "[query][indicators][catalog]") {
  TempDir dir;
  for (const char* name : {"a.json", "b.json"}) {
    std::ofstream(dir.path() / name) << Def("1");
  }
  std::ofstream(dir.path() / "notes.txt") << "ignored";
  auto dup = query::LoadIndicatorCatalog({dir.str()}, SomeFacts(), nullptr);
  REQUIRE_FALSE(dup.has_value());
  CHECK_THAT(dup.error().message(), Catch::Contains("duplicate indicator id"));
  std::filesystem::remove(dir.path() / "b.json");
  std::ofstream(dir.path() / "c.json") << "{\"id\": ";
  auto broken = query::LoadIndicatorCatalog({dir.str()}, SomeFacts(), nullptr);
  REQUIRE_FALSE(broken.has_value());
  CHECK_THAT(broken.error().message(), Catch::Contains("c.json"));
  auto none =
      query::LoadIndicatorCatalog({dir.str() + "/nope"}, SomeFacts(), nullptr);
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code() == StatusCode::kNotFound);
}
