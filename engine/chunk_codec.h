// Chunk codec: encodes the points of one series in one time window into a
// compact block, and decodes it back bit-exactly. Internal to engine/.
//
// A block starts with a version/encoding byte so the format can evolve
// without a migration flag day. The format is documented in
// docs/format/chunk.md.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"

namespace citynexus::engine {

// The points of one block in columnar form: timestamps strictly ascending
// (unique), and exactly one value column filled, matching `type`, with
// timestamps.size() entries.
struct ChunkColumns {
  ValueType type = ValueType::kFloat;
  std::vector<int64_t> timestamps;
  std::vector<double> floats;        // kFloat
  std::vector<int64_t> ints;         // kInt
  std::vector<uint8_t> bools;        // kBool (0 or 1)
  std::vector<std::string> strings;  // kString

  size_t size() const { return timestamps.size(); }
  void Clear();
};

// Encodes `columns` (must satisfy the invariants above; an empty chunk is
// allowed) and appends the block to `out`. kInvalidArgument when the
// invariants do not hold.
Status EncodeChunk(const ChunkColumns& columns, std::string* out);

// Decodes a block produced by EncodeChunk into `columns` (cleared first).
// kCorruption naming the byte offset on truncated or inconsistent input,
// kNotSupported for an unknown version byte. Never crashes on bad input.
Status DecodeChunk(std::string_view block, ChunkColumns* columns);

// Reads only the header: point count, value type, first and last timestamp.
struct ChunkHeader {
  ValueType type = ValueType::kFloat;
  uint32_t count = 0;
  int64_t first_timestamp_ns = 0;
  int64_t last_timestamp_ns = 0;
};
Status DecodeChunkHeader(std::string_view block, ChunkHeader* header);

}  // namespace citynexus::engine
