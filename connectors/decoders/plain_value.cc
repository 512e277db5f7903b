#include "connectors/decoders/plain_value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace citynexus::connectors {
namespace {

constexpr size_t kShownPayloadBytes = 64;

std::string_view Trim(std::string_view s) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string Shown(std::string_view payload) {
  std::string out = "\"";
  for (char c : payload.substr(0, kShownPayloadBytes)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  out += payload.size() > kShownPayloadBytes ? "\"..." : "\"";
  return out;
}

bool IsIntegerText(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

Result<FieldValue> ParseValue(std::string_view text, std::string_view payload) {
  if (text.empty()) {
    return Status::InvalidArgument(
        "empty payload; expected a number or "
        "true/false");
  }
  if (text == "true") return FieldValue::Bool(true);
  if (text == "false") return FieldValue::Bool(false);
  // from_chars accepts no leading '+'; allow it for integers and floats.
  std::string_view digits = text;
  if (digits.front() == '+') digits.remove_prefix(1);
  if (IsIntegerText(text)) {
    int64_t v = 0;
    const auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec == std::errc() && end == digits.data() + digits.size()) {
      return FieldValue::Int(v);
    }
    return Status::InvalidArgument("payload " + Shown(payload) +
                                   " is an integer outside the int64 range");
  }
  // Only plain decimal/exponent syntax: no "inf", "nan" or hex.
  const bool numeric_chars =
      std::all_of(digits.begin(), digits.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
               c == '-' || c == '+';
      });
  double v = 0;
  const auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (!numeric_chars || ec != std::errc() ||
      end != digits.data() + digits.size() || !std::isfinite(v)) {
    return Status::InvalidArgument("payload " + Shown(payload) +
                                   " is not a finite number, an integer or "
                                   "true/false");
  }
  return FieldValue::Float(v);
}

}  // namespace

Status DecodePlainValue(std::string_view payload,
                        const PlainValueOptions& options, DecodedBatch* out) {
  out->Clear();
  CITYNEXUS_ASSIGN_OR_RETURN(auto value, ParseValue(Trim(payload), payload));

  DecodedLine line;
  line.measurement = options.measurement;
  line.timestamp_ns = options.timestamp_ns;
  line.line_number = 1;
  line.tags_begin = 0;
  out->tags.assign(options.tags.begin(), options.tags.end());
  std::sort(
      out->tags.begin(), out->tags.end(),
      [](const DecodedTag& a, const DecodedTag& b) { return a.key < b.key; });
  for (size_t i = 1; i < out->tags.size(); ++i) {
    if (out->tags[i].key == out->tags[i - 1].key) {
      const std::string key(out->tags[i].key);
      out->Clear();
      return Status::InvalidArgument("tag \"" + key + "\" given twice");
    }
  }
  line.tags_count = static_cast<uint32_t>(out->tags.size());
  line.fields_begin = 0;
  line.fields_count = 1;
  out->fields.push_back({options.field, value});
  out->lines.push_back(line);
  return Status::Ok();
}

}  // namespace citynexus::connectors
