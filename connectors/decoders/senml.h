// SenML JSON decoder (RFC 8428, media type application/senml+json):
// request or MQTT message body -> DecodedBatch.
//
//   [{"bn":"urn:dev:ow:10e2073a01080063:","bt":1.276020076e9,"bu":"A",
//     "n":"voltage","u":"V","v":120.1},
//    {"n":"current","t":-5,"v":1.2}]
//
// Every record is resolved as RFC 8428 section 4.6 describes (base fields
// persist field by field to the following records, name = bn + n, unit = u
// or bu, bv/bs added to v/s, times below 2^28 relative to now) and becomes
// one line:
//
//   measurement  options.measurement (default "senml")
//   tags         name=<resolved name>  (+ unit=<unit> with options.unit_tag)
//   fields       value = v + bv (float) | vs (string) | vb (bool) |
//                        vd (string, the base64 text as sent)
//                sum   = s + bs (float), when the record has a sum
//   time         resolved time
//   metadata     unit (DecodedBatch::series_meta, line-wide)
//
// A bad record yields one DecodeError (unit kRecord, the 0-based index of
// the record in the pack, element kMember naming the label: `record 3: "n":
// ...`) and never hides the good records. docs/formats.md ("SenML") lists
// the rules.
//
// Thread-safety: DecodeSenml is a pure function; concurrent calls with
// distinct output batches are safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "connectors/decoders/decoded.h"

namespace citynexus::connectors {

struct SenmlOptions {
  // Measurement of every decoded line. Default "senml"; must be non-empty.
  std::string measurement = "senml";
  // "Now" for relative times (resolved bt + t below 2^28 s), ns since the
  // epoch; normally the arrival time of the message. Default 0.
  int64_t now_ns = 0;
  // Also tag each line with its resolved unit (`unit=Cel`). Off by default:
  // the unit is metadata. Turn it on for senders that reuse one name for
  // several quantities told apart only by unit (RFC 8428 section 5.1.4
  // sends %RH, lat and lon under one name), which would otherwise share a
  // series.
  bool unit_tag = false;
};

// Highest SenML version understood (RFC 8428 defines version 10; earlier
// drafts used lower numbers, which are accepted).
inline constexpr int64_t kSenmlMaxVersion = 10;

// Decodes the SenML JSON pack `body` into `out` (cleared first). Views in
// `out` point into out->arena only, so `body` need not outlive `out`.
// Never fails as a whole: a body that is not a JSON array yields one error
// with unit kMessage; rejected records are reported in out->errors in
// record order.
void DecodeSenml(std::string_view body, const SenmlOptions& options,
                 DecodedBatch* out);

}  // namespace citynexus::connectors
