// Options mqtt.*: the MQTT connector (connectors::MqttOptions) and its
// subscriptions (connectors::MqttSubscription).
#include <algorithm>

#include "app/config/fields.h"
#include "app/config/mapping_options.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {
namespace {

using namespace builders;  // NOLINT: the table reads as a list of builders
using connectors::MqttFormat;
using connectors::MqttSubscription;

// `tags_from_topic`: an object of tag name -> 0-based topic level.
Option<MqttSubscription> TagsFromTopicOption(Doc doc) {
  Option<MqttSubscription> option;
  option.info =
      InfoFrom(std::move(doc), "object of integer", "0..63 each", std::nullopt);
  option.set = [](const Json& value, const std::string& where,
                  MqttSubscription& target, ConfigErrors& errors) {
    if (!value.is_object()) {
      errors.Add(where,
                 "expected an object of tag name -> topic level, like "
                 "{\"sensor\": 2}, got " +
                     Show(value));
      return;
    }
    std::vector<std::pair<std::string, int>> tags;
    bool ok = true;
    for (const auto& [name, level] : value.items()) {
      const std::string item = JoinPath(where, name);
      if (name.empty()) {
        errors.Add(where, "tag names must be non-empty");
        ok = false;
      } else if (!level.is_number_integer() ||
                 (level.is_number_unsigned() && level.get<uint64_t>() > 63) ||
                 (!level.is_number_unsigned() &&
                  (level.get<int64_t>() < 0 || level.get<int64_t>() > 63))) {
        errors.Add(item,
                   "expected an integer topic level 0..63 (0-based), got " +
                       Show(level));
        ok = false;
      } else {
        tags.emplace_back(name, level.get<int>());
      }
    }
    if (ok) {
      std::sort(tags.begin(), tags.end());
      target.tags_from_topic = std::move(tags);
    }
  };
  option.get = [](const MqttSubscription& target) {
    if (target.tags_from_topic.empty()) return Json();
    Json out = Json::object();
    for (const auto& [name, level] : target.tags_from_topic) out[name] = level;
    return out;
  };
  return option;
}

std::vector<Option<MqttSubscription>> SubscriptionOptions() {
  using S = MqttSubscription;
  using connectors::Precision;
  std::vector<Option<S>> o = {
      String<S>({"topic", "",
                 "Topic filter; wildcards + and #, shared subscriptions as "
                 "$share/<group>/<filter>."},
                std::nullopt, Member(&S::topic)),
      Enum<S>({"format", "", "Payload format of the messages."},
              "line_protocol",
              NamesOf({MqttFormat::kLineProtocol, MqttFormat::kSenml,
                       MqttFormat::kTtn, MqttFormat::kJson, MqttFormat::kValue},
                      connectors::MqttFormatName),
              Member(&S::format)),
      String<S>({"measurement", "",
                 "Measurement of the points (value, json: required; senml, "
                 "ttn: optional)."},
                std::nullopt, Member(&S::measurement)),
      String<S>({"field", "", "Field of the points (format value)."},
                std::nullopt, Member(&S::field)),
      Enum<S>({"precision", "",
               "Unit of timestamps in line protocol payloads (format "
               "line_protocol)."},
              "ns",
              {{"ns", Precision::kNanosecond},
               {"us", Precision::kMicrosecond},
               {"ms", Precision::kMillisecond},
               {"s", Precision::kSecond}},
              Member(&S::precision)),
  };
  AddMappingOptions(o);
  o.push_back(TagsFromTopicOption(
      {"tags_from_topic", "",
       "Tags taken from topic levels: tag name -> 0-based level."}));
  o.push_back(String<S>(
      {"unit", "", "Unit recorded on the series this subscription creates."},
      std::nullopt, Member(&S::unit)));
  o.push_back(
      String<S>({"domain", "",
                 "Domain recorded on the series this subscription creates."},
                std::nullopt, Member(&S::domain)));
  return o;
}

void ValidateSubscription(const MqttSubscription& s, const std::string& where,
                          ConfigErrors& errors) {
  if (s.topic.empty()) {
    errors.Add(where + ".topic", "expected a topic filter, got none");
  } else if (Status v = connectors::ValidateTopicFilter(s.topic); !v.ok()) {
    errors.Add(where + ".topic", v.message());
  }
  const std::string format(connectors::MqttFormatName(s.format));
  if (s.format != MqttFormat::kJson) {
    const connectors::JsonMappingRule& rule = s.json;
    for (const auto& [key, given] :
         {std::pair<const char*, bool>{"records", !rule.records.empty()},
          {"time", !rule.time.empty()},
          {"fields", !rule.fields.empty()},
          {"tags", !rule.tags.empty()}}) {
      if (given) {
        errors.Add(where + "." + key, "only for format \"json\"; " +
                                          Quote(format) +
                                          " payloads are not mapped");
      }
    }
  }
  if (s.format == MqttFormat::kJson) {
    if (s.measurement.empty()) {
      errors.Add(where + ".measurement",
                 "required for format \"json\", got none");
      return;
    }
    if (!s.field.empty()) {
      errors.Add(where + ".field",
                 "only for format \"value\"; format \"json\" takes "
                 "\"fields\" (field name -> JSON Pointer)");
      return;
    }
    connectors::JsonMappingRule rule = s.json;
    rule.measurement = s.measurement;
    if (Status v = connectors::ValidateJsonMappingRule(rule); !v.ok()) {
      errors.Add(where, v.message());
    }
    return;
  }
  if (s.format == MqttFormat::kValue) {
    if (s.measurement.empty()) {
      errors.Add(where + ".measurement",
                 "required for format \"value\", got none");
    }
    if (s.field.empty()) {
      errors.Add(where + ".field", "required for format \"value\", got none");
    }
    return;
  }
  if (s.format == MqttFormat::kLineProtocol && !s.measurement.empty()) {
    errors.Add(where + ".measurement",
               "only for formats \"value\", \"senml\" and \"ttn\"; "
               "line protocol payloads name their measurement");
  }
  if (!s.field.empty()) {
    errors.Add(where + ".field", "only for format \"value\"; " + Quote(format) +
                                     " payloads name their fields");
  }
}

}  // namespace

std::vector<Option<Config>> MqttSection() {
  using C = Config;
  using M = connectors::MqttOptions;
  return {
      StringList<C>({"mqtt.brokers", "",
                     "Broker URIs tried in order; empty turns the connector "
                     "off."},
                    {"tcp://, mqtt://, ssl:// or mqtts:// URIs",
                     "broker URIs like [\"tcp://localhost:1883\"]",
                     "a broker URI string", connectors::ValidateBrokerUri},
                    Member(&C::mqtt, &M::brokers)),
      String<C>({"mqtt.client_id", "",
                 "MQTT client id; the broker keeps the persistent session "
                 "under it."},
                "citynexus", Member(&C::mqtt, &M::client_id)),
      String<C>({"mqtt.username", "", "User name sent to the broker."},
                std::nullopt, Member(&C::mqtt, &M::username)),
      String<C>({"mqtt.password", "",
                 "Password sent to the broker, in the config file itself. "
                 "Prefer mqtt.password_file; setting both is an error."},
                std::nullopt, Member(&C::mqtt, &M::password)),
      String<C>({"mqtt.password_file", "",
                 "File whose content (without its trailing newline) is the "
                 "broker password; read at startup, never logged."},
                std::nullopt, Member(&C::mqtt, &M::password_file)),
      String<C>({"mqtt.tls.ca_file", "",
                 "PEM CA certificates that verify ssl:// brokers."},
                std::nullopt, Member(&C::mqtt, &M::ca_file)),
      String<C>({"mqtt.tls.cert_file", "",
                 "PEM client certificate for ssl:// brokers."},
                std::nullopt, Member(&C::mqtt, &M::cert_file)),
      String<C>({"mqtt.tls.key_file", "",
                 "PEM client private key for ssl:// brokers."},
                std::nullopt, Member(&C::mqtt, &M::key_file)),
      Bool<C>({"mqtt.tls.verify", "",
               "Check that an ssl:// broker's certificate names the broker's "
               "host (Paho checks only the chain otherwise). Also applies to "
               "the indicator publisher."},
              true, Member(&C::mqtt, &M::tls_verify)),
      Int<C>({"mqtt.keepalive_s", "s", "MQTT keepalive interval."}, 30, 5, 3600,
             Member(&C::mqtt, &M::keepalive)),
      Int<C>({"mqtt.qos", "", "QoS of every subscription."}, 1, 0, 2,
             Member(&C::mqtt, &M::qos)),
      ObjectArray<C, MqttSubscription>(
          {"mqtt.subscriptions", "",
           "Topic subscriptions, each with its payload format and mapping."},
          SubscriptionOptions(), ValidateSubscription,
          Member(&C::mqtt, &M::subscriptions)),
  };
}

}  // namespace citynexus::app
