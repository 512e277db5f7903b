// The MQTT connector against a real mosquitto on loopback: formats, shared
// subscriptions, dead letters, a connector stopped while the broker queues,
// a broker restarted mid-stream, and a connector process killed mid-stream.
// Skipped with a WARN when `mosquitto` is not installed.
#include <mqtt/async_client.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "connectors/connectors.h"
#include "connectors/mosquitto_util.h"
#include "engine/engine.h"
#include "net/net.h"
#include "support/temp_dir.h"

using namespace citynexus;
using citynexus::testing::Mosquitto;
using citynexus::testing::TempDir;
using std::chrono::steady_clock;

namespace {

constexpr auto kDeadline = std::chrono::seconds(10);
constexpr int64_t kBaseNs = 1704067200'000'000'000;

std::unique_ptr<Mosquitto> StartBrokerOrWarn(const TempDir& dir) {
  auto broker = Mosquitto::Start(dir.path() / "broker");
  if (!broker) {
    WARN(
        "mosquitto is not on PATH: skipping MQTT integration test "
        "(apt-get install mosquitto)");
  }
  return broker;
}

std::unique_ptr<engine::Store> OpenStoreAt(
    const std::string& dir,
    engine::SyncMode sync = engine::SyncMode::kInterval) {
  engine::StoreOptions options;
  options.data_dir = dir;
  options.sync = sync;
  auto store = engine::OpenStore(options);
  REQUIRE(store.has_value());
  return std::move(*store);
}

// All points of the series `canonical` ("m{k=v}#f"); empty when absent.
std::vector<engine::Sample> PointsOf(engine::Store& store,
                                     const std::string& canonical) {
  std::vector<engine::Sample> out;
  auto info = store.LookupSeries(canonical);
  if (!info) return out;
  Status s =
      store.Scan(info->id, INT64_MIN, INT64_MAX, [&](const engine::Sample& p) {
        out.push_back(p);
        return true;
      });
  REQUIRE(s.ok());
  return out;
}

// Polls until series `canonical` holds `count` points (or the deadline).
std::vector<engine::Sample> WaitForPoints(
    engine::Store& store, const std::string& canonical, size_t count,
    std::chrono::seconds deadline = kDeadline) {
  const auto end = steady_clock::now() + deadline;
  std::vector<engine::Sample> points;
  while (steady_clock::now() < end) {
    points = PointsOf(store, canonical);
    if (points.size() >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return points;
}

template <typename Predicate>
bool WaitFor(Predicate predicate, std::chrono::seconds deadline = kDeadline) {
  const auto end = steady_clock::now() + deadline;
  while (steady_clock::now() < end) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return predicate();
}

connectors::MqttOptions BaseOptions(const Mosquitto& broker,
                                    const std::string& client_id) {
  connectors::MqttOptions options;
  options.brokers = {broker.uri()};
  options.client_id = client_id;
  options.keepalive = std::chrono::seconds(5);
  options.reconnect_min = std::chrono::seconds(1);
  options.reconnect_max = std::chrono::seconds(2);
  return options;
}

connectors::MqttSubscription LineProtocolSub(const std::string& topic) {
  connectors::MqttSubscription sub;
  sub.topic = topic;
  sub.format = connectors::MqttFormat::kLineProtocol;
  return sub;
}

// A QoS 1 publisher with a persistent session that retries every message
// until the broker acknowledged it (at-least-once, like a real gateway).
class Publisher {
 public:
  Publisher(const std::string& uri, const std::string& client_id)
      : client_(uri, client_id) {
    options_.set_clean_session(false);
    options_.set_keep_alive_interval(std::chrono::seconds(5));
    options_.set_connect_timeout(std::chrono::seconds(2));
    Connect();
  }
  ~Publisher() {
    try {
      if (client_.is_connected()) {
        client_.disconnect()->wait_for(std::chrono::seconds(2));
      }
    } catch (const std::exception&) {
    }
  }

  void Publish(const std::string& topic, const std::string& payload,
               int qos = 1) {
    const auto end = steady_clock::now() + std::chrono::seconds(20);
    while (steady_clock::now() < end) {
      try {
        if (!client_.is_connected()) Connect();
        auto token =
            client_.publish(topic, payload.data(), payload.size(), qos, false);
        if (token->wait_for(std::chrono::seconds(2)) &&
            token->get_return_code() == 0) {
          return;
        }
      } catch (const std::exception&) {
        // Broker down or connection lost: retry the same message.
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("could not publish to " << topic << " within 20 s");
  }

 private:
  void Connect() {
    try {
      client_.connect(options_)->wait_for(std::chrono::seconds(3));
    } catch (const std::exception&) {
      // Publish() retries.
    }
  }

  mqtt::async_client client_;
  mqtt::connect_options options_;
};

struct Harness {
  TempDir dir;
  std::unique_ptr<Mosquitto> broker;
  std::unique_ptr<engine::Store> store;
  net::MetricsRegistry metrics;
  std::unique_ptr<connectors::MqttConnector> connector;

  Harness() {
    broker = StartBrokerOrWarn(dir);
    if (broker) store = OpenStoreAt((dir.path() / "data").string());
  }
  ~Harness() {
    if (connector) connector->Stop();
    if (store) (void)store->Close();
  }
  // Starts a connector and waits until it is connected and subscribed.
  void StartConnector(connectors::MqttOptions options) {
    connector = std::make_unique<connectors::MqttConnector>(*store, metrics,
                                                            std::move(options));
    REQUIRE(connector->Start().ok());
    REQUIRE(WaitFor([&] { return connector->Health().ok(); }));
  }
  double Metric(const std::string& name, const net::Labels& labels = {}) {
    return metrics.GetCounter(name, "", labels)->Value();
  }
  double Gauge(const std::string& name) {
    return metrics.GetGauge(name, "")->Value();
  }
};

}  // namespace

TEST_CASE("line protocol and plain values over MQTT become points",
          "[connectors][mqtt][integration]") {
  Harness h;
  if (!h.broker) return;
  auto options = BaseOptions(*h.broker, "cn-formats");
  auto lp = LineProtocolSub("city/+/traffic");
  lp.precision = connectors::Precision::kSecond;
  lp.tags_from_topic = {{"district", 1}};
  lp.domain = "mobility";
  connectors::MqttSubscription value;
  value.topic = "sensors/+/temperature";
  value.format = connectors::MqttFormat::kValue;
  value.measurement = "air";
  value.field = "temperature";
  value.tags_from_topic = {{"sensor", 1}};
  value.unit = "°C";
  value.domain = "environment";
  options.subscriptions = {lp, value};
  h.StartConnector(options);
  CHECK(h.Gauge("citynexus_mqtt_connected") == 1);

  Publisher pub(h.broker->uri(), "test-pub-formats");
  pub.Publish("city/Mitte/traffic",
              "traffic,sensor=K12 vehicles=14i 1704067200\n"
              "traffic,sensor=K12 vehicles=18i 1704067260");
  pub.Publish("sensors/T1/temperature", "21.5");
  pub.Publish("sensors/T2/temperature", "14");
  pub.Publish("sensors/B1/temperature", "true");

  auto traffic =
      WaitForPoints(*h.store, "traffic{district=Mitte,sensor=K12}#vehicles", 2);
  REQUIRE(traffic.size() == 2);
  CHECK(traffic[0].timestamp_ns == kBaseNs);
  CHECK(std::get<int64_t>(traffic[0].value) == 14);
  CHECK(std::get<int64_t>(traffic[1].value) == 18);

  auto t1 = WaitForPoints(*h.store, "air{sensor=T1}#temperature", 1);
  REQUIRE(t1.size() == 1);
  CHECK(std::get<double>(t1[0].value) == 21.5);
  auto t2 = WaitForPoints(*h.store, "air{sensor=T2}#temperature", 1);
  REQUIRE(t2.size() == 1);
  CHECK(std::get<int64_t>(t2[0].value) == 14);  // integers stay integers
  auto b1 = WaitForPoints(*h.store, "air{sensor=B1}#temperature", 1);
  REQUIRE(b1.size() == 1);
  CHECK(std::get<bool>(b1[0].value) == true);

  auto info = h.store->LookupSeries("air{sensor=T1}#temperature");
  REQUIRE(info.has_value());
  CHECK(info->meta.unit == "°C");
  CHECK(info->meta.domain == "environment");
  CHECK(info->meta.source == "mqtt:sensors/+/temperature");

  CHECK(h.Metric("citynexus_mqtt_messages_total",
                 {{"subscription", "sensors/+/temperature"}}) == 3);
  CHECK(h.Metric("citynexus_mqtt_points_total") == 5);
  CHECK(h.connector->DeadLetters().empty());
}

TEST_CASE("mapped JSON over MQTT stores good records and dead-letters bad ones",
          "[connectors][mqtt][integration]") {
  Harness h;
  if (!h.broker) return;
  auto options = BaseOptions(*h.broker, "cn-json");
  connectors::MqttSubscription json;
  json.topic = "city/+/parking";
  json.format = connectors::MqttFormat::kJson;
  json.measurement = "parking";
  json.json.records = "/lots";
  json.json.time = "/ts";
  json.json.time_format = connectors::TimeFormat::kEpochSeconds;
  json.json.fields = {{"free", "/free", connectors::MappedType::kInt}};
  json.json.tags = {{"lot", "/id"}};
  json.tags_from_topic = {{"district", 1}};
  options.subscriptions = {json};
  h.StartConnector(options);

  Publisher pub(h.broker->uri(), "test-pub-json");
  pub.Publish("city/Mitte/parking",
              R"({"lots":[{"id":"P1","free":12,"ts":1704067200},)"
              R"({"id":"P2","free":"lots","ts":1704067200},)"
              R"({"id":"P3","free":4,"ts":1704067260}]})");
  auto p1 = WaitForPoints(*h.store, "parking{district=Mitte,lot=P1}#free", 1);
  REQUIRE(p1.size() == 1);
  CHECK(p1[0].timestamp_ns == kBaseNs);
  CHECK(std::get<int64_t>(p1[0].value) == 12);
  auto p3 = WaitForPoints(*h.store, "parking{district=Mitte,lot=P3}#free", 1);
  REQUIRE(p3.size() == 1);
  CHECK(std::get<int64_t>(p3[0].value) == 4);

  // The rejected record is kept as a dead letter naming it.
  const auto letters = h.connector->DeadLetters();
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].topic == "city/Mitte/parking");
  CHECK(letters[0].error.find("record 1") != std::string::npos);
  CHECK(PointsOf(*h.store, "parking{district=Mitte,lot=P2}#free").empty());
}

TEST_CASE("an undecodable MQTT message is a dead letter and later ones flow",
          "[connectors][mqtt][integration]") {
  Harness h;
  if (!h.broker) return;
  auto options = BaseOptions(*h.broker, "cn-dead");
  connectors::MqttSubscription value;
  value.topic = "meters/+";
  value.format = connectors::MqttFormat::kValue;
  value.measurement = "meter";
  value.field = "kwh";
  value.tags_from_topic = {{"meter", 1}};
  options.subscriptions = {value};
  h.StartConnector(options);

  Publisher pub(h.broker->uri(), "test-pub-dead");
  pub.Publish("meters/M1", "not a number");
  pub.Publish("meters/M1", "7");
  auto points = WaitForPoints(*h.store, "meter{meter=M1}#kwh", 1);
  REQUIRE(points.size() == 1);
  CHECK(std::get<int64_t>(points[0].value) == 7);

  const auto letters = h.connector->DeadLetters();
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].topic == "meters/M1");
  CHECK(letters[0].subscription == "meters/+");
  CHECK(letters[0].payload == "not a number");
  CHECK(letters[0].error.find("not a finite number") != std::string::npos);
  CHECK(h.Metric("citynexus_mqtt_decode_errors_total",
                 {{"subscription", "meters/+"}}) == 1);

  // GET /api/v1/deadletters lists it.
  net::Router router;
  h.connector->RegisterRoutes(router);
  auto match = router.Find("GET", "/api/v1/deadletters");
  REQUIRE(match.handler != nullptr);
  net::Response response;
  net::Request request;
  request.method = "GET";
  request.path = "/api/v1/deadletters";
  // Dead letters are for admins only.
  (*match.handler)(request, [&](net::Response r) { response = std::move(r); });
  CHECK(response.status == 401);
  request.access = net::Access::ForToken("t1", "reader", {}, {"*"});
  (*match.handler)(request, [&](net::Response r) { response = std::move(r); });
  CHECK(response.status == 403);
  request.access = net::Access::Internal();
  (*match.handler)(request, [&](net::Response r) { response = std::move(r); });
  REQUIRE(response.status == 200);
  auto json = nlohmann::json::parse(response.body);
  REQUIRE(json["dead_letters"].size() == 1);
  CHECK(json["dead_letters"][0]["payload"] == "not a number");
  CHECK(json["capacity"] == 1000);
}

TEST_CASE("a shared MQTT subscription delivers to the connector",
          "[connectors][mqtt][integration]") {
  Harness h;
  if (!h.broker) return;
  auto options = BaseOptions(*h.broker, "cn-shared");
  options.subscriptions = {LineProtocolSub("$share/citynexus/shared/+")};
  h.StartConnector(options);
  Publisher pub(h.broker->uri(), "test-pub-shared");
  for (int i = 0; i < 5; ++i) {
    pub.Publish("shared/a", "s v=" + std::to_string(i) + "i " +
                                std::to_string(kBaseNs + i));
  }
  auto points = WaitForPoints(*h.store, "s{}#v", 5);
  CHECK(points.size() == 5);
}

TEST_CASE("QoS 1 messages queued while the connector is stopped all arrive",
          "[connectors][mqtt][integration]") {
  Harness h;
  if (!h.broker) return;
  auto options = BaseOptions(*h.broker, "cn-queued");
  options.subscriptions = {LineProtocolSub("queued/#")};
  h.StartConnector(options);  // creates the persistent session
  h.connector->Stop();
  h.connector.reset();

  constexpr int kMessages = 200;
  {
    Publisher pub(h.broker->uri(), "test-pub-queued");
    for (int i = 0; i < kMessages; ++i) {
      pub.Publish("queued/x", "q v=" + std::to_string(i) + "i " +
                                  std::to_string(kBaseNs + i));
    }
  }
  h.StartConnector(options);
  auto points = WaitForPoints(*h.store, "q{}#v", kMessages);
  REQUIRE(points.size() == kMessages);
  for (int i = 0; i < kMessages; ++i) {
    CHECK(std::get<int64_t>(points[i].value) == i);
  }
}

TEST_CASE(
    "a broker down at startup is retried and a broker restarted "
    "mid-stream loses nothing",
    "[connectors][mqtt][integration]") {
  Harness h;
  if (!h.broker) return;
  auto options = BaseOptions(*h.broker, "cn-restart");
  options.subscriptions = {LineProtocolSub("restart/#")};

  h.broker->Stop();
  h.connector =
      std::make_unique<connectors::MqttConnector>(*h.store, h.metrics, options);
  REQUIRE(h.connector->Start().ok());  // not fatal
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(h.connector->Health().code() == StatusCode::kUnavailable);
  h.broker->Restart();
  REQUIRE(WaitFor([&] { return h.connector->Health().ok(); }));

  constexpr int kMessages = 300;
  {
    Publisher pub(h.broker->uri(), "test-pub-restart");
    for (int i = 0; i < kMessages; ++i) {
      if (i == kMessages / 2) {
        h.broker->Stop();  // SIGTERM: mosquitto saves its sessions
        h.broker->Restart();
      }
      pub.Publish("restart/x", "r v=" + std::to_string(i) + "i " +
                                   std::to_string(kBaseNs + i));
    }
  }
  auto points = WaitForPoints(*h.store, "r{}#v", kMessages);
  REQUIRE(points.size() == kMessages);
  std::set<int64_t> values;
  for (const auto& p : points) values.insert(std::get<int64_t>(p.value));
  CHECK(values.size() == kMessages);
  // The persisted session delivers before the connector has resubscribed
  // after its reconnect; health turns OK once it has.
  CHECK(WaitFor([&] { return h.connector->Health().ok(); }));
}

// Not run directly ([.] hides it): the child process of the next test. It
// runs a connector on the data dir named by CN_MQTT_CHILD_DATA against the
// broker CN_MQTT_CHILD_BROKER, writing its stored point count to
// CN_MQTT_CHILD_PROGRESS, until it is killed.
TEST_CASE("mqtt child connector process", "[.mqtt_child]") {
  const char* broker = std::getenv("CN_MQTT_CHILD_BROKER");
  const char* data = std::getenv("CN_MQTT_CHILD_DATA");
  const char* progress = std::getenv("CN_MQTT_CHILD_PROGRESS");
  REQUIRE(broker != nullptr);
  REQUIRE(data != nullptr);
  REQUIRE(progress != nullptr);
  // sync "always": each message's write is slow enough (an fsync) that the
  // parent kills this process while messages are still arriving.
  auto store = OpenStoreAt(data, engine::SyncMode::kAlways);
  net::MetricsRegistry metrics;
  connectors::MqttOptions options;
  options.brokers = {broker};
  options.client_id = "cn-killed";
  options.subscriptions = {LineProtocolSub("kill/#")};
  connectors::MqttConnector connector(*store, metrics, options);
  REQUIRE(connector.Start().ok());
  net::Counter* points = metrics.GetCounter("citynexus_mqtt_points_total", "");
  while (true) {
    {
      std::ofstream out(std::string(progress) + ".tmp");
      out << (connector.Health().ok() ? "ready " : "wait ") << points->Value()
          << "\n";
    }
    std::rename((std::string(progress) + ".tmp").c_str(), progress);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

TEST_CASE("a connector process killed mid-stream loses no message",
          "[connectors][mqtt][integration]") {
  TempDir dir;
  auto broker = StartBrokerOrWarn(dir);
  if (!broker) return;
  const std::string data = (dir.path() / "data").string();
  const std::string progress = (dir.path() / "progress").string();
  auto read_progress = [&](std::string* state, double* count) {
    std::ifstream in(progress);
    return static_cast<bool>(in >> *state >> *count);
  };

  // Everything the child needs is built before fork(): between fork and
  // exec only async-signal-safe calls are allowed.
  std::vector<std::string> env_strings = {
      "CN_MQTT_CHILD_BROKER=" + broker->uri(), "CN_MQTT_CHILD_DATA=" + data,
      "CN_MQTT_CHILD_PROGRESS=" + progress};
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string arg0 = "connectors_integration_tests";
  std::string arg1 = "mqtt child connector process";
  char* argv[] = {arg0.data(), arg1.data(), nullptr};

  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    execve("/proc/self/exe", argv, envp.data());
    _exit(127);
  }
  std::string state;
  double count = 0;
  const bool ready = WaitFor(
      [&] { return read_progress(&state, &count) && state == "ready"; });
  if (!ready) kill(child, SIGKILL);
  REQUIRE(ready);

  constexpr int kMessages = 1000;
  std::atomic<bool> killed{false};
  std::thread killer([&] {
    // Kill once some, but (normally) not all, messages are stored.
    WaitFor([&] {
      std::string s;
      double c = 0;
      return read_progress(&s, &c) && c >= 100;
    });
    kill(child, SIGKILL);
    killed = true;
  });
  {
    Publisher pub(broker->uri(), "test-pub-kill");
    for (int i = 0; i < kMessages; ++i) {
      pub.Publish("kill/x", "k v=" + std::to_string(i) + "i " +
                                std::to_string(kBaseNs + i));
    }
  }
  killer.join();
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(killed);
  read_progress(&state, &count);
  INFO("the child had stored " << count << " points when killed");
  if (count >= kMessages) {
    WARN(
        "the child stored every message before it was killed; this run "
        "did not exercise a kill mid-stream");
  }

  // Same client id, same data dir: the broker redelivers what was not
  // acknowledged; the store holds what was.
  auto store = OpenStoreAt(data);
  net::MetricsRegistry metrics;
  auto options = BaseOptions(*broker, "cn-killed");
  options.subscriptions = {LineProtocolSub("kill/#")};
  connectors::MqttConnector connector(*store, metrics, options);
  REQUIRE(connector.Start().ok());
  auto points = WaitForPoints(*store, "k{}#v", kMessages);
  connector.Stop();
  std::set<int64_t> values;
  for (const auto& p : points) values.insert(std::get<int64_t>(p.value));
  CHECK(values.size() == kMessages);
  CHECK(points.size() == kMessages);
  (void)store->Close();
}
