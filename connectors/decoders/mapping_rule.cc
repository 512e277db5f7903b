// Shared parts of the mapped JSON and CSV decoders; see mapping_rule.h.
#include "connectors/decoders/mapping_rule.h"

#include <set>

namespace citynexus::connectors {
namespace {

// Non-empty and unique names; `what` is "field" or "tag".
template <typename Mapping>
Status CheckNames(const std::vector<Mapping>& mappings, std::string_view what) {
  std::set<std::string_view> names;
  for (const Mapping& m : mappings) {
    if (m.name.empty()) {
      return Status::InvalidArgument("mapping: a " + std::string(what) +
                                     " has an empty name");
    }
    if (!names.insert(m.name).second) {
      return Status::InvalidArgument("mapping: " + std::string(what) + " \"" +
                                     m.name + "\" is mapped twice");
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckMappedNames(std::string_view measurement,
                        const std::vector<MappedField>& fields,
                        const std::vector<MappedTag>& tags) {
  if (measurement.empty()) {
    return Status::InvalidArgument("mapping: measurement must not be empty");
  }
  if (fields.empty()) {
    return Status::InvalidArgument("mapping: at least one field is required");
  }
  CITYNEXUS_RETURN_IF_ERROR(CheckNames(fields, "field"));
  return CheckNames(tags, "tag");
}

MappedNames::MappedNames(std::string_view measurement_name,
                         const std::vector<MappedField>& rule_fields,
                         const std::vector<MappedTag>& rule_tags,
                         StringArena* arena)
    : measurement(arena->Copy(measurement_name)) {
  fields.reserve(rule_fields.size());
  for (const MappedField& f : rule_fields) fields.push_back(arena->Copy(f.name));
  tags.reserve(rule_tags.size());
  for (const MappedTag& t : rule_tags) tags.push_back(arena->Copy(t.name));
}

}  // namespace citynexus::connectors
