// What the mapped JSON and mapped CSV decoders share: the field and tag
// mappings of a rule, the checks every mapping rule must pass, and the
// rule's names copied into the batch being decoded.
//
// Internal to connectors/decoders (json_mapping.h and csv_mapping.h expose
// MappedField and MappedTag). Thread-safety: pure functions; a MappedNames
// belongs to the one thread decoding its batch.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connectors/decoders/decode_util.h"
#include "connectors/decoders/decoded.h"

namespace citynexus::connectors {

// One mapped field: `name` <- the value at `source`, converted to `type`.
struct MappedField {
  std::string name;    // field key; non-empty, unique within the rule
  std::string source;  // JSON Pointer (JSON) or column name (CSV)
  MappedType type = MappedType::kFloat;
};

// One mapped tag: `name` <- the text of the value at `source`.
struct MappedTag {
  std::string name;    // tag key; non-empty, unique within the rule
  std::string source;  // JSON Pointer (JSON) or column name (CSV)
};

// What every mapping rule holds, whatever the payload format; the rules of
// json_mapping.h and csv_mapping.h add where the records and the time are.
struct MappingRuleCommon {
  // How the time is written: RFC 3339 text, or epoch numbers (JSON numbers
  // or numeric text). Default kRfc3339.
  TimeFormat time_format = TimeFormat::kRfc3339;
  // Measurement of every line. Required (non-empty).
  std::string measurement;
  // At least one. A field whose value is absent (JSON: missing or null;
  // CSV: an empty cell) is left out of its line; a record with none of its
  // fields present is rejected.
  std::vector<MappedField> fields;
  // An absent, null or empty tag value rejects the record (it would
  // silently file the values under another series).
  std::vector<MappedTag> tags;
};

// kInvalidArgument ("mapping: ...") for an empty measurement, no fields, or
// a field or tag name that is empty or given twice; OK otherwise. The
// sources are the caller's to check (pointers for JSON, columns for CSV).
Status CheckMappedNames(const MappingRuleCommon& rule);

// The rule's measurement, field names and tag names copied into the arena
// of the batch being decoded: the batch may outlive the rule.
struct MappedNames {
  MappedNames(const MappingRuleCommon& rule, StringArena* arena);

  std::string_view measurement;
  std::vector<std::string_view> fields;  // parallel to the rule's fields
  std::vector<std::string_view> tags;    // parallel to the rule's tags
};

}  // namespace citynexus::connectors
