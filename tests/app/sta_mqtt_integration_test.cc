// The SensorThings MQTT extension of `citynexus serve` against a real
// mosquitto, driven with the mosquitto_pub / mosquitto_sub command-line
// clients: a point written over HTTP arrives on
// v1.1/Datastreams(ID)/Observations, and an Observation published there is
// stored (read back through InfluxQL). Skipped with a WARN when mosquitto or
// its clients are not installed.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "app/process_util.h"
#include "connectors/mosquitto_util.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using nlohmann::json;
using std::chrono::seconds;

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE(
    "serve: SensorThings MQTT creates Observations and publishes new ones",
    "[app][serve][mqtt][sta][integration]") {
  std::string pub, sub;
  if (!testing::FindExecutable("mosquitto_pub", &pub) ||
      !testing::FindExecutable("mosquitto_sub", &sub)) {
    WARN("mosquitto clients not installed; skipping");
    return;
  }
  testing::TempDir dir;
  auto broker = testing::Mosquitto::Start(dir.path() / "broker");
  if (!broker) {
    WARN("mosquitto not installed; skipping");
    return;
  }
  const json config = {
      {"mqtt", {{"brokers", {broker->uri()}}, {"client_id", "cn-sta-test"}}},
      {"sensorthings", {{"mqtt", true}}}};
  const std::string config_path = dir.str() + "/citynexus.json";
  std::ofstream(config_path) << config.dump(2);
  testing::Citynexus serve({"serve", "--config", config_path, "--data-dir",
                            dir.str() + "/data", "--listen", "127.0.0.1:0"});
  const auto log = serve.WaitForStderr("sta-mqtt: connected", seconds(60));
  INFO("stderr: " << serve.Stderr());
  REQUIRE(log.has_value());
  const auto port = testing::ListeningPort(*log);
  REQUIRE(port.has_value());
  const std::string port_arg = std::to_string(broker->port());

  // The service root claims the MQTT classes.
  auto root = testing::HttpRequest(*port, "GET", "/v1.1");
  REQUIRE(root.status == 200);
  CHECK(root.body.find("receive-updates-via-mqtt") != std::string::npos);

  // The first point creates series 1 (Datastream 1).
  REQUIRE(
      testing::HttpRequest(*port, "POST", "/write?db=x",
                           "traffic,sensor=K1 vehicles=1 1704067200000000000\n")
          .status == 204);

  // A subscriber waits for one notification; points keep coming over HTTP
  // until it has one (it may subscribe after the first few).
  const auto sub_out = dir.path() / "sub.out";
  std::thread subscriber([&] {
    const std::string cmd =
        sub + " -h 127.0.0.1 -p " + port_arg +
        " -t 'v1.1/Datastreams(1)/Observations' -C 1 -W 30 > " +
        sub_out.string() + " 2>&1";
    (void)std::system(cmd.c_str());
  });
  int64_t ts = 1704067260000000000;
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (ReadFile(sub_out).find('}') == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    ts += 1000000000;
    REQUIRE(testing::HttpRequest(
                *port, "POST", "/write?db=x",
                "traffic,sensor=K1 vehicles=42 " + std::to_string(ts) + "\n")
                .status == 204);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  subscriber.join();
  const std::string notification = ReadFile(sub_out);
  INFO("notification: " << notification);
  const json n = json::parse(notification);
  CHECK(n["result"] == 42.0);
  CHECK(n["@iot.id"].get<std::string>().rfind("1-", 0) == 0);
  CHECK(n["Datastream@iot.navigationLink"] == "/v1.1/Datastreams(1)");

  // Creating an Observation over MQTT (QoS 1): stored, readable via InfluxQL.
  const std::string create =
      pub + " -h 127.0.0.1 -p " + port_arg +
      " -q 1 -t 'v1.1/Datastreams(1)/Observations' -m "
      "'{\"phenomenonTime\":\"2024-01-02T00:00:00Z\",\"result\":7.5}'";
  REQUIRE(std::system(create.c_str()) == 0);
  const std::string bad =
      pub + " -h 127.0.0.1 -p " + port_arg +
      " -q 1 -t 'v1.1/Datastreams(1)/Observations' -m '{\"result\":\"x\"}'";
  REQUIRE(std::system(bad.c_str()) == 0);
  bool stored = false;
  const auto read_deadline = std::chrono::steady_clock::now() + seconds(30);
  while (!stored && std::chrono::steady_clock::now() < read_deadline) {
    auto r = testing::HttpRequest(
        *port, "GET",
        "/query?db=x&q=SELECT%20vehicles%20FROM%20traffic%20WHERE%20time%20%3E%"
        "3D%20%272024-01-02T00%3A00%3A00Z%27");
    stored = r.status == 200 && r.body.find("7.5") != std::string::npos;
    if (!stored) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(stored);
  // The refused message is counted, not stored.
  bool counted = false;
  while (!counted && std::chrono::steady_clock::now() < read_deadline) {
    auto m = testing::HttpRequest(*port, "GET", "/metrics");
    counted =
        m.body.find("citynexus_sta_mqtt_rejected_total 1") != std::string::npos;
    if (!counted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(counted);

  serve.Signal(SIGTERM);
  const auto result = serve.Wait(seconds(60));
  REQUIRE(result.has_value());
  CHECK(result->exit_code == 0);
}

}  // namespace citynexus::app
