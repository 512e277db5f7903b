#include "app/config/limits_options.h"

#include <chrono>
#include <cstdint>

namespace citynexus::app {

std::vector<Option<Config>> LimitsOptions() {
  using namespace builders;
  using C = Config;
  std::vector<Option<C>> o;
  o.push_back(IntegerOption<C>(
      {"http.max_connections", "connections",
       "Open connections beyond which new ones get 503 with Retry-After: 1 "
       "and are closed at once (counted in "
       "citynexus_http_connections_rejected_total, logged once a second)."},
      1024, 1, 1000000,
      [](C& c, int64_t v) { c.http.max_connections = static_cast<int>(v); },
      [](const C& c) { return int64_t{c.http.max_connections}; }));
  o.push_back(IntegerOption<C>(
      {"http.header_timeout_ms", "ms",
       "Time from the first byte of a request to the end of its head; a "
       "client that trickles its headers is closed when it passes "
       "(slowloris). Capped by http.read_timeout_ms."},
      10000, 100, 3600000,
      [](C& c, int64_t v) {
        c.http.header_timeout = std::chrono::milliseconds(v);
      },
      [](const C& c) {
        return static_cast<int64_t>(c.http.header_timeout.count());
      }));
  o.push_back(IntegerOption<C>(
      {"http.max_header_bytes", "bytes",
       "Largest request head (request line and headers); larger requests "
       "get 431."},
      int64_t{64} << 10, 1024, int64_t{1} << 20,
      [](C& c, int64_t v) {
        c.http.max_header_bytes = static_cast<uint64_t>(v);
      },
      [](const C& c) { return static_cast<int64_t>(c.http.max_header_bytes); }));
  o.push_back(IntegerOption<C>(
      {"storage.max_series", "series",
       "Most series the store holds; points that would create another are "
       "rejected (partial write \"max_series ... dropped=N\"), existing "
       "series keep accepting points. 0 = no limit."},
      1000000, 0, int64_t{1} << 40,
      [](C& c, int64_t v) {
        c.storage.max_series = static_cast<uint64_t>(v);
      },
      [](const C& c) { return static_cast<int64_t>(c.storage.max_series); }));
  o.push_back(IntegerOption<C>(
      {"storage.max_series_per_measurement", "series",
       "Most series of one measurement; like storage.max_series, per "
       "measurement. 0 = no limit."},
      100000, 0, int64_t{1} << 40,
      [](C& c, int64_t v) {
        c.storage.max_series_per_measurement = static_cast<uint64_t>(v);
      },
      [](const C& c) {
        return static_cast<int64_t>(c.storage.max_series_per_measurement);
      }));
  return o;
}

}  // namespace citynexus::app
