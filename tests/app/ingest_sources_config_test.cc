// The `ingest.sources` section of the configuration and the `--mapping FILE`
// text of decode/import that shares its keys: loading, the round trip
// through the effective configuration, and errors naming their JSON path.
#include <catch2/catch.hpp>
#include <string>

#include "app/config/config.h"
#include "app/config/mapping_options.h"

using namespace citynexus;
using namespace citynexus::app;
using connectors::IngestSource;

namespace {

std::string ErrorText(std::string_view text) {
  Result<Config> result = LoadConfigText(text);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code() == StatusCode::kInvalidArgument);
  return result.error().message();
}

constexpr const char* kSources = R"({"ingest": {"sources": [
  {"name": "parking", "measurement": "parking", "records": "/lots",
   "time": "/updated", "time_format": "epoch_ms",
   "fields": {"free": {"source": "/free", "type": "int"}, "rate": "/rate"},
   "tags": {"lot": "/id"}},
  {"name": "bikes.v2", "format": "csv", "measurement": "bikes",
   "delimiter": ";", "decimal_separator": ",", "header": false,
   "time": "1", "fields": {"count": "2"}}]}})";

}  // namespace

TEST_CASE("no ingest sources by default", "[app][config][ingest]") {
  CHECK(DefaultConfig().ingest.sources.empty());
}

TEST_CASE("ingest.sources load into IngestSource and round-trip",
          "[app][config][ingest]") {
  Result<Config> c = LoadConfigText(kSources);
  INFO((c.has_value() ? "" : c.error().message()));
  REQUIRE(c.has_value());
  REQUIRE(c->ingest.sources.size() == 2);
  const IngestSource& json = c->ingest.sources[0];
  CHECK(json.name == "parking");
  CHECK(json.format == IngestSource::Format::kJson);  // the default
  CHECK(json.json.measurement == "parking");
  CHECK(json.json.records == "/lots");
  CHECK(json.json.time_format == connectors::TimeFormat::kEpochMillis);
  REQUIRE(json.json.fields.size() == 2);
  CHECK(json.json.fields[0].type == connectors::MappedType::kInt);
  CHECK(json.json.fields[1].type == connectors::MappedType::kFloat);
  REQUIRE(json.json.tags.size() == 1);
  CHECK(json.json.tags[0].source == "/id");
  const IngestSource& csv = c->ingest.sources[1];
  CHECK(csv.format == IngestSource::Format::kCsv);
  CHECK(csv.csv.measurement == "bikes");
  CHECK(csv.csv.delimiter == ';');
  CHECK(csv.csv.decimal_separator == ',');
  CHECK_FALSE(csv.csv.header);
  CHECK(csv.csv.time_column == "1");
  REQUIRE(csv.csv.fields.size() == 1);
  CHECK(csv.csv.fields[0].source == "2");

  Result<Config> again = LoadConfigText(EffectiveConfigJson(*c));
  INFO((again.has_value() ? "" : again.error().message()));
  REQUIRE(again.has_value());
  CHECK(EffectiveConfigJson(*again) == EffectiveConfigJson(*c));
}

TEST_CASE("ingest source errors name the JSON path", "[app][config][ingest]") {
  CHECK_THAT(ErrorText(R"({"ingest": {"sources": [
                 {"measurement": "m", "fields": {"v": "/v"}}]}})"),
             Catch::Contains("ingest.sources[0].name: expected a source name"));
  CHECK_THAT(ErrorText(R"({"ingest": {"sources": [
                 {"name": "a/b", "measurement": "m", "fields": {"v": "/v"}}]}})"),
             Catch::Contains("ingest.sources[0].name: may hold only letters"));
  CHECK_THAT(ErrorText(R"({"ingest": {"sources": [
                 {"name": "a", "fields": {"v": "/v"}}]}})"),
             Catch::Contains("ingest.sources[0].measurement: required"));
  CHECK_THAT(
      ErrorText(R"({"ingest": {"sources": [
                 {"name": "a", "measurement": "m"}]}})"),
      Catch::Contains("ingest.sources[0]: ") && Catch::Contains("field"));
  CHECK_THAT(
      ErrorText(R"({"ingest": {"sources": [
                 {"name": "a", "measurement": "m",
                  "fields": {"v": {"source": "/v", "type": "decimal"}}}]}})"),
      Catch::Contains("ingest.sources[0].fields.v.type: expected one of"));
  CHECK_THAT(ErrorText(R"({"ingest": {"sources": [
                 {"name": "a", "format": "xml", "measurement": "m",
                  "fields": {"v": "/v"}}]}})"),
             Catch::Contains("ingest.sources[0].format: expected one of "
                             "\"json\", \"csv\""));
  CHECK_THAT(ErrorText(R"({"ingest": {"sources": [
                 {"name": "a", "format": "csv", "measurement": "m",
                  "records": "/x", "fields": {"v": "v"}}]}})"),
             Catch::Contains("ingest.sources[0].records: only for format "
                             "\"json\""));
  CHECK_THAT(ErrorText(R"({"ingest": {"sources": [
                 {"name": "a", "measurement": "m", "fields": {"v": "/v"},
                  "delimeter": ";"}]}})"),
             Catch::Contains("ingest.sources[0].delimeter: unknown key; did "
                             "you mean"));
  CHECK_THAT(ErrorText(R"({"ingest": {"sources": [
                 {"name": "a", "measurement": "m", "fields": {"v": "/v"}},
                 {"name": "a", "measurement": "n", "fields": {"v": "/v"}}]}})"),
             Catch::Contains("ingest.sources[1].name: \"a\" is already the "
                             "name of ingest.sources[0]"));
}

TEST_CASE("a --mapping text has the keys of a source without name and format",
          "[app][config][ingest]") {
  Result<IngestSource> json = MappingFromJsonText(
      R"({"measurement": "m", "records": "/r", "fields": {"v": "/v"}})",
      IngestSource::Format::kJson);
  INFO((json.has_value() ? "" : json.error().message()));
  REQUIRE(json.has_value());
  CHECK(json->json.records == "/r");
  REQUIRE(json->json.fields.size() == 1);

  Result<IngestSource> csv = MappingFromJsonText(
      R"({"measurement": "m", "delimiter": ";", "fields": {"v": "v"}})",
      IngestSource::Format::kCsv);
  REQUIRE(csv.has_value());
  CHECK(csv->csv.delimiter == ';');
  CHECK(csv->csv.fields.size() == 1);

  Result<IngestSource> named = MappingFromJsonText(
      R"({"name": "x", "measurement": "m", "fields": {"v": "/v"}})",
      IngestSource::Format::kJson);
  REQUIRE_FALSE(named.has_value());
  CHECK_THAT(named.error().message(), Catch::Contains("name: unknown key"));
  Result<IngestSource> bad = MappingFromJsonText(R"({"fields": {"v": 1}})",
                                                 IngestSource::Format::kJson);
  REQUIRE_FALSE(bad.has_value());
  CHECK_THAT(bad.error().message(), Catch::Contains("fields.v: expected a "
                                                    "source"));
  CHECK_FALSE(MappingFromJsonText("{", IngestSource::Format::kJson));
}
