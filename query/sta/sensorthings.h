// OGC SensorThings API 1.1 (OGC 18-088) over the store, at /v1.1: the
// public surface of query/sta/. Mapping and ids: query/sta/model.h and
// docs/sensorthings.md.
//
// Reads run on the HTTP I/O thread (catalog walks, bounded scans, Last() and
// rollup-backed Aggregate()); writes (POST Observations, CreateObservations)
// run on the injected write runner, never on an I/O thread, and answer only
// once the store reports the points durable.
//
// Access: every request is checked with req.Caller(): reads see only the
// series whose measurement the caller may read (model.h, BuildModel); a
// write needs CanWrite on the Datastream's measurement (write.cc).
//
// Thread-safety: SensorThingsService is safe for concurrent use once built.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "net/net.h"

namespace citynexus::query::sta {

class ModelCache;

struct StaOptions {
  // Entities per page when the request has no $top (OGC default: 100).
  uint64_t default_top = 100;
  // Largest page a request gets; a larger $top is clamped (with nextLink).
  uint64_t max_top = 10000;
  // Raw points one request may read from the store (scans for $filter,
  // $orderby on result, $count with a non-time filter). Past it: 400 asking
  // for a narrower phenomenonTime range.
  uint64_t max_points = 2'000'000;
  // Buckets one $aggregate request may produce.
  uint64_t max_buckets = 100'000;
  // Rows one CreateObservations / one POST body may carry.
  uint64_t max_write_rows = 100'000;
  // Whether the MQTT extension runs (sensorthings.mqtt): the service root
  // then claims the MQTT conformance classes.
  bool mqtt = false;
};

// ---- the MQTT extension (OGC 18-088 §14) ----
// The broker side lives in connectors/ (StaMqttBridge); these two functions
// are the SensorThings payloads it needs, injected by app/.

// The Observation a client published to v1.1/Datastreams(`datastream`)/
// Observations, as a point of that Datastream's series (same rules as POST
// Observations). kNotFound for unknown Datastreams, kInvalidArgument (or
// kNotSupported for intervals) for a body that does not fit. Call
// IsNotification() first: the server's own publications are not creations.
Result<engine::Point> DecodeMqttObservation(engine::Store& store,
                                            uint64_t datastream,
                                            std::string_view payload,
                                            int64_t now_ns);
// Whether `payload` is a notification this server published (it carries
// "@iot.id"); the bridge skips those, so its own publications on the shared
// topic are never stored again.
bool IsNotification(std::string_view payload);
// The Observation JSON published for a new point (with "@iot.id",
// "@iot.selfLink" relative to "/v1.1", phenomenonTime, resultTime, result).
std::string ObservationNotification(const engine::Point& point);

// Runs a blocking write job (store appends) off the I/O threads. Returns
// false when it cannot take the job now (saturated or stopping); the caller
// answers 503 + Retry-After. Jobs may run on any thread.
using WriteRunner = std::function<bool(std::function<void()> job)>;

class SensorThingsService {
 public:
  // `store` must outlive the service. Without `run_write` the write
  // endpoints answer 501.
  SensorThingsService(engine::Store& store, StaOptions options,
                      WriteRunner run_write);
  ~SensorThingsService();
  SensorThingsService(const SensorThingsService&) = delete;
  SensorThingsService& operator=(const SensorThingsService&) = delete;

  // GET (and HEAD) of any /v1.1 resource.
  net::Response Get(const net::Request& request) const;
  // POST /v1.1/Observations, /v1.1/Datastreams(id)/Observations,
  // /v1.1/CreateObservations; other POSTs, PATCH, PUT and DELETE: 501 or 405
  // with a message.
  void Write(net::Request request, net::Responder respond) const;

  engine::Store& store() const { return store_; }
  const StaOptions& options() const { return options_; }

 private:
  engine::Store& store_;
  StaOptions options_;
  WriteRunner run_write_;
  // Models reused across requests (model_cache.h); Get() is const.
  std::unique_ptr<ModelCache> model_cache_;
};

// Registers the /v1.1 routes (GET/HEAD reads; POST/PATCH/PUT/DELETE
// writes). `service` must outlive the server using the router.
void RegisterSensorThingsRoutes(net::Router& router,
                                const SensorThingsService& service);

}  // namespace citynexus::query::sta
