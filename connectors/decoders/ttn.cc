// The Things Stack v3 uplink decoder; see ttn.h and docs/formats.md.
#include "connectors/decoders/ttn.h"

#include <algorithm>
#include <optional>
#include <string>

#include "connectors/decoders/decode_util.h"
#include "connectors/decoders/json_util.h"

namespace citynexus::connectors {
namespace {

using nlohmann::json;

// Deeper decoded payloads are cut off with an error: a payload formatter
// has no reason to nest this deep, and the walk is recursive.
constexpr int kMaxPayloadDepth = 32;

// Message kinds the stack publishes besides uplinks, to name them in the
// "not an uplink message" error.
constexpr std::string_view kOtherKinds[] = {"join_accept",
                                            "downlink_ack",
                                            "downlink_nack",
                                            "downlink_sent",
                                            "downlink_failed",
                                            "downlink_queued",
                                            "downlink_queue_invalidated",
                                            "location_solved",
                                            "service_data",
                                            "uplink_normalized"};

class UplinkDecoder {
 public:
  UplinkDecoder(DecodedBatch* out) : out_(out), line_(out) {}

  // Returns false after recording the error.
  bool Decode(const json& doc, std::string_view measurement);

 private:
  bool Fail(std::string_view member, std::string reason) {
    out_->errors.push_back(MakeError(
        DecodeUnit::kMessage, 0,
        member.empty() ? DecodeElement::kLine : DecodeElement::kMember,
        std::string(member), std::move(reason)));
    return false;
  }
  // Adds the number and bool leaves under `value` with path prefix `path`.
  bool AddLeaves(const json& value, std::string* path, int depth);

  DecodedBatch* out_;
  LineBuilder line_;
};

bool UplinkDecoder::AddLeaves(const json& value, std::string* path, int depth) {
  if (depth > kMaxPayloadDepth) {
    return Fail("uplink_message.decoded_payload",
                "nested deeper than " + std::to_string(kMaxPayloadDepth) +
                    " levels at " + QuoteText(*path));
  }
  const size_t mark = path->size();
  auto descend = [&](std::string_view element, const json& child) {
    if (mark != 0) *path += '.';
    *path += element;
    const bool ok = AddLeaves(child, path, depth + 1);
    path->resize(mark);
    return ok;
  };
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      // An empty key would make an empty or ambiguous path ("a." / "").
      if (key.empty()) continue;
      if (!descend(key, child)) return false;
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      if (!descend(std::to_string(i), value[i])) return false;
    }
  } else if (value.is_number()) {
    line_.AddField(out_->arena.Copy(*path),
                   FieldValue::Float(value.get<double>()));
  } else if (value.is_boolean()) {
    line_.AddField(out_->arena.Copy(*path),
                   FieldValue::Bool(value.get<bool>()));
  }
  // Strings and nulls are not measurements; they are skipped.
  return true;
}

bool UplinkDecoder::Decode(const json& doc, std::string_view measurement) {
  if (!doc.is_object()) {
    return Fail("", "expected a JSON object, got " + JsonShown(doc));
  }
  const json* uplink = Member(doc, "uplink_message");
  if (uplink == nullptr) {
    for (std::string_view kind : kOtherKinds) {
      if (Member(doc, kind) != nullptr) {
        return Fail("", "not an uplink message (" + std::string(kind) + ")");
      }
    }
    return Fail("", "not an uplink message (no uplink_message)");
  }
  if (!uplink->is_object()) {
    return Fail("uplink_message",
                "expected an object, got " + JsonShown(*uplink));
  }

  // Identity.
  const json* ids = Member(doc, "end_device_ids");
  if (ids == nullptr || !ids->is_object()) {
    return Fail("end_device_ids", "missing or not an object");
  }
  const json* device_id = Member(*ids, "device_id");
  if (device_id == nullptr || !device_id->is_string() ||
      device_id->get_ref<const std::string&>().empty()) {
    return Fail("end_device_ids.device_id", "missing or not a string");
  }
  const json* app_ids = Member(*ids, "application_ids");
  const json* app_id =
      app_ids != nullptr ? Member(*app_ids, "application_id") : nullptr;
  if (app_id == nullptr || !app_id->is_string() ||
      app_id->get_ref<const std::string&>().empty()) {
    return Fail("end_device_ids.application_ids.application_id",
                "missing or not a string");
  }
  std::string_view dev_eui;
  if (const json* eui = Member(*ids, "dev_eui");
      eui != nullptr && eui->is_string()) {
    dev_eui = out_->arena.Copy(eui->get_ref<const std::string&>());
  }

  // Time: the message's received_at (set by the stack when the uplink was
  // processed), else the uplink's own received_at.
  const json* received = Member(doc, "received_at");
  std::string_view received_name = "received_at";
  if (received == nullptr) {
    received = Member(*uplink, "received_at");
    received_name = "uplink_message.received_at";
  }
  if (received == nullptr) return Fail("received_at", "missing");
  if (!received->is_string()) {
    return Fail(received_name,
                "expected an RFC 3339 string, got " + JsonShown(*received));
  }
  auto time_ns = ParseRfc3339(received->get_ref<const std::string&>());
  if (!time_ns) return Fail(received_name, time_ns.error().message());

  line_.Begin(out_->arena.Copy(measurement), *time_ns, 0);
  line_.AddTag("application_id",
               out_->arena.Copy(app_id->get_ref<const std::string&>()));
  line_.AddTag("device_id",
               out_->arena.Copy(device_id->get_ref<const std::string&>()));

  if (const json* payload = Member(*uplink, "decoded_payload");
      payload != nullptr) {
    // TTS payload formatters must return an object; a bare number here
    // would become a field without a name.
    if (!payload->is_object()) {
      line_.Abort();
      return Fail("uplink_message.decoded_payload",
                  "expected an object, got " + JsonShown(*payload));
    }
    std::string path;
    if (!AddLeaves(*payload, &path, 0)) {
      line_.Abort();
      return false;
    }
  }

  // Link quality. AddField refuses names the payload already used: the
  // device's own values win over ours.
  const json* f_cnt = Member(*uplink, "f_cnt");
  int64_t frame_counter = 0;  // proto3 JSON omits zero
  if (f_cnt != nullptr) {
    if (!f_cnt->is_number_unsigned()) {
      line_.Abort();
      return Fail("uplink_message.f_cnt",
                  "expected an unsigned integer, got " + JsonShown(*f_cnt));
    }
    frame_counter = f_cnt->get<int64_t>();
  }
  line_.AddField("f_cnt", FieldValue::Int(frame_counter));

  const json* rx = Member(*uplink, "rx_metadata");
  int64_t gateways = 0;
  std::optional<double> best_rssi, best_snr;
  if (rx != nullptr && rx->is_array()) {
    for (size_t i = 0; i < rx->size(); ++i) {
      const json& gw = (*rx)[i];
      if (!gw.is_object()) continue;
      ++gateways;
      // Missing values are zero (proto3); rssi falls back to channel_rssi,
      // which older stack versions sent alone.
      const json* rssi = Member(gw, "rssi");
      if (rssi == nullptr || !rssi->is_number())
        rssi = Member(gw, "channel_rssi");
      const double r =
          rssi != nullptr && rssi->is_number() ? rssi->get<double>() : 0.0;
      const json* snr = Member(gw, "snr");
      const double s =
          snr != nullptr && snr->is_number() ? snr->get<double>() : 0.0;
      best_rssi = best_rssi ? std::max(*best_rssi, r) : r;
      best_snr = best_snr ? std::max(*best_snr, s) : s;
    }
  }
  line_.AddField("gateway_count", FieldValue::Int(gateways));
  if (best_rssi) line_.AddField("rssi", FieldValue::Float(*best_rssi));
  if (best_snr) line_.AddField("snr", FieldValue::Float(*best_snr));

  const uint32_t line_index = line_.Commit();
  if (!dev_eui.empty()) {
    DecodedSeriesMeta meta;
    meta.line_index = line_index;
    meta.device_eui = dev_eui;
    out_->series_meta.push_back(meta);
  }
  return true;
}

}  // namespace

void DecodeTtnUplink(std::string_view body, const TtnOptions& options,
                     DecodedBatch* out) {
  out->Clear();
  out->line_unit = DecodeUnit::kMessage;
  auto doc = ParseJsonPayload(body, out);
  if (!doc) return;
  UplinkDecoder decoder(out);
  (void)decoder.Decode(*doc, options.measurement);
}

Result<TtnTopic> ParseTtnTopic(std::string_view topic) {
  auto bad = [&] {
    return Status::InvalidArgument(
        "topic " + QuoteText(topic) +
        " is not v3/{application id}[@{tenant}]/devices/{device id}/{event}");
  };
  constexpr std::string_view kPrefix = "v3/";
  if (topic.substr(0, kPrefix.size()) != kPrefix) return bad();
  std::string_view rest = topic.substr(kPrefix.size());
  const size_t app_end = rest.find('/');
  if (app_end == std::string_view::npos) return bad();
  TtnTopic out;
  std::string_view app = rest.substr(0, app_end);
  if (const size_t at = app.find('@'); at != std::string_view::npos) {
    out.tenant_id = app.substr(at + 1);
    app = app.substr(0, at);
    if (out.tenant_id.empty()) return bad();
  }
  out.application_id = app;
  rest = rest.substr(app_end + 1);
  constexpr std::string_view kDevices = "devices/";
  if (rest.substr(0, kDevices.size()) != kDevices) return bad();
  rest = rest.substr(kDevices.size());
  const size_t dev_end = rest.find('/');
  if (dev_end == std::string_view::npos) return bad();
  out.device_id = rest.substr(0, dev_end);
  out.event = rest.substr(dev_end + 1);
  if (out.application_id.empty() || out.device_id.empty() ||
      out.event.empty()) {
    return bad();
  }
  return out;
}

}  // namespace citynexus::connectors
