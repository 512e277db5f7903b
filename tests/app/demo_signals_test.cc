// The demo city's signals: deterministic per seed, and coupled the way the
// demo promises (sun -> PV and EV charging, rush hour -> NO2 and travel
// time, heat -> water demand), plus the TTN uplink's base64 payload.
#include "app/cmd/demo_signals.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "app/cmd/demo_city.h"
#include "app/cmd/demo_lines.h"
#include "app/cmd/demo_live.h"

namespace citynexus::app::demo {
namespace {

// 2026-07-15 12:00 UTC (a Wednesday) and 2026-01-14 (a Wednesday).
constexpr int64_t kSummerNoon = 1784116800;
constexpr int64_t kWinterNoon = 1768392000;

std::string AllLines(const DemoCity& city, int64_t t) {
  std::string out;
  for (Feed feed : kAllFeeds) AppendFeedLines(city, feed, t, 900, &out);
  AppendFeedLines(city, Feed::kDaily, t, 900, &out);
  return out;
}

TEST_CASE("demo city: same seed same lines, another seed other lines",
          "[app][demo]") {
  const DemoCity a = BuildDemoCity(1);
  const DemoCity b = BuildDemoCity(1);
  const DemoCity c = BuildDemoCity(2);
  CHECK(AllLines(a, kSummerNoon) == AllLines(b, kSummerNoon));
  CHECK(AllLines(a, kSummerNoon) != AllLines(c, kSummerNoon));
  CHECK(a.population() == 251300);
  CHECK(c.population() == 251300);
}

TEST_CASE("demo city: signals are coupled", "[app][demo]") {
  const DemoCity city = BuildDemoCity(1);
  // The sun: PV at noon, none at midnight, more in summer than winter.
  CHECK(PvKwPerKwp(city, kSummerNoon - 12 * 3600) == 0);
  CHECK(PvKwPerKwp(city, kSummerNoon) > PvKwPerKwp(city, kWinterNoon));
  // Rush hour (07:45 local = 06:45 UTC) against 03:00 local on the same day.
  const int64_t rush = kSummerNoon - 5 * 3600 - 15 * 60;
  const int64_t night = kSummerNoon - 10 * 3600;
  CHECK(TrafficFlowPerHour(city, 0, rush) >
        3 * TrafficFlowPerHour(city, 0, night));
  CHECK(TravelTimeS(city, 0, TrafficFlowPerHour(city, 0, rush), rush) >
        TravelTimeS(city, 0, TrafficFlowPerHour(city, 0, night), night));
  // Air station 0 is a traffic station: the rush raises its NO2 over the
  // background station's at the same time.
  REQUIRE(city.air_stations[0].type == "traffic");
  REQUIRE(city.air_stations[2].type == "background");
  CHECK(No2(city, 0, rush) > No2(city, 2, rush));
  // Heat: the hottest summer day draws more water than the coolest one.
  int64_t hot_day = 0, cool_day = 0;
  double hottest = -100, coolest = 100;
  for (int64_t day = kSummerNoon / 86400 - 45; day < kSummerNoon / 86400 + 45;
       ++day) {
    const double tmax = DailyMaxTemperatureC(city, day);
    if (tmax > hottest) hottest = tmax, hot_day = day;
    if (tmax < coolest) coolest = tmax, cool_day = day;
  }
  CHECK(hottest >= 30);  // the hot-day indicator has days to report
  double hot_m3 = 0, cool_m3 = 0;
  for (int q = 0; q < 96; ++q) {
    for (int d = 0; d < 8; ++d) {
      hot_m3 += DistrictWaterM3h(city, d, hot_day * 86400 + q * 900);
      cool_m3 += DistrictWaterM3h(city, d, cool_day * 86400 + q * 900);
    }
  }
  CHECK(hot_m3 > 1.1 * cool_m3);
}

TEST_CASE("demo TTN uplink carries the volume in base64 and decoded",
          "[app][demo]") {
  const DemoCity city = BuildDemoCity(1);
  const auto uplink =
      nlohmann::json::parse(TtnWaterMeterUplink(city, 0, kSummerNoon, 5));
  CHECK(uplink["end_device_ids"]["device_id"] == "wm-01");
  CHECK(uplink["uplink_message"]["f_cnt"] == 5);
  const std::string payload = uplink["uplink_message"]["frm_payload"];
  REQUIRE(payload.size() == 8);  // 5 bytes -> 8 base64 characters
  const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  uint64_t bits = 0;
  for (int i = 0; i < 7; ++i) bits = (bits << 6) | kAlphabet.find(payload[i]);
  const uint32_t litres =
      static_cast<uint32_t>(bits >> 10);  // 42 bits, 40 used
  const double volume =
      uplink["uplink_message"]["decoded_payload"]["volume_m3"];
  CHECK(litres / 1000.0 == Approx(volume).margin(0.0005));
}

}  // namespace
}  // namespace citynexus::app::demo
