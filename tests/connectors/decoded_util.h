// Reading decoded batches in decoder tests: all errors as text, one tag or
// field of a decoded line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "connectors/decoders/decoded.h"

namespace citynexus::connectors::testing {

// Every error of `batch`, one per line.
std::string Errors(const DecodedBatch& batch);
// The value of tag `key` on line `line`, or "<none>".
std::string_view Tag(const DecodedBatch& batch, size_t line,
                     std::string_view key);
// Field `key` of line `line`, or null.
const FieldValue* Field(const DecodedBatch& batch, size_t line,
                        std::string_view key);

}  // namespace citynexus::connectors::testing
