// `citynexus serve` as a real process on loopback: it logs the port it bound,
// answers GET /healthz, and exits 0 on SIGTERM/SIGINT; startup failures exit 1
// with one line.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/process_util.h"
#include "support/sse_client.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using std::chrono::seconds;

// The shipped config/citynexus.json without its MQTT brokers (and with the
// shipped indicator catalog by absolute path), written into
// `dir`. The shipped file points at the mosquitto `make run` starts on
// 127.0.0.1:1883; a test machine has none, and /healthz rightly reports a
// configured broker that is down.
std::string ShippedConfigWithoutBroker(const std::string& dir) {
  std::ifstream in(std::string(CITYNEXUS_SOURCE_DIR) +
                   "/config/citynexus.json");
  nlohmann::json config = nlohmann::json::parse(in);
  config["mqtt"]["brokers"] = nlohmann::json::array();
  // The copy lives elsewhere; keep pointing at the shipped catalog.
  config["indicators"]["paths"] = {std::string(CITYNEXUS_SOURCE_DIR) +
                                   "/config/indicators"};
  const std::string path = dir + "/citynexus.json";
  std::ofstream(path) << config.dump(2);
  return path;
}

// One HTTP/1.1 GET over a fresh connection; the whole response, or empty.
std::string HttpGet(uint16_t port, const std::string& target) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request = "GET " + target +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Connection: close\r\n\r\n";
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t n;
      while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) {
        response.append(buffer, static_cast<size_t>(n));
      }
    }
  }
  close(fd);
  return response;
}

TEST_CASE("serve answers /healthz on the port it logs and exits 0 on SIGTERM",
          "[app][serve][integration]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  testing::Citynexus serve({"serve", "--config",
                            ShippedConfigWithoutBroker(dir.str()), "--data-dir",
                            data_dir, "--listen", "127.0.0.1:0"});
  const auto log = serve.WaitForStderr(" listening on 127.0.0.1:", seconds(60));
  INFO("stderr: " << serve.Stderr());
  REQUIRE(log.has_value());
  const std::optional<uint16_t> port = testing::ListeningPort(*log);
  REQUIRE(port.has_value());

  // The store was opened in the data dir given on the command line.
  CHECK(std::filesystem::is_directory(data_dir));
  CHECK(log->find("store open in " + data_dir) != std::string::npos);

  const std::string health = HttpGet(*port, "/healthz");
  CHECK(health.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(health.find("\"status\":\"ok\"") != std::string::npos);
  const std::string version = HttpGet(*port, "/api/v1/version");
  CHECK(version.find(CITYNEXUS_VERSION) != std::string::npos);

  serve.Signal(SIGTERM);
  const auto result = serve.Wait(seconds(60));
  REQUIRE(result.has_value());
  CHECK(result->signal == 0);
  CHECK(result->exit_code == 0);
  CHECK(result->err.find("received SIGTERM, shutting down") !=
        std::string::npos);
  // The port is released: nothing answers any more.
  CHECK(HttpGet(*port, "/healthz").empty());
}

TEST_CASE("serve streams points and exits 0 on SIGTERM with streams open",
          "[app][serve][stream][integration]") {
  testing::TempDir dir;
  testing::Citynexus serve({"serve", "--config",
                            ShippedConfigWithoutBroker(dir.str()), "--data-dir",
                            dir.str() + "/data", "--listen", "127.0.0.1:0"});
  const auto log = serve.WaitForStderr(" listening on 127.0.0.1:", seconds(60));
  INFO("stderr: " << serve.Stderr());
  REQUIRE(log.has_value());
  const std::optional<uint16_t> port = testing::ListeningPort(*log);
  REQUIRE(port.has_value());

  auto points = testing::SseClient::Open(
      *port, "/api/v1/stream?measurement=traffic&tag.sensor=K12");
  REQUIRE(points->status() == 200);
  REQUIRE(points->NextNamed("subscribed", std::chrono::seconds(10)));
  auto indicator = testing::SseClient::Open(
      *port, "/api/v1/stream?indicator=travel_time_index");
  REQUIRE(indicator->status() == 200);
  REQUIRE(indicator->NextNamed("subscribed", std::chrono::seconds(10)));

  // The real write path of the binary reaches the stream.
  const std::string write =
      "traffic,sensor=K12 vehicles=14i 1700000000000000000\n";
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(*port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  const std::string request =
      "POST /write HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
      "Authorization: Bearer " +
      serve.AdminToken().value() +
      "\r\nContent-Length: " + std::to_string(write.size()) + "\r\n\r\n" +
      write;
  REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));
  char reply[256] = {};
  CHECK(recv(fd, reply, sizeof(reply) - 1, 0) > 0);
  close(fd);
  CHECK(std::string(reply).rfind("HTTP/1.1 204", 0) == 0);
  auto point = points->NextNamed("point", std::chrono::seconds(10));
  REQUIRE(point.has_value());
  CHECK(nlohmann::json::parse(point->data)["value"] == 14);

  // Open streams do not hold up the shutdown; they end.
  serve.Signal(SIGTERM);
  const auto result = serve.Wait(seconds(60));
  REQUIRE(result.has_value());
  CHECK(result->exit_code == 0);
  CHECK_FALSE(points->NextNamed("point", std::chrono::seconds(10)));
  CHECK(points->eof());
  CHECK_FALSE(indicator->NextNamed("indicator", std::chrono::seconds(10)));
  CHECK(indicator->eof());
}

TEST_CASE("serve exits 0 on SIGINT too", "[app][serve][integration]") {
  testing::TempDir dir;
  testing::Citynexus serve(
      {"serve", "--data-dir", dir.str() + "/data", "--listen", "127.0.0.1:0"});
  INFO("stderr: " << serve.Stderr());
  REQUIRE(serve.WaitForStderr(" listening on 127.0.0.1:", seconds(60)));
  serve.Signal(SIGINT);
  const auto result = serve.Wait(seconds(60));
  REQUIRE(result.has_value());
  CHECK(result->exit_code == 0);
  CHECK(result->err.find("received SIGINT") != std::string::npos);
}

TEST_CASE("a second serve on the same data dir exits 1 naming the data dir",
          "[app][serve][integration]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  testing::Citynexus first(
      {"serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0"});
  INFO("first stderr: " << first.Stderr());
  REQUIRE(first.WaitForStderr(" listening on 127.0.0.1:", seconds(60)));

  const testing::ProcessResult second = testing::RunCitynexus(
      {"serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0"});
  INFO("second stderr: " << second.err);
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("citynexus: opening the store: ") != std::string::npos);
  CHECK(second.err.find(data_dir) != std::string::npos);

  // The first one is unaffected and still stops cleanly.
  first.Signal(SIGTERM);
  const auto result = first.Wait(seconds(60));
  REQUIRE(result.has_value());
  CHECK(result->exit_code == 0);
}

TEST_CASE("serve on a port in use exits 1 with one clear line",
          "[app][serve][integration]") {
  // Hold a listening socket on a free port for the duration of the test.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(listen(fd, 1) == 0);
  socklen_t len = sizeof(addr);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const std::string taken = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  testing::TempDir dir;
  const testing::ProcessResult result = testing::RunCitynexus(
      {"serve", "--data-dir", dir.str() + "/data", "--listen", taken});
  close(fd);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 1);
  // Exactly one line from citynexus itself, naming the address.
  std::string own_lines;
  size_t count = 0;
  size_t start = 0;
  while (start < result.err.size()) {
    size_t nl = result.err.find('\n', start);
    if (nl == std::string::npos) nl = result.err.size();
    const std::string line = result.err.substr(start, nl - start);
    if (line.rfind("citynexus: ", 0) == 0) {
      ++count;
      own_lines += line;
    }
    start = nl + 1;
  }
  CHECK(count == 1);
  CHECK(own_lines.find(std::to_string(ntohs(addr.sin_port))) !=
        std::string::npos);
}

}  // namespace
}  // namespace citynexus::app
