// Plain value decoder: an MQTT payload that is just one number or boolean
// ("21.5", "14", "-3", "true") -> one point whose measurement, field, tags
// and time come from the caller (config and topic), not from the payload.
//
//   "21.5" -> float 21.5     "14" -> integer 14     "true" -> boolean true
//
// Integers stay integers (a counter published as "14" is an integer series),
// so a source must not mix "14" and "14.5" in one series: the second type is
// rejected by the write path as a type conflict. Surrounding whitespace
// (including a trailing newline from `mosquitto_pub -l`) is ignored.
//
// Thread-safety: DecodePlainValue is a pure function; concurrent calls with
// distinct output batches are safe.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/status.h"
#include "connectors/decoders/decoded.h"

namespace citynexus::connectors {

struct PlainValueOptions {
  std::string_view measurement;  // non-empty
  std::string_view field;        // non-empty
  // Tags of the point; need not be sorted or unique-checked by the caller
  // (the decoder sorts them; duplicate keys are an error).
  std::span<const DecodedTag> tags;
  int64_t timestamp_ns = 0;  // normally the arrival time
};

// Decodes `payload` into `out` (cleared first): one line with one field on
// success. The batch views `payload`-independent data only (the number is
// parsed), but it does view the strings of `options`, which must outlive the
// use of `out`. kInvalidArgument (and `out` left empty) when the payload is
// not a single finite number, integer or true/false, naming the payload.
Status DecodePlainValue(std::string_view payload,
                        const PlainValueOptions& options, DecodedBatch* out);

}  // namespace citynexus::connectors
