// The typed options of the MQTT connector (config section `mqtt`), the
// dead-letter record it keeps for undecodable messages, and the validators
// config loading shares with the connector (broker URIs, topic filters,
// payload formats).
//
// Every option is declared with its default, unit and range in
// app/config/sections/ and documented in docs/configuration.md; the member
// initialisers below only matter for tests that build options by hand.
// Nothing here can change while the process runs (reload: restart).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "connectors/decoders/json_mapping.h"
#include "connectors/decoders/line_protocol.h"

namespace citynexus::connectors {

// The payload syntax of one subscription.
enum class MqttFormat : uint8_t {
  kLineProtocol,  // InfluxDB line protocol, one or more lines
  kSenml,         // SenML JSON (RFC 8428)
  kTtn,           // The Things Network v3 uplink JSON
  kJson,          // arbitrary JSON mapped by config rules
  kValue,         // one plain number or boolean
};

// "line_protocol", "senml", "ttn", "json", "value".
std::string_view MqttFormatName(MqttFormat format);
// Inverse of MqttFormatName; kInvalidArgument naming the accepted values.
Result<MqttFormat> ParseMqttFormat(std::string_view name);

// One topic subscription and how its messages become points.
struct MqttSubscription {
  // Topic filter: MQTT wildcards `+` (one level) and `#` (the rest, last
  // level only), optionally as a shared subscription `$share/<group>/<filter>`.
  std::string topic;
  MqttFormat format = MqttFormat::kLineProtocol;
  // Measurement and field of the points (format `value`; required there).
  // Format `json`: the measurement when json.measurement is empty.
  std::string measurement;
  std::string field;
  // Unit of the timestamps inside line protocol payloads. Default ns.
  Precision precision = Precision::kNanosecond;
  // Tag name -> topic level (0-based, after any `$share/<group>/` prefix is
  // removed, i.e. of the topic a message is published to). In key order.
  std::vector<std::pair<std::string, int>> tags_from_topic;
  // Format `json`: records, time, fields and tags of the payload (JSON
  // Pointers), as for mapped JSON everywhere (docs/formats.md).
  JsonMappingRule json;
  // Metadata given to the series this subscription creates (may be empty).
  std::string unit;
  std::string domain;
};

struct MqttOptions {
  // Broker URIs (`tcp://host:port`, `ssl://host:port`); the client connects
  // to the first that answers, in order. Empty: the connector is off.
  std::vector<std::string> brokers;
  // MQTT client id. With a persistent session the broker keeps messages
  // for this id while citynexus is down, so it must be stable and unique.
  std::string client_id = "citynexus";
  std::string username;  // empty: none
  std::string password;  // empty: none
  // A file holding the password (config mqtt.password_file), so the secret
  // need not sit in the config file. Config loading refuses it together
  // with `password`; ReadMqttPasswordFile() turns it into `password`.
  std::string password_file;
  // TLS files for `ssl://` brokers (PEM). Empty: not used.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // Check that an `ssl://` broker's certificate names the host we dialled
  // (Paho checks only the chain unless told to). Default true; false only
  // for brokers addressed by a name their certificate lacks.
  bool tls_verify = true;
  // MQTT keepalive; a dead connection is noticed after about 1.5x this.
  std::chrono::seconds keepalive{30};
  // QoS of every subscription, 0..2. 1 (default) with the persistent session
  // gives at-least-once delivery across citynexus restarts.
  int qos = 1;
  // Bounds of the reconnect backoff (doubling from min to max).
  std::chrono::seconds reconnect_min{1};
  std::chrono::seconds reconnect_max{30};
  // Undecodable messages kept for GET /api/v1/deadletters (newest kept).
  size_t dead_letter_capacity = 1000;
  std::vector<MqttSubscription> subscriptions;
};

// A message that could not be turned into points.
struct DeadLetter {
  int64_t time_ns = 0;       // arrival time, ns since the Unix epoch
  std::string topic;         // topic the message was published to
  std::string subscription;  // topic filter that matched ("" if none)
  std::string error;         // why it was rejected
  std::string payload;       // first kDeadLetterPayloadBytes bytes
  size_t payload_bytes = 0;  // size of the whole payload
};

// Payload bytes kept per dead letter.
inline constexpr size_t kDeadLetterPayloadBytes = 1024;

// Checks a broker URI: scheme tcp, mqtt, ssl or mqtts, a non-empty host
// (IPv6 in brackets) and an optional port 1..65535, nothing after it.
// kInvalidArgument saying what is wrong.
Status ValidateBrokerUri(std::string_view uri);

// When `options.password_file` is set, reads it into `options.password`
// (one trailing "\n" or "\r\n" removed; the content is never logged) and
// clears password_file. kInvalidArgument naming the file when it cannot be
// read, is larger than 4 KiB or is empty; kInvalidArgument when `password`
// is set as well. OK and no change when password_file is empty.
Status ReadMqttPasswordFile(MqttOptions& options);

// Checks an MQTT topic filter: non-empty, `+` and `#` occupy whole levels,
// `#` only last; `$share/<group>/<filter>` needs a group without wildcards
// and a valid filter. kInvalidArgument saying what is wrong.
Status ValidateTopicFilter(std::string_view filter);

}  // namespace citynexus::connectors
