// Indicator values published to a real mosquitto as retained messages: the
// StreamService indicator thread evaluates a 1-second indicator when its
// step completes and an MqttPublisher sends the step document to
// "{prefix}/{id}", wired as app/cmd/serve.cc wires them. Skipped with a WARN
// when `mosquitto` is not installed.
#include <mqtt/async_client.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "connectors/connectors.h"
#include "connectors/mosquitto_util.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/indicators.h"
#include "query/stream.h"
#include "support/temp_dir.h"

using namespace citynexus;
using nlohmann::json;

namespace {

constexpr const char* kFlowTotal = R"json({
  "id": "flow_total", "version": 1, "name": "Flow per second",
  "domains": ["water"],
  "reference": {"standard": "test", "code": null, "status": "own"},
  "unit": "m3", "step": "1s", "min_coverage": 0,
  "expr": "sum(sum_over_time(flow.m3[1s]))"
})json";

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Subscribes to `filter` and waits for a message matching `accept`.
struct Subscriber {
  mqtt::async_client client;
  explicit Subscriber(const std::string& uri, const std::string& id)
      : client(uri, id) {
    client.start_consuming();
    mqtt::connect_options options;
    options.set_clean_session(true);
    REQUIRE(client.connect(options)->wait_for(std::chrono::seconds(5)));
  }
  ~Subscriber() {
    try {
      client.stop_consuming();
      client.disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const std::exception&) {
    }
  }
  void Subscribe(const std::string& filter) {
    REQUIRE(client.subscribe(filter, 1)->wait_for(std::chrono::seconds(5)));
  }
  mqtt::const_message_ptr WaitFor(
      const std::function<bool(const mqtt::const_message_ptr&)>& accept) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      mqtt::const_message_ptr m;
      if (client.try_consume_message_for(&m, std::chrono::milliseconds(200)) &&
          m && accept(m)) {
        return m;
      }
    }
    return nullptr;
  }
};

}  // namespace

TEST_CASE("indicator values are published to MQTT as retained messages",
          "[connectors][mqtt][stream][integration]") {
  testing::TempDir dir;
  auto broker = testing::Mosquitto::Start(dir.path() / "broker");
  if (!broker) {
    WARN("mosquitto not installed; skipping");
    return;
  }
  engine::PointFeed feed;
  engine::StoreOptions store_options;
  store_options.data_dir = (dir.path() / "data").string();
  auto opened = engine::OpenStore(store_options);
  REQUIRE(opened.has_value());
  auto store = engine::PublishingStore(std::move(*opened), feed);
  std::filesystem::create_directories(dir.path() / "indicators");
  std::ofstream(dir.path() / "indicators" / "flow_total.json") << kFlowTotal;
  auto catalog = query::LoadIndicatorCatalog(
      {(dir.path() / "indicators").string()}, query::Facts{}, nullptr);
  REQUIRE(catalog.has_value());
  query::IndicatorService indicators(*store, std::move(*catalog),
                                     query::Facts{});
  net::MetricsRegistry metrics;

  connectors::MqttOptions mqtt;
  mqtt.brokers = {broker->uri()};
  mqtt.client_id = "citynexus-test-publisher";
  connectors::MqttPublisher publisher(mqtt, metrics);
  query::StreamOptions options;
  options.indicator_delay = std::chrono::milliseconds(100);
  query::StreamService streams(*store, feed, indicators, options, metrics);
  REQUIRE(streams
              .AddIndicatorSink(
                  {"flow_total"},
                  [&publisher](const query::IndicatorStepValues& values) {
                    publisher.Publish(
                        "city/indicators/" + values.definition->id,
                        query::IndicatorStepJson(values), 1);
                  })
              .ok());
  Subscriber live(broker->uri(), "live-subscriber");
  live.Subscribe("city/indicators/#");
  REQUIRE(publisher.Start().ok());
  REQUIRE(streams.Start().ok());

  // Two points in the next step (written at least a second before it ends).
  auto flow = store->GetOrCreateSeries({"flow", {{"site", "a"}}, "m3"},
                                       engine::ValueType::kFloat);
  REQUIRE(flow.has_value());
  const int64_t step = 1000000000;
  const int64_t target = (NowNs() / step + 1) * step;
  const std::vector<engine::Point> points = {{flow->id, target, 1.25},
                                             {flow->id, target + 500, 2.0}};
  REQUIRE(store->Append(points).has_value());

  auto is_target = [&](const mqtt::const_message_ptr& m) {
    return m->get_topic() == "city/indicators/flow_total" &&
           json::parse(m->to_string())["time_ns"] == target;
  };
  auto message = live.WaitFor(is_target);
  REQUIRE(message != nullptr);
  const json doc = json::parse(message->to_string());
  CHECK(doc["id"] == "flow_total");
  CHECK(doc["name"] == "Flow per second");
  CHECK(doc["unit"] == "m3");
  CHECK(doc["step"] == "1s");
  CHECK(doc["time"].get<std::string>().ends_with("Z"));
  REQUIRE(doc["series"].size() == 1);
  CHECK(doc["series"][0]["labels"] == json::object());
  CHECK(doc["series"][0]["value"] == 3.25);
  CHECK(doc["series"][0]["quality"] == "ok");
  CHECK(message->get_qos() == 1);

  // A subscription made later gets the retained latest value at once. (The
  // same client subscribes again: a second Paho client in one process takes
  // seconds to connect.)
  streams.Stop();  // no newer step replaces it meanwhile
  REQUIRE(live.client.unsubscribe("city/indicators/#")
              ->wait_for(std::chrono::seconds(5)));
  live.Subscribe("city/indicators/flow_total");
  auto retained = live.WaitFor(
      [](const mqtt::const_message_ptr& m) { return m->is_retained(); });
  REQUIRE(retained != nullptr);
  CHECK(retained->get_topic() == "city/indicators/flow_total");
  CHECK(retained->is_retained());
  CHECK(publisher.Health().ok());

  publisher.Stop();
  (void)store->Close();
}
