#include "connectors/decoded_util.h"

namespace citynexus::connectors::testing {

std::string Errors(const DecodedBatch& batch) {
  std::string out;
  for (const auto& e : batch.errors) out += e.ToString() + "\n";
  return out;
}

std::string_view Tag(const DecodedBatch& batch, size_t line,
                     std::string_view key) {
  for (const auto& tag : batch.TagsOf(batch.lines.at(line))) {
    if (tag.key == key) return tag.value;
  }
  return "<none>";
}

const FieldValue* Field(const DecodedBatch& batch, size_t line,
                        std::string_view key) {
  for (const auto& field : batch.FieldsOf(batch.lines.at(line))) {
    if (field.key == key) return &field.value;
  }
  return nullptr;
}

}  // namespace citynexus::connectors::testing
