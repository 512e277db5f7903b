// citynexus connectors/: everything that brings data in. Sources turn payloads
// into points and hand batches to the engine; none touches RocksDB.
//
// Today: the InfluxDB-compatible HTTP write endpoints (line protocol) and the
// pieces behind them (decoders in connectors/decoders/, PointWriter).
//
// Thread-safety: HttpIngest is safe for concurrent use once constructed.
#pragma once

#include <cstddef>
#include <memory>

#include "connectors/decoders/decoded.h"
#include "connectors/decoders/line_protocol.h"
#include "connectors/point_writer.h"
#include "engine/engine.h"
#include "net/net.h"

namespace citynexus::connectors {

struct HttpIngestOptions {
  // Threads that decode and append request bodies (off the I/O threads).
  size_t write_threads = 2;
  // Requests waiting for a write thread before new ones get 503.
  size_t max_queued_requests = 64;
};

class WriteWorkers;

// POST /write (InfluxDB 1.x) and POST /api/v2/write (InfluxDB 2.x): line
// protocol bodies (gzip inflated by net/), 204 when every line was stored,
// 400 with each rejected line (first 100) while the good lines are stored,
// 503 + Retry-After when the write path is saturated. The response is sent
// only after the points are durable.
class HttpIngest {
 public:
  // `store` and `metrics` must outlive this object.
  HttpIngest(engine::Store& store, net::MetricsRegistry& metrics,
             HttpIngestOptions options);
  ~HttpIngest();
  HttpIngest(const HttpIngest&) = delete;
  HttpIngest& operator=(const HttpIngest&) = delete;

  // Adds the write routes; this object must outlive the server using them.
  void RegisterRoutes(net::Router& router);
  // Finishes queued writes (answering them), then refuses new ones.
  void Stop();

 private:
  void HandleWrite(net::Request request, net::Responder respond, bool v1_api);

  engine::Store& store_;
  PointWriter writer_;
  std::unique_ptr<WriteWorkers> workers_;
  net::Counter* points_written_;
  net::Counter* lines_rejected_;
  net::Counter* requests_refused_;
};

}  // namespace citynexus::connectors
