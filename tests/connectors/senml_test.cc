// Unit tests of connectors/decoders/senml.{h,cc}: the RFC 8428 section 5
// examples resolved, base-field persistence, relative times, must-understand
// labels, names, value kinds and error reporting.
#include "connectors/decoders/senml.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "connectors/decoded_util.h"

namespace citynexus::connectors {
namespace {

using testing::Errors;
using testing::Field;
using testing::Tag;

constexpr int64_t kNow = 1'700'000'000'000'000'000;  // 2023-11-14T22:13:20Z
constexpr int64_t kSecond = 1'000'000'000;

DecodedBatch Decode(std::string_view body, SenmlOptions options = {}) {
  options.now_ns = kNow;
  DecodedBatch batch;
  DecodeSenml(body, options, &batch);
  return batch;
}

double FloatValue(const DecodedBatch& batch, size_t line,
                  std::string_view key = "value") {
  const FieldValue* v = Field(batch, line, key);
  REQUIRE(v != nullptr);
  REQUIRE(v->kind == FieldValue::Kind::kFloat);
  return v->float_value();
}

std::string Unit(const DecodedBatch& batch, size_t line) {
  engine::SeriesMeta meta;
  batch.ApplySeriesMeta(static_cast<uint32_t>(line), "value", &meta);
  return meta.unit;
}

TEST_CASE("senml resolves the RFC 8428 single datapoint example",
          "[connectors][senml]") {
  // RFC 8428 section 5.1.1.
  auto batch =
      Decode(R"([{"n":"urn:dev:ow:10e2073a01080063","u":"Cel","v":23.1}])");
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 1);
  CHECK(batch.lines[0].measurement == "senml");
  CHECK(Tag(batch, 0, "name") == "urn:dev:ow:10e2073a01080063");
  CHECK(FloatValue(batch, 0) == 23.1);
  CHECK(Unit(batch, 0) == "Cel");
  // No time at all: 0 is below 2^28, so "now".
  CHECK(batch.lines[0].timestamp_ns == kNow);
  CHECK(batch.lines[0].line_number == 0);
  CHECK(batch.line_unit == DecodeUnit::kRecord);
}

TEST_CASE("senml resolves the RFC 8428 multiple datapoints example",
          "[connectors][senml]") {
  // RFC 8428 section 5.1.2.
  auto batch = Decode(R"([
    {"bn":"urn:dev:ow:10e2073a01080063:","n":"voltage","u":"V","v":120.1},
    {"n":"current","u":"A","v":1.2}])");
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 2);
  CHECK(Tag(batch, 0, "name") == "urn:dev:ow:10e2073a01080063:voltage");
  CHECK(Tag(batch, 1, "name") == "urn:dev:ow:10e2073a01080063:current");
  CHECK(FloatValue(batch, 0) == 120.1);
  CHECK(FloatValue(batch, 1) == 1.2);
  CHECK(Unit(batch, 0) == "V");
  CHECK(Unit(batch, 1) == "A");
}

TEST_CASE("senml resolves the RFC 8428 multiple measurements example",
          "[connectors][senml]") {
  // RFC 8428 section 5.1.3: base time, base unit, relative offsets, bver 5.
  auto batch = Decode(R"([
    {"bn":"urn:dev:ow:10e2073a0108006:","bt":1.276020076001e+09,
     "bu":"A","bver":5,"n":"voltage","u":"V","v":120.1},
    {"n":"current","t":-5,"v":1.2},
    {"n":"current","t":-4,"v":1.3},
    {"n":"current","t":-3,"v":1.4},
    {"n":"current","t":-2,"v":1.5},
    {"n":"current","t":-1,"v":1.6},
    {"n":"current","v":1.7}])");
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 7);
  // 1276020076.001 s; a double holds it to ~0.24 us.
  const int64_t bt = batch.lines[0].timestamp_ns;
  CHECK(std::llabs(bt - 1'276'020'076'001'000'000) <= 1000);
  CHECK(Tag(batch, 0, "name") == "urn:dev:ow:10e2073a0108006:voltage");
  CHECK(Unit(batch, 0) == "V");
  const double expected[] = {1.2, 1.3, 1.4, 1.5, 1.6, 1.7};
  for (size_t i = 1; i < 7; ++i) {
    CHECK(Tag(batch, i, "name") == "urn:dev:ow:10e2073a0108006:current");
    CHECK(Unit(batch, i) == "A");  // bu
    CHECK(FloatValue(batch, i) == expected[i - 1]);
    // Offsets are exact: each part is converted to ns on its own.
    CHECK(batch.lines[i].timestamp_ns ==
          bt - static_cast<int64_t>(6 - i) * kSecond);
  }
}

TEST_CASE("senml resolves the RFC 8428 multiple data types example",
          "[connectors][senml]") {
  // RFC 8428 section 5.1.5: float, string, boolean and data values.
  auto batch = Decode(R"([
    {"bn":"urn:dev:ow:10e2073a01080063:","n":"temp","u":"Cel","v":23.1},
    {"n":"label","vs":"Machine Room"},
    {"n":"open","vb":false},
    {"n":"nfc-reader","vd":"aGkgCg"}])");
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 4);
  CHECK(FloatValue(batch, 0) == 23.1);
  const FieldValue* label = Field(batch, 1, "value");
  REQUIRE(label != nullptr);
  CHECK(label->kind == FieldValue::Kind::kString);
  CHECK(label->string_value() == "Machine Room");
  const FieldValue* open = Field(batch, 2, "value");
  REQUIRE(open != nullptr);
  CHECK(open->kind == FieldValue::Kind::kBool);
  CHECK_FALSE(open->bool_value());
  const FieldValue* data = Field(batch, 3, "value");
  REQUIRE(data != nullptr);
  CHECK(data->kind == FieldValue::Kind::kString);
  CHECK(data->string_value() == "aGkgCg");
  CHECK(Tag(batch, 3, "name") == "urn:dev:ow:10e2073a01080063:nfc-reader");
  CHECK(Unit(batch, 1).empty());  // unit does not persist without bu
}

TEST_CASE("senml keeps units apart as a tag when asked (RFC 8428 5.1.4)",
          "[connectors][senml]") {
  // One name, several units (humidity and a position), as in the RFC's
  // "multiple measurements" example with lat/lon.
  constexpr std::string_view kBody = R"([
    {"bn":"urn:dev:ow:10e2073a01080063","bt":1.320067464e+09,"bu":"%RH",
     "v":20},
    {"u":"lon","v":24.30621},
    {"u":"lat","v":60.07965},
    {"t":60,"v":20.3},
    {"u":"lon","t":60,"v":24.30622}])";
  SenmlOptions options;
  options.unit_tag = true;
  auto batch = Decode(kBody, options);
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 5);
  CHECK(Tag(batch, 0, "unit") == "%RH");
  CHECK(Tag(batch, 1, "unit") == "lon");
  CHECK(Tag(batch, 2, "unit") == "lat");
  CHECK(Tag(batch, 3, "unit") == "%RH");
  CHECK(batch.lines[0].timestamp_ns == 1'320'067'464 * kSecond);
  CHECK(batch.lines[4].timestamp_ns == 1'320'067'524 * kSecond);
  CHECK(FloatValue(batch, 4) == 24.30622);
  // Without the option the unit is metadata only.
  auto plain = Decode(kBody);
  CHECK(Tag(plain, 1, "unit") == "<none>");
  CHECK(Unit(plain, 1) == "lon");
}

TEST_CASE("senml base fields persist field by field to later records",
          "[connectors][senml]") {
  auto batch = Decode(R"([
    {"bn":"dev1/","bu":"W","bv":100,"bt":1700000000,"n":"p","v":1},
    {"bt":1700000100,"n":"p","v":2},
    {"bu":"kW","n":"q","v":3,"u":"MW"},
    {"n":"q","v":4},
    {"bn":"dev2/","n":"q","v":5},
    {"bv":0,"n":"r","vs":"text"}])");
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 6);
  CHECK(Tag(batch, 0, "name") == "dev1/p");
  CHECK(FloatValue(batch, 0) == 101);  // bv added
  CHECK(Unit(batch, 0) == "W");
  CHECK(batch.lines[0].timestamp_ns == 1'700'000'000 * kSecond);
  // bt changed; bn, bu, bv persist.
  CHECK(Tag(batch, 1, "name") == "dev1/p");
  CHECK(FloatValue(batch, 1) == 102);
  CHECK(batch.lines[1].timestamp_ns == 1'700'000'100 * kSecond);
  // u wins over bu; bu changes for later records.
  CHECK(Unit(batch, 2) == "MW");
  CHECK(Unit(batch, 3) == "kW");
  CHECK(FloatValue(batch, 3) == 104);
  CHECK(batch.lines[3].timestamp_ns == 1'700'000'100 * kSecond);
  CHECK(Tag(batch, 4, "name") == "dev2/q");
  CHECK(FloatValue(batch, 4) == 105);
  // bv never applies to string values.
  CHECK(Field(batch, 5, "value")->string_value() == "text");
}

TEST_CASE("senml adds base sum to sums and accepts sum-only records",
          "[connectors][senml]") {
  auto batch = Decode(R"([
    {"bn":"meter1:","bs":1000,"bt":1700000000,"n":"energy","u":"Wh","s":5},
    {"n":"energy","s":7,"v":2,"t":10}])");
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 2);
  CHECK(Field(batch, 0, "value") == nullptr);
  CHECK(FloatValue(batch, 0, "sum") == 1005);
  CHECK(FloatValue(batch, 1, "sum") == 1007);
  CHECK(FloatValue(batch, 1, "value") == 2);
  CHECK(batch.lines[1].timestamp_ns == 1'700'000'010 * kSecond);
}

TEST_CASE("senml times below 2^28 are relative to now", "[connectors][senml]") {
  auto batch = Decode(R"([
    {"n":"a","v":1,"t":-60},
    {"n":"a","v":2,"t":0.5},
    {"bt":-120,"n":"a","v":3,"t":30},
    {"bt":268435455,"n":"a","v":4},
    {"bt":268435456,"n":"a","v":5},
    {"bt":0,"n":"a","v":6,"t":1700000000.25}])");
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 6);
  CHECK(batch.lines[0].timestamp_ns == kNow - 60 * kSecond);
  CHECK(batch.lines[1].timestamp_ns == kNow + kSecond / 2);
  CHECK(batch.lines[2].timestamp_ns == kNow - 90 * kSecond);
  CHECK(batch.lines[3].timestamp_ns == kNow + 268'435'455 * kSecond);
  // 2^28 itself is absolute: 1978-07-04T21:24:16Z.
  CHECK(batch.lines[4].timestamp_ns == 268'435'456 * kSecond);
  CHECK(batch.lines[5].timestamp_ns == 1'700'000'000 * kSecond + kSecond / 4);
}

TEST_CASE("senml rejects must-understand labels ending in underscore",
          "[connectors][senml]") {
  auto batch = Decode(R"([
    {"n":"a","v":1},
    {"n":"b","v":2,"rate_":5},
    {"n":"c","v":3}])");
  REQUIRE(batch.lines.size() == 2);
  CHECK(Tag(batch, 0, "name") == "a");
  CHECK(Tag(batch, 1, "name") == "c");
  REQUIRE(batch.errors.size() == 1);
  CHECK(batch.errors[0].ToString() ==
        "record 1: \"rate_\": must-understand label is not supported");
  CHECK(batch.errors[0].unit == DecodeUnit::kRecord);
  CHECK(batch.errors[0].line == 1);

  // A must-understand *base* label changes every later record.
  auto base = Decode(R"([
    {"n":"a","v":1},
    {"bscale_":10,"n":"b","v":2},
    {"n":"c","v":3}])");
  REQUIRE(base.lines.size() == 1);
  REQUIRE(base.errors.size() == 2);
  CHECK(base.errors[1].line == 2);
  CHECK(base.errors[1].ToString().find("record 1") != std::string::npos);
}

TEST_CASE("senml validates resolved names per RFC 8428",
          "[connectors][senml]") {
  auto batch = Decode(R"([
    {"n":"-dash-first","v":1},
    {"n":"has space","v":2},
    {"v":3},
    {"bn":"_x","v":4},
    {"bn":"","n":"ok-name:1.2/x_y","v":5},
    {"n":"caf\u00e9","v":6}])");
  REQUIRE(batch.lines.size() == 1);
  CHECK(Tag(batch, 0, "name") == "ok-name:1.2/x_y");
  CHECK(batch.lines[0].line_number == 4);
  REQUIRE(batch.errors.size() == 5);
  CHECK(batch.errors[0].ToString() ==
        "record 0: \"n\": resolved name \"-dash-first\" must start with a "
        "letter or digit");
  CHECK(batch.errors[1].ToString() ==
        "record 1: \"n\": resolved name \"has space\" contains \" \" "
        "(allowed: letters, digits, - : . / _)");
  CHECK(batch.errors[2].ToString() ==
        "record 2: \"bn\": resolved name (bn + n) is empty");
  CHECK(batch.errors[3].name == "bn");
  CHECK(batch.errors[4].line == 5);
}

TEST_CASE("senml rejects records without value or sum, or with two values",
          "[connectors][senml]") {
  auto batch = Decode(R"([
    {"bn":"d:","bv":5,"n":"x"},
    {"n":"y","v":1,"vs":"one"},
    {"n":"z","v":1,"ut":10}])");
  REQUIRE(batch.lines.size() == 1);
  CHECK(Tag(batch, 0, "name") == "d:z");  // bn of rejected record 0 applies
  CHECK(FloatValue(batch, 0) == 6);
  REQUIRE(batch.errors.size() == 2);
  CHECK(batch.errors[0].ToString() ==
        "record 0: record has neither a value (v, vs, vb, vd) nor a sum (s)");
  CHECK(batch.errors[1].ToString() ==
        "record 1: more than one value field (v, vs, vb, vd)");
}

TEST_CASE("senml rejects unsupported versions and wrong field types",
          "[connectors][senml]") {
  auto batch = Decode(R"([
    {"n":"a","v":"12"},
    {"n":"b","vb":1},
    {"n":7,"v":1},
    {"n":"c","v":1,"t":"now"},
    {"bver":10,"n":"d","v":1},
    {"bver":11,"n":"e","v":1},
    {"n":"f","v":1}])");
  REQUIRE(batch.lines.size() == 1);
  CHECK(Tag(batch, 0, "name") == "d");
  REQUIRE(batch.errors.size() == 6);
  CHECK(batch.errors[0].ToString() ==
        "record 0: \"v\": expected a number, got \"12\"");
  CHECK(batch.errors[1].ToString() ==
        "record 1: \"vb\": expected a boolean, got 1");
  CHECK(batch.errors[2].ToString() ==
        "record 2: \"n\": expected a string, got 7");
  CHECK(batch.errors[3].name == "t");
  CHECK(batch.errors[4].ToString() ==
        "record 5: \"bver\": SenML version 11 is not supported (highest: 10)");
  // The unsupported version taints the records after it.
  CHECK(batch.errors[5].ToString() ==
        "record 6: \"bver\": base field is invalid since record 5");
}

TEST_CASE("senml does not resolve names against a malformed base name",
          "[connectors][senml]") {
  auto batch = Decode(R"([
    {"bn":"good:","n":"a","v":1},
    {"bn":17,"n":"b","v":2},
    {"n":"c","v":3},
    {"bn":"fixed:","n":"d","v":4}])");
  REQUIRE(batch.lines.size() == 2);
  CHECK(Tag(batch, 0, "name") == "good:a");
  CHECK(Tag(batch, 1, "name") == "fixed:d");
  REQUIRE(batch.errors.size() == 2);
  CHECK(batch.errors[0].ToString() ==
        "record 1: \"bn\": expected a string, got 17");
  CHECK(batch.errors[1].ToString() ==
        "record 2: \"bn\": base field is invalid since record 1");
}

TEST_CASE("senml reports bodies that are not a JSON array",
          "[connectors][senml]") {
  auto bad_json = Decode(R"([{"n":"a","v":1})");
  REQUIRE(bad_json.errors.size() == 1);
  CHECK(bad_json.errors[0].unit == DecodeUnit::kMessage);
  CHECK(bad_json.errors[0].ToString().rfind("message: not valid JSON", 0) == 0);
  auto object = Decode(R"({"n":"a","v":1})");
  REQUIRE(object.errors.size() == 1);
  CHECK(object.errors[0].ToString() ==
        "message: a SenML pack must be a JSON array, got an object");
  auto not_record = Decode(R"([{"n":"a","v":1}, 5])");
  CHECK(not_record.lines.size() == 1);
  REQUIRE(not_record.errors.size() == 1);
  CHECK(not_record.errors[0].ToString() ==
        "record 1: expected a record (JSON object), got 5");
  // RFC 8428 section 4: a pack holds at least one record.
  auto empty = Decode("[]");
  CHECK(empty.lines.empty());
  CHECK(empty.errors.size() == 1);
}

TEST_CASE("senml uses the configured measurement", "[connectors][senml]") {
  SenmlOptions options;
  options.measurement = "environment";
  auto batch = Decode(R"([{"n":"t1","v":1}])", options);
  REQUIRE(batch.lines.size() == 1);
  CHECK(batch.lines[0].measurement == "environment");
}

}  // namespace
}  // namespace citynexus::connectors
