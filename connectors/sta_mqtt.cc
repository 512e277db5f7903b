// StaMqttBridge (connectors/sta_mqtt.h).
#include "connectors/sta_mqtt.h"

#include <mqtt/async_client.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <deque>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "common/mutex.h"
#include "connectors/mqtt_paho_options.h"

namespace citynexus::connectors {
namespace {

constexpr const char* kComponent = "sta-mqtt";
constexpr const char* kCreateFilter = "v1.1/+/Observations";
constexpr std::string_view kDatastreamPrefix = "v1.1/Datastreams(";
constexpr std::string_view kObservationsSuffix = ")/Observations";

// The ID of "v1.1/Datastreams(ID)/Observations"; nullopt for other topics.
std::optional<uint64_t> DatastreamOfTopic(std::string_view topic) {
  if (topic.size() <= kDatastreamPrefix.size() + kObservationsSuffix.size() ||
      topic.substr(0, kDatastreamPrefix.size()) != kDatastreamPrefix ||
      topic.substr(topic.size() - kObservationsSuffix.size()) !=
          kObservationsSuffix) {
    return std::nullopt;
  }
  std::string_view id = topic.substr(
      kDatastreamPrefix.size(),
      topic.size() - kDatastreamPrefix.size() - kObservationsSuffix.size());
  uint64_t v = 0;
  auto r = std::from_chars(id.data(), id.data() + id.size(), v);
  if (r.ec != std::errc() || r.ptr != id.data() + id.size())
    return std::nullopt;
  return v;
}

}  // namespace

class StaMqttBridge::Impl {
 public:
  Impl(engine::Store& store, engine::PointFeed& feed, MqttOptions broker,
       net::MetricsRegistry& metrics, StaMqttPayloads payloads)
      : store_(store),
        feed_(feed),
        options_(std::move(broker)),
        payloads_(std::move(payloads)),
        created_(
            metrics.GetCounter("citynexus_sta_mqtt_created_total",
                               "Observations created over SensorThings MQTT")),
        rejected_(metrics.GetCounter(
            "citynexus_sta_mqtt_rejected_total",
            "SensorThings MQTT messages that created nothing")),
        published_(metrics.GetCounter(
            "citynexus_sta_mqtt_published_total",
            "Observation notifications handed to the broker")),
        dropped_(metrics.GetCounter("citynexus_sta_mqtt_dropped_total",
                                    "Observation notifications dropped (queue "
                                    "full or not connected)")) {
    options_.client_id += "-sta";
  }

  ~Impl() {
    Stop();
    client_.reset();
  }

  Status Start() {
    if (options_.brokers.empty()) {
      return Status::InvalidArgument(
          "sensorthings.mqtt needs mqtt.brokers to be set");
    }
    try {
      client_ = std::make_unique<mqtt::async_client>(options_.brokers.front(),
                                                     options_.client_id);
      connect_options_ = PahoConnectOptions(options_, /*clean_session=*/false);
    } catch (const std::exception& e) {
      return Status::InvalidArgument(std::string("sensorthings mqtt: ") +
                                     e.what());
    }
    client_->set_connected_handler(
        [this](const std::string&) { OnConnected(); });
    client_->set_connection_lost_handler([this](const std::string&) {
      connected_ = false;
      CN_LOG(kWarn, kComponent) << "connection lost; reconnecting";
    });
    client_->set_message_callback(
        [this](mqtt::const_message_ptr message) { OnMessage(*message); });
    feed_token_ =
        feed_.Subscribe([this](std::span<const engine::Point> points) {
          MutexLock lock(&mu_);
          for (const auto& p : points) {
            if (queue_.size() >= kMaxQueuedNotifications) {
              dropped_->Inc();
              continue;
            }
            queue_.push_back(p);
          }
          cv_.Signal();
        });
    notify_thread_ = std::thread([this] { NotifyLoop(); });
    connect_thread_ = std::thread([this] { ConnectLoop(); });
    return Status::Ok();
  }

  void Stop() {
    {
      MutexLock lock(&mu_);
      if (stopping_ || !client_) {
        stopping_ = true;
        return;
      }
      stopping_ = true;
    }
    feed_.Unsubscribe(feed_token_);
    cv_.SignalAll();
    if (connect_thread_.joinable()) connect_thread_.join();
    if (notify_thread_.joinable()) notify_thread_.join();
    if (client_->is_connected()) {
      try {
        client_->disconnect(std::chrono::seconds(2))
            ->wait_for(std::chrono::seconds(3));
      } catch (const std::exception& e) {
        CN_LOG(kDebug, kComponent) << "disconnect: " << e.what();
      }
    }
  }

  Status Health() const {
    if (connected_) return Status::Ok();
    return Status::Unavailable("SensorThings MQTT not connected to " +
                               options_.brokers.front());
  }

 private:
  void ConnectLoop() {
    std::chrono::milliseconds backoff = options_.reconnect_min;
    while (true) {
      {
        MutexLock lock(&mu_);
        if (stopping_) return;
      }
      try {
        auto token = client_->connect(connect_options_);
        if (token->wait_for(std::chrono::seconds(15)) &&
            token->get_return_code() == 0) {
          return;
        }
      } catch (const std::exception& e) {
        CN_LOG(kDebug, kComponent) << "connect: " << e.what();
      }
      const auto deadline = std::chrono::steady_clock::now() + backoff;
      MutexLock lock(&mu_);
      while (!stopping_ && cv_.WaitUntil(&mu_, deadline)) {
      }
      backoff = std::min<std::chrono::milliseconds>(backoff * 2,
                                                    options_.reconnect_max);
    }
  }

  // Paho thread: (re)connected; (re)subscribe (idempotent on the broker).
  void OnConnected() {
    connected_ = true;
    CN_LOG(kInfo, kComponent) << "connected to " << options_.brokers.front()
                              << ", subscribed to " << kCreateFilter;
    try {
      client_->subscribe(kCreateFilter, 1);
    } catch (const std::exception& e) {
      CN_LOG(kWarn, kComponent) << "subscribe: " << e.what();
    }
  }

  // Paho thread: a creation (or our own notification). Returns only once
  // the point is durable, or the message is refused; Paho acks afterwards.
  void OnMessage(const mqtt::message& message) {
    const std::string& payload = message.get_payload();
    if (payloads_.is_notification(payload)) return;
    const std::string& topic = message.get_topic();
    auto id = DatastreamOfTopic(topic);
    if (!id) {
      Reject(topic,
             "only v1.1/Datastreams(ID)/Observations creates Observations");
      return;
    }
    auto point = payloads_.decode(*id, payload, UnixNowNs());
    if (!point) {
      Reject(topic, point.error().ToString());
      return;
    }
    std::chrono::milliseconds backoff{50};
    while (true) {
      auto appended = store_.Append(std::span<const engine::Point>(&*point, 1));
      if (appended && appended->rejected.empty()) {
        created_->Inc();
        return;
      }
      if (appended) {
        Reject(topic, appended->rejected.front().reason);
        return;
      }
      // Saturated or failing store: hold the message (unacknowledged) and
      // retry, as the MQTT connector does; give up only when stopping.
      const auto deadline = std::chrono::steady_clock::now() + backoff;
      MutexLock lock(&mu_);
      if (stopping_) return;
      while (!stopping_ && cv_.WaitUntil(&mu_, deadline)) {
      }
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
  }

  void Reject(const std::string& topic, const std::string& why) {
    rejected_->Inc();
    const auto now = std::chrono::steady_clock::now();
    if (now - last_reject_log_ >= std::chrono::seconds(10)) {
      last_reject_log_ = now;
      CN_LOG(kWarn, kComponent)
          << "message on " << topic << " created nothing: " << why;
    }
  }

  void NotifyLoop() {
    std::vector<engine::Point> batch;
    while (true) {
      {
        MutexLock lock(&mu_);
        while (!stopping_ && queue_.empty()) cv_.Wait(&mu_);
        if (stopping_) return;
        batch.assign(queue_.begin(), queue_.end());
        queue_.clear();
      }
      for (const auto& p : batch) {
        if (!connected_) {
          dropped_->Inc();
          continue;
        }
        const std::string body = payloads_.render(p);
        try {
          client_->publish(
              "v1.1/Datastreams(" + std::to_string(p.series) + ")/Observations",
              body.data(), body.size(), 0, false);
          client_->publish("v1.1/Observations", body.data(), body.size(), 0,
                           false);
          published_->Inc();
        } catch (const std::exception& e) {
          dropped_->Inc();
          CN_LOG(kDebug, kComponent) << "publish: " << e.what();
        }
      }
    }
  }

  engine::Store& store_;
  engine::PointFeed& feed_;
  MqttOptions options_;
  StaMqttPayloads payloads_;
  net::Counter* created_;
  net::Counter* rejected_;
  net::Counter* published_;
  net::Counter* dropped_;
  std::unique_ptr<mqtt::async_client> client_;
  mqtt::connect_options connect_options_;
  std::atomic<bool> connected_{false};
  uint64_t feed_token_ = 0;
  Mutex mu_;
  CondVar cv_;
  std::deque<engine::Point> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread connect_thread_;
  std::thread notify_thread_;
  std::chrono::steady_clock::time_point last_reject_log_{};  // Paho thread only
};

StaMqttBridge::StaMqttBridge(engine::Store& store, engine::PointFeed& feed,
                             MqttOptions broker, net::MetricsRegistry& metrics,
                             StaMqttPayloads payloads)
    : impl_(std::make_unique<Impl>(store, feed, std::move(broker), metrics,
                                   std::move(payloads))) {}
StaMqttBridge::~StaMqttBridge() = default;
Status StaMqttBridge::Start() { return impl_->Start(); }
void StaMqttBridge::Stop() { impl_->Stop(); }
Status StaMqttBridge::Health() const { return impl_->Health(); }

}  // namespace citynexus::connectors
