// StaMqttBridge: the SensorThings MQTT extension (OGC 18-088 §14) on the
// connector's broker (mqtt.brokers), with its own Paho client
// ("<mqtt.client_id>-sta", persistent session):
//
//   create   subscribes to v1.1/+/Observations at QoS 1; a message on
//            v1.1/Datastreams(ID)/Observations is decoded (injected
//            `decode`) and appended inside Paho's message callback, which
//            the C library runs before it sends PUBACK, so the broker's
//            message is acknowledged only once the point is durable (as
//            MqttConnector does).
//   receive  every point made durable by any ingest path (the PointFeed) is
//            published, rendered by the injected `render`, to
//            v1.1/Datastreams(ID)/Observations and v1.1/Observations (QoS 0,
//            not retained). The listener only copies points into a bounded
//            queue (kMaxQueuedNotifications; when full, points are dropped
//            and counted); one thread publishes.
//
// The bridge hears its own publications (same topic): `is_notification`
// recognises them (they carry "@iot.id") and they are skipped, never stored.
// Messages on the topic carry no caller: who may create Observations over
// MQTT is the broker's ACL decision (docs/sensorthings.md).
//
// Payload formats are SensorThings', not the connector's: they come from
// query/sta/ through the injected functions (connectors/ may not depend on
// query/).
//
// Threads: Paho's callback thread (decode + append), one "sta-notify"
// publisher thread, one thread retrying the first connection. Public methods
// are safe to call from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "connectors/mqtt_options.h"
#include "engine/engine.h"
#include "net/net.h"

namespace citynexus::connectors {

struct StaMqttPayloads {
  std::function<Result<engine::Point>(uint64_t datastream,
                                      std::string_view payload, int64_t now_ns)>
      decode;
  std::function<bool(std::string_view payload)> is_notification;
  std::function<std::string(const engine::Point& point)> render;
};

class StaMqttBridge {
 public:
  static constexpr size_t kMaxQueuedNotifications = 100000;

  // `store`, `feed` and `metrics` must outlive the bridge. `broker` gives
  // brokers, credentials and TLS; its subscriptions are ignored.
  StaMqttBridge(engine::Store& store, engine::PointFeed& feed,
                MqttOptions broker, net::MetricsRegistry& metrics,
                StaMqttPayloads payloads);
  ~StaMqttBridge();  // Stop()s
  StaMqttBridge(const StaMqttBridge&) = delete;
  StaMqttBridge& operator=(const StaMqttBridge&) = delete;

  // Connects in the background and returns at once. kInvalidArgument
  // without brokers or for a bad URI.
  Status Start();
  // Unsubscribes from the feed, stops the threads, disconnects. Idempotent.
  void Stop();
  // OK when connected; kUnavailable otherwise.
  Status Health() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace citynexus::connectors
