// The per-message decoding of the MQTT connector (plain values, line
// protocol with topic tags) and the dead-letter store.
#include "connectors/mqtt_decode.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "connectors/decoders/plain_value.h"
#include "connectors/mqtt_dead_letters.h"

using namespace citynexus;
using namespace citynexus::connectors;

namespace {

MqttSubscription ValueSubscription() {
  MqttSubscription s;
  s.topic = "sensors/+/temperature";
  s.format = MqttFormat::kValue;
  s.measurement = "air";
  s.field = "temperature";
  s.tags_from_topic = {{"sensor", 1}};
  return s;
}

}  // namespace

TEST_CASE("plain values keep their type: float, integer, boolean",
          "[connectors][mqtt][decode]") {
  PlainValueOptions options;
  options.measurement = "m";
  options.field = "f";
  options.timestamp_ns = 42;
  DecodedBatch batch;

  REQUIRE(DecodePlainValue("21.5", options, &batch).ok());
  REQUIRE(batch.lines.size() == 1);
  REQUIRE(batch.fields.size() == 1);
  CHECK(batch.fields[0].value.kind == FieldValue::Kind::kFloat);
  CHECK(batch.fields[0].value.float_value() == 21.5);
  CHECK(batch.lines[0].timestamp_ns == 42);
  CHECK(batch.lines[0].measurement == "m");

  REQUIRE(DecodePlainValue("14\n", options, &batch).ok());
  CHECK(batch.fields[0].value.kind == FieldValue::Kind::kInt);
  CHECK(batch.fields[0].value.int_value() == 14);

  REQUIRE(DecodePlainValue(" -9223372036854775808 ", options, &batch).ok());
  CHECK(batch.fields[0].value.int_value() == INT64_MIN);

  REQUIRE(DecodePlainValue("true", options, &batch).ok());
  CHECK(batch.fields[0].value.kind == FieldValue::Kind::kBool);
  CHECK(batch.fields[0].value.bool_value());

  REQUIRE(DecodePlainValue("-1.5e3", options, &batch).ok());
  CHECK(batch.fields[0].value.float_value() == -1500.0);
}

TEST_CASE("plain value payloads that are not one number are rejected",
          "[connectors][mqtt][decode]") {
  PlainValueOptions options;
  options.measurement = "m";
  options.field = "f";
  DecodedBatch batch;
  for (const char* bad : {"", "  ", "abc", "21.5x", "nan", "inf", "0x10", "1 2",
                          "TRUE", "9223372036854775808", "-", "1e999"}) {
    INFO("payload " << bad);
    Status s = DecodePlainValue(bad, options, &batch);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(batch.lines.empty());
  }
  CHECK(DecodePlainValue("abc", options, &batch).message().find("\"abc\"") !=
        std::string::npos);
}

TEST_CASE("a value message gets its tags from the topic",
          "[connectors][mqtt][decode]") {
  const MqttSubscription sub = ValueSubscription();
  DecodedBatch batch;
  const std::string topic = "sensors/T7/temperature";
  REQUIRE(DecodeMqttMessage(sub, topic, "19.25", 1000, &batch).ok());
  REQUIRE(batch.lines.size() == 1);
  const auto tags = batch.TagsOf(batch.lines[0]);
  REQUIRE(tags.size() == 1);
  CHECK(tags[0].key == "sensor");
  CHECK(tags[0].value == "T7");
  CHECK(batch.lines[0].timestamp_ns == 1000);
  CHECK(batch.FieldsOf(batch.lines[0])[0].key == "temperature");
}

TEST_CASE("line protocol messages merge topic tags, payload tags win",
          "[connectors][mqtt][decode]") {
  MqttSubscription sub;
  sub.topic = "city/+/traffic";
  sub.format = MqttFormat::kLineProtocol;
  sub.precision = Precision::kSecond;
  sub.tags_from_topic = {{"district", 1}, {"zone", 0}};
  const std::string topic = "city/Mitte/traffic";
  const std::string payload =
      "traffic,sensor=K12 vehicles=14i 1704067200\n"
      "traffic,zone=north,sensor=K13 vehicles=3i\n"
      "traffic vehicles=bad\n";
  DecodedBatch batch;
  REQUIRE(DecodeMqttMessage(sub, topic, payload, 5'000'000'000, &batch).ok());
  REQUIRE(batch.lines.size() == 2);
  REQUIRE(batch.errors.size() == 1);
  CHECK(batch.errors[0].line == 3);

  auto t0 = batch.TagsOf(batch.lines[0]);
  REQUIRE(t0.size() == 3);
  CHECK(t0[0].key == "district");
  CHECK(t0[0].value == "Mitte");
  CHECK(t0[1].key == "sensor");
  CHECK(t0[2].key == "zone");
  CHECK(t0[2].value == "city");
  CHECK(batch.lines[0].timestamp_ns == 1704067200'000'000'000);

  auto t1 = batch.TagsOf(batch.lines[1]);
  REQUIRE(t1.size() == 3);
  CHECK(t1[2].key == "zone");
  CHECK(t1[2].value == "north");  // the payload's tag wins
  CHECK(batch.lines[1].timestamp_ns == 5'000'000'000);  // arrival time
}

TEST_CASE("messages the subscription cannot decode are errors",
          "[connectors][mqtt][decode]") {
  DecodedBatch batch;
  const MqttSubscription sub = ValueSubscription();
  CHECK(DecodeMqttMessage(sub, "sensors", "1", 0, &batch).code() ==
        StatusCode::kInvalidArgument);  // topic too short for the tag
  CHECK(DecodeMqttMessage(sub, "sensors/T1/temperature", "warm", 0, &batch)
            .code() == StatusCode::kInvalidArgument);

  MqttSubscription lp;
  lp.topic = "x";
  CHECK(DecodeMqttMessage(lp, "x", "\n\n", 0, &batch).code() ==
        StatusCode::kInvalidArgument);  // no lines at all

  MqttSubscription json;
  json.topic = "x";
  json.format = MqttFormat::kJson;
  json.measurement = "m";
  // A rule without fields cannot be used: refused as a whole.
  CHECK(DecodeMqttMessage(json, "x", "{}", 0, &batch).code() ==
        StatusCode::kInvalidArgument);
  json.json.fields = {{"v", "/v", MappedType::kFloat}};
  CHECK(DecodeMqttMessage(json, "x", "[]", 0, &batch).code() ==
        StatusCode::kInvalidArgument);  // no records at all
}

TEST_CASE("a mapped JSON message keeps its good records and gets topic tags",
          "[connectors][mqtt][decode]") {
  MqttSubscription sub;
  sub.topic = "city/+/parking";
  sub.format = MqttFormat::kJson;
  sub.measurement = "parking";
  sub.json.records = "/lots";
  sub.json.time = "/ts";
  sub.json.time_format = TimeFormat::kEpochSeconds;
  sub.json.fields = {{"free", "/free", MappedType::kInt}};
  sub.json.tags = {{"lot", "/id"}};
  sub.tags_from_topic = {{"district", 1}};
  const std::string topic = "city/mitte/parking";
  const std::string payload =
      R"({"lots":[{"id":"P1","free":12,"ts":1700000000},)"
      R"({"id":"P2","free":"many","ts":1700000000},)"
      R"({"id":"P3","free":4,"ts":1700000060}]})";
  DecodedBatch batch;
  REQUIRE(
      DecodeMqttMessage(sub, topic, payload, 1800000000000000000, &batch).ok());
  REQUIRE(batch.lines.size() == 2);
  REQUIRE(batch.errors.size() == 1);
  CHECK(batch.errors[0].line == 1);  // the record index
  CHECK(batch.errors[0].ToString().find("free") != std::string::npos);

  const DecodedLine& p1 = batch.lines[0];
  CHECK(p1.measurement == "parking");
  CHECK(p1.timestamp_ns == 1700000000000000000);
  auto tags = batch.TagsOf(p1);
  REQUIRE(tags.size() == 2);  // district from the topic, sorted in
  CHECK(tags[0].key == "district");
  CHECK(tags[0].value == "mitte");
  CHECK(tags[1].key == "lot");
  CHECK(tags[1].value == "P1");
  REQUIRE(batch.FieldsOf(p1).size() == 1);
  CHECK(batch.FieldsOf(p1)[0].value.int_value() == 12);

  const DecodedLine& p3 = batch.lines[1];
  CHECK(p3.timestamp_ns == 1700000060000000000);
  CHECK(p3.line_number == 2);

  // Without a time pointer, records get the arrival time.
  MqttSubscription untimed = sub;
  untimed.json.time.clear();
  REQUIRE(
      DecodeMqttMessage(untimed, topic, payload, 1800000000000000000, &batch)
          .ok());
  REQUIRE_FALSE(batch.lines.empty());
  CHECK(batch.lines[0].timestamp_ns == 1800000000000000000);

  // The rule's own measurement wins over the subscription's.
  sub.json.measurement = "lots";
  REQUIRE(DecodeMqttMessage(sub, topic, payload, 0, &batch).ok());
  REQUIRE_FALSE(batch.lines.empty());
  CHECK(batch.lines[0].measurement == "lots");

  // A payload that is not JSON is one error for the message, no lines.
  REQUIRE(DecodeMqttMessage(sub, topic, "{oops", 0, &batch).ok());
  CHECK(batch.lines.empty());
  CHECK(batch.errors.size() == 1);
}

TEST_CASE("a SenML message is decoded with topic tags and the arrival time",
          "[connectors][mqtt][decode]") {
  MqttSubscription sub;
  sub.topic = "senml/+";
  sub.format = MqttFormat::kSenml;
  sub.measurement = "env";
  sub.tags_from_topic = {{"site", 1}};
  const std::string topic = "senml/north";
  const std::string payload =
      R"([{"bn":"dev1:","n":"temp","u":"Cel","v":21.5},)"
      R"({"n":"hum","u":"%RH","v":40,"t":-10}])";
  DecodedBatch batch;
  REQUIRE(DecodeMqttMessage(sub, topic, payload, 100'000'000'000, &batch).ok());
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 2);
  CHECK(batch.lines[0].measurement == "env");
  CHECK(batch.lines[0].timestamp_ns == 100'000'000'000);
  CHECK(batch.lines[1].timestamp_ns == 90'000'000'000);  // t relative to now
  bool has_site = false;
  for (const DecodedTag& tag : batch.TagsOf(batch.lines[1])) {
    if (tag.key == "site") has_site = tag.value == "north";
  }
  CHECK(has_site);
}

TEST_CASE("the dead-letter store keeps the newest letters, truncated",
          "[connectors][mqtt][deadletters]") {
  DeadLetterStore store(3);
  const std::string big(3000, 'x');
  for (int i = 0; i < 5; ++i) {
    store.Add(i, "t/" + std::to_string(i), "t/+", "bad " + std::to_string(i),
              i == 4 ? big : std::string("p"));
  }
  const auto letters = store.Snapshot();
  REQUIRE(letters.size() == 3);
  CHECK(letters[0].topic == "t/2");
  CHECK(letters[2].topic == "t/4");
  CHECK(letters[2].payload.size() == kDeadLetterPayloadBytes);
  CHECK(letters[2].payload_bytes == 3000);
  CHECK(store.total() == 5);

  auto json = nlohmann::json::parse(DeadLettersJson(letters, 3, store.total()));
  CHECK(json["total"] == 5);
  REQUIRE(json["dead_letters"].size() == 3);
  CHECK(json["dead_letters"][0]["topic"] == "t/4");  // newest first
  CHECK(json["dead_letters"][0]["truncated"] == true);
  CHECK(json["dead_letters"][0]["payload_bytes"] == 3000);
  CHECK(json["dead_letters"][2]["error"] == "bad 2");
}

TEST_CASE("dead letters with invalid UTF-8 payloads still render as JSON",
          "[connectors][mqtt][deadletters]") {
  DeadLetterStore store(10);
  store.Add(0, "t", "t", "binary", std::string("\xff\xfe\x00\x01", 4));
  const std::string body = DeadLettersJson(store.Snapshot(), 10, 1);
  auto json = nlohmann::json::parse(body);
  CHECK(json["dead_letters"][0]["payload_bytes"] == 4);
  CHECK(json["dead_letters"][0]["time"] == "1970-01-01T00:00:00.000000000Z");
}
