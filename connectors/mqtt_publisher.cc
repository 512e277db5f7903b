// MqttPublisher (connectors/connectors.h): publishes retained messages for
// other city systems (indicator values), on its own Paho client.
#include <mqtt/async_client.h>

#include <atomic>
#include <map>
#include <thread>

#include "common/log.h"
#include "common/mutex.h"
#include "connectors/connectors.h"
#include "connectors/mqtt_paho_options.h"

namespace citynexus::connectors {
namespace {
constexpr const char* kComponent = "mqtt-publish";
}  // namespace

class MqttPublisher::Impl {
 public:
  Impl(MqttOptions options, net::MetricsRegistry& metrics)
      : options_(std::move(options)),
        published_(metrics.GetCounter(
            "citynexus_mqtt_published_total",
            "Messages handed to the MQTT broker by the publisher.")),
        failed_(metrics.GetCounter(
            "citynexus_mqtt_publish_failures_total",
            "Publications that could not be handed to the broker (not "
            "connected or refused); the latest per topic is sent again on "
            "reconnect.")) {}

  ~Impl() {
    Stop();
    client_.reset();  // before the members its callbacks use
  }

  Status Start() {
    if (options_.brokers.empty()) {
      return Status::InvalidArgument(
          "publishing to MQTT needs mqtt.brokers to be set");
    }
    try {
      client_ = std::make_unique<mqtt::async_client>(options_.brokers.front(),
                                                     options_.client_id);
      connect_options_ = BuildConnectOptions();
    } catch (const std::exception& e) {
      return Status::InvalidArgument(std::string("mqtt publisher: ") +
                                     e.what());
    }
    client_->set_connected_handler(
        [this](const std::string&) { OnConnected(); });
    client_->set_connection_lost_handler([this](const std::string& cause) {
      connected_ = false;
      CN_LOG(kWarn, kComponent)
          << "connection lost" << (cause.empty() ? "" : ": " + cause)
          << "; reconnecting";
    });
    connect_thread_ = std::thread([this] { ConnectLoop(); });
    return Status::Ok();
  }

  void Stop() {
    {
      MutexLock lock(&mu_);
      if (stopping_) {
        return;
      }
      stopping_ = true;
    }
    stop_cv_.SignalAll();
    if (connect_thread_.joinable()) {
      connect_thread_.join();
    }
    if (client_ && client_->is_connected()) {
      try {
        client_->disconnect(std::chrono::seconds(2))
            ->wait_for(std::chrono::seconds(3));
      } catch (const std::exception& e) {
        CN_LOG(kDebug, kComponent) << "disconnect: " << e.what();
      }
    }
  }

  void Publish(const std::string& topic, std::string payload, int qos) {
    {
      MutexLock lock(&mu_);
      latest_[topic] = {payload, qos};
      if (stopping_ || !client_) {
        return;
      }
    }
    Send(topic, std::move(payload), qos);
  }

  Status Health() const {
    if (connected_) {
      return Status::Ok();
    }
    return Status::Unavailable("MQTT publisher not connected to " +
                               options_.brokers.front());
  }

 private:
  mqtt::connect_options BuildConnectOptions() {
    // Nothing to resume: the publisher only publishes.
    return PahoConnectOptions(options_, /*clean_session=*/true);
  }

  // Retries the first connection until it succeeds or Stop(); Paho's
  // automatic reconnect handles later losses.
  void ConnectLoop() {
    std::chrono::milliseconds backoff = options_.reconnect_min;
    bool logged = false;
    while (true) {
      {
        MutexLock lock(&mu_);
        if (stopping_) {
          return;
        }
      }
      std::string error;
      try {
        auto token = client_->connect(connect_options_);
        if (token->wait_for(std::chrono::seconds(15)) &&
            token->get_return_code() == 0) {
          return;
        }
        error = "connect timed out";
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (!logged) {
        CN_LOG(kWarn, kComponent)
            << "cannot connect to " << options_.brokers.front() << ": " << error
            << "; retrying";
        logged = true;
      }
      const auto deadline = std::chrono::steady_clock::now() + backoff;
      MutexLock lock(&mu_);
      while (!stopping_ && stop_cv_.WaitUntil(&mu_, deadline)) {
      }
      backoff = std::min<std::chrono::milliseconds>(backoff * 2,
                                                    options_.reconnect_max);
    }
  }

  // Paho thread: (re)connected. Retained messages the broker may have
  // missed while we were away are sent again, latest per topic.
  void OnConnected() {
    connected_ = true;
    CN_LOG(kInfo, kComponent) << "connected to " << options_.brokers.front();
    std::map<std::string, std::pair<std::string, int>> latest;
    {
      MutexLock lock(&mu_);
      latest = latest_;
    }
    for (auto& [topic, message] : latest) {
      Send(topic, std::move(message.first), message.second);
    }
  }

  void Send(const std::string& topic, std::string payload, int qos) {
    if (!connected_) {
      failed_->Inc();
      return;  // sent on (re)connect
    }
    try {
      auto message = mqtt::make_message(topic, std::move(payload), qos,
                                        /*retained=*/true);
      client_->publish(message);  // asynchronous; Paho delivers QoS 1/2
      published_->Inc();
    } catch (const std::exception& e) {
      failed_->Inc();
      CN_LOG(kWarn, kComponent)
          << "publishing to " << topic << ": " << e.what();
    }
  }

  const MqttOptions options_;
  net::Counter* published_;
  net::Counter* failed_;
  std::unique_ptr<mqtt::async_client> client_;
  mqtt::connect_options connect_options_;
  std::thread connect_thread_;
  std::atomic<bool> connected_{false};
  Mutex mu_;
  CondVar stop_cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  // Topic -> (payload, qos) of the latest publication.
  std::map<std::string, std::pair<std::string, int>> latest_ GUARDED_BY(mu_);
};

MqttPublisher::MqttPublisher(MqttOptions options, net::MetricsRegistry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), metrics)) {}
MqttPublisher::~MqttPublisher() = default;
Status MqttPublisher::Start() { return impl_->Start(); }
void MqttPublisher::Stop() { impl_->Stop(); }
void MqttPublisher::Publish(const std::string& topic, std::string payload,
                            int qos) {
  impl_->Publish(topic, std::move(payload), qos);
}
Status MqttPublisher::Health() const { return impl_->Health(); }

}  // namespace citynexus::connectors
