#include "app/cmd/sensorthings.h"

namespace citynexus::app {
namespace {
// One writer thread and a short queue: STA writes are small requests next
// to the line-protocol endpoints' pool; a full queue answers 503.
constexpr size_t kWriteThreads = 1;
constexpr size_t kMaxQueuedWrites = 64;
}  // namespace

SensorThingsEndpoint::SensorThingsEndpoint(engine::Store& store,
                                           engine::PointFeed& feed,
                                           net::MetricsRegistry& metrics,
                                           const Config& config)
    : workers_(std::make_unique<connectors::WriteWorkers>(kWriteThreads,
                                                          kMaxQueuedWrites)) {
  connectors::WriteWorkers* workers = workers_.get();
  query::sta::StaOptions options;
  options.mqtt = config.sensorthings.mqtt;
  service_ = std::make_unique<query::sta::SensorThingsService>(
      store, options, [workers](std::function<void()> job) {
        return workers->TrySubmit(std::move(job));
      });
  if (config.sensorthings.mqtt) {
    connectors::StaMqttPayloads payloads;
    payloads.decode = [&store](uint64_t id, std::string_view payload,
                               int64_t now) {
      return query::sta::DecodeMqttObservation(store, id, payload, now);
    };
    payloads.is_notification = query::sta::IsNotification;
    payloads.render = query::sta::ObservationNotification;
    mqtt_ = std::make_unique<connectors::StaMqttBridge>(
        store, feed, config.mqtt, metrics, std::move(payloads));
  }
}

SensorThingsEndpoint::~SensorThingsEndpoint() { Stop(); }

void SensorThingsEndpoint::RegisterRoutes(net::Router& router) {
  query::sta::RegisterSensorThingsRoutes(router, *service_);
}

Status SensorThingsEndpoint::Start(net::HttpServer& server) {
  if (!mqtt_) return Status::Ok();
  if (Status s = mqtt_->Start(); !s.ok()) return s;
  connectors::StaMqttBridge* bridge = mqtt_.get();
  server.AddHealthCheck("sensorthings_mqtt",
                        [bridge] { return bridge->Health(); });
  return Status::Ok();
}

void SensorThingsEndpoint::Stop() {
  if (mqtt_) mqtt_->Stop();
  workers_->Stop();
}

}  // namespace citynexus::app
