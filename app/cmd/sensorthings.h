// Wiring of the OGC SensorThings API (query/sta/) into `citynexus serve`.
//
// Why the write function is injected (DESIGN.md layering): query/ must not
// depend on connectors/, but STA writes must not run on HTTP I/O threads and
// must answer only once durable, which is what connectors' WriteWorkers
// (bounded queue, 503 when full) give the ingest endpoints. So the read side
// and the write endpoints live in query/sta/ and receive a WriteRunner; this
// app/ wiring hands them a WriteWorkers pool of their own. The points go to
// the same PublishingStore every ingest path uses, so STA writes reach live
// streams and are ordinary points for InfluxQL and the JSON API.
//
// Thread-safety: construct, RegisterRoutes and Stop from the main thread.
#pragma once

#include <memory>

#include "connectors/connectors.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/sta/sensorthings.h"

namespace citynexus::app {

class SensorThingsEndpoint {
 public:
  // `store` must outlive this object.
  explicit SensorThingsEndpoint(engine::Store& store);
  // Adds the /v1.1 routes; this object must outlive the server.
  void RegisterRoutes(net::Router& router);
  // Finishes queued writes (answering them), then refuses new ones.
  void Stop();

 private:
  std::unique_ptr<connectors::WriteWorkers> workers_;
  std::unique_ptr<query::sta::SensorThingsService> service_;
};

}  // namespace citynexus::app
