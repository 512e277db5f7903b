// `citynexus serve` against a real mosquitto with a TLS listener and a
// password file (allow_anonymous false), configured only through its config
// file: ssl:// broker URI, mqtt.username, mqtt.password_file and
// mqtt.tls.ca_file. Certificates are made in the test with the openssl CLI
// (a test CA the system store does not know), the broker password file with
// mosquitto_passwd.
//
// Checks: the connector receives and stores a message and the indicator
// publisher connects with the same credentials; a wrong password is refused
// (logged, the process stays up and exits 0 on SIGTERM, the password never in
// the log); a broker whose certificate names another host is refused while
// mqtt.tls.verify is true and accepted when it is false (so the refusal is
// the host name check, not something else). Skipped with a WARN when
// mosquitto, mosquitto_passwd or openssl is missing.
#include <mqtt/async_client.h>
#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "app/process_util.h"
#include "connectors/mosquitto_util.h"
#include "support/http_client.h"
#include "support/temp_dir.h"
#include "support/test_certs.h"

namespace citynexus::app {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kUser = "citynexus";
constexpr const char* kPassword = "br0ker-Secret-5e7a";  // grepped for in logs
constexpr const char* kWrongPassword = "not-the-password-91c4";

constexpr const char* kFlowTotal = R"json({
  "id": "flow_total", "version": 1, "name": "Flow per second",
  "domains": ["water"],
  "reference": {"standard": "test", "code": null, "status": "own"},
  "unit": "m3", "step": "1s", "min_coverage": 0,
  "expr": "sum(sum_over_time(flow.m3[1s]))"})json";

// Certificates, password files and an indicator in one temp dir.
struct Setup {
  testing::TempDir dir;
  std::string d = dir.str();
  bool ok = false;

  Setup() {
    std::string passwd_tool;
    std::string broker_binary;
    if (!testing::FindExecutable("mosquitto", &broker_binary) ||
        !testing::FindExecutable("mosquitto_passwd", &passwd_tool) ||
        !testing::HaveOpenssl()) {
      WARN(
          "mosquitto, mosquitto_passwd or openssl missing; skipping "
          "(apt-get install mosquitto openssl)");
      return;
    }
    testing::MakeTestCa(d);
    testing::MakeTestServerCert(d, "localhost", "DNS:localhost,IP:127.0.0.1");
    testing::MakeTestServerCert(d, "other", "DNS:other.example");
    const std::string command = passwd_tool + " -c -b '" + d +
                                "/broker.passwd' " + kUser + " " + kPassword +
                                " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    WriteSecret("good.pass", std::string(kPassword) + "\n");
    WriteSecret("wrong.pass", std::string(kWrongPassword) + "\n");
    std::filesystem::create_directories(d + "/indicators");
    std::ofstream(d + "/indicators/flow_total.json") << kFlowTotal;
    ok = true;
  }

  void WriteSecret(const std::string& name, const std::string& content) {
    const std::string path = d + "/" + name;
    std::ofstream(path) << content;
    REQUIRE(::chmod(path.c_str(), 0600) == 0);
  }

  std::unique_ptr<testing::Mosquitto> Broker(const std::string& name,
                                             const std::string& cert) {
    auto broker = testing::Mosquitto::Start(
        dir.path() / name, {d + "/" + cert + ".pem", d + "/" + cert + ".key",
                            d + "/broker.passwd"});
    REQUIRE(broker);
    return broker;
  }

  // A config file for a TLS broker at localhost:`port`; returns its path.
  std::string Config(const std::string& name, uint16_t port,
                     const std::string& password_file, bool verify) {
    const json config = {
        {"mqtt",
         {{"brokers", {"ssl://localhost:" + std::to_string(port)}},
          {"client_id", "cn-" + name},
          {"username", kUser},
          {"password_file", d + "/" + password_file},
          {"tls", {{"ca_file", d + "/ca.pem"}, {"verify", verify}}},
          {"subscriptions",
           {{{"topic", "city/#"}, {"format", "line_protocol"}}}}}},
        {"indicators",
         {{"paths", {d + "/indicators"}},
          {"publish",
           {{"topic_prefix", "out/indicators"}, {"ids", {"flow_total"}}}}}}};
    const std::string path = d + "/" + name + ".json";
    std::ofstream(path) << config.dump(2);
    return path;
  }
};

// A running serve with `config`; REQUIREs that it listens.
struct Serve {
  std::unique_ptr<testing::Citynexus> process;
  uint16_t port = 0;

  Serve(const Setup& setup, const std::string& config,
        const std::string& data) {
    process = std::make_unique<testing::Citynexus>(std::vector<std::string>{
        "serve", "--config", config, "--data-dir", setup.d + "/" + data,
        "--listen", "127.0.0.1:0"});
    const auto log =
        process->WaitForStderr(" listening on 127.0.0.1:", seconds(60));
    INFO("stderr: " << process->Stderr());
    REQUIRE(log.has_value());
    const auto listening = testing::ListeningPort(*log);
    REQUIRE(listening.has_value());
    port = *listening;
  }

  // Polls /healthz until it answers `status`; the last reply.
  testing::HttpReply WaitForHealth(int status) const {
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    testing::HttpReply reply;
    while (std::chrono::steady_clock::now() < deadline) {
      reply = testing::HttpRequest(port, "GET", "/healthz");
      if (reply.status == status) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return reply;
  }

  // SIGTERM; CHECKs a clean exit (0) and returns the whole stderr.
  std::string Stop() {
    process->Signal(SIGTERM);
    const auto result = process->Wait(seconds(60));
    REQUIRE(result.has_value());
    CHECK(result->exit_code == 0);
    return process->Stderr();
  }
};

// Publishes one QoS 1 message over TLS as a broker user would.
void PublishOverTls(uint16_t port, const std::string& ca_file,
                    const std::string& topic, const std::string& payload) {
  const std::string uri = "ssl://localhost:" + std::to_string(port);
  mqtt::async_client client(uri, "tls-test-publisher");
  mqtt::ssl_options ssl;
  ssl.set_trust_store(ca_file);
  ssl.set_enable_server_cert_auth(true);
  ssl.set_verify(true);
  mqtt::connect_options options;
  options.set_user_name(kUser);
  options.set_password(kPassword);
  options.set_ssl(std::move(ssl));
  options.set_connect_timeout(seconds(5));
  REQUIRE(client.connect(options)->wait_for(seconds(10)));
  REQUIRE(client.publish(topic, payload.data(), payload.size(), 1, false)
              ->wait_for(seconds(10)));
  client.disconnect()->wait_for(seconds(5));
}

}  // namespace

TEST_CASE("serve reads MQTT over TLS with a user name and a password file",
          "[app][serve][mqtt][tls][integration]") {
  Setup setup;
  if (!setup.ok) return;
  auto broker = setup.Broker("broker", "localhost");
  Serve serve(setup, setup.Config("good", broker->port(), "good.pass", true),
              "data-good");

  // Connector subscribed and publisher connected, both over TLS with the
  // password from the file.
  const testing::HttpReply health = serve.WaitForHealth(200);
  INFO("healthz: " << health.body << "\nstderr: " << serve.process->Stderr());
  REQUIRE(health.status == 200);
  CHECK(health.body.find("\"mqtt\"") != std::string::npos);
  CHECK(health.body.find("\"mqtt_publish\"") != std::string::npos);

  PublishOverTls(broker->port(), setup.d + "/ca.pem", "city/traffic",
                 "traffic,site=a count=5i 1704067200000000000");
  std::optional<json> values;
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (!values && std::chrono::steady_clock::now() < deadline) {
    const auto r = testing::HttpRequest(
        serve.port, "GET", "/query?db=x&q=SELECT%20count%20FROM%20traffic");
    if (r.status == 200) {
      const json doc = json::parse(r.body);
      const json& series = doc["results"][0]["series"];
      if (series.is_array() && !series.empty()) values = series[0]["values"];
    }
    if (!values) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(values.has_value());
  REQUIRE(values->size() == 1);
  CHECK((*values)[0][1] == 5);

  const std::string log = serve.Stop();
  CHECK(log.find(kPassword) == std::string::npos);
}

TEST_CASE("serve with a wrong broker password logs the refusal and stays up",
          "[app][serve][mqtt][tls][integration]") {
  Setup setup;
  if (!setup.ok) return;
  auto broker = setup.Broker("broker", "localhost");
  Serve serve(setup, setup.Config("wrong", broker->port(), "wrong.pass", true),
              "data-wrong");
  const auto logged = serve.process->WaitForStderr(
      "cannot connect to ssl://localhost:", seconds(30));
  INFO("stderr: " << serve.process->Stderr());
  REQUIRE(logged.has_value());
  const testing::HttpReply health = serve.WaitForHealth(503);
  CHECK(health.status == 503);
  CHECK(health.body.find("mqtt: not connected") != std::string::npos);
  // Still serving, and a clean exit on SIGTERM (no crash).
  CHECK(testing::HttpRequest(serve.port, "GET", "/ping").status == 204);
  const std::string log = serve.Stop();
  CHECK(log.find(kWrongPassword) == std::string::npos);
}

TEST_CASE("serve refuses a broker whose certificate names another host",
          "[app][serve][mqtt][tls][integration]") {
  Setup setup;
  if (!setup.ok) return;
  // Signed by the trusted test CA, but for other.example, not localhost.
  auto broker = setup.Broker("broker", "other");

  SECTION("mqtt.tls.verify true (default): refused") {
    Serve serve(setup,
                setup.Config("mismatch", broker->port(), "good.pass", true),
                "data-mismatch");
    const auto logged = serve.process->WaitForStderr(
        "cannot connect to ssl://localhost:", seconds(30));
    INFO("stderr: " << serve.process->Stderr());
    REQUIRE(logged.has_value());
    const testing::HttpReply health = serve.WaitForHealth(503);
    CHECK(health.status == 503);
    CHECK(health.body.find("mqtt: not connected") != std::string::npos);
    serve.Stop();
  }
  SECTION("mqtt.tls.verify false: the same broker is accepted") {
    Serve serve(setup,
                setup.Config("noverify", broker->port(), "good.pass", false),
                "data-noverify");
    const testing::HttpReply health = serve.WaitForHealth(200);
    INFO("healthz: " << health.body << "\nstderr: " << serve.process->Stderr());
    CHECK(health.status == 200);
    serve.Stop();
  }
}

}  // namespace citynexus::app
