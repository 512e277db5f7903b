// Mapped JSON decoder: arbitrary JSON documents (open-data APIs, sensor
// gateways) -> DecodedBatch, driven by a plain rule struct (the app layer
// builds it from config; decoders never see JSON config).
//
//   {"updated": "...", "sensors": [
//     {"id": "K12", "district": "Mitte", "ts": 1714564800000,
//      "counts": {"vehicles": 14, "bikes": "3"}}, ...]}
//
//   rule: records "/sensors", time "/ts" epoch_ms, measurement "traffic",
//         fields vehicles=/counts/vehicles (int), bikes=/counts/bikes (int),
//         tags sensor=/id, district=/district
//
// Each element of the records array (or the object found there, as one
// record) becomes one line. Pointers inside a record are relative to the
// record. A bad record yields one DecodeError (unit kRecord, 0-based index)
// and never hides the others. docs/formats.md ("Mapped JSON") lists the rules.
//
// Thread-safety: pure functions; concurrent calls with distinct output
// batches are safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connectors/decoders/decode_util.h"
#include "connectors/decoders/decoded.h"
#include "connectors/decoders/mapping_rule.h"

namespace citynexus::connectors {

// The common part (time_format, measurement, fields, tags) is documented in
// mapping_rule.h; fields and tags take JSON Pointers relative to a record.
struct JsonMappingRule : MappingRuleCommon {
  // JSON Pointer (RFC 6901) to the records: an array (each element is a
  // record) or an object (one record). Default "" = the document root.
  std::string records;
  // JSON Pointer to the time inside a record. Default "" = the payload has
  // no time; lines get `now_ns`.
  std::string time;
};

// kInvalidArgument naming the problem when `rule` cannot be used: empty
// measurement, no fields, empty or repeated names, malformed pointers.
Status ValidateJsonMappingRule(const JsonMappingRule& rule);

// Decodes `body` with `rule` into `out` (cleared first). Views point into
// out->arena only. `now_ns` is the time of lines when rule.time is empty.
// Returns the ValidateJsonMappingRule error (and decodes nothing) for a bad
// rule; otherwise OK, with payload problems in out->errors: a body that is
// not JSON or has no records at rule.records gives one kMessage error.
Status DecodeMappedJson(std::string_view body, const JsonMappingRule& rule,
                        int64_t now_ns, DecodedBatch* out);

}  // namespace citynexus::connectors
