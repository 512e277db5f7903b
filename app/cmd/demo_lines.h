// Line protocol for the demo city's sensors. A feed is what one kind of
// gateway would send; backfill sends them all over HTTP, live mode spreads
// them over HTTP and MQTT.
//
// Measurements and fields (the inputs of config/indicators/):
//   grid,district,delivered_to=final_customers energy      kWh per interval
//   pv,district generation                                 kWh per interval
//   ev,cp,district power (kW), rated_power (kW, daily)
//   ev,cp,connector,district connector_status ("Charging", ...)
//   water,outlet system_input                              m3 per interval
//   water,dma dma_inflow                                   m3/h
//   water,asset energy                                     kWh per interval
//   water,class billed_volume                              m3 per day (daily)
//   traffic,segment,district count (veh per interval), travel_time (s), speed
//   (km/h) parking,facility,zone,district occupied, capacity
//   air,station,type,district no2                          ug/m3
//   weather,station temp (C); tmax_daily (C, daily)
//   district,district inhabitants, lat, lon, pv_kwp        (daily)
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "app/cmd/demo_city.h"

namespace citynexus::app::demo {

enum class Feed {
  kEnergy,       // grid, pv, ev
  kWater,        // water (system input, district inflow, pumping energy)
  kMobility,     // traffic, parking
  kEnvironment,  // air, weather temp
  kDaily,        // tmax_daily, billed_volume, rated_power, district facts
};
inline constexpr Feed kAllFeeds[] = {Feed::kEnergy, Feed::kWater,
                                     Feed::kMobility, Feed::kEnvironment};

// Appends the lines of `feed` for the interval (t_s - dt_s, t_s], stamped
// t_s (seconds precision). Per-interval quantities (energy, volume, counts)
// cover dt_s; so backfill at 15 minutes and live at a few seconds add up
// to the same daily sums. kDaily describes the local day ending at t_s and
// ignores dt_s.
void AppendFeedLines(const DemoCity& city, Feed feed, int64_t t_s, int64_t dt_s,
                     std::string* out);

}  // namespace citynexus::app::demo
