// citynexus live streams: GET /api/v1/stream, server-sent events of new
// points (?measurement=&field=&tag.K=V) and of indicator values when a step
// completes (?indicator=ID), plus hooks that publish indicator values
// elsewhere (MQTT, wired in app/). See docs/api.md, "Live stream".
//
// Points reach a stream through engine::PointFeed after they are durable;
// the write path only copies them into a bounded queue, so no client can
// slow ingest. Each client has a bounded send buffer: a client that does not
// keep up gets a `notice` event and is disconnected.
//
// Threads: "stream-fanout" matches queued points against the clients and
// sends heartbeats; "indicator-steps" evaluates indicators when their steps
// complete. Both are started by Start() and joined by Stop().
//
// Thread-safety: all public methods are safe from any thread, except that
// AddIndicatorSink() and RegisterRoutes() come before Start().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/indicators.h"

namespace citynexus::query {

struct StreamOptions {
  // A comment line (": heartbeat") is sent to every client this often, so
  // proxies keep the connection and clients notice a dead server.
  std::chrono::milliseconds heartbeat_interval{15000};
  // Bytes that may wait to be sent to one client; beyond that the client
  // gets a notice event and is disconnected.
  size_t client_buffer_bytes = 1u << 20;
  // Open streams; more get 503.
  size_t max_clients = 1000;
  // Points waiting for the fan-out thread; beyond that new points are not
  // queued and every point stream is closed with a notice (never blocks
  // ingest).
  size_t max_queued_points = 1000000;
  // How long after a step ends its value is computed, so points that are
  // written shortly after the step boundary still count.
  std::chrono::milliseconds indicator_delay{1000};
};

// The values of one indicator for one just-completed step.
struct IndicatorStepValues {
  const IndicatorDefinition* definition = nullptr;  // never null
  std::string step;           // the step evaluated ("1d", or an override)
  int64_t step_start_ns = 0;  // the step is [step_start_ns, step_end_ns)
  int64_t step_end_ns = 0;
  // One entry per output series, each with exactly one point.
  std::vector<IndicatorSeries> series;
};

using IndicatorSink = std::function<void(const IndicatorStepValues&)>;

// The JSON document of an indicator step (the MQTT payload,
// docs/indicators.md):
// {"id","name","unit","step","time","time_ns","series":[{"labels","value",
//  "coverage","quality"}]}, "time" as RFC 3339 (UTC) of the step start.
std::string IndicatorStepJson(const IndicatorStepValues& values);

class StreamService {
 public:
  // `store`, `feed`, `indicators` and `metrics` must outlive this object.
  StreamService(engine::Store& store, engine::PointFeed& feed,
                const IndicatorService& indicators, StreamOptions options,
                net::MetricsRegistry& metrics);
  ~StreamService();  // Stop()s
  StreamService(const StreamService&) = delete;
  StreamService& operator=(const StreamService&) = delete;

  // Calls `sink` (on the indicator thread) with the values of each of `ids`
  // (all indicators when empty) whenever one of its steps (the
  // definition's step) completes. kNotFound naming an unknown id. Before
  // Start().
  Status AddIndicatorSink(std::vector<std::string> ids, IndicatorSink sink);
  // Adds GET /api/v1/stream. This object must outlive the server.
  void RegisterRoutes(net::Router& router);
  // Starts the threads and subscribes to the feed.
  Status Start();
  // Closes every stream with a notice, unsubscribes, joins the threads.
  // Idempotent.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace citynexus::query
