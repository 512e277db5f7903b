// Shared bits of the libFuzzer targets in fuzz/: checks that a decoded batch
// is well formed (its views stay inside its own memory), so a decoder bug
// that hands out dangling or out-of-range views fails under ASan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "connectors/decoders/decoded.h"

namespace citynexus::fuzz {

// Touches every byte of every view of `batch` and every error message.
inline size_t TouchBatch(const connectors::DecodedBatch& batch) {
  size_t sum = 0;
  auto touch = [&sum](std::string_view s) {
    for (char c : s) sum += static_cast<unsigned char>(c);
  };
  for (const auto& line : batch.lines) {
    touch(line.measurement);
    for (const auto& tag : batch.TagsOf(line)) {
      touch(tag.key);
      touch(tag.value);
    }
    for (uint32_t i = line.fields_begin;
         i < line.fields_begin + line.fields_count; ++i) {
      touch(batch.fields[i].key);
      if (batch.fields[i].value.kind == connectors::FieldValue::Kind::kString) {
        touch(batch.fields[i].value.string_value());
      }
    }
  }
  for (const auto& error : batch.errors) touch(error.ToString());
  return sum;
}

}  // namespace citynexus::fuzz
