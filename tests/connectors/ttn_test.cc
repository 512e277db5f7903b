// Unit tests of connectors/decoders/ttn.{h,cc}: a realistic Things Stack v3
// uplink, nested decoded payloads, proto3 zero omission, several gateways,
// other message kinds and topic parsing.
#include "connectors/decoders/ttn.h"

#include <catch2/catch.hpp>
#include <string>

namespace citynexus::connectors {
namespace {

// An uplink as The Things Stack publishes it on
// v3/city-air@ttn/devices/eui-70b3d57ed0051a2b/up (abridged only in the ids
// lists; field names and shapes as the stack writes them).
constexpr std::string_view kUplink = R"({
  "end_device_ids": {
    "device_id": "eui-70b3d57ed0051a2b",
    "application_ids": {"application_id": "city-air"},
    "dev_eui": "70B3D57ED0051A2B",
    "join_eui": "0000000000000000",
    "dev_addr": "260B1234"
  },
  "correlation_ids": ["as:up:01HF3Z0D7Z2QK1", "rpc:/ttn.lorawan.v3.AppAs/SimulateUplink:1"],
  "received_at": "2024-05-01T12:00:03.123456789Z",
  "uplink_message": {
    "session_key_id": "AYvQ2q3FZ0nQk1==",
    "f_port": 2,
    "f_cnt": 1234,
    "frm_payload": "AQIDBA==",
    "decoded_payload": {
      "temperature": 21.5,
      "humidity": 48,
      "battery": {"voltage": 3.61, "low": false},
      "pm": [12.5, 7],
      "status": "ok",
      "spare": null
    },
    "rx_metadata": [
      {"gateway_ids": {"gateway_id": "gw-rathaus", "eui": "B827EBFFFE000001"},
       "time": "2024-05-01T12:00:02.998Z", "timestamp": 2213004523,
       "rssi": -97, "channel_rssi": -97, "snr": 7.25,
       "uplink_token": "ChsKGQoN", "channel_index": 2},
      {"gateway_ids": {"gateway_id": "gw-bahnhof", "eui": "B827EBFFFE000002"},
       "timestamp": 120430211, "rssi": -84, "channel_rssi": -84, "snr": 3.5,
       "uplink_token": "ChsKGQoO"},
      {"gateway_ids": {"gateway_id": "gw-hafen"},
       "rssi": -112, "channel_rssi": -112, "snr": 9.75}
    ],
    "settings": {
      "data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 7}},
      "frequency": "868300000", "timestamp": 2213004523
    },
    "received_at": "2024-05-01T12:00:03.100000000Z",
    "consumed_airtime": "0.061696s",
    "network_ids": {"net_id": "000013", "tenant_id": "ttn"}
  }
})";

DecodedBatch Decode(std::string_view body, TtnOptions options = {}) {
  DecodedBatch batch;
  DecodeTtnUplink(body, options, &batch);
  return batch;
}

const FieldValue* Field(const DecodedBatch& batch, std::string_view key) {
  for (const auto& field : batch.FieldsOf(batch.lines.at(0))) {
    if (field.key == key) return &field.value;
  }
  return nullptr;
}

double Float(const DecodedBatch& batch, std::string_view key) {
  const FieldValue* v = Field(batch, key);
  INFO("field " << key);
  REQUIRE(v != nullptr);
  REQUIRE(v->kind == FieldValue::Kind::kFloat);
  return v->float_value();
}

int64_t Int(const DecodedBatch& batch, std::string_view key) {
  const FieldValue* v = Field(batch, key);
  INFO("field " << key);
  REQUIRE(v != nullptr);
  REQUIRE(v->kind == FieldValue::Kind::kInt);
  return v->int_value();
}

std::string FirstError(std::string_view body) {
  DecodedBatch batch = Decode(body);
  CHECK(batch.lines.empty());
  REQUIRE(batch.errors.size() == 1);
  return batch.errors[0].ToString();
}

TEST_CASE("ttn decodes a realistic uplink into one line", "[connectors][ttn]") {
  auto batch = Decode(kUplink);
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 1);
  const DecodedLine& line = batch.lines[0];
  CHECK(line.measurement == "ttn");
  CHECK(batch.line_unit == DecodeUnit::kMessage);
  CHECK(line.timestamp_ns == 1'714'564'803'123'456'789);
  auto tags = batch.TagsOf(line);
  REQUIRE(tags.size() == 2);
  CHECK(tags[0].key == "application_id");
  CHECK(tags[0].value == "city-air");
  CHECK(tags[1].key == "device_id");
  CHECK(tags[1].value == "eui-70b3d57ed0051a2b");

  CHECK(Float(batch, "temperature") == 21.5);
  CHECK(Float(batch, "humidity") == 48);  // numbers are float64
  CHECK(Int(batch, "f_cnt") == 1234);
  CHECK(Int(batch, "gateway_count") == 3);
  // Best values come from different gateways.
  CHECK(Float(batch, "rssi") == -84);
  CHECK(Float(batch, "snr") == 9.75);
  // Strings and nulls are skipped.
  CHECK(Field(batch, "status") == nullptr);
  CHECK(Field(batch, "spare") == nullptr);

  engine::SeriesMeta meta;
  CHECK(batch.ApplySeriesMeta(0, "temperature", &meta));
  CHECK(meta.description == "LoRaWAN DevEUI 70B3D57ED0051A2B");
  REQUIRE(batch.series_meta.size() == 1);
  CHECK(batch.series_meta[0].device_eui == "70B3D57ED0051A2B");
}

TEST_CASE("ttn flattens nested decoded payloads with dotted paths",
          "[connectors][ttn]") {
  auto batch = Decode(kUplink);
  REQUIRE(batch.lines.size() == 1);
  CHECK(Float(batch, "battery.voltage") == 3.61);
  const FieldValue* low = Field(batch, "battery.low");
  REQUIRE(low != nullptr);
  CHECK(low->kind == FieldValue::Kind::kBool);
  CHECK_FALSE(low->bool_value());
  CHECK(Float(batch, "pm.0") == 12.5);
  CHECK(Float(batch, "pm.1") == 7);
  CHECK(batch.FieldsOf(batch.lines[0]).size() == 10);
}

TEST_CASE("ttn treats fields omitted by proto3 JSON as zero",
          "[connectors][ttn]") {
  // First uplink after a join: f_cnt 0 is omitted, and so is a gateway's
  // snr of 0 and an rssi that only came as channel_rssi.
  auto batch = Decode(R"({
    "end_device_ids": {"device_id": "d1",
                       "application_ids": {"application_id": "a1"}},
    "received_at": "2024-05-01T12:00:00Z",
    "uplink_message": {
      "f_port": 1,
      "decoded_payload": {"level_cm": 153},
      "rx_metadata": [{"gateway_ids": {"gateway_id": "g1"},
                       "channel_rssi": -120}]
    }
  })");
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 1);
  CHECK(Int(batch, "f_cnt") == 0);
  CHECK(Int(batch, "gateway_count") == 1);
  CHECK(Float(batch, "rssi") == -120);
  CHECK(Float(batch, "snr") == 0);
  CHECK(Float(batch, "level_cm") == 153);
  CHECK(batch.lines[0].timestamp_ns == 1'714'564'800'000'000'000);
  CHECK(batch.series_meta.empty());  // no dev_eui given
}

TEST_CASE("ttn without gateways reports no rssi or snr", "[connectors][ttn]") {
  auto batch = Decode(R"({
    "end_device_ids": {"device_id": "d1",
                       "application_ids": {"application_id": "a1"}},
    "received_at": "2024-05-01T12:00:00.5+02:00",
    "uplink_message": {"f_cnt": 9, "decoded_payload": {"rssi": 5}}
  })");
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 1);
  CHECK(Int(batch, "gateway_count") == 0);
  CHECK(Field(batch, "snr") == nullptr);
  // A payload leaf named like a link field wins.
  CHECK(Float(batch, "rssi") == 5);
  CHECK(batch.lines[0].timestamp_ns == 1'714'557'600'500'000'000);
}

TEST_CASE("ttn rejects other message kinds and broken uplinks",
          "[connectors][ttn]") {
  CHECK(FirstError(R"({"end_device_ids": {"device_id": "d1"},
                       "join_accept": {"session_key_id": "AY"}})") ==
        "message: not an uplink message (join_accept)");
  CHECK(FirstError(R"({"end_device_ids": {"device_id": "d1"}})") ==
        "message: not an uplink message (no uplink_message)");
  CHECK(FirstError("not json").rfind("message: not valid JSON", 0) == 0);
  CHECK(FirstError(R"({"end_device_ids": {"device_id": "d1",
       "application_ids": {"application_id": "a"}},
       "received_at": "yesterday", "uplink_message": {}})") ==
        "message: \"received_at\": \"yesterday\" is not an RFC 3339 time "
        "(expected YYYY-MM-DD)");
  CHECK(FirstError(R"({"end_device_ids": {"application_ids":
       {"application_id": "a"}}, "received_at": "2024-05-01T12:00:00Z",
       "uplink_message": {}})") ==
        "message: \"end_device_ids.device_id\": missing or not a string");
  CHECK(FirstError(R"({"end_device_ids": {"device_id": "d",
       "application_ids": {"application_id": "a"}},
       "uplink_message": {"f_cnt": 1}})") ==
        "message: \"received_at\": missing");
  CHECK(FirstError(R"({"end_device_ids": {"device_id": "d",
       "application_ids": {"application_id": "a"}},
       "received_at": "2024-05-01T12:00:00Z",
       "uplink_message": {"f_cnt": -1}})") ==
        "message: \"uplink_message.f_cnt\": expected an unsigned integer, "
        "got -1");
}

TEST_CASE("ttn rejects decoded payloads that are not objects",
          "[connectors][ttn]") {
  CHECK(FirstError(R"({"end_device_ids": {"device_id": "d",
       "application_ids": {"application_id": "a"}},
       "received_at": "2024-05-01T12:00:00Z",
       "uplink_message": {"decoded_payload": 42}})") ==
        "message: \"uplink_message.decoded_payload\": expected an object, "
        "got 42");
  // Empty keys are skipped rather than producing "" or "a." paths.
  auto batch = Decode(R"({"end_device_ids": {"device_id": "d",
       "application_ids": {"application_id": "a"}},
       "received_at": "2024-05-01T12:00:00Z",
       "uplink_message": {"decoded_payload": {"": 1, "a": {"": 2, "b": 3}}}})");
  REQUIRE(batch.lines.size() == 1);
  CHECK(Field(batch, "a.b") != nullptr);
  CHECK(Field(batch, "") == nullptr);
  CHECK(Field(batch, "a.") == nullptr);
}

TEST_CASE("ttn falls back to the uplink's received_at and measurement option",
          "[connectors][ttn]") {
  TtnOptions options;
  options.measurement = "water_level";
  auto batch = Decode(R"({"end_device_ids": {"device_id": "d",
       "application_ids": {"application_id": "a"}},
       "uplink_message": {"received_at": "2024-05-01T00:00:01.000000001Z",
                          "decoded_payload": {"x": 1}}})",
                      options);
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 1);
  CHECK(batch.lines[0].measurement == "water_level");
  CHECK(batch.lines[0].timestamp_ns == 1'714'521'601'000'000'001);
}

TEST_CASE("ttn topics split into application, tenant, device and event",
          "[connectors][ttn]") {
  auto topic = ParseTtnTopic("v3/city-air@ttn/devices/eui-70b3d57ed0051a2b/up");
  REQUIRE(topic.has_value());
  CHECK(topic->application_id == "city-air");
  CHECK(topic->tenant_id == "ttn");
  CHECK(topic->device_id == "eui-70b3d57ed0051a2b");
  CHECK(topic->event == "up");
  auto plain = ParseTtnTopic("v3/app1/devices/dev1/down/queued");
  REQUIRE(plain.has_value());
  CHECK(plain->tenant_id.empty());
  CHECK(plain->event == "down/queued");
  CHECK_FALSE(ParseTtnTopic("v2/app1/devices/dev1/up").has_value());
  CHECK_FALSE(ParseTtnTopic("v3/app1/things/dev1/up").has_value());
  CHECK_FALSE(ParseTtnTopic("v3/app1@/devices/dev1/up").has_value());
  CHECK_FALSE(ParseTtnTopic("v3/app1/devices/dev1").has_value());
}

}  // namespace
}  // namespace citynexus::connectors
