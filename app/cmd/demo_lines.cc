#include "app/cmd/demo_lines.h"

#include <cmath>
#include <cstdio>

#include "app/cmd/demo_signals.h"

namespace citynexus::app::demo {
namespace {

// "%.4g" loses the kWh of a whole district; three decimals are plenty.
void AppendNumber(double v, std::string* out) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.3f", v);
  out->append(buf, static_cast<size_t>(n));
}

void AppendStamp(int64_t t_s, std::string* out) {
  out->push_back(' ');
  out->append(std::to_string(t_s));
  out->push_back('\n');
}

// Water assets and their specific energy (kWh per m3 of system input).
constexpr struct {
  const char* asset;
  double kwh_per_m3;
} kWaterAssets[] = {
    {"abstraction", 0.17}, {"treatment", 0.08}, {"pumping", 0.21}};

void AppendEnergy(const DemoCity& city, int64_t t, double dt_h,
                  std::string* out) {
  const double pv_kw_per_kwp = PvKwPerKwp(city, t);
  for (size_t i = 0; i < city.districts.size(); ++i) {
    const District& d = city.districts[i];
    *out += "grid,delivered_to=final_customers,district=" + d.name + " energy=";
    AppendNumber(DistrictLoadKw(city, static_cast<int>(i), t) * dt_h, out);
    AppendStamp(t, out);
    *out += "pv,district=" + d.name + " generation=";
    AppendNumber(pv_kw_per_kwp * d.pv_kwp * dt_h, out);
    AppendStamp(t, out);
  }
  for (size_t i = 0; i < city.charge_points.size(); ++i) {
    const ChargePoint& c = city.charge_points[i];
    const std::string district = city.districts[c.district].name;
    *out += "ev,cp=" + c.id + ",district=" + district + " power=";
    AppendNumber(ChargePointKw(city, static_cast<int>(i), t), out);
    AppendStamp(t, out);
    for (int k = 1; k <= c.connectors; ++k) {
      *out += "ev,connector=" + std::to_string(k) + ",cp=" + c.id +
              ",district=" + district + " connector_status=\"" +
              ConnectorStatus(city, static_cast<int>(i), k, t) + "\"";
      AppendStamp(t, out);
    }
  }
}

void AppendWater(const DemoCity& city, int64_t t, double dt_h,
                 std::string* out) {
  double total_m3h = 0;
  for (size_t i = 0; i < city.districts.size(); ++i) {
    const double m3h = DistrictWaterM3h(city, static_cast<int>(i), t);
    total_m3h += m3h;
    *out += "water,dma=" + city.districts[i].name + " dma_inflow=";
    AppendNumber(m3h, out);
    AppendStamp(t, out);
  }
  const double input_m3 = total_m3h * dt_h;
  const double north_share = 0.56;
  *out += "water,outlet=" + city.waterworks[0] + " system_input=";
  AppendNumber(input_m3 * north_share, out);
  AppendStamp(t, out);
  *out += "water,outlet=" + city.waterworks[1] + " system_input=";
  AppendNumber(input_m3 * (1 - north_share), out);
  AppendStamp(t, out);
  // Booster pumps work harder at peak flow (pressure losses grow with it).
  const double mean_m3h = city.population() * 0.15 / 24;
  const double peak_factor = 0.85 + 0.15 * total_m3h / mean_m3h;
  for (const auto& a : kWaterAssets) {
    *out += std::string("water,asset=") + a.asset + " energy=";
    const double factor =
        std::string_view(a.asset) == "pumping" ? peak_factor : 1.0;
    AppendNumber(input_m3 * a.kwh_per_m3 * factor, out);
    AppendStamp(t, out);
  }
}

void AppendMobility(const DemoCity& city, int64_t t, double dt_h,
                    std::string* out) {
  for (size_t i = 0; i < city.segments.size(); ++i) {
    const RoadSegment& s = city.segments[i];
    const double flow = TrafficFlowPerHour(city, static_cast<int>(i), t);
    const double tt = TravelTimeS(city, static_cast<int>(i), flow, t);
    *out += "traffic,district=" + city.districts[s.district].name +
            ",segment=" + s.id +
            " count=" + std::to_string(std::lround(flow * dt_h)) +
            "i,travel_time=";
    AppendNumber(tt, out);
    *out += ",speed=";
    AppendNumber(s.length_km / tt * 3600, out);
    AppendStamp(t, out);
  }
  for (size_t i = 0; i < city.car_parks.size(); ++i) {
    const CarPark& c = city.car_parks[i];
    *out += "parking,district=" + city.districts[c.district].name +
            ",facility=" + c.id + ",zone=" + c.zone + " occupied=" +
            std::to_string(CarParkOccupied(city, static_cast<int>(i), t)) +
            "i,capacity=" + std::to_string(c.capacity) + "i";
    AppendStamp(t, out);
  }
}

void AppendEnvironment(const DemoCity& city, int64_t t, std::string* out) {
  for (size_t i = 0; i < city.air_stations.size(); ++i) {
    const AirStation& a = city.air_stations[i];
    *out += "air,district=" + city.districts[a.district].name +
            ",station=" + a.id + ",type=" + a.type + " no2=";
    AppendNumber(No2(city, static_cast<int>(i), t), out);
    AppendStamp(t, out);
  }
  *out += "weather,station=DWD-City temp=";
  AppendNumber(TemperatureC(city, t), out);
  AppendStamp(t, out);
}

void AppendDaily(const DemoCity& city, int64_t t, std::string* out) {
  // The local day that ends at (or contains) t.
  const int64_t day = LocalTimeAt(t - 1).day_index;
  *out += "weather,station=DWD-City tmax_daily=";
  AppendNumber(DailyMaxTemperatureC(city, day), out);
  AppendStamp(t, out);
  // Smart meters read once a day: the day's consumption, billed.
  const int64_t day_start = day * 86400 - 3600;
  double consumed_m3 = 0;
  for (int64_t s = day_start + 900; s <= day_start + 86400; s += 900) {
    for (size_t i = 0; i < city.districts.size(); ++i) {
      consumed_m3 += DistrictWaterM3h(city, static_cast<int>(i), s) * 0.25;
    }
  }
  const double billed = consumed_m3 * (1 - city.non_revenue_share);
  *out += "water,class=household billed_volume=";
  AppendNumber(billed * 0.78, out);
  AppendStamp(t, out);
  *out += "water,class=commercial billed_volume=";
  AppendNumber(billed * 0.22, out);
  AppendStamp(t, out);
  for (const ChargePoint& c : city.charge_points) {
    *out += "ev,cp=" + c.id + ",district=" + city.districts[c.district].name +
            " rated_power=";
    AppendNumber(c.rated_kw, out);
    AppendStamp(t, out);
  }
  for (const District& d : city.districts) {
    char coords[96];
    std::snprintf(coords, sizeof coords, ",lat=%.5f,lon=%.5f,pv_kwp=%.1f",
                  d.lat, d.lon, d.pv_kwp);
    *out += "district,district=" + d.name +
            " inhabitants=" + std::to_string(d.inhabitants) + "i" + coords;
    AppendStamp(t, out);
  }
}

}  // namespace

void AppendFeedLines(const DemoCity& city, Feed feed, int64_t t_s, int64_t dt_s,
                     std::string* out) {
  const double dt_h = static_cast<double>(dt_s) / 3600.0;
  switch (feed) {
    case Feed::kEnergy:
      AppendEnergy(city, t_s, dt_h, out);
      break;
    case Feed::kWater:
      AppendWater(city, t_s, dt_h, out);
      break;
    case Feed::kMobility:
      AppendMobility(city, t_s, dt_h, out);
      break;
    case Feed::kEnvironment:
      AppendEnvironment(city, t_s, out);
      break;
    case Feed::kDaily:
      AppendDaily(city, t_s, out);
      break;
  }
}

}  // namespace citynexus::app::demo
