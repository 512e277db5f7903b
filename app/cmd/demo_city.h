// The simulated city of `citynexus demo`: districts with inhabitants and the
// assets that carry sensors (road segments, car parks, bike-share stations,
// charge points, air-quality stations, water works). Pure data, built once
// from the seed; the signals that vary over time are in demo_signals.h.
//
// Thread-safety: immutable after BuildDemoCity().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace citynexus::app::demo {

struct District {
  std::string name;  // tag value, ASCII (line protocol friendly)
  int inhabitants = 0;
  double lat = 0, lon = 0;  // centroid
  double pv_kwp = 0;        // installed rooftop PV
  double commerce = 0;      // 0..1: share of commercial load (Mitte high)
};

struct RoadSegment {
  std::string id;
  int district = 0;  // index into DemoCity::districts
  double length_km = 0;
  double free_flow_kmh = 0;
  double capacity_veh_h = 0;  // BPR capacity
  double daily_volume = 0;    // vehicles on an average weekday
  double lat = 0, lon = 0;
};

struct CarPark {
  std::string id;
  std::string zone;  // "centre", "station", "east"
  int district = 0;
  int capacity = 0;
  double peak_share = 0;  // occupancy at the busiest hour
};

struct BikeStation {
  std::string id;
  std::string name;
  int district = 0;
  int capacity = 0;
  double lat = 0, lon = 0;
};

struct ChargePoint {
  std::string id;
  int district = 0;
  double rated_kw = 0;
  int connectors = 2;
};

struct AirStation {
  std::string id;
  std::string type;  // "traffic" or "background"
  int district = 0;
};

struct DemoCity {
  uint64_t seed = 0;
  std::vector<District> districts;
  std::vector<RoadSegment> segments;
  std::vector<CarPark> car_parks;
  std::vector<BikeStation> bike_stations;
  std::vector<ChargePoint> charge_points;
  std::vector<AirStation> air_stations;
  std::vector<std::string> waterworks;  // system-input outlets
  // Fraction of system input that never reaches a bill (real + apparent
  // losses, unbilled use): about 10 % in a well-run German network.
  double non_revenue_share = 0;
  int population() const;
};

// The same seed gives the same city (names, sizes, positions); the seed
// varies sizes and rates within believable bounds. Inhabitants add up to the
// population fact of the shipped config (251,300) for every seed.
DemoCity BuildDemoCity(uint64_t seed);

// Deterministic noise in [0, 1) from a seed and up to three keys
// (splitmix64): the one source of randomness of the simulator.
double Noise01(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0);

// Smooth noise in [-1, 1]: cosine interpolation between knots at integer
// `x`, so day-to-day weather varies smoothly.
double SmoothNoise(uint64_t seed, uint64_t stream, double x);

}  // namespace citynexus::app::demo
