// nlohmann::json helpers of the JSON payload decoders (see json_util.h).
#include "connectors/decoders/json_util.h"

#include <cmath>
#include <exception>
#include <limits>

#include "common/json_parse.h"

namespace citynexus::connectors {

using nlohmann::json;

Result<json> ParseJsonBody(std::string_view body) {
  return ParseJsonLimited(body);
}

std::optional<json> ParseJsonPayload(std::string_view body, DecodedBatch* out,
                                     std::string_view what) {
  Result<json> doc = ParseJsonBody(body);
  if (doc) return std::move(*doc);
  out->errors.push_back(MessageError(what.empty() ? doc.error().message()
                                                  : std::string(what) + ": " +
                                                        doc.error().message()));
  return std::nullopt;
}

std::string JsonShown(const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::null:
      return "null";
    case json::value_t::string:
      return QuoteText(value.get_ref<const std::string&>());
    default:
      // Numbers and bools: dump() cannot throw for them.
      return value.dump();
  }
}

std::optional<double> JsonNumber(const json& value) {
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

FieldValue JsonNumberValue(const json& value) {
  if (value.is_number_unsigned()) {
    const auto u = value.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return FieldValue::Int(static_cast<int64_t>(u));
    }
    return FieldValue::Uint(u);
  }
  if (value.is_number_integer()) return FieldValue::Int(value.get<int64_t>());
  return FieldValue::Float(value.get<double>());
}

Result<FieldValue> JsonToMapped(const json& value, MappedType type,
                                StringArena* arena) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (type == MappedType::kString) {
      return FieldValue::String(arena->Copy(text));
    }
    return ParseTextValue(text, type);
  }
  switch (type) {
    case MappedType::kFloat:
      if (value.is_number()) return FieldValue::Float(value.get<double>());
      return Status::InvalidArgument(JsonShown(value) + " is not a number");
    case MappedType::kInt:
      if (value.is_number_integer() || value.is_number_unsigned()) {
        FieldValue v = JsonNumberValue(value);
        if (v.kind == FieldValue::Kind::kInt) return v;
        return Status::InvalidArgument(JsonShown(value) +
                                       " is above the largest integer");
      }
      if (value.is_number_float()) {
        const double d = value.get<double>();
        if (d == std::trunc(d) && d > -9.2e18 && d < 9.2e18) {
          return FieldValue::Int(static_cast<int64_t>(d));
        }
      }
      return Status::InvalidArgument(JsonShown(value) + " is not an integer");
    case MappedType::kBool:
      if (value.is_boolean()) return FieldValue::Bool(value.get<bool>());
      if (value.is_number_integer() || value.is_number_unsigned()) {
        const auto i = value.get<int64_t>();
        if (i == 0 || i == 1) return FieldValue::Bool(i == 1);
      }
      return Status::InvalidArgument(JsonShown(value) + " is not a boolean");
    case MappedType::kString:
      if (value.is_number() || value.is_boolean()) {
        return FieldValue::String(arena->Copy(value.dump()));
      }
      return Status::InvalidArgument(JsonShown(value) + " is not a string");
  }
  return Status::InvalidArgument("unknown field type");
}

Result<std::string_view> JsonTagText(const json& value, StringArena* arena) {
  if (value.is_string()) {
    return arena->Copy(value.get_ref<const std::string&>());
  }
  if (value.is_number() || value.is_boolean()) {
    return arena->Copy(value.dump());
  }
  return Status::InvalidArgument(JsonShown(value) +
                                 " cannot be a tag value (expected a string, "
                                 "number or boolean)");
}

Result<JsonPointer> ParsePointer(std::string_view text) {
  JsonPointer pointer;
  if (text.empty()) return pointer;
  if (text[0] != '/') {
    return Status::InvalidArgument("JSON Pointer " + QuoteText(text) +
                                   " must be empty or start with '/'");
  }
  std::string token;
  for (size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '/') {
      pointer.tokens.push_back(std::move(token));
      token.clear();
      continue;
    }
    if (text[i] == '~') {
      if (i + 1 < text.size() && (text[i + 1] == '0' || text[i + 1] == '1')) {
        token += text[i + 1] == '0' ? '~' : '/';
        ++i;
        continue;
      }
      return Status::InvalidArgument("JSON Pointer " + QuoteText(text) +
                                     ": '~' must be followed by 0 or 1");
    }
    token += text[i];
  }
  return pointer;
}

const json* Find(const json& doc, const JsonPointer& pointer) {
  const json* at = &doc;
  for (const std::string& token : pointer.tokens) {
    if (at->is_object()) {
      auto it = at->find(token);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      // RFC 6901 array index: "0" or digits without a leading zero.
      if (token.empty() || token.size() > 18 ||
          (token.size() > 1 && token[0] == '0')) {
        return nullptr;
      }
      size_t index = 0;
      for (char c : token) {
        if (c < '0' || c > '9') return nullptr;
        index = index * 10 + static_cast<size_t>(c - '0');
      }
      if (index >= at->size()) return nullptr;
      at = &(*at)[index];
    } else {
      return nullptr;
    }
  }
  return at;
}

const json* Member(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

}  // namespace citynexus::connectors
