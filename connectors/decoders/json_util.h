// nlohmann::json helpers shared by the JSON payload decoders (SenML, TTN,
// GBFS, mapped JSON). Internal to connectors/decoders: nlohmann::json is a
// PRIVATE dependency of citynexus_connectors, so only .cc files include this.
//
// Every helper is noexcept in effect: nlohmann exceptions are caught here
// and turned into Status (STYLE.md: exceptions stop at the adapter edge).
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connectors/decoders/decode_util.h"
#include "connectors/decoders/decoded.h"

namespace citynexus::connectors {

// Parses `body` as one JSON document nested at most kMaxJsonDepth (64)
// levels (common/json_parse.h). kInvalidArgument "not valid JSON: <parser
// message>" or "JSON nested deeper than the limit of 64 levels" otherwise.
Result<nlohmann::json> ParseJsonBody(std::string_view body);

// ParseJsonBody for a decoder: when `body` does not parse, appends one
// kMessage error to out->errors (its reason prefixed "<what>: " when `what`
// is given, as GBFS names its feeds) and returns nullopt.
std::optional<nlohmann::json> ParseJsonPayload(std::string_view body,
                                               DecodedBatch* out,
                                               std::string_view what = {});

// `value` shortened for an error message: `"abc"`, `12.5`, `an object`.
std::string JsonShown(const nlohmann::json& value);

// A JSON number as double; nullopt for any other type.
std::optional<double> JsonNumber(const nlohmann::json& value);

// A JSON number converted to a FieldValue: integers stay int64 (uint64
// above INT64_MAX), others become float64.
FieldValue JsonNumberValue(const nlohmann::json& value);

// Converts `value` to `type` (see MappedType). Strings are copied into
// `arena`. kInvalidArgument like `"14x" is not a number` or
// `an object is not a number`.
Result<FieldValue> JsonToMapped(const nlohmann::json& value, MappedType type,
                                StringArena* arena);

// Text of a scalar for a tag value: strings as is, numbers and bools as
// JSON writes them; copied into `arena`. kInvalidArgument for null,
// objects and arrays.
Result<std::string_view> JsonTagText(const nlohmann::json& value,
                                     StringArena* arena);

// A parsed JSON Pointer (RFC 6901): reference tokens with ~0 / ~1 decoded.
// Our own walk instead of nlohmann's json_pointer, which throws on absent
// members; open-data records miss members all the time.
struct JsonPointer {
  std::vector<std::string> tokens;  // empty = the whole document
};

// Parses "" or "/a/0/b~1c". kInvalidArgument naming the pointer otherwise.
Result<JsonPointer> ParsePointer(std::string_view text);

// The value at `pointer` inside `doc`, or nullptr when absent.
const nlohmann::json* Find(const nlohmann::json& doc,
                           const JsonPointer& pointer);

// The member `key` of object `obj`, or nullptr when absent or `obj` is not
// an object.
const nlohmann::json* Member(const nlohmann::json& obj, std::string_view key);

}  // namespace citynexus::connectors
