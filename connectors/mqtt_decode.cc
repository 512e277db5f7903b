#include "connectors/mqtt_decode.h"

#include <algorithm>
#include <string>
#include <vector>

#include "connectors/decoders/json_mapping.h"
#include "connectors/decoders/line_protocol.h"
#include "connectors/decoders/plain_value.h"
#include "connectors/decoders/senml.h"
#include "connectors/decoders/ttn.h"
#include "connectors/mqtt_topic.h"

namespace citynexus::connectors {
namespace {

// Adds `topic_tags` to every line of `batch` whose own tags lack them,
// keeping each line's tags sorted by key.
void AddTopicTags(
    const std::vector<std::pair<std::string_view, std::string_view>>&
        topic_tags,
    DecodedBatch* batch) {
  std::vector<DecodedTag> merged;
  merged.reserve(batch->tags.size() + batch->lines.size() * topic_tags.size());
  for (DecodedLine& line : batch->lines) {
    const size_t begin = merged.size();
    for (const DecodedTag& tag : batch->TagsOf(line)) merged.push_back(tag);
    for (const auto& [key, value] : topic_tags) {
      const bool present = std::any_of(
          merged.begin() + static_cast<ptrdiff_t>(begin), merged.end(),
          [&tag_key = key](const DecodedTag& t) { return t.key == tag_key; });
      if (!present) merged.push_back({key, value});
    }
    std::sort(
        merged.begin() + static_cast<ptrdiff_t>(begin), merged.end(),
        [](const DecodedTag& a, const DecodedTag& b) { return a.key < b.key; });
    line.tags_begin = static_cast<uint32_t>(begin);
    line.tags_count = static_cast<uint32_t>(merged.size() - begin);
  }
  batch->tags = std::move(merged);
}

}  // namespace

Status DecodeMqttMessage(const MqttSubscription& subscription,
                         std::string_view topic, std::string_view payload,
                         int64_t arrival_ns, DecodedBatch* out) {
  out->Clear();
  auto topic_tags = TagsFromTopic(topic, subscription.tags_from_topic);
  if (!topic_tags) return topic_tags.error();

  switch (subscription.format) {
    case MqttFormat::kLineProtocol: {
      LineProtocolOptions options;
      options.precision = subscription.precision;
      options.default_time_ns = arrival_ns;
      DecodeLineProtocol(payload, options, out);
      if (out->lines.empty() && out->errors.empty()) {
        return Status::InvalidArgument("payload holds no line protocol lines");
      }
      if (!topic_tags->empty()) AddTopicTags(*topic_tags, out);
      return Status::Ok();
    }
    case MqttFormat::kValue: {
      std::vector<DecodedTag> tags;
      tags.reserve(topic_tags->size());
      for (const auto& [key, value] : *topic_tags) tags.push_back({key, value});
      PlainValueOptions options;
      options.measurement = subscription.measurement;
      options.field = subscription.field;
      options.tags = tags;
      options.timestamp_ns = arrival_ns;
      // The batch copies the tag views, so `tags` may go out of scope.
      return DecodePlainValue(payload, options, out);
    }
    case MqttFormat::kSenml: {
      SenmlOptions options;
      if (!subscription.measurement.empty()) {
        options.measurement = subscription.measurement;
      }
      options.now_ns = arrival_ns;
      DecodeSenml(payload, options, out);
      if (out->lines.empty() && out->errors.empty()) {
        return Status::InvalidArgument("SenML pack holds no records");
      }
      if (!topic_tags->empty()) AddTopicTags(*topic_tags, out);
      return Status::Ok();
    }
    case MqttFormat::kTtn: {
      TtnOptions options;
      if (!subscription.measurement.empty()) {
        options.measurement = subscription.measurement;
      }
      DecodeTtnUplink(payload, options, out);
      if (out->lines.empty() && out->errors.empty()) {
        return Status::InvalidArgument("uplink holds no values");
      }
      if (!topic_tags->empty()) AddTopicTags(*topic_tags, out);
      return Status::Ok();
    }
    case MqttFormat::kJson: {
      // The subscription's measurement fills an empty rule measurement; the
      // copy happens only then (config loading fills both).
      JsonMappingRule filled;
      const JsonMappingRule* rule = &subscription.json;
      if (rule->measurement.empty()) {
        filled = subscription.json;
        filled.measurement = subscription.measurement;
        rule = &filled;
      }
      if (Status s = DecodeMappedJson(payload, *rule, arrival_ns, out);
          !s.ok()) {
        return s;
      }
      if (out->lines.empty() && out->errors.empty()) {
        return Status::InvalidArgument("payload holds no records");
      }
      if (!topic_tags->empty()) AddTopicTags(*topic_tags, out);
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("unknown MQTT payload format");
}

}  // namespace citynexus::connectors
