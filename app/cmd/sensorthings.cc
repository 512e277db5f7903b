#include "app/cmd/sensorthings.h"

namespace citynexus::app {
namespace {
// One writer thread and a short queue: STA writes are small requests next
// to the line-protocol endpoints' pool; a full queue answers 503.
constexpr size_t kWriteThreads = 1;
constexpr size_t kMaxQueuedWrites = 64;
}  // namespace

SensorThingsEndpoint::SensorThingsEndpoint(engine::Store& store)
    : workers_(std::make_unique<connectors::WriteWorkers>(kWriteThreads,
                                                          kMaxQueuedWrites)) {
  connectors::WriteWorkers* workers = workers_.get();
  service_ = std::make_unique<query::sta::SensorThingsService>(
      store, query::sta::StaOptions{},
      [workers](std::function<void()> job) {
        return workers->TrySubmit(std::move(job));
      });
}

void SensorThingsEndpoint::RegisterRoutes(net::Router& router) {
  query::sta::RegisterSensorThingsRoutes(router, *service_);
}

void SensorThingsEndpoint::Stop() { workers_->Stop(); }

}  // namespace citynexus::app
