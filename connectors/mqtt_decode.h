// One MQTT message of a subscription -> DecodedBatch: picks the decoder for
// the subscription's format and adds the tags taken from topic levels.
//
// Internal to connectors/. Thread-safety: a pure function.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "connectors/decoders/decoded.h"
#include "connectors/mqtt_options.h"

namespace citynexus::connectors {

// Decodes `payload`, published to `topic` and received at `arrival_ns`, by
// the rules of `subscription` into `out` (cleared first). The batch views
// `topic`, `payload` and the strings of `subscription`; all must outlive its
// use.
//
// Returns kInvalidArgument when the message as a whole is unusable (not a
// number for `value`, an empty payload, a topic too short for
// tags_from_topic, a json rule that cannot be used). An OK status may still
// come with rejected lines or records in out->errors (line protocol, SenML
// and json keep the good entries of a message). Line protocol lines without
// a timestamp get `arrival_ns` (SenML: relative times count from it; json:
// records without `time` get it); a tag present both in the payload and in
// tags_from_topic keeps the payload's value. SenML and TTN use
// subscription.measurement when it is set, else their decoders' default
// ("senml", "ttn"); json uses subscription.json.measurement, else
// subscription.measurement.
Status DecodeMqttMessage(const MqttSubscription& subscription,
                         std::string_view topic, std::string_view payload,
                         int64_t arrival_ns, DecodedBatch* out);

}  // namespace citynexus::connectors
