// Unit tests of connectors/decoders/json_mapping.{h,cc}: typical open-data
// shapes (array of records, nested objects, GeoJSON features, one object),
// time formats, declared types, bad records and bad rules.
#include "connectors/decoders/json_mapping.h"

#include <catch2/catch.hpp>
#include <string>

#include "connectors/decoded_util.h"

namespace citynexus::connectors {
namespace {

using testing::Errors;
using testing::Field;
using testing::Tag;

constexpr int64_t kNow = 1'700'000'000'000'000'000;
constexpr int64_t kSecond = 1'000'000'000;

DecodedBatch Decode(std::string_view body, const JsonMappingRule& rule) {
  DecodedBatch batch;
  Status status = DecodeMappedJson(body, rule, kNow, &batch);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return batch;
}

TEST_CASE("json mapping decodes an open-data array of nested records",
          "[connectors][json_mapping]") {
  JsonMappingRule rule;
  rule.records = "/sensors";
  rule.time = "/ts";
  rule.time_format = TimeFormat::kEpochMillis;
  rule.measurement = "traffic";
  rule.fields = {{"vehicles", "/counts/vehicles", MappedType::kInt},
                 {"bikes", "/counts/bikes", MappedType::kInt},
                 {"speed", "/speed_kmh", MappedType::kFloat},
                 {"congested", "/congested", MappedType::kBool},
                 {"state", "/state", MappedType::kString}};
  rule.tags = {{"sensor", "/id"}, {"district", "/location/district"}};
  auto batch = Decode(R"({
    "updated": "2024-05-01T12:00:00Z",
    "sensors": [
      {"id": "K12", "location": {"district": "Mitte"}, "ts": 1714564800000,
       "counts": {"vehicles": 14, "bikes": "3"}, "speed_kmh": 43,
       "congested": false, "state": "ok"},
      {"id": 7, "location": {"district": "Nord"}, "ts": 1714564801500,
       "counts": {"vehicles": 2.0, "bikes": null}, "speed_kmh": "51.5",
       "congested": 1}
    ]})",
                      rule);
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 2);
  CHECK(batch.lines[0].measurement == "traffic");
  CHECK(batch.line_unit == DecodeUnit::kRecord);
  CHECK(batch.lines[0].timestamp_ns == 1'714'564'800 * kSecond);
  CHECK(batch.lines[1].timestamp_ns == 1'714'564'801'500'000'000);
  // Tags come out sorted by key.
  auto tags = batch.TagsOf(batch.lines[0]);
  REQUIRE(tags.size() == 2);
  CHECK(tags[0].key == "district");
  CHECK(tags[1].key == "sensor");
  CHECK(Tag(batch, 1, "sensor") == "7");  // numbers become tag text
  CHECK(Field(batch, 0, "vehicles")->int_value() == 14);
  CHECK(Field(batch, 0, "bikes")->kind == FieldValue::Kind::kInt);
  CHECK(Field(batch, 0, "bikes")->int_value() == 3);  // from text
  CHECK(Field(batch, 0, "speed")->kind == FieldValue::Kind::kFloat);
  CHECK(Field(batch, 0, "speed")->float_value() == 43);  // int -> float
  CHECK_FALSE(Field(batch, 0, "congested")->bool_value());
  CHECK(Field(batch, 0, "state")->string_value() == "ok");
  CHECK(Field(batch, 1, "vehicles")->int_value() == 2);
  CHECK(Field(batch, 1, "bikes") == nullptr);  // null: left out
  CHECK(Field(batch, 1, "state") == nullptr);  // absent: left out
  CHECK(Field(batch, 1, "speed")->float_value() == 51.5);
  CHECK(Field(batch, 1, "congested")->bool_value());
}

TEST_CASE("json mapping reads GeoJSON features and RFC 3339 times",
          "[connectors][json_mapping]") {
  JsonMappingRule rule;
  rule.records = "/features";
  rule.time = "/properties/observed";
  rule.measurement = "air";
  rule.fields = {{"no2", "/properties/NO2"}, {"pm10", "/properties/PM10"}};
  rule.tags = {{"station", "/properties/station~1code"}};
  auto batch = Decode(R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point",
     "coordinates": [13.4, 52.5]},
     "properties": {"station/code": "DEBE010", "NO2": 31.5, "PM10": 18,
                    "observed": "2024-05-01T14:00:00+02:00"}},
    {"type": "Feature", "properties": {"station/code": "DEBE034",
     "NO2": 12, "observed": "2024-05-01T12:00:00.25Z"}}]})",
                      rule);
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 2);
  CHECK(Tag(batch, 0, "station") == "DEBE010");
  CHECK(batch.lines[0].timestamp_ns == 1'714'564'800 * kSecond);
  CHECK(batch.lines[1].timestamp_ns == 1'714'564'800 * kSecond + kSecond / 4);
  CHECK(Field(batch, 1, "pm10") == nullptr);
  CHECK(Field(batch, 1, "no2")->float_value() == 12);
}

TEST_CASE("json mapping treats a root object as one record without time",
          "[connectors][json_mapping]") {
  JsonMappingRule rule;
  rule.measurement = "water";
  rule.fields = {{"level_cm", "/level"}};
  rule.tags = {{"gauge", "/gauge"}};
  auto batch = Decode(R"({"gauge": "Pegel-3", "level": 153.5})", rule);
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 1);
  CHECK(batch.lines[0].timestamp_ns == kNow);
  CHECK(Field(batch, 0, "level_cm")->float_value() == 153.5);

  // A root array of plain values: each element is a record, "" the value.
  JsonMappingRule values;
  values.measurement = "metric";
  values.fields = {{"v", ""}};
  auto array = Decode("[1, 2.5, null, 4]", values);
  REQUIRE(array.lines.size() == 3);
  CHECK(array.lines[2].line_number == 3);
  REQUIRE(array.errors.size() == 1);
  CHECK(array.errors[0].ToString() ==
        "record 2: none of the mapped fields is present");
}

TEST_CASE("json mapping epoch formats accept numbers and numeric text",
          "[connectors][json_mapping]") {
  JsonMappingRule rule;
  rule.time = "/t";
  rule.measurement = "metric";
  rule.fields = {{"v", "/v"}};
  rule.time_format = TimeFormat::kEpochSeconds;
  auto seconds = Decode(
      R"([{"t": 1714564800, "v": 1}, {"t": 1714564800.5, "v": 1},
          {"t": "1714564801", "v": 1}])",
      rule);
  REQUIRE(seconds.lines.size() == 3);
  CHECK(seconds.lines[0].timestamp_ns == 1'714'564'800 * kSecond);
  CHECK(seconds.lines[1].timestamp_ns == 1'714'564'800'500'000'000);
  CHECK(seconds.lines[2].timestamp_ns == 1'714'564'801 * kSecond);
  rule.time_format = TimeFormat::kEpochNanos;
  auto nanos = Decode(R"([{"t": 1714564800123456789, "v": 1}])", rule);
  REQUIRE(nanos.lines.size() == 1);
  CHECK(nanos.lines[0].timestamp_ns == 1'714'564'800'123'456'789);
}

TEST_CASE("json mapping rejects bad records and keeps the good ones",
          "[connectors][json_mapping]") {
  JsonMappingRule rule;
  rule.records = "/data";
  rule.time = "/time";
  rule.measurement = "parking";
  rule.fields = {{"free", "/free", MappedType::kInt}};
  rule.tags = {{"lot", "/lot"}};
  auto batch = Decode(R"({"data": [
    {"lot": "P1", "time": "2024-05-01T12:00:00Z", "free": 12},
    {"lot": "P2", "time": "2024-05-01T12:00:00Z", "free": "many"},
    {"lot": "P3", "free": 3},
    {"time": "2024-05-01T12:00:00Z", "free": 4},
    {"lot": "P5", "time": "12:00", "free": 5},
    {"lot": {"id": 6}, "time": "2024-05-01T12:00:00Z", "free": 6},
    {"lot": "P7", "time": "2024-05-01T12:00:00Z", "free": 7.5},
    {"lot": "", "time": "2024-05-01T12:00:00Z", "free": 8},
    {"lot": "P9", "time": "2024-05-01T12:00:00Z", "free": 9}]})",
                      rule);
  REQUIRE(batch.lines.size() == 2);
  CHECK(Tag(batch, 0, "lot") == "P1");
  CHECK(Tag(batch, 1, "lot") == "P9");
  CHECK(batch.lines[1].line_number == 8);
  REQUIRE(batch.errors.size() == 7);
  CHECK(batch.errors[0].ToString() ==
        "record 1: field \"free\": /free: \"many\" is not an integer");
  CHECK(batch.errors[1].ToString() == "record 2: timestamp: /time: missing");
  CHECK(batch.errors[2].ToString() == "record 3: tag \"lot\": /lot: missing");
  CHECK(batch.errors[3].ToString() ==
        "record 4: timestamp: /time: \"12:00\" is not an RFC 3339 time "
        "(expected YYYY-MM-DD)");
  CHECK(batch.errors[4].ToString() ==
        "record 5: tag \"lot\": /lot: an object cannot be a tag value "
        "(expected a string, number or boolean)");
  CHECK(batch.errors[5].ToString() ==
        "record 6: field \"free\": /free: 7.5 is not an integer");
  CHECK(batch.errors[6].ToString() == "record 7: tag \"lot\": /lot: empty");
  // Rejected records leave no tags or fields behind.
  CHECK(batch.tags.size() == 2);
  CHECK(batch.fields.size() == 2);
}

TEST_CASE("json mapping reports missing records and unparsable bodies",
          "[connectors][json_mapping]") {
  JsonMappingRule rule;
  rule.records = "/result/records";
  rule.measurement = "metric";
  rule.fields = {{"v", "/v"}};
  auto missing = Decode(R"({"result": {}})", rule);
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0].ToString() ==
        "message: records /result/records: missing");
  auto scalar = Decode(R"({"result": {"records": 5}})", rule);
  REQUIRE(scalar.errors.size() == 1);
  CHECK(scalar.errors[0].ToString() ==
        "message: records /result/records: expected an array or object, "
        "got 5");
  auto broken = Decode(R"({"result": )", rule);
  REQUIRE(broken.errors.size() == 1);
  CHECK(broken.errors[0].unit == DecodeUnit::kMessage);
}

TEST_CASE("json mapping rejects unusable rules", "[connectors][json_mapping]") {
  JsonMappingRule rule;
  rule.fields = {{"v", "/v"}};
  CHECK(ValidateJsonMappingRule(rule).message() ==
        "mapping: measurement must not be empty");
  rule.measurement = "metric";
  CHECK(ValidateJsonMappingRule(rule).ok());
  rule.fields.push_back({"v", "/w"});
  CHECK(ValidateJsonMappingRule(rule).message() ==
        "mapping: field \"v\" is mapped twice");
  rule.fields = {{"v", "v"}};
  CHECK(ValidateJsonMappingRule(rule).code() == StatusCode::kInvalidArgument);
  rule.fields = {{"v", "/a~2"}};
  CHECK_FALSE(ValidateJsonMappingRule(rule).ok());
  rule.fields = {{"v", "/v"}};
  rule.tags = {{"", "/t"}};
  CHECK_FALSE(ValidateJsonMappingRule(rule).ok());
  DecodedBatch batch;
  CHECK_FALSE(DecodeMappedJson("[]", rule, 0, &batch).ok());
  rule.fields.clear();
  rule.tags.clear();
  CHECK(ValidateJsonMappingRule(rule).message() ==
        "mapping: at least one field is required");
}

TEST_CASE("json mapping batches outlive their rule",
          "[connectors][json_mapping]") {
  DecodedBatch batch;
  {
    JsonMappingRule rule;
    rule.measurement = std::string(40, 'm');
    rule.fields = {{std::string(40, 'f'), "/v"}};
    rule.tags = {{std::string(40, 't'), "/k"}};
    REQUIRE(DecodeMappedJson(R"({"v": 1, "k": "x"})", rule, 0, &batch).ok());
  }
  REQUIRE(batch.lines.size() == 1);
  CHECK(batch.lines[0].measurement == std::string(40, 'm'));
  CHECK(batch.fields[0].key == std::string(40, 'f'));
  CHECK(batch.tags[0].key == std::string(40, 't'));
}

}  // namespace
}  // namespace citynexus::connectors

namespace citynexus::connectors {
namespace {

// The shared time helpers of decode_util.h, exercised through the formats
// the mapping decoders accept.
TEST_CASE("rfc 3339 times parse with offsets, fractions and calendar checks",
          "[connectors][json_mapping][time]") {
  auto ns = [](std::string_view text) {
    auto r = ParseRfc3339(text);
    INFO(text << ": " << (r ? "" : r.error().message()));
    REQUIRE(r.has_value());
    return *r;
  };
  CHECK(ns("1970-01-01T00:00:00Z") == 0);
  CHECK(ns("2024-02-29T23:59:59.999999999Z") == 1'709'251'199'999'999'999);
  CHECK(ns("2024-05-01 14:00:00+02:00") == 1'714'564'800 * kSecond);
  CHECK(ns("2024-05-01t12:00:00z") == 1'714'564'800 * kSecond);
  CHECK(ns("2024-05-01T07:30:00-04:30") == 1'714'564'800 * kSecond);
  // Digits past nanoseconds are truncated.
  CHECK(ns("2024-05-01T12:00:00.1234567891Z") == 1'714'564'800'123'456'789);
  CHECK(ns("1969-12-31T23:59:59.5Z") == -kSecond / 2);
  CHECK(ns("1677-09-21T00:12:44Z") == -9'223'372'036 * kSecond);

  CHECK_FALSE(ParseRfc3339("2023-02-29T00:00:00Z").has_value());
  CHECK_FALSE(ParseRfc3339("2024-13-01T00:00:00Z").has_value());
  CHECK_FALSE(ParseRfc3339("2024-05-01T24:00:00Z").has_value());
  CHECK_FALSE(ParseRfc3339("2024-05-01T12:00:00").has_value());  // no zone
  CHECK_FALSE(ParseRfc3339("2024-05-01T12:00:00.Z").has_value());
  CHECK_FALSE(ParseRfc3339("2024-05-01T12:00Z").has_value());
  CHECK_FALSE(ParseRfc3339("2024-05-01T12:00:00Z ").has_value());
  CHECK_FALSE(ParseRfc3339("2300-01-01T00:00:00Z").has_value());  // > int64
  CHECK(ParseRfc3339("2024-05-01").error().message() ==
        "\"2024-05-01\" is not an RFC 3339 time (expected 'T' after the date)");
}

TEST_CASE("epoch times and typed text values convert exactly",
          "[connectors][json_mapping][time]") {
  CHECK(*ParseTimeText("1714564800", TimeFormat::kEpochSeconds) ==
        1'714'564'800 * kSecond);
  CHECK(*ParseTimeText("-1.5", TimeFormat::kEpochSeconds) ==
        -kSecond - kSecond / 2);
  CHECK(*ParseTimeText("1714564800123", TimeFormat::kEpochMillis) ==
        1'714'564'800'123'000'000);
  CHECK_FALSE(ParseTimeText("9300000000", TimeFormat::kEpochSeconds));
  CHECK_FALSE(ParseTimeText("12abc", TimeFormat::kEpochSeconds));
  CHECK_FALSE(ParseTimeText("nan", TimeFormat::kEpochSeconds));
  CHECK(*ParseTimeFormat("epoch_ms") == TimeFormat::kEpochMillis);
  CHECK_FALSE(ParseTimeFormat("iso8601"));

  CHECK(ParseTextValue("1e3", MappedType::kInt)->int_value() == 1000);
  CHECK(ParseTextValue("-7", MappedType::kInt)->int_value() == -7);
  CHECK_FALSE(ParseTextValue("7.5", MappedType::kInt));
  CHECK_FALSE(ParseTextValue("inf", MappedType::kFloat));
  CHECK_FALSE(ParseTextValue("0x10", MappedType::kFloat));
  CHECK(ParseTextValue("TRUE", MappedType::kBool)->bool_value());
  CHECK_FALSE(ParseTextValue("0", MappedType::kBool)->bool_value());
  CHECK_FALSE(ParseTextValue("yes", MappedType::kBool));
}

// DecodedBatch::ApplySeriesMeta, the rule the point writer applies.
TEST_CASE("series metadata: field entries win over line-wide ones",
          "[connectors][json_mapping][meta]") {
  DecodedBatch batch;
  batch.lines.resize(3);
  DecodedSeriesMeta line_wide;
  line_wide.line_index = 1;
  line_wide.unit = "W";
  line_wide.description = "meter";
  line_wide.latitude = 52.5;
  DecodedSeriesMeta energy;
  energy.line_index = 1;
  energy.field = "energy";
  energy.unit = "Wh";
  DecodedSeriesMeta other_line;
  other_line.line_index = 2;
  other_line.unit = "V";
  batch.series_meta = {line_wide, energy, other_line};

  engine::SeriesMeta power;
  CHECK(batch.ApplySeriesMeta(1, "power", &power));
  CHECK(power.unit == "W");
  CHECK(power.description == "meter");
  CHECK(*power.latitude == 52.5);
  CHECK_FALSE(power.longitude.has_value());
  engine::SeriesMeta meter;
  CHECK(batch.ApplySeriesMeta(1, "energy", &meter));
  CHECK(meter.unit == "Wh");
  CHECK(meter.description == "meter");
  // Slots already set are kept; nothing to do is reported as no change.
  engine::SeriesMeta preset;
  preset.unit = "kW";
  preset.description = "from config";
  preset.latitude = 1;
  CHECK_FALSE(batch.ApplySeriesMeta(1, "power", &preset));
  CHECK(preset.unit == "kW");
  engine::SeriesMeta none;
  CHECK_FALSE(batch.ApplySeriesMeta(0, "power", &none));
  CHECK(none.unit.empty());
}

}  // namespace
}  // namespace citynexus::connectors
