// Live mode: the demo city in real time through every interface a city's
// gateways use — line protocol over HTTP (energy, water) and over MQTT
// (traffic, parking, air, weather), SenML over MQTT and HTTP (river gauge,
// noise), TTN v3 uplinks over MQTT (LoRaWAN water meters, base64 payloads).
// The GBFS feed (demo_gbfs.h) runs beside it.
//
// Thread-safety: RunLive() runs on the caller's thread until *stop is set;
// Paho runs its own threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <ostream>
#include <string>

#include "app/cmd/demo_city.h"
#include "app/cmd/demo_http.h"
#include "common/status.h"

namespace citynexus::app::demo {

struct LiveOptions {
  std::string broker;     // tcp://HOST:PORT; empty: everything over HTTP
  std::string client_id;  // MQTT client id
  int interval_s = 5;     // one tick of every sensor
  const std::atomic<bool>* stop = nullptr;
  int64_t max_ticks = 0;  // 0: until *stop (tests use a few)
};

// The MQTT topics (matching the subscriptions of config/citynexus.json).
inline constexpr const char* kTopicMobility = "citynexus/lp/mobility";
inline constexpr const char* kTopicEnvironment = "citynexus/lp/environment";
inline constexpr const char* kTopicSenmlPrefix = "citynexus/senml/";
inline constexpr const char* kTtnApplication = "citynexus-demo";

// The TTN v3 uplink JSON of water meter `meter` at `t_s` (f_cnt `counter`),
// as The Things Stack publishes it: frm_payload is base64 of 4 bytes
// litres (big-endian) + 1 byte battery in 20 mV steps; decoded_payload is
// what the application's payload formatter makes of it.
std::string TtnWaterMeterUplink(const DemoCity& city, int meter, int64_t t_s,
                                int64_t counter);
// A SenML pack of the river gauge and the noise sensors at `t_s`.
std::string SenmlPack(const DemoCity& city, int64_t t_s);

// Writes one tick every interval from `resume_from_s` (exclusive) on.
// Returns OK when stopped; an error only when the server refuses writes
// with 401/403 (a wrong token does not heal). Transport errors are logged
// and retried on the next tick.
Status RunLive(const DemoCity& city, DemoHttp& http, const LiveOptions& options,
               int64_t resume_from_s, std::ostream& log);

}  // namespace citynexus::app::demo
