// Checks that docs/configuration.md and the shipped config/citynexus.json
// agree with the option declarations in app/config/sections/, and that the
// compose config (config/citynexus.compose.json) stays in step with it.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "app/config/config.h"
#include "app/config/schema.h"

namespace citynexus::app {
namespace {

constexpr const char* kNone = "—";  // an empty cell in the option tables

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(CITYNEXUS_SOURCE_DIR) + "/" + relative);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Trim(std::string s) {
  const size_t b = s.find_first_not_of(" \t");
  const size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string StripBackticks(std::string s) {
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

// The option rows of the doc's tables: "| `path` | type | default | unit |
// range | reload | meaning |", keyed by path, cells trimmed.
std::map<std::string, std::vector<std::string>> OptionRows(
    const std::string& doc) {
  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream lines(doc);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    size_t start = 1;
    for (size_t bar = line.find('|', start); bar != std::string::npos;
         bar = line.find('|', start)) {
      cells.push_back(Trim(line.substr(start, bar - start)));
      start = bar + 1;
    }
    INFO(line);
    CHECK(cells.size() == 7);
    const std::string path = StripBackticks(cells[0]);
    CHECK(rows.count(path) == 0);  // each option documented once
    rows[path] = cells;
  }
  return rows;
}

// The row the declaration implies, shown when the doc disagrees.
std::string ExpectedRow(const OptionInfo& info) {
  // Built by appending: g++ 12 warns (-Wrestrict, a known false positive)
  // on long chains of std::string operator+.
  std::string row = "| `";
  row.append(info.path).append("` | ").append(info.type).append(" | ");
  if (info.default_value) {
    row.append("`").append(info.default_value->dump()).append("`");
  } else {
    row.append(kNone);
  }
  row.append(" | ").append(info.unit.empty() ? kNone : info.unit);
  row.append(" | ");
  if (info.range.empty()) {
    row.append(kNone);
  } else {
    row.append("`").append(info.range).append("`");
  }
  row.append(" | ").append(ReloadName(info.reload)).append(" | <meaning> |");
  return row;
}

TEST_CASE("docs/configuration.md documents every declared option as declared",
          "[app][config][docs]") {
  const auto rows = OptionRows(ReadSourceFile("docs/configuration.md"));
  const std::vector<OptionInfo> declared = DeclaredOptions();
  REQUIRE(declared.size() >= 15);
  for (const OptionInfo& info : declared) {
    INFO("declared option " << info.path << "; expected a row like\n"
                            << ExpectedRow(info));
    const auto it = rows.find(info.path);
    CHECK(it != rows.end());
    if (it == rows.end()) continue;
    const std::vector<std::string>& cells = it->second;
    REQUIRE(cells.size() == 7);
    CHECK(cells[1] == info.type);
    if (info.default_value) {
      const std::string text = StripBackticks(cells[2]);
      REQUIRE(Json::accept(text));
      CHECK(Json::parse(text) == *info.default_value);
    } else {
      CHECK(cells[2] == kNone);
    }
    CHECK(cells[3] == (info.unit.empty() ? kNone : info.unit));
    CHECK(StripBackticks(cells[4]) ==
          (info.range.empty() ? kNone : info.range));
    CHECK(cells[5] == ReloadName(info.reload));
    CHECK_FALSE(cells[6].empty());
  }
  for (const auto& [path, cells] : rows) {
    INFO("documented path " << path);
    bool is_declared = false;
    for (const OptionInfo& info : declared) {
      is_declared = is_declared || info.path == path;
    }
    CHECK(is_declared);
  }
}

TEST_CASE("every declared default passes its own validation", "[app][config]") {
  // Applying each default through the option's setter must not report errors
  // (DefaultConfig() asserts the same; this holds in release builds too).
  for (const Option<Config>& option : ConfigOptions()) {
    if (!option.info.default_value) continue;
    INFO(option.info.path);
    Config config;
    ConfigErrors errors;
    option.set(*option.info.default_value, option.info.path, config, errors);
    CHECK(errors.empty());
    CHECK(option.get(config) == *option.info.default_value);
  }
}

TEST_CASE("the shipped config/citynexus.json loads with the local defaults",
          "[app][config]") {
  Result<Config> shipped = LoadConfigFile(std::string(CITYNEXUS_SOURCE_DIR) +
                                          "/config/citynexus.json");
  INFO((shipped.has_value() ? "" : shipped.error().message()));
  REQUIRE(shipped.has_value());
  CHECK(shipped->data_dir == "./data");
  CHECK(shipped->http.host == "127.0.0.1");
  CHECK(shipped->http.port == 8080);
}

TEST_CASE(
    "the compose config is the shipped one with the compose network's "
    "addresses, and docker-compose.yml runs it",
    "[app][config]") {
  Result<Config> shipped = LoadConfigFile(std::string(CITYNEXUS_SOURCE_DIR) +
                                          "/config/citynexus.json");
  Result<Config> compose = LoadConfigFile(std::string(CITYNEXUS_SOURCE_DIR) +
                                          "/config/citynexus.compose.json");
  INFO((compose.has_value() ? "" : compose.error().message()));
  REQUIRE(shipped.has_value());
  REQUIRE(compose.has_value());
  // Inside compose the broker is the `mosquitto` service, not loopback, and
  // the server must be reachable through the published port.
  CHECK(compose->mqtt.brokers ==
        std::vector<std::string>{"tcp://mosquitto:1883"});
  CHECK(compose->http.host == "0.0.0.0");
  CHECK(compose->data_dir == "/data");
  // The demo's GBFS feed is the `demo` service there, not loopback.
  REQUIRE(compose->pollers.size() == shipped->pollers.size());
  for (size_t i = 0; i < compose->pollers.size(); ++i) {
    CHECK(compose->pollers[i].url.rfind("http://demo:", 0) == 0);
  }
  // Everything else stays as shipped: the two files must not drift apart.
  Config expected = *shipped;
  for (size_t i = 0; i < expected.pollers.size(); ++i) {
    expected.pollers[i].url = compose->pollers[i].url;
  }
  expected.mqtt.brokers = compose->mqtt.brokers;
  expected.http.host = compose->http.host;
  expected.data_dir = compose->data_dir;
  CHECK(EffectiveConfigJson(*compose) == EffectiveConfigJson(expected));

  const std::string compose_file = ReadSourceFile("docker/docker-compose.yml");
  CHECK_THAT(compose_file,
             Catch::Contains("/etc/citynexus/citynexus.compose.json"));
  // The image carries config/ as /etc/citynexus.
  CHECK_THAT(ReadSourceFile("docker/Dockerfile"),
             Catch::Contains("COPY config/ /etc/citynexus/"));
}

}  // namespace
}  // namespace citynexus::app
