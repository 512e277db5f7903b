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

Status CheckMappedNames(const MappingRuleCommon& rule) {
  if (rule.measurement.empty()) {
    return Status::InvalidArgument("mapping: measurement must not be empty");
  }
  if (rule.fields.empty()) {
    return Status::InvalidArgument("mapping: at least one field is required");
  }
  CITYNEXUS_RETURN_IF_ERROR(CheckNames(rule.fields, "field"));
  return CheckNames(rule.tags, "tag");
}

MappedNames::MappedNames(const MappingRuleCommon& rule, StringArena* arena)
    : measurement(arena->Copy(rule.measurement)) {
  fields.reserve(rule.fields.size());
  for (const MappedField& f : rule.fields)
    fields.push_back(arena->Copy(f.name));
  tags.reserve(rule.tags.size());
  for (const MappedTag& t : rule.tags) tags.push_back(arena->Copy(t.name));
}

}  // namespace citynexus::connectors
