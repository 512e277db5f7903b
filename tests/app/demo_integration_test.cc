// `citynexus demo` against a real `citynexus serve` and a real mosquitto,
// both configured from the shipped config/citynexus.json (only addresses,
// the data dir and the poll interval changed): after the backfill every
// built-in indicator has values, and the live feeds arrive through every
// interface (HTTP line protocol, MQTT line protocol, SenML and TTN over
// MQTT, the GBFS poller). Skipped with a WARN without mosquitto.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/process_util.h"
#include "connectors/mosquitto_util.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using nlohmann::json;
using std::chrono::seconds;

uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const uint16_t port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

// "Authorization: Bearer ..." once access control is on (the server then
// writes <data_dir>/admin.token on its first start); empty before.
std::string AuthHeader(const std::string& data_dir) {
  std::ifstream in(data_dir + "/admin.token");
  std::string token;
  if (!in || !std::getline(in, token) || token.empty()) return "";
  return "Authorization: Bearer " + token + "\r\n";
}

// Points of `measurement` (all fields) in the last `window`.
size_t RecentPoints(uint16_t port, const std::string& measurement,
                    const std::string& window, const std::string& auth) {
  const auto reply = testing::HttpRequest(
      port, "GET",
      "/api/v1/query?measurement=" + measurement + "&start=now-" + window, "",
      auth);
  if (reply.status != 200) return 0;
  size_t n = 0;
  const json doc = json::parse(reply.body);  // outlives the loop
  for (const json& s : doc["series"]) n += s["values"].size();
  return n;
}

TEST_CASE("demo fills every built-in indicator and feeds every interface",
          "[app][demo][integration]") {
  testing::TempDir dir;
  auto broker = testing::Mosquitto::Start(dir.path() / "broker");
  if (!broker) {
    WARN("mosquitto not installed; skipping");
    return;
  }
  const uint16_t gbfs_port = FreePort();
  json config =
      json::parse(std::ifstream(CITYNEXUS_SOURCE_DIR "/config/citynexus.json"));
  config["mqtt"]["brokers"] = {broker->uri()};
  config["mqtt"]["client_id"] = "cn-demo-test";
  config["indicators"]["paths"] = {CITYNEXUS_SOURCE_DIR "/config/indicators"};
  REQUIRE(config["pollers"].size() == 1);
  config["pollers"][0]["url"] =
      "http://127.0.0.1:" + std::to_string(gbfs_port) + "/gbfs.json";
  config["pollers"][0]["interval"] = "1s";
  config["pollers"][0]["backoff_max"] = "1s";
  const std::string config_path = dir.str() + "/citynexus.json";
  std::ofstream(config_path) << config.dump(2);

  testing::Citynexus serve({"serve", "--config", config_path, "--data-dir",
                            dir.str() + "/data", "--listen", "127.0.0.1:0"});
  const auto log = serve.WaitForStderr(" listening on 127.0.0.1:", seconds(60));
  INFO("serve stderr: " << serve.Stderr());
  REQUIRE(log.has_value());
  const auto port = testing::ListeningPort(*log);
  REQUIRE(port.has_value());
  const std::string server = "http://127.0.0.1:" + std::to_string(*port);
  const std::string data_dir = dir.str() + "/data";
  const std::string auth = AuthHeader(data_dir);

  // 370 days: the trailing-year indicators need a year, and the hot-day
  // indicator needs a summer whatever the date the test runs on.
  std::vector<std::string> demo_args = {
      "demo",
      "--server",
      server,
      "--broker",
      broker->uri(),
      "--days",
      "370",
      "--seed",
      "7",
      "--gbfs-listen",
      "127.0.0.1:" + std::to_string(gbfs_port),
      "--interval",
      "1",
      "--live-ticks",
      "4"};
  if (!auth.empty()) {  // writes need the admin token the server created
    demo_args.push_back("--token-file");
    demo_args.push_back(data_dir + "/admin.token");
  }
  const auto demo = testing::RunCitynexus(demo_args, seconds(300));
  INFO("demo stderr: " << demo.err);
  REQUIRE(demo.exit_code == 0);
  CHECK(demo.err.find("backfill wrote") != std::string::npos);

  const auto list =
      testing::HttpRequest(*port, "GET", "/api/v1/indicators", "", auth);
  REQUIRE(list.status == 200);
  const json indicators = json::parse(list.body)["indicators"];
  REQUIRE(indicators.size() == 12);
  for (const json& indicator : indicators) {
    const std::string id = indicator["id"];
    const auto reply = testing::HttpRequest(
        *port, "GET", "/api/v1/indicators/" + id + "?start=now-365d&end=now",
        "", auth);
    const size_t series_at =
        std::min(reply.body.size(), reply.body.find("\"series\""));
    INFO(id << ": " << reply.body.substr(series_at, 400));
    REQUIRE(reply.status == 200);
    size_t values = 0;
    const json doc = json::parse(reply.body);  // outlives the loop
    for (const json& s : doc["series"]) values += s["values"].size();
    CHECK(values > 0);
  }

  // Live: MQTT line protocol (traffic), SenML and TTN over MQTT, HTTP
  // (grid), and the GBFS poller reading the demo's feed. MQTT delivery is
  // asynchronous, so wait a little for the last messages.
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (std::chrono::steady_clock::now() < deadline &&
         (RecentPoints(*port, "senml", "5m", auth) == 0 ||
          RecentPoints(*port, "ttn", "5m", auth) == 0 ||
          RecentPoints(*port, "bikeshare", "1h", auth) == 0)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  CHECK(RecentPoints(*port, "traffic", "2m", auth) > 0);
  CHECK(RecentPoints(*port, "grid", "2m", auth) > 0);
  CHECK(RecentPoints(*port, "senml", "5m", auth) > 0);
  CHECK(RecentPoints(*port, "ttn", "5m", auth) > 0);
  CHECK(RecentPoints(*port, "bikeshare", "1h", auth) > 0);

  serve.Signal(SIGTERM);
  const auto result = serve.Wait(seconds(60));
  REQUIRE(result.has_value());
  CHECK(result->exit_code == 0);
}

}  // namespace
}  // namespace citynexus::app
