// Options stream.*: GET /api/v1/stream (query::StreamOptions).
#include "app/config/fields.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {

std::vector<Option<Config>> StreamSection() {
  using namespace builders;  // NOLINT: the table reads as a list of builders
  using C = Config;
  using S = query::StreamOptions;
  return {
      Int<C>({"stream.heartbeat_ms", "ms",
              "How often every open stream gets a heartbeat comment line."},
             15000, 100, 3600000, Member(&C::stream, &S::heartbeat_interval)),
      Int<C>({"stream.client_buffer_bytes", "bytes",
              "Bytes that may wait to be sent to one stream client; a client "
              "that falls further behind gets a notice event and is "
              "disconnected."},
             1 << 20, 4096, int64_t{1} << 30,
             Member(&C::stream, &S::client_buffer_bytes)),
      Int<C>({"stream.max_clients", "streams", "Open streams; more get 503."},
             1000, 1, 100000, Member(&C::stream, &S::max_clients)),
      Int<C>({"stream.max_queued_points", "points",
              "Points waiting to be matched against streams; beyond that "
              "point streams are closed with a notice (ingest never waits)."},
             1000000, 1000, int64_t{1} << 30,
             Member(&C::stream, &S::max_queued_points)),
      Int<C>({"stream.indicator_delay_ms", "ms",
              "How long after a step ends its indicator value is computed "
              "(for streams and MQTT), so late points of the step still "
              "count."},
             1000, 0, 3600000, Member(&C::stream, &S::indicator_delay)),
  };
}

}  // namespace citynexus::app
