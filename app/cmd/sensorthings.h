// Wiring of the OGC SensorThings API (query/sta/) into `citynexus serve`.
//
// Why the write function is injected (DESIGN.md layering): query/ must not
// depend on connectors/, but STA writes must not run on HTTP I/O threads and
// must answer only once durable, which is what connectors' WriteWorkers
// (bounded queue, 503 when full) give the ingest endpoints. So the read side
// and the write endpoints live in query/sta/ and receive a WriteRunner; this
// app/ wiring hands them a WriteWorkers pool of their own. The points go to
// the same PublishingStore every ingest path uses, so STA writes reach live
// streams and are ordinary points for InfluxQL and the JSON API. The MQTT
// extension (sensorthings.mqtt) is the other way round: a connectors/
// bridge that gets the SensorThings payload functions of query/sta/.
//
// Thread-safety: construct, RegisterRoutes, Start and Stop from the main
// thread.
#pragma once

#include <memory>

#include "app/config/options.h"
#include "connectors/connectors.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/sta/sensorthings.h"

namespace citynexus::app {

class SensorThingsEndpoint {
 public:
  // `store`, `feed` and `metrics` must outlive this object.
  SensorThingsEndpoint(engine::Store& store, engine::PointFeed& feed,
                       net::MetricsRegistry& metrics, const Config& config);
  ~SensorThingsEndpoint();
  // Adds the /v1.1 routes; this object must outlive the server.
  void RegisterRoutes(net::Router& router);
  // Starts the MQTT extension when configured (connects in the background);
  // adds its health check to `server`. kInvalidArgument for a bad broker URI.
  Status Start(net::HttpServer& server);
  // Stops the MQTT extension, finishes queued writes (answering them), then
  // refuses new ones.
  void Stop();

 private:
  std::unique_ptr<connectors::WriteWorkers> workers_;
  std::unique_ptr<query::sta::SensorThingsService> service_;
  std::unique_ptr<connectors::StaMqttBridge> mqtt_;
};

}  // namespace citynexus::app
