// The `pollers` section of the configuration: defaults, full examples per
// format, the round trip through the effective configuration, and errors.
#include <catch2/catch.hpp>
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

constexpr const char* kFull = R"({"pollers": [
  {"name": "bikes", "url": "https://gbfs.example/gbfs.json",
   "language": "en", "system_id": "sys", "information_every": 5,
   "interval": "2m", "timeout_ms": 3000, "backoff_max": "1h",
   "domain": "mobility"},
  {"name": "counts", "format": "json", "url": "http://open.example/c.json",
   "records": "/sensors", "time": "/ts", "time_format": "epoch_ms",
   "measurement": "traffic",
   "fields": {"vehicles": {"source": "/counts/vehicles", "type": "int"},
              "speed": "/speed"},
   "tags": {"sensor": "/id"}},
  {"name": "air", "format": "csv", "url": "http://open.example/air.csv",
   "delimiter": ";", "decimal_separator": ",", "header": true,
   "measurement": "air", "time": "zeit", "fields": {"pm10": "pm10"},
   "tags": {"station": "station"}}]})";

}  // namespace

TEST_CASE("no pollers by default", "[app][config][pollers]") {
  CHECK(DefaultConfig().pollers.empty());
}

TEST_CASE("a pollers section loads into PollerOptions and round-trips",
          "[app][config][pollers]") {
  Result<Config> c = LoadConfigText(kFull);
  INFO((c.has_value() ? "" : c.error().message()));
  REQUIRE(c.has_value());
  REQUIRE(c->pollers.size() == 3);
  const connectors::PollerOptions& gbfs = c->pollers[0];
  CHECK(gbfs.format == connectors::PollerFormat::kGbfs);
  CHECK(gbfs.language == "en");
  CHECK(gbfs.system_id == "sys");
  CHECK(gbfs.information_every == 5);
  CHECK(gbfs.interval == std::chrono::minutes(2));
  CHECK(gbfs.timeout == std::chrono::milliseconds(3000));
  CHECK(gbfs.backoff_max == std::chrono::hours(1));
  CHECK(gbfs.domain == "mobility");
  const connectors::PollerOptions& json = c->pollers[1];
  CHECK(json.format == connectors::PollerFormat::kJson);
  CHECK(json.json.records == "/sensors");
  CHECK(json.json.time == "/ts");
  CHECK(json.json.time_format == connectors::TimeFormat::kEpochMillis);
  REQUIRE(json.json.fields.size() == 2);
  // nlohmann's ordered_json keeps file order.
  CHECK(json.json.fields[0].name == "vehicles");
  CHECK(json.json.fields[0].type == connectors::MappedType::kInt);
  CHECK(json.json.fields[1].source == "/speed");
  CHECK(json.json.fields[1].type == connectors::MappedType::kFloat);
  REQUIRE(json.json.tags.size() == 1);
  CHECK(json.json.tags[0].source == "/id");
  const connectors::PollerOptions& csv = c->pollers[2];
  CHECK(csv.csv.delimiter == ';');
  CHECK(csv.csv.decimal_separator == ',');
  CHECK(csv.csv.time_column == "zeit");
  CHECK(csv.measurement == "air");
  CHECK(connectors::ValidatePollers(c->pollers).ok());

  Result<Config> again = LoadConfigText(EffectiveConfigJson(*c));
  INFO((again.has_value() ? "" : again.error().message()));
  REQUIRE(again.has_value());
  REQUIRE(again->pollers.size() == 3);
  CHECK(again->pollers[1].json.fields[0].type == connectors::MappedType::kInt);
  CHECK(again->pollers[2].csv.delimiter == ';');
  CHECK(again->pollers[0].interval == std::chrono::minutes(2));
}

TEST_CASE("pollers config errors name the path and what was expected",
          "[app][config][pollers]") {
  CHECK_THAT(ErrorText(R"({"pollers": [{"url": "http://x/"}]})"),
             Catch::Contains("pollers[0].name: required"));
  CHECK_THAT(ErrorText(R"({"pollers": [{"name": "a", "url": "ftp://x/"}]})"),
             Catch::Contains("pollers[0].url: "));
  CHECK_THAT(ErrorText(R"({"pollers": [{"name": "a", "url": "http://x/",
                                        "format": "xml"}]})"),
             Catch::Contains("pollers[0].format: expected one of"));
  CHECK_THAT(ErrorText(R"({"pollers": [{"name": "a", "url": "http://x/",
                                        "intervall": "1m"}]})"),
             Catch::Contains("did you mean \"pollers[0].interval\"?"));
  CHECK_THAT(ErrorText(R"({"pollers": [{"name": "a", "url": "http://x/",
                                        "format": "json", "fields": {"v": "/v"}}]})"),
             Catch::Contains("pollers[0].measurement: required"));
  CHECK_THAT(ErrorText(R"({"pollers": [{"name": "a", "url": "http://x/",
                                        "format": "csv", "measurement": "m"}]})"),
             Catch::Contains("pollers[0]: "));
  CHECK_THAT(ErrorText(R"({"pollers": [{"name": "a", "url": "http://x/",
                                        "format": "json", "measurement": "m",
                                        "fields": {"v": {"source": "/v",
                                                         "type": "long"}}}]})"),
             Catch::Contains("pollers[0].fields.v.type: expected one of"));
  CHECK_THAT(ErrorText(R"({"pollers": [{"name": "a", "url": "http://x/",
                                        "fields": {"v": "/v"}}]})"),
             Catch::Contains("pollers[0].fields: only for formats"));
  CHECK_THAT(ErrorText(R"({"pollers": [{"name": "a", "url": "http://x/",
                                        "interval": "0s"}]})"),
             Catch::Contains("pollers[0].interval"));
  CHECK_THAT(ErrorText(R"({"pollers": [
      {"name": "a", "url": "http://x/"}, {"name": "a", "url": "http://y/"}]})"),
             Catch::Contains("pollers[1].name: \"a\" is already the name of "
                             "pollers[0]"));
}
