// Tests of config loading (app/config/config.h, app/config/schema.h): one case
// per error class, the exact wording of the errors, and defaults/round-trips.
#include "app/config/config.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// The error lines of a failed load; fails the test when loading succeeded.
std::vector<std::string> ErrorsOf(const Result<Config>& result) {
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code() == StatusCode::kInvalidArgument);
  std::vector<std::string> lines;
  std::string_view rest = result.error().message();
  while (true) {
    const size_t nl = rest.find('\n');
    lines.emplace_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return lines;
}

std::string OnlyError(std::string_view text) {
  const std::vector<std::string> errors = ErrorsOf(LoadConfigText(text));
  REQUIRE(errors.size() == 1);
  return errors[0];
}

TEST_CASE("the built-in configuration holds every declared default",
          "[app][config]") {
  const Config c = DefaultConfig();
  CHECK(c.data_dir == "./data");
  CHECK(c.log_level == LogLevel::kInfo);
  CHECK(c.http.host == "127.0.0.1");
  CHECK(c.http.port == 8080);
  CHECK(c.http.threads == 0);
  CHECK(c.http.max_body_bytes == 33554432u);
  CHECK(c.http.read_timeout == milliseconds(30000));
  CHECK(c.storage.sync == engine::SyncMode::kInterval);
  CHECK(c.storage.sync_interval == milliseconds(1000));
  CHECK(c.storage.rollup_resolutions ==
        std::vector<seconds>{hours(1), hours(24)});
  CHECK(c.storage.block_window == hours(24));
  CHECK(c.storage.retention.empty());

  // An empty document is the defaults too.
  Result<Config> empty = LoadConfigText("{}");
  REQUIRE(empty.has_value());
  CHECK(EffectiveConfigJson(*empty) == EffectiveConfigJson(c));
}

TEST_CASE("a valid file sets every option", "[app][config]") {
  testing::TempDir dir;
  const std::string path = dir.str() + "/citynexus.json";
  std::ofstream(path) << R"({
    "data_dir": "/var/lib/citynexus",
    "log_level": "debug",
    "http": {"listen": "[::1]:9090", "threads": 4,
             "max_body_bytes": 1048576, "read_timeout_ms": 5000},
    "storage": {
      "sync": "always", "sync_interval_ms": 250,
      "rollups": ["1m", "15m", "1h"], "block_window": "2h",
      "retention": [
        {"measurement": "traffic*", "raw": "90d", "rollups": "2w"},
        {"domain": "water", "raw": "7d"}
      ]
    }
  })";
  Result<Config> loaded = LoadConfigFile(path);
  REQUIRE(loaded.has_value());
  const Config& c = *loaded;
  CHECK(c.data_dir == "/var/lib/citynexus");
  CHECK(c.log_level == LogLevel::kDebug);
  CHECK(c.http.host == "::1");
  CHECK(c.http.port == 9090);
  CHECK(c.http.threads == 4);
  CHECK(c.http.max_body_bytes == 1048576u);
  CHECK(c.http.read_timeout == milliseconds(5000));
  CHECK(c.storage.sync == engine::SyncMode::kAlways);
  CHECK(c.storage.sync_interval == milliseconds(250));
  CHECK(c.storage.rollup_resolutions ==
        std::vector<seconds>{minutes(1), minutes(15), hours(1)});
  CHECK(c.storage.block_window == hours(2));
  REQUIRE(c.storage.retention.size() == 2);
  CHECK(c.storage.retention[0].measurement_glob == "traffic*");
  CHECK(c.storage.retention[0].domain.empty());
  CHECK(c.storage.retention[0].raw_max_age == hours(90 * 24));
  CHECK(c.storage.retention[0].rollup_max_age == hours(14 * 24));
  CHECK(c.storage.retention[1].domain == "water");
  CHECK(c.storage.retention[1].raw_max_age == hours(7 * 24));
  CHECK_FALSE(c.storage.retention[1].rollup_max_age.has_value());

  const engine::StoreOptions store = StoreOptionsFor(c);
  CHECK(store.data_dir == "/var/lib/citynexus");
  CHECK(store.block_window == hours(2));
}

TEST_CASE("the effective configuration loads back to the same configuration",
          "[app][config]") {
  Result<Config> loaded = LoadConfigText(R"({
    "log_level": "warn", "http": {"listen": "0.0.0.0:0"},
    "storage": {"rollups": ["90s"], "block_window": "3h",
                "retention": [{"domain": "energy", "rollups": "520w"}]}})");
  REQUIRE(loaded.has_value());
  const std::string text = EffectiveConfigJson(*loaded);
  CHECK(text.find("\"listen\": \"0.0.0.0:0\"") != std::string::npos);
  CHECK(text.find("\"90s\"") != std::string::npos);
  CHECK(text.find("\"3h\"") != std::string::npos);
  Result<Config> again = LoadConfigText(text);
  REQUIRE(again.has_value());
  CHECK(EffectiveConfigJson(*again) == text);
}

TEST_CASE("a JSON syntax error names its line and column", "[app][config]") {
  const std::string error = OnlyError(
      "{\n  \"data_dir\": \"./data\"\n  \"log_level\": \"info\"\n}\n");
  CHECK(error.rfind("line 3, column ", 0) == 0);
  CHECK(error.find("syntax error") != std::string::npos);

  CHECK(OnlyError("").rfind("line 1, column 1: ", 0) == 0);
}

TEST_CASE("an unknown key is an error with a did-you-mean hint",
          "[app][config]") {
  CHECK(OnlyError(R"({"htp": {}})") ==
        "htp: unknown key; did you mean \"http\"?");
  CHECK(OnlyError(R"({"http": {"thraeds": 4}})") ==
        "http.thraeds: unknown key; did you mean \"http.threads\"?");
  CHECK(OnlyError(R"({"Data_Dir": "x"})") ==
        "Data_Dir: unknown key; did you mean \"data_dir\"?");
  // Nothing close: list what is allowed at that level instead.
  CHECK(OnlyError(R"({"storage": {"compression": "zstd"}})") ==
        "storage.compression: unknown key; expected one of \"sync\", "
        "\"sync_interval_ms\", \"rollups\", \"block_window\", "
        "\"rollup_cache_mb\", \"retention\", \"max_series\", "
        "\"max_series_per_measurement\"");
  // Options are nested objects, not dotted keys.
  CHECK(OnlyError(R"({"http.listen": "127.0.0.1:1"})")
            .rfind("http.listen: unknown key", 0) == 0);
}

TEST_CASE("a value of the wrong type names the path and the expected type",
          "[app][config]") {
  CHECK(OnlyError(R"({"http": {"threads": "8"}})") ==
        "http.threads: expected an integer, got \"8\"");
  CHECK(OnlyError(R"({"http": {"threads": 2.5}})") ==
        "http.threads: expected an integer, got 2.5");
  CHECK(OnlyError(R"({"http": 8080})") == "http: expected an object, got 8080");
  CHECK(OnlyError(R"({"data_dir": ""})") ==
        "data_dir: expected a non-empty string, got \"\"");
  CHECK(OnlyError(R"({"storage": {"retention": {"domain": "water"}}})") ==
        "storage.retention: expected an array of objects, got "
        "{\"domain\":\"water\"}");
  CHECK(OnlyError("[1, 2]") == "the top level: expected an object, got [1,2]");
}

TEST_CASE("an integer out of range names the valid range", "[app][config]") {
  CHECK(OnlyError(R"({"http": {"threads": 999}})") ==
        "http.threads: must be between 0 and 256, got 999");
  CHECK(OnlyError(R"({"http": {"max_body_bytes": 10}})") ==
        "http.max_body_bytes: must be between 1024 and 1073741824, got 10");
  CHECK(OnlyError(R"({"http": {"read_timeout_ms": -1}})") ==
        "http.read_timeout_ms: must be between 100 and 3600000, got -1");
  CHECK(
      OnlyError(R"({"storage": {"sync_interval_ms": 18446744073709551615}})") ==
      "storage.sync_interval_ms: must be between 1 and 60000, got "
      "18446744073709551615");
}

TEST_CASE("a value outside an enum lists the allowed values", "[app][config]") {
  CHECK(OnlyError(R"({"log_level": "verbose"})") ==
        "log_level: expected one of \"debug\", \"info\", \"warn\", \"error\", "
        "got \"verbose\"");
  CHECK(OnlyError(R"({"storage": {"sync": true}})") ==
        "storage.sync: expected one of \"always\", \"interval\", got true");
}

TEST_CASE("a bad listen address is reported as expected host:port",
          "[app][config]") {
  CHECK(OnlyError(R"({"http": {"listen": "8080x"}})") ==
        "http.listen: expected \"host:port\", got \"8080x\"");
  for (const char* bad : {"\":8080\"", "\"localhost:\"", "\"host:65536\"",
                          "\"::1:80\"", "\"[::1]80\"", "8080"}) {
    INFO(bad);
    CHECK(OnlyError(std::string(R"({"http": {"listen": )") + bad + "}}")
              .rfind("http.listen: expected \"host:port\", got ", 0) == 0);
  }
}

TEST_CASE("a bad duration shows the accepted forms", "[app][config]") {
  const std::string expected =
      "expected a duration like \"90s\", \"15m\", \"1h\", \"7d\" or \"2w\", "
      "got ";
  CHECK(OnlyError(R"({"storage": {"block_window": "1 day"}})") ==
        "storage.block_window: " + expected + "\"1 day\"");
  CHECK(OnlyError(R"({"storage": {"block_window": 3600}})") ==
        "storage.block_window: " + expected + "3600");
  CHECK(OnlyError(R"({"storage": {"rollups": ["1h", "1x"]}})") ==
        "storage.rollups[1]: " + expected + "\"1x\"");
  CHECK(OnlyError(R"({"storage": {"rollups": ["0s"]}})") ==
        "storage.rollups[0]: must be between 1s and 30d, got \"0s\"");
  CHECK(OnlyError(R"({"storage": {"rollups": ["1h", "60m"]}})") ==
        "storage.rollups[1]: duplicate duration \"60m\"");
  CHECK(OnlyError(R"({"storage": {"rollups": "1h"}})")
            .rfind("storage.rollups: expected an array of durations", 0) == 0);
  CHECK(OnlyError(
            R"({"storage": {"retention": [{"domain": "x", "raw": "7"}]}})") ==
        "storage.retention[0].raw: " + expected + "\"7\"");
}

TEST_CASE("every rollup width must divide the block window", "[app][config]") {
  CHECK(
      OnlyError(R"({"storage": {"rollups": ["1h", "7h"]}})") ==
      "storage.rollups[1]: must divide storage.block_window (1d), got \"7h\"");
  CHECK(LoadConfigText(
            R"({"storage": {"rollups": ["7h"], "block_window": "14h"}})")
            .has_value());
}

TEST_CASE("a retention rule needs a measurement or a domain", "[app][config]") {
  CHECK(OnlyError(R"({"storage": {"retention": [
          {"domain": "water", "raw": "7d"}, {"raw": "30d"}]}})") ==
        "storage.retention[1]: expected \"measurement\" or \"domain\" (which "
        "series the rule applies to), got neither");
  CHECK(OnlyError(R"({"storage": {"retention": [{"mesurement": "t*"}]}})") ==
        "storage.retention[0].mesurement: unknown key; did you mean "
        "\"storage.retention[0].measurement\"?");
  CHECK(OnlyError(R"({"storage": {"retention": ["7d"]}})") ==
        "storage.retention[0]: expected an object, got \"7d\"");
}

TEST_CASE("a key repeated in one object is an error naming its path",
          "[app][config]") {
  CHECK(OnlyError(R"({"log_level": "warn", "log_level": "info"})") ==
        "log_level: duplicate key (each key may appear once per object)");
  CHECK(OnlyError(R"({"http": {"threads": 1}, "storage": {"retention": [
          {"domain": "a"}, {"domain": "b", "raw": "1d", "raw": "2d"}]}})") ==
        "storage.retention[1].raw: duplicate key (each key may appear once "
        "per object)");
  // The same key in different objects is fine.
  CHECK(LoadConfigText(R"({"storage": {"retention": [
          {"domain": "a", "raw": "1d"}, {"domain": "b", "raw": "2d"}]}})")
            .has_value());
}

TEST_CASE("several errors are reported together, in file order",
          "[app][config]") {
  const std::vector<std::string> errors = ErrorsOf(LoadConfigText(R"({
    "log_level": "verbose",
    "htp": {},
    "http": {"listen": "8080x", "threads": 999},
    "storage": {"retention": [{"raw": "1d"}], "block_window": "1 day"}
  })"));
  CHECK(errors == std::vector<std::string>{
                      "log_level: expected one of \"debug\", \"info\", "
                      "\"warn\", \"error\", got \"verbose\"",
                      "htp: unknown key; did you mean \"http\"?",
                      "http.listen: expected \"host:port\", got \"8080x\"",
                      "http.threads: must be between 0 and 256, got 999",
                      "storage.retention[0]: expected \"measurement\" or "
                      "\"domain\" (which series the rule applies to), got "
                      "neither",
                      "storage.block_window: expected a duration like \"90s\", "
                      "\"15m\", \"1h\", \"7d\" or \"2w\", got \"1 day\""});
}

TEST_CASE("overrides replace file values and are validated like them",
          "[app][config]") {
  const std::string file =
      R"({"data_dir": "/srv/a", "http": {"listen": "127.0.0.1:1"}})";
  Result<Config> c = LoadConfigText(
      file, {{"data_dir", "/srv/b"}, {"http.listen", "0.0.0.0:0"}});
  REQUIRE(c.has_value());
  CHECK(c->data_dir == "/srv/b");
  CHECK(c->http.host == "0.0.0.0");
  CHECK(c->http.port == 0);

  Result<Config> defaults = LoadDefaultConfigWith({{"http.listen", "[::]:9"}});
  REQUIRE(defaults.has_value());
  CHECK(defaults->http.host == "::");
  CHECK(defaults->data_dir == "./data");

  CHECK(ErrorsOf(LoadDefaultConfigWith({{"http.listen", "nope"}})) ==
        std::vector<std::string>{
            "http.listen: expected \"host:port\", got \"nope\""});
}

TEST_CASE("a missing config file is NotFound and names the file",
          "[app][config]") {
  testing::TempDir dir;
  const std::string path = dir.str() + "/absent.json";
  Result<Config> c = LoadConfigFile(path);
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error().code() == StatusCode::kNotFound);
  CHECK(c.error().message().find(path) != std::string::npos);

  Result<Config> d = LoadConfigFile(dir.str());
  REQUIRE_FALSE(d.has_value());
  CHECK(d.error().message().find("is a directory") != std::string::npos);
}

TEST_CASE("stream and indicator publishing options load and are checked",
          "[app][config]") {
  Result<Config> loaded = LoadConfigText(R"({
    "mqtt": {"brokers": ["tcp://127.0.0.1:1883"]},
    "indicators": {"publish": {"topic_prefix": "city/indicators",
                               "ids": ["travel_time_index"], "qos": 0}},
    "stream": {"heartbeat_ms": 500, "client_buffer_bytes": 65536,
               "max_clients": 7, "max_queued_points": 5000,
               "indicator_delay_ms": 0}})");
  REQUIRE(loaded.has_value());
  CHECK(loaded->indicator_publish.topic_prefix == "city/indicators");
  CHECK(loaded->indicator_publish.ids ==
        std::vector<std::string>{"travel_time_index"});
  CHECK(loaded->indicator_publish.qos == 0);
  CHECK(loaded->stream.heartbeat_interval == std::chrono::milliseconds(500));
  CHECK(loaded->stream.client_buffer_bytes == 65536);
  CHECK(loaded->stream.max_clients == 7);
  CHECK(loaded->stream.max_queued_points == 5000);
  CHECK(loaded->stream.indicator_delay == std::chrono::milliseconds(0));

  CHECK(OnlyError(
            R"({"indicators": {"publish": {"topic_prefix": "city/ind"}}})") ==
        "indicators.publish.topic_prefix: publishing needs a broker: set "
        "mqtt.brokers");
  CHECK(OnlyError(
            R"({"mqtt": {"brokers": ["tcp://h:1883"]},
                "indicators": {"publish": {"topic_prefix": "city/#"}}})") ==
        "indicators.publish.topic_prefix: must be a topic without wildcards "
        "(+, #) or a trailing '/', got \"city/#\"");
  CHECK(OnlyError(R"({"stream": {"heartbeat_ms": 5}})") ==
        "stream.heartbeat_ms: must be between 100 and 3600000, got 5");
}

}  // namespace
TEST_CASE("the effective configuration never shows an inline MQTT password",
          "[app][config]") {
  Result<Config> loaded = LoadConfigText(
      R"({"mqtt": {"username": "city", "password": "s3cret-broker-pw"}})");
  REQUIRE(loaded.has_value());
  const std::string text = EffectiveConfigJson(*loaded);
  CHECK(text.find("s3cret-broker-pw") == std::string::npos);
  CHECK(text.find(kRedactedSecret) != std::string::npos);
  CHECK(text.find("\"city\"") != std::string::npos);
  // Without a password there is nothing to hide and nothing is invented.
  Result<Config> none = LoadConfigText("{}");
  REQUIRE(none.has_value());
  CHECK(EffectiveConfigJson(*none).find(kRedactedSecret) == std::string::npos);
}

}  // namespace citynexus::app
