// Each shipped indicator (config/indicators/*.json) evaluated on a small
// hand-made data set in a real store; the expected value is worked out by
// hand in the comments.
#include <catch2/catch.hpp>

#include "indicator_fixture_util.h"

using namespace citynexus;
using namespace citynexus::testing;
using query::Facts;
using query::Quality;

namespace {

double ValueOf(const query::IndicatorPoint& p) {
  REQUIRE(p.value.has_value());
  return *p.value;
}

void SetFact(IndicatorFixture& f, const std::string& name, double v) {
  f.facts.Set(name, {Facts::Period{INT64_MIN, v}});
}

// Every fact the shipped catalog refers to, so it loads.
void CatalogFacts(IndicatorFixture& f) {
  SetFact(f, "population", 1000);
  SetFact(f, "bev_registered", 100);
  SetFact(f, "mains_length_km", 100);
  SetFact(f, "apparent_loss_share", 0.005);
}

}  // namespace

TEST_CASE("travel_time_index weights segment ratios by vehicles",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  const auto s1 = f.Series("traffic", {{"segment", "S1"}}, "travel_time");
  const auto s2 = f.Series("traffic", {{"segment", "S2"}}, "travel_time");
  // 28 days, readings at 0, 4, 8, 12, 16 h (5 of 6 expected per day).
  const double tt1[] = {100, 110, 120, 130, 200};
  const double tt2[] = {60, 60, 90, 90, 90};
  for (int d = 0; d < 28; ++d) {
    for (int i = 0; i < 5; ++i) {
      f.Write(s1, kT0 + d * kDay + i * (4 * kHourNs), tt1[i]);
      f.Write(s2, kT0 + d * kDay + i * (4 * kHourNs), tt2[i]);
    }
  }
  const int64_t day27 = kT0 + 27 * kDay;
  f.WriteRegular(
      f.Series("traffic", {{"segment", "S1"}, {"site", "K1"}}, "count"), day27,
      kHourNs, 24, 10);
  f.WriteRegular(
      f.Series("traffic", {{"segment", "S2"}, {"site", "K2"}}, "count"), day27,
      kHourNs, 24, 5);
  // S1: day median of 100,110,120,130,200 = 120. Free flow: q0.15 of the
  // 140 readings of 28 days, rank 0.15 * 139 = 20.85 falls in the 28
  // readings of 100 -> 100. TTI 1.2.
  // S2: median of 60,60,90,90,90 = 90; q0.15 in the 56 readings of 60 ->
  // 60. TTI 1.5.
  // Weights: S1 24 x 10 = 240 vehicles, S2 24 x 5 = 120.
  // City: (1.2 * 240 + 1.5 * 120) / 360 = (288 + 180) / 360 = 1.3.
  auto r = f.EvalIndicator("travel_time_index", day27, day27 + kDay);
  const auto& p = PointAt(r, day27);
  CHECK(ValueOf(p) == Approx(1.3));
  // Coverage: 5 of 6 readings a day = 0.833 >= 0.8.
  CHECK(p.coverage == Approx(5.0 / 6.0));
  CHECK(p.quality == Quality::kOk);
}

TEST_CASE("parking_occupancy is occupied over capacity per zone",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  const int64_t noon = kT0 + 12 * kHourNs;
  const auto f1 =
      f.Series("parking", {{"zone", "Z1"}, {"facility", "F1"}}, "occupied");
  const auto f2 =
      f.Series("parking", {{"zone", "Z1"}, {"facility", "F2"}}, "occupied");
  f.Write(f1, noon, 45.0);
  f.Write(f1, noon + 5 * kMinute, 48.0);
  f.Write(f1, noon + 10 * kMinute, 50.0);
  f.WriteRegular(f2, noon, 5 * kMinute, 3, 30);
  f.Write(f.Series("parking", {{"zone", "Z1"}, {"facility", "F1"}}, "capacity"),
          kT0, 100.0);
  f.Write(f.Series("parking", {{"zone", "Z1"}, {"facility", "F2"}}, "capacity"),
          kT0, 50.0);
  // Last readings in [12:00, 12:15): F1 50, F2 30 -> 80 of 100 + 50
  // spaces = 53.33 %.
  auto r = f.EvalIndicator("parking_occupancy", noon, noon + 15 * kMinute);
  const auto& p = PointAt(r, noon, {{"zone", "Z1"}});
  CHECK(ValueOf(p) == Approx(100.0 * 80 / 150));
  CHECK(p.quality == Quality::kOk);
}

TEST_CASE("electricity_use_per_capita sums a trailing year per inhabitant",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  // Population 1000, then 1095 from the evaluated day on.
  const int64_t last = kT0 + 364 * kDay;
  f.facts.Set("population",
              {Facts::Period{INT64_MIN, 1000}, Facts::Period{last, 1095}});
  f.WriteRegular(
      f.Series("grid",
               {{"substation", "U1"}, {"delivered_to", "final_customers"}},
               "energy"),
      kT0, kDay, 365, 10);
  f.WriteRegular(
      f.Series("grid",
               {{"substation", "U2"}, {"delivered_to", "final_customers"}},
               "energy"),
      kT0, kDay, 365, 20);
  // Exports are not final customers: excluded.
  f.WriteRegular(
      f.Series("grid", {{"substation", "U3"}, {"delivered_to", "export"}},
               "energy"),
      kT0, kDay, 365, 1000);
  // 365 days x (10 + 20) kWh = 10950 kWh / 1095 inhabitants = 10.
  auto r = f.EvalIndicator("electricity_use_per_capita", last, last + kDay);
  const auto& p = PointAt(r, last);
  CHECK(ValueOf(p) == Approx(10));
  CHECK(p.coverage == Approx(1.0));
  CHECK(p.quality == Quality::kOk);
  // Half a year earlier the trailing window holds 183 of 365 days:
  // 183 x 30 / 1000 = 5.49, flagged partial (coverage 183/365 < 0.9).
  const int64_t mid = kT0 + 182 * kDay;
  auto early = f.EvalIndicator("electricity_use_per_capita", mid, mid + kDay);
  CHECK(ValueOf(PointAt(early, mid)) == Approx(5.49));
  CHECK(PointAt(early, mid).coverage == Approx(183.0 / 365));
  CHECK(PointAt(early, mid).quality == Quality::kPartial);
}

TEST_CASE("local_renewable_electricity_share divides PV by final use",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  const auto p1 = f.Series("pv", {{"plant", "P1"}}, "generation");
  const auto p2 = f.Series("pv", {{"plant", "P2"}}, "generation");
  for (int h = 0; h < 24; ++h) {
    const bool day = h >= 6 && h < 18;
    f.Write(p1, kT0 + h * kHourNs, day ? 2.0 : 0.0);
    f.Write(p2, kT0 + h * kHourNs, day ? 1.0 : 0.0);
  }
  f.WriteRegular(
      f.Series("grid",
               {{"substation", "U1"}, {"delivered_to", "final_customers"}},
               "energy"),
      kT0, kHourNs, 24, 5);
  // PV: 12 h x 2 + 12 h x 1 = 36 kWh. Use: 24 x 5 = 120 kWh. 30 %.
  auto r =
      f.EvalIndicator("local_renewable_electricity_share", kT0, kT0 + kDay);
  CHECK(ValueOf(PointAt(r, kT0)) == Approx(30));
  CHECK(PointAt(r, kT0).quality == Quality::kOk);
}

TEST_CASE("ev_public_charging_power_per_bev discounts unavailable time",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  f.Write(f.Series("ev", {{"cp", "CP1"}}, "rated_power"), kT0, 22.0);
  f.Write(f.Series("ev", {{"cp", "CP2"}}, "rated_power"), kT0, 50.0);
  const auto c11 = f.Series("ev", {{"cp", "CP1"}, {"connector", "1"}},
                            "connector_status", engine::ValueType::kString);
  const auto c12 = f.Series("ev", {{"cp", "CP1"}, {"connector", "2"}},
                            "connector_status", engine::ValueType::kString);
  const auto c21 = f.Series("ev", {{"cp", "CP2"}, {"connector", "1"}},
                            "connector_status", engine::ValueType::kString);
  // Status every 6 h for 30 days (120 readings per connector).
  for (int i = 0; i < 120; ++i) {
    const int64_t t = kT0 + i * (6 * kHourNs);
    f.Write(c11, t, std::string("Available"));
    // CP1 connector 2: Faulted for the first 3 days (12 readings).
    f.Write(c12, t, std::string(i < 12 ? "Faulted" : "Charging"));
    // CP2: Unavailable for 6 days (24 readings) in the middle.
    f.Write(c21, t,
            std::string(i >= 40 && i < 64 ? "Unavailable" : "Available"));
  }
  // CP1: unavailable shares 0 and 3/30 = 0.1 -> mean 0.05 -> 22 x 0.95 =
  // 20.9 kW. CP2: 6/30 = 0.2 -> 50 x 0.8 = 40 kW. (20.9 + 40) / 100 BEV =
  // 0.609 kW per BEV.
  const int64_t day29 = kT0 + 29 * kDay;
  auto r =
      f.EvalIndicator("ev_public_charging_power_per_bev", day29, day29 + kDay);
  const auto& p = PointAt(r, day29);
  CHECK(ValueOf(p) == Approx(0.609));
  CHECK(p.quality == Quality::kOk);
}

TEST_CASE("water_consumption_per_capita is litres per inhabitant and day",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  SetFact(f, "population", 1500);
  f.WriteRegular(f.Series("water", {{"outlet", "W1"}}, "system_input"), kT0,
                 kHourNs, 24, 5);
  f.WriteRegular(f.Series("water", {{"outlet", "W2"}}, "system_input"), kT0,
                 kHourNs, 24, 2.5);
  // 24 x 5 + 24 x 2.5 = 180 m3 = 180000 l / 1500 inhabitants = 120.
  auto r = f.EvalIndicator("water_consumption_per_capita", kT0, kT0 + kDay);
  CHECK(ValueOf(PointAt(r, kT0)) == Approx(120));
  CHECK(PointAt(r, kT0).quality == Quality::kOk);
}

namespace {

constexpr int64_t kMar2024 = 1709251200LL * kSec;
constexpr int64_t kFeb2025 = 1738368000LL * kSec;
constexpr int64_t kMar2025 = 1740787200LL * kSec;
// The first of each month from March 2024 to February 2025.
constexpr int64_t kMonthStarts[] = {
    1709251200, 1711929600, 1714521600, 1717200000, 1719792000, 1722470400,
    1725148800, 1727740800, 1730419200, 1733011200, 1735689600, 1738368000};

// Daily system input 1000 m3 for the 365 days [2024-03-01, 2025-03-01) and
// monthly billed volumes of 25000 m3 on the first of each month.
void WriteWaterYear(IndicatorFixture& f) {
  f.WriteRegular(f.Series("water", {{"outlet", "W1"}}, "system_input"),
                 kMar2024, kDay, 365, 1000);
  const auto billed = f.Series("water", {{"class", "all"}}, "billed_volume");
  for (int64_t s : kMonthStarts) {
    f.Write(billed, s * kSec, 25000.0);
  }
}

}  // namespace

TEST_CASE("non_revenue_water_share over the trailing year, monthly",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  WriteWaterYear(f);
  // Step February 2025 ends 2025-03-01; its 365-day window starts
  // 2024-03-01. Input 365 x 1000 = 365000, billed 12 x 25000 = 300000:
  // 100 x 65000 / 365000 = 17.808 %.
  auto r = f.EvalIndicator("non_revenue_water_share", kFeb2025, kMar2025);
  REQUIRE(r.steps.size() == 1);
  const auto& p = PointAt(r, kFeb2025);
  CHECK(ValueOf(p) == Approx(100.0 * 65000 / 365000));
  CHECK(p.quality == Quality::kOk);
}

TEST_CASE("real_losses_per_main_km per km of mains and hour",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  WriteWaterYear(f);
  // Apparent losses 0.5 % of 365000 = 1825 m3; real losses 365000 - 1825 -
  // 300000 = 63175 m3 / (100 km x 8760 h) = 0.07212 m3/(km h).
  auto r = f.EvalIndicator("real_losses_per_main_km", kFeb2025, kMar2025);
  CHECK(ValueOf(PointAt(r, kFeb2025)) == Approx(63175.0 / 876000));
}

TEST_CASE("water_supply_energy_intensity counts supply assets only",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  f.WriteRegular(f.Series("water", {{"asset", "abstraction"}}, "energy"), kT0,
                 kHourNs, 24, 10);
  f.WriteRegular(f.Series("water", {{"asset", "pumping"}}, "energy"), kT0,
                 kHourNs, 24, 5);
  f.WriteRegular(f.Series("water", {{"asset", "office"}}, "energy"), kT0,
                 kHourNs, 24, 100);  // not a supply asset
  f.WriteRegular(f.Series("water", {{"outlet", "W1"}}, "system_input"), kT0,
                 kHourNs, 24, 50);
  // (24 x 10 + 24 x 5) kWh / (24 x 50) m3 = 360 / 1200 = 0.3 kWh/m3.
  auto r = f.EvalIndicator("water_supply_energy_intensity", kT0, kT0 + kDay);
  CHECK(ValueOf(PointAt(r, kT0)) == Approx(0.3));
}

TEST_CASE("ev_charging_local_pv_share sums min(EV, PV) per 15 minutes",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  const auto ev = f.Series("ev", {{"cp", "CP1"}}, "power");
  const auto pv = f.Series("pv", {{"plant", "P1"}}, "generation");
  // EV power every 15 min through 24:00: 8 kW at 10:00..12:00 (9 readings),
  // else 0. PV energy per 15 min: 1.5 kWh at 09:00..12:45, else 0.
  for (int i = 0; i <= 96; ++i) {
    const int64_t t = kT0 + i * (15 * kMinute);
    f.Write(ev, t, (i >= 40 && i <= 48) ? 8.0 : 0.0);
    if (i < 96) {
      f.Write(pv, t, (i >= 36 && i < 52) ? 1.5 : 0.0);
    }
  }
  // EV energy per 15 min (trapezoids): [09:45,10:00) (0+8)/2/4 = 1 kWh,
  // eight quarters 10:00-12:00 of 8/4 = 2 kWh, [12:00,12:15) 1 kWh: 18 kWh.
  // Covered: min(1, 1.5) + 8 x min(2, 1.5) + min(1, 1.5) = 1 + 12 + 1 = 14.
  // Share: 100 x 14 / 18 = 77.78 %.
  auto r = f.EvalIndicator("ev_charging_local_pv_share", kT0, kT0 + kDay);
  const auto& p = PointAt(r, kT0);
  CHECK(ValueOf(p) == Approx(100.0 * 14 / 18));
  CHECK(p.quality == Quality::kOk);
}

TEST_CASE("hot_day_water_demand_peak_ratio reports hot days only",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  const auto in = f.Series("water", {{"outlet", "W1"}}, "system_input");
  const auto tmax = f.Series("weather", {{"station", "DWD1"}}, "tmax_daily");
  // Days 0..27: 100 m3 per hour (2400 a day), tmax 22. Day 28: 130 m3 per
  // hour (3120), tmax 32.
  for (int d = 0; d < 29; ++d) {
    f.WriteRegular(in, kT0 + d * kDay, kHourNs, 24, d < 28 ? 100 : 130);
    f.Write(tmax, kT0 + d * kDay, d < 28 ? 22.0 : 32.0);
  }
  const int64_t day27 = kT0 + 27 * kDay;
  const int64_t day28 = kT0 + 28 * kDay;
  auto r =
      f.EvalIndicator("hot_day_water_demand_peak_ratio", day27, day28 + kDay);
  // Day 28: 3120 / mean(days 0..27 = 2400) = 1.3. Day 27 is not hot: no
  // point at all.
  REQUIRE(r.series.size() == 1);
  REQUIRE(r.series[0].points.size() == 1);
  const auto& p = PointAt(r, day28);
  CHECK(ValueOf(p) == Approx(1.3));
  CHECK(p.quality == Quality::kOk);
}

TEST_CASE("traffic_air_quality_coupling is roadside minus background NO2",
          "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  const auto t1 =
      f.Series("air", {{"station", "T1"}, {"type", "traffic"}}, "no2");
  f.WriteRegular(t1, kT0, kHourNs, 12, 30);
  f.WriteRegular(t1, kT0 + 12 * kHourNs, kHourNs, 12, 50);
  f.WriteRegular(
      f.Series("air", {{"station", "T2"}, {"type", "traffic"}}, "no2"), kT0,
      kHourNs, 24, 50);
  f.WriteRegular(
      f.Series("air", {{"station", "B1"}, {"type", "background"}}, "no2"), kT0,
      kHourNs, 24, 20);
  // Traffic stations: T1 (12 x 30 + 12 x 50) / 24 = 40, T2 50 -> mean 45.
  // Background 20. Increment 25 ug/m3.
  auto r = f.EvalIndicator("traffic_air_quality_coupling", kT0, kT0 + kDay);
  CHECK(ValueOf(PointAt(r, kT0)) == Approx(25));
}

TEST_CASE(
    "hot_day_water_demand_peak_ratio has no value while the day's "
    "temperature is unknown",
    "[query][indicators][catalog]") {
  IndicatorFixture f;
  CatalogFacts(f);
  const auto in = f.Series("water", {{"outlet", "W1"}}, "system_input");
  const auto tmax = f.Series("weather", {{"station", "DWD1"}}, "tmax_daily");
  // Days 0..28: cool (tmax 22). Day 29 is the running day: five hours of
  // input so far, its maximum temperature not reported yet.
  for (int d = 0; d < 29; ++d) {
    f.WriteRegular(in, kT0 + d * kDay, kHourNs, 24, 100);
    f.Write(tmax, kT0 + d * kDay, 22.0);
  }
  f.WriteRegular(in, kT0 + 29 * kDay, kHourNs, 5, 100);
  auto r = f.EvalIndicator("hot_day_water_demand_peak_ratio", kT0 + 20 * kDay,
                           kT0 + 30 * kDay);
  // Cool days give no point; the running day may or may not become hot, so
  // it must not carry the partial day's ratio (500 / 2400) as a value.
  for (const auto& series : r.series) {
    for (const auto& p : series.points) {
      INFO("day " << (p.t_ns - kT0) / kDay);
      CHECK(p.t_ns == kT0 + 29 * kDay);
      CHECK_FALSE(p.value.has_value());
      CHECK(p.quality == Quality::kInsufficientData);
    }
  }
}
