// The `mqtt` section of the configuration: defaults, a full example, and
// the errors of bad brokers, QoS, formats, topics and tags_from_topic.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/config/config.h"

using namespace citynexus;
using namespace citynexus::app;

namespace {

std::string ErrorText(std::string_view text) {
  Result<Config> result = LoadConfigText(text);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code() == StatusCode::kInvalidArgument);
  return result.error().message();
}

}  // namespace

TEST_CASE("mqtt is off by default", "[app][config][mqtt]") {
  const Config c = DefaultConfig();
  CHECK(c.mqtt.brokers.empty());
  CHECK(c.mqtt.client_id == "citynexus");
  CHECK(c.mqtt.keepalive == std::chrono::seconds(30));
  CHECK(c.mqtt.qos == 1);
  CHECK(c.mqtt.subscriptions.empty());
}

TEST_CASE("a full mqtt section loads into MqttOptions", "[app][config][mqtt]") {
  Result<Config> c = LoadConfigText(R"({"mqtt": {
    "brokers": ["tcp://localhost:1883", "ssl://broker.example:8883"],
    "client_id": "cn-1", "username": "u", "password": "p",
    "keepalive_s": 10, "qos": 2,
    "subscriptions": [
      {"topic": "city/+/traffic", "format": "line_protocol",
       "precision": "s", "tags_from_topic": {"district": 1}},
      {"topic": "$share/g/sensors/+/t", "format": "value",
       "measurement": "air", "field": "t",
       "tags_from_topic": {"sensor": 2, "area": 0}, "unit": "°C",
       "domain": "environment"}
    ]}})");
  INFO((c.has_value() ? "" : c.error().message()));
  REQUIRE(c.has_value());
  const connectors::MqttOptions& m = c->mqtt;
  REQUIRE(m.brokers.size() == 2);
  CHECK(m.brokers[1] == "ssl://broker.example:8883");
  CHECK(m.client_id == "cn-1");
  CHECK(m.keepalive == std::chrono::seconds(10));
  CHECK(m.qos == 2);
  REQUIRE(m.subscriptions.size() == 2);
  CHECK(m.subscriptions[0].precision == connectors::Precision::kSecond);
  CHECK(m.subscriptions[1].format == connectors::MqttFormat::kValue);
  REQUIRE(m.subscriptions[1].tags_from_topic.size() == 2);
  CHECK(m.subscriptions[1].tags_from_topic[0].first == "area");  // sorted
  CHECK(m.subscriptions[1].tags_from_topic[1].second == 2);
  CHECK(m.subscriptions[1].unit == "°C");
}

TEST_CASE("mqtt config errors name the path and what was expected",
          "[app][config][mqtt]") {
  CHECK_THAT(ErrorText(R"({"mqtt": {"brokers": ["localhost:1883"]}})"),
             Catch::Contains("mqtt.brokers[0]: expected a broker URI"));
  CHECK_THAT(ErrorText(R"({"mqtt": {"brokers": ["http://h:1"]}})"),
             Catch::Contains("mqtt.brokers[0]: broker URI scheme"));
  CHECK_THAT(ErrorText(R"({"mqtt": {"brokers": ["tcp://h:99999"]}})"),
             Catch::Contains("mqtt.brokers[0]: broker URI port"));
  CHECK_THAT(ErrorText(R"({"mqtt": {"qos": 3}})"),
             Catch::Contains("mqtt.qos: must be between 0 and 2, got 3"));
  CHECK_THAT(
      ErrorText(
          R"({"mqtt": {"subscriptions": [{"topic": "a", "format": "xml"}]}})"),
      Catch::Contains("mqtt.subscriptions[0].format: expected one of"));
  CHECK_THAT(ErrorText(R"({"mqtt": {"subscriptions": [
                 {"topic": "a/+", "format": "value", "measurement": "m",
                  "field": "f", "tags_from_topic": {"sensor": "1"}}]}})"),
             Catch::Contains("mqtt.subscriptions[0].tags_from_topic.sensor: "
                             "expected an integer topic level"));
  CHECK_THAT(ErrorText(R"({"mqtt": {"subscriptions": [
                 {"topic": "a/+", "format": "value", "measurement": "m",
                  "field": "f", "tags_from_topic": {"sensor": 1.5}}]}})"),
             Catch::Contains("expected an integer topic level"));
  CHECK_THAT(
      ErrorText(R"({"mqtt": {"subscriptions": [{"topic": "a/#/b"}]}})"),
      Catch::Contains("mqtt.subscriptions[0].topic: # must be the last"));
  CHECK_THAT(ErrorText(R"({"mqtt": {"subscriptions": [{"format": "value"}]}})"),
             Catch::Contains("mqtt.subscriptions[0].topic: expected a topic"));
  CHECK_THAT(
      ErrorText(
          R"({"mqtt": {"subscriptions": [{"topic": "a", "format": "value"}]}})"),
      Catch::Contains("mqtt.subscriptions[0].measurement: required"));
  CHECK_THAT(ErrorText(R"({"mqtt": {"subscriptions": [
                 {"topic": "a", "measurement": "m"}]}})"),
             Catch::Contains("line protocol payloads name their measurement"));
  CHECK_THAT(ErrorText(R"({"mqtt": {"subscriptions": [
                 {"topic": "a", "formt": "value"}]}})"),
             Catch::Contains("did you mean"));
}

TEST_CASE("a json subscription loads its mapping and names its problems",
          "[app][config][mqtt]") {
  Result<Config> c = LoadConfigText(R"({"mqtt": {"subscriptions": [
      {"topic": "city/+/parking", "format": "json", "measurement": "parking",
       "records": "/lots", "time": "/ts", "time_format": "epoch_s",
       "fields": {"free": {"source": "/free", "type": "int"}},
       "tags": {"lot": "/id"}, "tags_from_topic": {"district": 1}}]}})");
  INFO((c.has_value() ? "" : c.error().message()));
  REQUIRE(c.has_value());
  const connectors::MqttSubscription& s = c->mqtt.subscriptions.at(0);
  CHECK(s.format == connectors::MqttFormat::kJson);
  CHECK(s.json.records == "/lots");
  CHECK(s.json.time_format == connectors::TimeFormat::kEpochSeconds);
  REQUIRE(s.json.fields.size() == 1);
  CHECK(s.json.fields[0].type == connectors::MappedType::kInt);
  REQUIRE(s.json.tags.size() == 1);
  Result<Config> again = LoadConfigText(EffectiveConfigJson(*c));
  REQUIRE(again.has_value());
  CHECK(again->mqtt.subscriptions.at(0).json.fields.size() == 1);

  CHECK_THAT(ErrorText(R"({"mqtt": {"subscriptions": [
                 {"topic": "a", "format": "json", "fields": {"v": "/v"}}]}})"),
             Catch::Contains("mqtt.subscriptions[0].measurement: required for "
                             "format \"json\""));
  CHECK_THAT(ErrorText(R"({"mqtt": {"subscriptions": [
                 {"topic": "a", "format": "json", "measurement": "m"}]}})"),
             Catch::Contains("mqtt.subscriptions[0]: "));
  CHECK_THAT(ErrorText(R"({"mqtt": {"subscriptions": [
                 {"topic": "a", "format": "json", "measurement": "m",
                  "fields": {"v": 3}}]}})"),
             Catch::Contains("mqtt.subscriptions[0].fields.v: expected a "
                             "source"));
  CHECK_THAT(ErrorText(R"({"mqtt": {"subscriptions": [
                 {"topic": "a", "format": "senml", "records": "/x"}]}})"),
             Catch::Contains("mqtt.subscriptions[0].records: only for format "
                             "\"json\""));
  CHECK_THAT(ErrorText(R"({"mqtt": {"subscriptions": [
                 {"topic": "a", "format": "json", "measurement": "m",
                  "field": "v", "fields": {"v": "/v"}}]}})"),
             Catch::Contains("mqtt.subscriptions[0].field: only for format "
                             "\"value\""));
}

TEST_CASE("mqtt TLS options live under mqtt.tls; old names say where",
          "[app][config][mqtt]") {
  Result<Config> c = LoadConfigText(R"({"mqtt": {
    "brokers": ["ssl://broker.example:8883"], "username": "u",
    "password_file": "/etc/citynexus/mqtt.password",
    "tls": {"ca_file": "/ca.pem", "cert_file": "/c.pem", "key_file": "/k.pem",
            "verify": false}}})");
  INFO((c.has_value() ? "" : c.error().message()));
  REQUIRE(c.has_value());
  CHECK(c->mqtt.ca_file == "/ca.pem");
  CHECK(c->mqtt.cert_file == "/c.pem");
  CHECK(c->mqtt.key_file == "/k.pem");
  CHECK(c->mqtt.password_file == "/etc/citynexus/mqtt.password");
  CHECK_FALSE(c->mqtt.tls_verify);
  CHECK(DefaultConfig().mqtt.tls_verify);

  const std::string old = ErrorText(
      R"({"mqtt": {"ca_file": "/ca.pem", "cert_file": "/c.pem",
                   "key_file": "/k.pem"}})");
  CHECK_THAT(old, Catch::Contains("mqtt.ca_file: renamed to "
                                  "\"mqtt.tls.ca_file\""));
  CHECK_THAT(old, Catch::Contains("mqtt.cert_file: renamed to "
                                  "\"mqtt.tls.cert_file\""));
  CHECK_THAT(old, Catch::Contains("mqtt.key_file: renamed to "
                                  "\"mqtt.tls.key_file\""));
  CHECK_THAT(old, !Catch::Contains("unknown key"));
  // Also through a --set style override path.
  Result<Config> overridden =
      LoadConfigText("{}", {{"mqtt.ca_file", "/ca.pem"}});
  REQUIRE_FALSE(overridden.has_value());
  CHECK_THAT(overridden.error().message(),
             Catch::Contains("renamed to \"mqtt.tls.ca_file\""));

  CHECK_THAT(ErrorText(R"({"mqtt": {"password": "p",
                                    "password_file": "/p"}})"),
             Catch::Contains("mqtt.password_file: set either mqtt.password "
                             "or mqtt.password_file, not both"));
}

TEST_CASE("mqtt.password_file is read without its trailing newline",
          "[app][config][mqtt]") {
  const std::string dir = std::filesystem::temp_directory_path() /
                          ("cn-mqtt-pass-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  connectors::MqttOptions options;
  options.password_file = dir + "/pass";
  {
    std::ofstream(options.password_file) << "s3cret pass\r\n";
    connectors::MqttOptions o = options;
    REQUIRE(connectors::ReadMqttPasswordFile(o).ok());
    CHECK(o.password == "s3cret pass");
    CHECK(o.password_file.empty());
  }
  {
    std::ofstream(options.password_file) << "no-newline";
    connectors::MqttOptions o = options;
    REQUIRE(connectors::ReadMqttPasswordFile(o).ok());
    CHECK(o.password == "no-newline");
  }
  {
    std::ofstream(options.password_file) << "\n";
    connectors::MqttOptions o = options;
    const Status s = connectors::ReadMqttPasswordFile(o);
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.message(), Catch::Contains(dir + "/pass is empty"));
  }
  {
    connectors::MqttOptions o = options;
    o.password_file = dir + "/missing";
    const Status s = connectors::ReadMqttPasswordFile(o);
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.message(), Catch::Contains("cannot read " + dir + "/missing"));
    CHECK_THAT(s.message(), Catch::Contains("No such file"));
  }
  {
    std::ofstream(options.password_file) << "s3cret\n";
    connectors::MqttOptions o = options;
    o.password = "inline";
    CHECK_FALSE(connectors::ReadMqttPasswordFile(o).ok());
  }
  {
    connectors::MqttOptions o;  // no file: nothing to do
    o.password = "inline";
    REQUIRE(connectors::ReadMqttPasswordFile(o).ok());
    CHECK(o.password == "inline");
  }
  std::filesystem::remove_all(dir);
}
