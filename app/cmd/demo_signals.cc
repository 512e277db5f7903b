#include "app/cmd/demo_signals.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace citynexus::app::demo {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr int64_t kDay = 86400;
constexpr int64_t kSlot = 900;  // 15 minutes

// Noise streams: one id per kind of signal, so signals do not correlate.
enum Stream : uint64_t {
  kTempSlow = 100,
  kTempDay,
  kClouds,
  kTraffic,
  kTravel,
  kAir,
  kLoad,
  kWater,
  kEvUse,
  kEvFault,
  kEvPower,
  kParking,
  kEvents,
  kBikes,
  kWind,
  kWaterDay,
};

double Gauss(double x, double mu, double sigma) {
  const double z = (x - mu) / sigma;
  return std::exp(-0.5 * z * z);
}

// 1 in midwinter (mid-January), 0 in midsummer.
double Winterness(double day_of_year) {
  return 0.5 + 0.5 * std::cos(2 * kPi * (day_of_year - 15) / 365.0);
}

// Share of the daily traffic in the hour around `hour`, unnormalised.
double TrafficShape(double hour, bool workday) {
  if (workday) {
    return 0.12 + 1.0 * Gauss(hour, 7.8, 1.1) + 0.95 * Gauss(hour, 17.0, 1.5) +
           0.55 * Gauss(hour, 12.5, 3.0) - 0.1 * Gauss(hour, 3, 2);
  }
  return 0.1 + 0.75 * Gauss(hour, 14.0, 3.5) - 0.06 * Gauss(hour, 4, 2);
}

double TrafficNorm(bool workday) {
  static const double kWork = [] {
    double s = 0;
    for (int i = 0; i < 96; ++i) s += TrafficShape(i / 4.0, true) / 4;
    return s;
  }();
  static const double kFree = [] {
    double s = 0;
    for (int i = 0; i < 96; ++i) s += TrafficShape(i / 4.0, false) / 4;
    return s;
  }();
  return workday ? kWork : kFree;
}

// Wind in m/s: strong wind dilutes NO2.
double WindMs(const DemoCity& city, int64_t t_s) {
  return 3.5 + 2.5 * SmoothNoise(city.seed, kWind, t_s / (kDay * 1.5));
}

}  // namespace

LocalTime LocalTimeAt(int64_t t_s) {
  const int64_t local = t_s + 3600;
  LocalTime lt;
  lt.day_index = local >= 0 ? local / kDay : (local - kDay + 1) / kDay;
  lt.hour = static_cast<double>(local - lt.day_index * kDay) / 3600.0;
  lt.weekday = static_cast<int>(((lt.day_index + 3) % 7 + 7) %
                                7);  // 1970-01-01 was a Thursday
  lt.workday = lt.weekday < 5;
  lt.day_of_year = std::fmod(static_cast<double>(lt.day_index) + 0.5, 365.2425);
  return lt;
}

double TemperatureC(const DemoCity& city, int64_t t_s) {
  const LocalTime lt = LocalTimeAt(t_s);
  const double winter = Winterness(lt.day_of_year - 10);
  const double seasonal = 20.5 - 19.0 * winter;  // about 1.5 C to 20.5 C
  const double days = static_cast<double>(t_s) / kDay;
  const double anomaly = 5.0 * SmoothNoise(city.seed, kTempSlow, days / 4) +
                         2.0 * SmoothNoise(city.seed, kTempDay, days);
  const double amplitude = 3.0 + 4.5 * (1 - winter);
  return seasonal + anomaly +
         amplitude * std::cos(2 * kPi * (lt.hour - 15) / 24);
}

double DailyMaxTemperatureC(const DemoCity& city, int64_t day_index) {
  const int64_t start = day_index * kDay - 3600;  // local midnight
  double best = -100;
  for (int64_t t = start + kSlot; t <= start + kDay; t += kSlot) {
    best = std::max(best, TemperatureC(city, t));
  }
  return best;
}

double PvKwPerKwp(const DemoCity& city, int64_t t_s) {
  const LocalTime lt = LocalTimeAt(t_s);
  const double lat = 50.7 * kPi / 180;
  const double decl =
      23.44 * kPi / 180 * std::sin(2 * kPi * (284 + lt.day_of_year) / 365);
  const double solar_hour = lt.hour - 0.55;  // 7 E in a UTC+1 zone
  const double hour_angle = (solar_hour - 12) * kPi / 12;
  const double sin_elev = std::sin(lat) * std::sin(decl) +
                          std::cos(lat) * std::cos(decl) * std::cos(hour_angle);
  if (sin_elev <= 0) return 0;
  const double clouds =
      0.5 + 0.5 * SmoothNoise(city.seed, kClouds,
                              static_cast<double>(t_s) / (kDay * 0.6));
  return 0.82 * std::pow(sin_elev, 1.25) * (1 - 0.75 * clouds);
}

double TrafficFlowPerHour(const DemoCity& city, int segment, int64_t t_s) {
  const RoadSegment& s = city.segments[segment];
  const LocalTime lt = LocalTimeAt(t_s);
  const double shape =
      TrafficShape(lt.hour, lt.workday) / TrafficNorm(lt.workday);
  const double volume =
      s.daily_volume * (lt.workday ? 1.0 : 0.7) *
      (1 - 0.1 * Gauss(lt.day_of_year, 210, 20));  // summer holidays
  const double noise =
      1 + 0.08 * (2 * Noise01(city.seed, kTraffic, segment, t_s / kSlot) - 1);
  return std::max(0.0, volume * shape * noise);
}

double TravelTimeS(const DemoCity& city, int segment, double flow_per_h,
                   int64_t t_s) {
  const RoadSegment& s = city.segments[segment];
  const double free_s = s.length_km / s.free_flow_kmh * 3600;
  const double vc = flow_per_h / s.capacity_veh_h;
  const double noise =
      1 + 0.04 * (2 * Noise01(city.seed, kTravel, segment, t_s / kSlot) - 1);
  return free_s * (1 + 0.6 * std::pow(vc, 4)) * noise;
}

double No2(const DemoCity& city, int station, int64_t t_s) {
  const AirStation& a = city.air_stations[station];
  const LocalTime lt = LocalTimeAt(t_s);
  const double winter = Winterness(lt.day_of_year);
  const double wind = std::max(0.8, WindMs(city, t_s));
  // Background: heating season, night-time inversions, diluted by wind.
  double no2 = (9 + 10 * winter + 4 * Gauss(lt.hour, 7.5, 2) +
                5 * Gauss(lt.hour, 20, 3)) *
               (3.5 / wind);
  if (a.type == "traffic") {
    double flow = 0, capacity = 0;
    for (size_t i = 0; i < city.segments.size(); ++i) {
      if (city.segments[i].district == a.district) {
        flow += TrafficFlowPerHour(city, static_cast<int>(i), t_s);
        capacity += city.segments[i].capacity_veh_h;
      }
    }
    no2 += 38 * (flow / std::max(1.0, capacity)) * (3.5 / wind);
  }
  no2 *= 1 + 0.1 * (2 * Noise01(city.seed, kAir, station, t_s / kSlot) - 1);
  return std::max(2.0, no2);
}

double DistrictLoadKw(const DemoCity& city, int district, int64_t t_s) {
  const District& d = city.districts[district];
  const LocalTime lt = LocalTimeAt(t_s);
  const double h = lt.hour;
  const double homes = 0.55 + 0.45 * Gauss(h, 7.5, 1.2) +
                       0.9 * Gauss(h, 19.5, 2.2) + 0.25 * Gauss(h, 12.5, 2) -
                       0.2 * Gauss(h, 3.5, 1.5);
  const double business = lt.workday ? 0.45 + 1.25 * Gauss(h, 12.5, 3.8)
                                     : 0.45 + 0.25 * Gauss(h, 13, 4);
  const double winter = Winterness(lt.day_of_year);
  const double lighting = winter * 0.25 * (Gauss(h, 18, 2) + Gauss(h, 7, 1));
  const double per_capita_kw =
      0.56 *
      ((1 - d.commerce) * homes + d.commerce * business * 1.4 + lighting) *
      (0.88 + 0.24 * winter);
  const double noise =
      1 + 0.03 * (2 * Noise01(city.seed, kLoad, district, t_s / kSlot) - 1);
  return d.inhabitants * per_capita_kw * noise;
}

double DistrictWaterM3h(const DemoCity& city, int district, int64_t t_s) {
  const District& d = city.districts[district];
  const LocalTime lt = LocalTimeAt(t_s);
  const double h = lt.hour;
  const double morning = lt.workday ? 7.0 : 9.0;
  const double shape = 0.3 + 1.1 * Gauss(h, morning, 1.4) +
                       0.8 * Gauss(h, 19.5, 2.2) + 0.45 * Gauss(h, 13, 2.5);
  static const double kNorm = [] {
    double s = 0;
    for (int i = 0; i < 96; ++i) {
      const double x = i / 4.0;
      s += (0.3 + 1.1 * Gauss(x, 7.0, 1.4) + 0.8 * Gauss(x, 19.5, 2.2) +
            0.45 * Gauss(x, 13, 2.5)) /
           4;
    }
    return s;
  }();
  // Hot days: gardens, showers, pools. Evening watering on hot days.
  const double tmax = DailyMaxTemperatureC(city, lt.day_index);
  const double heat = 0.035 * std::max(0.0, tmax - 24.0);
  const double watering =
      std::max(0.0, tmax - 27.0) * 0.05 * Gauss(h, 20.5, 1.5);
  // Households use more at weekends; some days are simply thirstier.
  const double day_factor =
      (lt.workday ? 1.0 : 1.06) *
      (1 + 0.04 * SmoothNoise(city.seed, kWaterDay,
                              static_cast<double>(lt.day_index)));
  const double litres_per_day = (122 + 40 * d.commerce) * day_factor;
  const double m3_per_day = d.inhabitants * litres_per_day / 1000.0;
  // shape / kNorm is the share of the day's volume per hour.
  const double consumption_m3h =
      m3_per_day * (shape / kNorm * (1 + heat) + watering / 24) *
      (1 + 0.04 * (2 * Noise01(city.seed, kWater, district, t_s / kSlot) - 1));
  // Leakage runs day and night: about the non-revenue share of the mean.
  const double leakage_m3h = m3_per_day * city.non_revenue_share / 24;
  return consumption_m3h + leakage_m3h;
}

std::string ConnectorStatus(const DemoCity& city, int charge_point,
                            int connector, int64_t t_s) {
  const LocalTime lt = LocalTimeAt(t_s);
  const uint64_t day = static_cast<uint64_t>(lt.day_index);
  // Faults last a day or two: drawn per charge point and day.
  const double fault =
      Noise01(city.seed, kEvFault, charge_point * 4 + connector, day / 2);
  if (fault < 0.025) return "Faulted";
  if (fault > 0.99) return "Unavailable";
  // Drivers come at noon when the sun shines (PV tariffs) and after work.
  const double sun = PvKwPerKwp(city, t_s) / 0.7;
  double p = 0.1 + 0.45 * sun +
             (lt.workday ? 0.35 : 0.2) * Gauss(lt.hour, 18.5, 2.0) -
             0.07 * Gauss(lt.hour, 3.5, 2);
  p = std::clamp(p, 0.02, 0.9);
  const double draw = Noise01(city.seed, kEvUse, charge_point * 4 + connector,
                              static_cast<uint64_t>(t_s / kSlot));
  return draw < p ? "Charging" : "Available";
}

double ChargePointKw(const DemoCity& city, int charge_point, int64_t t_s) {
  const ChargePoint& c = city.charge_points[charge_point];
  double kw = 0;
  for (int k = 0; k < c.connectors; ++k) {
    if (ConnectorStatus(city, charge_point, k + 1, t_s) == "Charging") {
      const double share =
          0.55 + 0.4 * Noise01(city.seed, kEvPower, charge_point * 4 + k,
                               static_cast<uint64_t>(t_s / 60));
      kw += c.rated_kw / c.connectors * share;
    }
  }
  return kw;
}

int CarParkOccupied(const DemoCity& city, int car_park, int64_t t_s) {
  const CarPark& c = city.car_parks[car_park];
  const LocalTime lt = LocalTimeAt(t_s);
  const double h = lt.hour;
  double share = 0.05;
  if (c.zone == "centre") {
    share += (lt.weekday == 6 ? 0.2 : 0.95) * Gauss(h, 14.5, 3.0) +
             0.1 * Gauss(h, 20, 2);
    if (lt.weekday == 5) share *= 1.1;  // Saturday shopping
  } else if (c.zone == "station") {
    share += lt.workday
                 ? 0.95 * (h > 6.5 && h < 18.5 ? 1.0 : 0.15 * Gauss(h, 19, 1.5))
                 : 0.3 * Gauss(h, 13, 4);
  } else {
    // Events on some evenings.
    const bool event = Noise01(city.seed, kEvents, car_park,
                               static_cast<uint64_t>(lt.day_index)) < 0.2;
    share += 0.35 * Gauss(h, 13, 3.5) + (event ? 0.9 * Gauss(h, 20, 1.6) : 0);
  }
  share = std::min(1.0, share * c.peak_share) *
          (1 + 0.05 * (2 * Noise01(city.seed, kParking, car_park, t_s / kSlot) -
                       1));
  return std::clamp(static_cast<int>(std::lround(share * c.capacity)), 0,
                    c.capacity);
}

int BikesAvailable(const DemoCity& city, int station, int64_t t_s) {
  const BikeStation& b = city.bike_stations[station];
  const LocalTime lt = LocalTimeAt(t_s);
  const double centre = city.districts[b.district].commerce;
  // Commuters ride into the centre in the morning and back in the evening.
  const double flow =
      lt.workday ? Gauss(lt.hour, 12.5, 4.5) : 0.3 * Gauss(lt.hour, 15, 3);
  double fill = 0.5 + (centre - 0.3) * 1.4 * flow;
  fill += 0.25 * (2 * Noise01(city.seed, kBikes, station, t_s / kSlot) - 1);
  return std::clamp(static_cast<int>(std::lround(fill * b.capacity)), 0,
                    b.capacity);
}

}  // namespace citynexus::app::demo
