// `citynexus serve` publishing indicator values to a real mosquitto, set up
// only through its config file (mqtt.brokers, indicators.publish.*,
// stream.indicator_delay_ms): a point written over HTTP into the next
// second shows up in the retained message of a 1-second indicator. Skipped
// with a WARN when `mosquitto` is not installed.
#include <arpa/inet.h>
#include <mqtt/async_client.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/process_util.h"
#include "connectors/mosquitto_util.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kFlowTotal = R"json({
  "id": "flow_total", "version": 1, "name": "Flow per second",
  "domains": ["water"],
  "reference": {"standard": "test", "code": null, "status": "own"},
  "unit": "m3", "step": "1s", "min_coverage": 0,
  "expr": "sum(sum_over_time(flow.m3[1s]))"})json";

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_CASE("serve publishes indicator values to MQTT as configured",
          "[app][serve][mqtt][stream][integration]") {
  testing::TempDir dir;
  auto broker = testing::Mosquitto::Start(dir.path() / "broker");
  if (!broker) {
    WARN("mosquitto not installed; skipping");
    return;
  }
  std::filesystem::create_directories(dir.path() / "indicators");
  std::ofstream(dir.path() / "indicators" / "flow_total.json") << kFlowTotal;
  const json config = {
      {"mqtt", {{"brokers", {broker->uri()}}, {"client_id", "cn-serve-test"}}},
      {"indicators",
       {{"paths", {(dir.path() / "indicators").string()}},
        {"publish",
         {{"topic_prefix", "city/indicators"}, {"ids", {"flow_total"}}}}}},
      {"stream", {{"indicator_delay_ms", 100}}}};
  const std::string config_path = dir.str() + "/citynexus.json";
  std::ofstream(config_path) << config.dump(2);

  // Subscribed before serve starts, so every publication is seen.
  mqtt::async_client subscriber(broker->uri(), "serve-test-subscriber");
  subscriber.start_consuming();
  REQUIRE(subscriber.connect()->wait_for(seconds(5)));
  REQUIRE(subscriber.subscribe("city/indicators/#", 1)->wait_for(seconds(5)));

  testing::Citynexus serve({"serve", "--config", config_path, "--data-dir",
                            dir.str() + "/data", "--listen", "127.0.0.1:0"});
  const auto log = serve.WaitForStderr(" listening on 127.0.0.1:", seconds(60));
  INFO("stderr: " << serve.Stderr());
  REQUIRE(log.has_value());
  const auto port = testing::ListeningPort(*log);
  REQUIRE(port.has_value());

  const int64_t step = 1000000000;
  const int64_t target = (NowNs() / step + 1) * step;
  REQUIRE(testing::HttpRequest(*port, "POST", "/write",
                               "flow,site=a m3=0.75 " + std::to_string(target) +
                                   "\nflow,site=b m3=2 " +
                                   std::to_string(target + 1) + "\n")
              .status == 204);

  std::optional<json> doc;
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (!doc && std::chrono::steady_clock::now() < deadline) {
    mqtt::const_message_ptr m;
    if (subscriber.try_consume_message_for(&m,
                                           std::chrono::milliseconds(200)) &&
        m && m->get_topic() == "city/indicators/flow_total") {
      const json parsed = json::parse(m->to_string());
      if (parsed["time_ns"] == target) doc = parsed;
    }
  }
  REQUIRE(doc.has_value());
  CHECK((*doc)["id"] == "flow_total");
  CHECK((*doc)["step"] == "1s");
  REQUIRE((*doc)["series"].size() == 1);
  CHECK((*doc)["series"][0]["value"] == 2.75);

  const auto health = testing::HttpRequest(*port, "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body.find("\"mqtt_publish\"") != std::string::npos);

  serve.Signal(SIGTERM);
  const auto result = serve.Wait(seconds(60));
  REQUIRE(result.has_value());
  CHECK(result->exit_code == 0);
  subscriber.stop_consuming();
  subscriber.disconnect()->wait_for(seconds(2));
}

}  // namespace
}  // namespace citynexus::app
