// The time-varying signals of the demo city: weather, sun, traffic demand,
// electricity, EV charging, water and parking, as pure functions of the
// city (its seed) and a time. Backfill and live mode call the same
// functions, so a seed and a time always give the same value.
//
// The signals are coupled the way a real city is: hot days raise water
// demand, the midday sun feeds PV and draws EV drivers to the chargers, rush
// hours slow the traffic and raise roadside NO2, cold weeks raise the
// electricity load and the background NO2.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "app/cmd/demo_city.h"

namespace citynexus::app::demo {

// Local civil time of a Unix time (Central European Time, DST ignored: the
// simulator only needs believable hours).
struct LocalTime {
  double hour = 0;         // 0..24, fractional
  int weekday = 0;         // 0 = Monday
  double day_of_year = 0;  // 0..365
  int64_t day_index = 0;   // days since the epoch, local
  bool workday = true;     // Monday to Friday
};
LocalTime LocalTimeAt(int64_t t_s);

// Air temperature in degrees C.
double TemperatureC(const DemoCity& city, int64_t t_s);
// Highest temperature of the local day `day_index` (15-minute samples).
double DailyMaxTemperatureC(const DemoCity& city, int64_t day_index);
// PV output per kWp installed, in kW (0 at night, about 0.75 at a clear
// summer noon).
double PvKwPerKwp(const DemoCity& city, int64_t t_s);
// Vehicles per hour on `segment`.
double TrafficFlowPerHour(const DemoCity& city, int segment, int64_t t_s);
// Travel time over `segment` in seconds at a flow (BPR congestion curve).
double TravelTimeS(const DemoCity& city, int segment, double flow_per_h,
                   int64_t t_s);
// NO2 in ug/m3 at an air station.
double No2(const DemoCity& city, int station, int64_t t_s);
// Electricity delivered to the district's final customers, in kW.
double DistrictLoadKw(const DemoCity& city, int district, int64_t t_s);
// Drinking water flowing into the district (consumption plus leakage),
// m3/h.
double DistrictWaterM3h(const DemoCity& city, int district, int64_t t_s);
// State of one connector of a charge point: "Charging", "Available",
// "Faulted" or "Unavailable", constant within a 15-minute slot.
std::string ConnectorStatus(const DemoCity& city, int charge_point,
                            int connector, int64_t t_s);
// Power drawn at a charge point in kW (the sum over its charging
// connectors).
double ChargePointKw(const DemoCity& city, int charge_point, int64_t t_s);
// Occupied spaces of a car park.
int CarParkOccupied(const DemoCity& city, int car_park, int64_t t_s);
// Bikes available at a bike-share station (0..capacity).
int BikesAvailable(const DemoCity& city, int station, int64_t t_s);

}  // namespace citynexus::app::demo
