// The Things Stack (v3) uplink decoder: the JSON of an uplink message, as
// published on MQTT topic `v3/{application id}[@{tenant}]/devices/{device
// id}/up` and POSTed by webhooks -> DecodedBatch with one line.
//
//   measurement  options.measurement (default "ttn")
//   tags         application_id, device_id (from end_device_ids)
//   fields       every number / bool leaf of uplink_message.decoded_payload,
//                nested paths joined with '.' ("sensors.0.temp"); numbers
//                are float64 (payload formatters print 21 and 21.5 for the
//                same quantity; one type per series)
//                rssi, snr: best (highest) over uplink_message.rx_metadata[]
//                gateway_count: rx_metadata entries; f_cnt: frame counter
//   time         received_at (RFC 3339, ns)
//   metadata     device_eui = end_device_ids.dev_eui (line-wide)
//
// The Things Stack writes proto3 JSON, which omits zero values: a missing
// f_cnt is 0, a gateway without snr/rssi reports 0. docs/formats.md ("The
// Things Stack uplinks") lists the rules.
//
// Thread-safety: pure functions; concurrent calls with distinct output
// batches are safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "connectors/decoders/decoded.h"

namespace citynexus::connectors {

struct TtnOptions {
  // Measurement of the decoded line. Default "ttn"; must be non-empty.
  std::string measurement = "ttn";
};

// Decodes one uplink message `body` into `out` (cleared first). Views point
// into out->arena only. Never fails as a whole: problems are reported as one
// DecodeError with unit kMessage, e.g. "message: not an uplink message
// (join_accept)" for other message kinds; `out` then has no line.
void DecodeTtnUplink(std::string_view body, const TtnOptions& options,
                     DecodedBatch* out);

// The parts of a Things Stack MQTT topic `v3/{app}[@{tenant}]/devices/{dev}/
// {event}` (event: "up", "join", "down/ack", ...). Views point into the
// topic string.
struct TtnTopic {
  std::string_view application_id;
  std::string_view tenant_id;  // empty when the topic has no @tenant
  std::string_view device_id;
  std::string_view event;  // "up", "join", "down/queued", ...
};

// Splits `topic`; kInvalidArgument naming the expected shape otherwise.
Result<TtnTopic> ParseTtnTopic(std::string_view topic);

}  // namespace citynexus::connectors
