#include "app/cmd/demo_city.h"

#include <cmath>
#include <numbers>

namespace citynexus::app::demo {

double Noise01(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  uint64_t x = seed ^ (a * 0x9E3779B97F4A7C15ull) ^
               (b * 0xC2B2AE3D27D4EB4Full) ^ (c * 0x165667B19E3779F9ull);
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  x ^= x >> 31;
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

double SmoothNoise(uint64_t seed, uint64_t stream, double x) {
  const double k = std::floor(x);
  const double f = x - k;
  const auto knot = [&](double at) {
    return 2 * Noise01(seed, stream,
                       static_cast<uint64_t>(static_cast<int64_t>(at) +
                                             (1ll << 40))) -
           1;
  };
  const double w = (1 - std::cos(f * std::numbers::pi)) / 2;
  return knot(k) * (1 - w) + knot(k + 1) * w;
}

int DemoCity::population() const {
  int total = 0;
  for (const District& d : districts) total += d.inhabitants;
  return total;
}

DemoCity BuildDemoCity(uint64_t seed) {
  DemoCity city;
  city.seed = seed;
  // Shares of the population; the last district takes the remainder so the
  // total always matches the population fact of config/citynexus.json.
  struct Base {
    const char* name;
    double share, lat, lon, commerce;
  };
  static constexpr Base kDistricts[] = {
      {"Mitte", 0.11, 50.7374, 7.0982, 0.6},
      {"Altstadt", 0.09, 50.7420, 7.0920, 0.45},
      {"Nordstadt", 0.15, 50.7530, 7.0930, 0.25},
      {"Suedstadt", 0.14, 50.7260, 7.1000, 0.2},
      {"Weststadt", 0.13, 50.7330, 7.0680, 0.2},
      {"Oststadt", 0.12, 50.7360, 7.1260, 0.3},
      {"Hafen", 0.08, 50.7560, 7.1180, 0.55},
      {"Gartenfeld", 0.18, 50.7180, 7.0750, 0.1},
  };
  constexpr int kPopulation = 251300;
  int assigned = 0;
  for (size_t i = 0; i < std::size(kDistricts); ++i) {
    const Base& b = kDistricts[i];
    District d;
    d.name = b.name;
    const double jitter = 0.9 + 0.2 * Noise01(seed, 1, i);
    d.inhabitants = i + 1 == std::size(kDistricts)
                        ? kPopulation - assigned
                        : static_cast<int>(kPopulation * b.share * jitter);
    assigned += d.inhabitants;
    d.lat = b.lat;
    d.lon = b.lon;
    d.commerce = b.commerce;
    // About 0.25 kWp per inhabitant (outer districts have more roofs).
    d.pv_kwp = d.inhabitants * (0.15 + 0.2 * (1 - b.commerce)) *
               (0.8 + 0.4 * Noise01(seed, 2, i));
    city.districts.push_back(d);
  }
  const int n = static_cast<int>(city.districts.size());

  // Two arterial segments per district, one inbound, one outbound.
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 2; ++j) {
      RoadSegment s;
      s.id = "S" + std::to_string(i * 2 + j + 1);
      s.district = i;
      s.length_km = 0.8 + 1.6 * Noise01(seed, 3, i, j);
      s.free_flow_kmh = j == 0 ? 50 : 60 + 10 * Noise01(seed, 4, i);
      s.capacity_veh_h = 1400 + 800 * Noise01(seed, 5, i, j);
      s.daily_volume = s.capacity_veh_h * (7 + 4 * Noise01(seed, 6, i, j));
      s.lat = city.districts[i].lat + 0.004 * (j == 0 ? 1 : -1);
      s.lon = city.districts[i].lon + 0.006 * (Noise01(seed, 7, i, j) - 0.5);
      city.segments.push_back(s);
    }
  }

  static constexpr struct {
    const char* id;
    const char* zone;
    int district;
    int capacity;
    double peak;
  } kCarParks[] = {
      {"P1-Markt", "centre", 0, 420, 0.93},
      {"P2-Theater", "centre", 1, 300, 0.88},
      {"P3-Bahnhof", "station", 0, 650, 0.9},
      {"P4-Hbf-Sued", "station", 3, 380, 0.8},
      {"P5-Hafen", "east", 6, 500, 0.7},
      {"P6-Messe", "east", 5, 900, 0.6},
  };
  for (const auto& c : kCarParks) {
    city.car_parks.push_back({c.id, c.zone, c.district, c.capacity, c.peak});
  }

  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 3; ++j) {
      BikeStation b;
      b.id = "bs-" + std::to_string(i * 3 + j + 1);
      b.name = city.districts[i].name + " " + std::to_string(j + 1);
      b.district = i;
      b.capacity = 12 + static_cast<int>(12 * Noise01(seed, 8, i, j));
      b.lat = city.districts[i].lat + 0.006 * (Noise01(seed, 9, i, j) - 0.5);
      b.lon = city.districts[i].lon + 0.009 * (Noise01(seed, 10, i, j) - 0.5);
      city.bike_stations.push_back(b);
    }
  }

  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 2; ++j) {
      ChargePoint c;
      c.id = "CP" + std::to_string(i * 2 + j + 1);
      c.district = i;
      c.rated_kw = j == 0 ? 22 : (Noise01(seed, 11, i) < 0.5 ? 50 : 150);
      c.connectors = 2;
      city.charge_points.push_back(c);
    }
  }

  city.air_stations = {{"A1-Ring", "traffic", 0},
                       {"A2-Bahnhofstr", "traffic", 3},
                       {"A3-Stadtpark", "background", 2},
                       {"A4-Gartenfeld", "background", 7}};
  city.waterworks = {"WW-Nord", "WW-Sued"};
  city.non_revenue_share = 0.08 + 0.04 * Noise01(seed, 12);
  return city;
}

}  // namespace citynexus::app::demo
