// The MQTT connector; see connectors/connectors.h and docs/mqtt.md.
#include <mqtt/async_client.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "common/mutex.h"
#include "connectors/connectors.h"
#include "connectors/mqtt_dead_letters.h"
#include "connectors/mqtt_decode.h"
#include "connectors/mqtt_paho_options.h"
#include "connectors/mqtt_topic.h"
#include "connectors/series_meta_applier.h"

namespace citynexus::connectors {
namespace {

constexpr const char* kComponent = "mqtt";
// At most one log line per subscription and interval for rejected messages
// (a misconfigured sensor publishing every 100 ms must not flood the log).
constexpr std::chrono::seconds kRejectLogInterval{1};
// How long Stop() waits for the broker to confirm the disconnect.
constexpr std::chrono::seconds kDisconnectTimeout{5};
// Backoff of a failing store write inside the message callback.
constexpr std::chrono::milliseconds kWriteRetryMin{100};
constexpr std::chrono::milliseconds kWriteRetryMax{5000};
// Label of messages no configured subscription matches (e.g. a filter
// left in the persistent session by an earlier configuration).
constexpr const char* kNoSubscription = "(none)";

std::string JoinBrokers(const std::vector<std::string>& brokers) {
  std::string out;
  for (const std::string& b : brokers) out += (out.empty() ? "" : ", ") + b;
  return out;
}

}  // namespace

class MqttConnector::Impl {
 public:
  Impl(engine::Store& store, net::MetricsRegistry& metrics, MqttOptions options)
      : options_(std::move(options)),
        dead_letters_(options_.dead_letter_capacity),
        metadata_(store, kComponent) {
    connected_gauge_ = metrics.GetGauge(
        "citynexus_mqtt_connected",
        "1 while the MQTT connector is connected to a broker, else 0");
    points_ = metrics.GetCounter("citynexus_mqtt_points_total",
                                 "Points stored durably from MQTT messages");
    for (const MqttSubscription& sub : options_.subscriptions) {
      SubscriptionState state;
      state.writer = std::make_unique<PointWriter>(store, "mqtt:" + sub.topic);
      state.messages = metrics.GetCounter(
          "citynexus_mqtt_messages_total",
          "MQTT messages received, per subscription (topic filter)",
          {{"subscription", sub.topic}});
      state.decode_errors = metrics.GetCounter(
          "citynexus_mqtt_decode_errors_total",
          "MQTT messages (or lines of them) that could not be stored, per "
          "subscription",
          {{"subscription", sub.topic}});
      subs_.push_back(std::move(state));
    }
    unmatched_messages_ = metrics.GetCounter(
        "citynexus_mqtt_messages_total",
        "MQTT messages received, per subscription (topic filter)",
        {{"subscription", kNoSubscription}});
    unmatched_errors_ = metrics.GetCounter(
        "citynexus_mqtt_decode_errors_total",
        "MQTT messages (or lines of them) that could not be stored, per "
        "subscription",
        {{"subscription", kNoSubscription}});
    last_reject_log_.assign(subs_.size() + 1,
                            std::chrono::steady_clock::time_point{});
  }

  ~Impl() {
    Stop();
    // Destroy the Paho client (and with it every callback into this object)
    // before the members the callbacks use.
    client_.reset();
  }

  bool enabled() const { return !options_.brokers.empty(); }

  Status Start() {
    if (!enabled()) {
      CN_LOG(kInfo, kComponent) << "off (mqtt.brokers is empty)";
      return Status::Ok();
    }
    CITYNEXUS_RETURN_IF_ERROR(CheckOptions());
    try {
      // No Paho persistence: nothing is published, and received messages
      // are stored before they are acknowledged, so the broker's session
      // is the only queue that must survive a restart.
      client_ = std::make_unique<mqtt::async_client>(options_.brokers.front(),
                                                     options_.client_id);
      connect_options_ = BuildConnectOptions();
    } catch (const std::exception& e) {
      return Status::InvalidArgument(std::string("mqtt client: ") + e.what());
    }
    client_->set_message_callback(
        [this](mqtt::const_message_ptr message) { OnMessage(message); });
    client_->set_connected_handler(
        [this](const std::string& cause) { OnConnected(cause); });
    client_->set_connection_lost_handler(
        [this](const std::string& cause) { OnConnectionLost(cause); });
    connect_thread_ = std::thread([this] { ConnectLoop(); });
    return Status::Ok();
  }

  void Stop() {
    {
      MutexLock lock(&stop_mu_);
      if (stopped_) return;
      stopped_ = true;
      stopping_ = true;
    }
    stop_cv_.SignalAll();
    if (connect_thread_.joinable()) connect_thread_.join();
    if (client_) {
      try {
        if (client_->is_connected()) {
          client_->disconnect()->wait_for(kDisconnectTimeout);
        }
      } catch (const std::exception& e) {
        CN_LOG(kWarn, kComponent) << "disconnect: " << e.what();
      }
      // A message being handled finishes before Stop() returns. Callbacks
      // are not disabled: Paho C++ would then acknowledge (and drop) any
      // message still arriving.
      MutexLock handling(&handling_mu_);
    }
    connected_ = false;
    connected_gauge_->Set(0);
    if (enabled()) CN_LOG(kInfo, kComponent) << "stopped";
  }

  Status Health() const {
    if (!enabled() || (connected_ && subscribed_)) return Status::Ok();
    MutexLock lock(&error_mu_);
    if (connected_) {
      return Status::Unavailable("mqtt: connected, subscribing" +
                                 (last_error_.empty()
                                      ? std::string()
                                      : " (last error: " + last_error_ + ")"));
    }
    return Status::Unavailable(
        "mqtt: not connected to " + JoinBrokers(options_.brokers) +
        (last_error_.empty() ? "" : " (last error: " + last_error_ + ")"));
  }

  std::vector<DeadLetter> DeadLetters() const {
    return dead_letters_.Snapshot();
  }

  void RegisterRoutes(net::Router& router) {
    router.Add("GET", "/api/v1/deadletters", [this](const net::Request& req) {
      // Dead letters hold raw payloads of any measurement: admin only.
      if (!req.Caller().IsAdmin()) {
        return net::Response::FromStatus(req.Caller().DenyStatus("admin"));
      }
      return net::Response::Json(200,
                                 DeadLettersJson(dead_letters_.Snapshot(),
                                                 options_.dead_letter_capacity,
                                                 dead_letters_.total()));
    });
  }

 private:
  struct SubscriptionState {
    std::unique_ptr<PointWriter> writer;
    net::Counter* messages = nullptr;
    net::Counter* decode_errors = nullptr;
  };

  Status CheckOptions() const {
    for (const std::string& uri : options_.brokers) {
      Status s = ValidateBrokerUri(uri);
      if (!s.ok()) return s.WithContext("mqtt.brokers");
    }
    for (const std::string* file :
         {&options_.ca_file, &options_.cert_file, &options_.key_file}) {
      std::error_code ec;
      if (!file->empty() && !std::filesystem::is_regular_file(*file, ec)) {
        return Status::InvalidArgument("mqtt: TLS file \"" + *file +
                                       "\" does not exist or is not a file");
      }
    }
    if (options_.qos < 0 || options_.qos > 2) {
      return Status::InvalidArgument("mqtt.qos: must be 0, 1 or 2");
    }
    for (const MqttSubscription& sub : options_.subscriptions) {
      Status s = ValidateTopicFilter(sub.topic);
      if (!s.ok()) return s.WithContext("mqtt subscription " + sub.topic);
      if (sub.format == MqttFormat::kJson) {
        JsonMappingRule rule = sub.json;
        if (rule.measurement.empty()) rule.measurement = sub.measurement;
        s = ValidateJsonMappingRule(rule);
        if (!s.ok()) return s.WithContext("mqtt subscription " + sub.topic);
      }
    }
    return Status::Ok();
  }

  mqtt::connect_options BuildConnectOptions() {
    // Persistent session: the broker queues QoS 1/2 messages for our
    // client id while we are away, and keeps our subscriptions.
    return PahoConnectOptions(options_, /*clean_session=*/false,
                              [this](const std::string& message) {
                                SetLastError("TLS: " + message);
                              });
  }

  // Retries the first connection with backoff until it succeeds or Stop();
  // afterwards Paho's automatic reconnect takes over.
  void ConnectLoop() {
    std::chrono::milliseconds backoff = options_.reconnect_min;
    bool logged = false;
    while (!stopping_) {
      try {
        mqtt::token_ptr token = client_->connect(connect_options_);
        // connect_timeout bounds the attempt; wait a little longer.
        if (token->wait_for(std::chrono::seconds(15)) &&
            token->get_return_code() == 0) {
          return;
        }
        SetLastError("connect timed out");
      } catch (const std::exception& e) {
        SetLastError(e.what());
      }
      if (!logged) {
        CN_LOG(kWarn, kComponent)
            << "cannot connect to " << JoinBrokers(options_.brokers) << ": "
            << LastError() << "; retrying with backoff up to "
            << options_.reconnect_max.count() << " s";
        logged = true;
      }
      MutexLock lock(&stop_mu_);
      const auto deadline = std::chrono::steady_clock::now() + backoff;
      while (!stopping_ && stop_cv_.WaitUntil(&stop_mu_, deadline)) {
      }
      backoff = std::min<std::chrono::milliseconds>(backoff * 2,
                                                    options_.reconnect_max);
    }
  }

  // Paho thread, after every successful (re)connect.
  void OnConnected(const std::string& cause) {
    connected_ = true;
    connected_gauge_->Set(1);
    CN_LOG(kInfo, kComponent)
        << "connected to " << JoinBrokers(options_.brokers)
        << (cause.empty() ? "" : " (" + cause + ")");
    Subscribe();
  }

  // Paho thread.
  void OnConnectionLost(const std::string& cause) {
    connected_ = false;
    subscribed_ = false;
    connected_gauge_->Set(0);
    SetLastError(cause.empty() ? "connection lost" : cause);
    CN_LOG(kWarn, kComponent)
        << "connection lost" << (cause.empty() ? "" : ": " + cause)
        << "; reconnecting";
  }

  // Subscribes to every filter. Done after every connect, not only when the
  // broker reports no session: Paho C++ 1.2 does not tell the connected
  // handler whether a session was present after an automatic reconnect,
  // and re-subscribing to an existing filter is harmless (MQTT 3.1.1
  // 3.8.4: the subscription is replaced without interrupting the flow;
  // queued messages stay queued). Runs on a Paho thread: never waits.
  void Subscribe() {
    if (options_.subscriptions.empty()) {
      subscribed_ = true;
      return;
    }
    auto filters = mqtt::string_collection::create(std::vector<std::string>{});
    std::vector<int> qos;
    for (const MqttSubscription& sub : options_.subscriptions) {
      filters->push_back(sub.topic);
      qos.push_back(options_.qos);
    }
    try {
      client_->subscribe(filters, qos, nullptr, subscribe_listener_);
    } catch (const std::exception& e) {
      SetLastError(std::string("subscribe: ") + e.what());
      CN_LOG(kError, kComponent) << "subscribe failed: " << e.what();
    }
  }

  class SubscribeListener : public mqtt::iaction_listener {
   public:
    explicit SubscribeListener(Impl* impl) : impl_(impl) {}
    void on_success(const mqtt::token& token) override {
      std::vector<mqtt::ReasonCode> codes;
      try {
        codes = token.get_subscribe_response().get_reason_codes();
      } catch (const std::exception&) {
        // No SUBACK details; the subscription itself succeeded.
      }
      for (size_t i = 0; i < codes.size(); ++i) {
        // SUBACK 0x80: the broker refused this filter.
        if (static_cast<int>(codes[i]) >= 0x80 &&
            i < impl_->options_.subscriptions.size()) {
          CN_LOG(kError, kComponent) << "broker refused subscription "
                                     << impl_->options_.subscriptions[i].topic;
        }
      }
      impl_->subscribed_ = true;
      CN_LOG(kInfo, kComponent)
          << "subscribed to " << impl_->options_.subscriptions.size()
          << " topic filter(s) at QoS " << impl_->options_.qos;
    }
    void on_failure(const mqtt::token& token) override {
      if (impl_->stopping_) return;  // cut short by Stop()'s disconnect
      impl_->SetLastError("subscribe failed with code " +
                          std::to_string(token.get_return_code()));
      CN_LOG(kError, kComponent)
          << "subscribe failed with code " << token.get_return_code();
    }

   private:
    Impl* impl_;
  };

  // Paho receive thread. Stores the message's points before returning:
  // the C library sends PUBACK only after this callback returned, so a
  // crash before the points are durable leaves the message unacknowledged
  // and the broker redelivers it.
  void OnMessage(const mqtt::const_message_ptr& message) noexcept {
    try {
      MutexLock handling(&handling_mu_);
      HandleMessage(*message);
    } catch (const std::exception& e) {
      // Nothing may escape into Paho. Not expected: decoders and the write
      // path report errors as Status.
      CN_LOG(kError, kComponent) << "message handling failed: " << e.what();
    }
  }

  void HandleMessage(const mqtt::message& message) REQUIRES(handling_mu_) {
    const int64_t arrival_ns = UnixNowNs();
    const std::string& topic = message.get_topic();
    const std::string& payload = message.get_payload();
    size_t index = 0;
    while (index < options_.subscriptions.size() &&
           !TopicMatches(MatchingFilter(options_.subscriptions[index].topic),
                         topic)) {
      ++index;
    }
    if (index == options_.subscriptions.size()) {
      unmatched_messages_->Inc();
      Reject(index, arrival_ns, topic, payload,
             "no configured subscription matches this topic (a filter left "
             "in the broker session by an earlier configuration?)");
      return;
    }
    const MqttSubscription& sub = options_.subscriptions[index];
    SubscriptionState& state = subs_[index];
    state.messages->Inc();

    Status decoded =
        DecodeMqttMessage(sub, topic, payload, arrival_ns, &batch_);
    if (!decoded.ok()) {
      Reject(index, arrival_ns, topic, payload, decoded.message());
      return;
    }
    WriteOutcome outcome;
    if (!batch_.lines.empty()) {
      auto written = WriteDurably(state, batch_);
      if (!written) {
        Reject(index, arrival_ns, topic, payload,
               "not stored: " + written.error().ToString());
        return;
      }
      outcome = std::move(*written);
    } else {
      outcome.rejected = batch_.errors;
    }
    points_->Inc(static_cast<double>(outcome.points_written));
    if (outcome.points_written > 0) {
      metadata_.Apply(batch_, sub.unit, sub.domain);
    }
    if (!outcome.rejected.empty()) {
      std::string error = outcome.rejected.front().ToString();
      if (outcome.rejected.size() > 1) {
        error += " (and " + std::to_string(outcome.rejected.size() - 1) +
                 " more rejected line(s) or field(s))";
      }
      Reject(index, arrival_ns, topic, payload, error);
    }
  }

  // Writes `batch`, retrying failures of the store (saturated write path,
  // I/O error) with backoff: holding the callback is what slows MQTT
  // consumption down, and the message stays unacknowledged meanwhile. Gives
  // up only when stopping.
  Result<WriteOutcome> WriteDurably(SubscriptionState& state,
                                    const DecodedBatch& batch) {
    std::chrono::milliseconds backoff = kWriteRetryMin;
    while (true) {
      auto outcome = state.writer->Write(batch);
      if (outcome || stopping_) return outcome;
      CN_LOG(kWarn, kComponent)
          << "store write failed, retrying in " << backoff.count()
          << " ms: " << outcome.error().ToString();
      MutexLock lock(&stop_mu_);
      const auto deadline = std::chrono::steady_clock::now() + backoff;
      while (!stopping_ && stop_cv_.WaitUntil(&stop_mu_, deadline)) {
      }
      backoff = std::min(backoff * 2, kWriteRetryMax);
    }
  }

  // Counts, logs (at most once per kRejectLogInterval per subscription) and
  // keeps a rejected message. `index` == subscriptions.size(): unmatched.
  void Reject(size_t index, int64_t arrival_ns, const std::string& topic,
              const std::string& payload, const std::string& error)
      REQUIRES(handling_mu_) {
    const bool matched = index < subs_.size();
    const std::string& filter =
        matched ? options_.subscriptions[index].topic : std::string();
    (matched ? subs_[index].decode_errors : unmatched_errors_)->Inc();
    dead_letters_.Add(arrival_ns, topic, filter, error, payload);
    const auto now = std::chrono::steady_clock::now();
    auto& last = last_reject_log_[index];
    if (now - last >= kRejectLogInterval) {
      last = now;
      CN_LOG(kWarn, kComponent)
          << "rejected message on " << topic << " (subscription "
          << (matched ? filter : kNoSubscription) << "): " << error
          << "; see GET /api/v1/deadletters";
    }
  }

  void SetLastError(std::string error) {
    MutexLock lock(&error_mu_);
    last_error_ = std::move(error);
  }
  std::string LastError() const {
    MutexLock lock(&error_mu_);
    return last_error_;
  }

  const MqttOptions options_;
  DeadLetterStore dead_letters_;
  std::vector<SubscriptionState> subs_;  // parallel to options_.subscriptions
  net::Counter* connected_gauge_ = nullptr;
  net::Counter* points_ = nullptr;
  net::Counter* unmatched_messages_ = nullptr;
  net::Counter* unmatched_errors_ = nullptr;

  std::unique_ptr<mqtt::async_client> client_;
  mqtt::connect_options connect_options_;
  SubscribeListener subscribe_listener_{this};
  std::thread connect_thread_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> subscribed_{false};  // SUBACK seen on this connection
  std::atomic<bool> stopping_{false};

  Mutex stop_mu_;
  CondVar stop_cv_;
  bool stopped_ GUARDED_BY(stop_mu_) = false;

  mutable Mutex error_mu_;
  std::string last_error_ GUARDED_BY(error_mu_);

  // Held while a message is handled (Paho's receive thread); the state
  // below is only touched under it.
  Mutex handling_mu_;
  DecodedBatch batch_ GUARDED_BY(handling_mu_);
  SeriesMetaApplier metadata_ GUARDED_BY(handling_mu_);
  std::vector<std::chrono::steady_clock::time_point> last_reject_log_
      GUARDED_BY(handling_mu_);
};

MqttConnector::MqttConnector(engine::Store& store,
                             net::MetricsRegistry& metrics, MqttOptions options)
    : impl_(std::make_unique<Impl>(store, metrics, std::move(options))) {}

MqttConnector::~MqttConnector() = default;

Status MqttConnector::Start() { return impl_->Start(); }
void MqttConnector::Stop() { impl_->Stop(); }
bool MqttConnector::enabled() const { return impl_->enabled(); }
Status MqttConnector::Health() const { return impl_->Health(); }
std::vector<DeadLetter> MqttConnector::DeadLetters() const {
  return impl_->DeadLetters();
}
void MqttConnector::RegisterRoutes(net::Router& router) {
  impl_->RegisterRoutes(router);
}

}  // namespace citynexus::connectors
