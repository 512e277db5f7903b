// Chunk codec: block layout, header, and the per-type value sections.
// The format is documented in docs/format/chunk.md; the integer and float
// column codecs live in codec_int_column.cc and codec_float.cc.
#include "engine/chunk_codec.h"

#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "engine/bit_stream.h"
#include "engine/codec_float.h"
#include "engine/codec_int_column.h"
#include "engine/coding.h"

namespace citynexus::engine {
namespace {

// Byte 0 of every block. Version 1 layout:
//   [version=0x01][type][varint count]
//   count > 0:  [first timestamp: 8 bytes LE][varint last - first]
//               [timestamp column][value section]
constexpr uint8_t kChunkVersion1 = 0x01;

// Upper bound on the total bytes of the strings of one chunk. A dictionary
// lets a small block expand into count x longest-string bytes; without a
// bound a corrupt or hostile block could demand gigabytes. Chunks hold short
// state strings, so the encoder refuses more and the decoder reports
// corruption above it.
constexpr uint64_t kMaxChunkStringBytes = uint64_t{256} << 20;  // 256 MiB

// Boolean section mode byte: 0 = one bit per point, 1 = run lengths.
constexpr uint8_t kBoolPacked = 0;
constexpr uint8_t kBoolRuns = 1;

inline uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }

Status ValidateColumns(const ChunkColumns& c) {
  const size_t n = c.timestamps.size();
  if (n > UINT32_MAX) {
    return Status::InvalidArgument("chunk holds more than 2^32-1 points");
  }
  size_t expected = 0;
  switch (c.type) {
    case ValueType::kFloat:
      expected = c.floats.size();
      break;
    case ValueType::kInt:
      expected = c.ints.size();
      break;
    case ValueType::kBool:
      expected = c.bools.size();
      for (uint8_t b : c.bools) {
        if (b > 1) return Status::InvalidArgument("bool value is not 0 or 1");
      }
      break;
    case ValueType::kString: {
      expected = c.strings.size();
      uint64_t total = 0;
      for (const std::string& str : c.strings) total += str.size();
      if (total > kMaxChunkStringBytes) {
        return Status::InvalidArgument("chunk strings exceed 256 MiB");
      }
      break;
    }
    default:
      return Status::InvalidArgument("unknown value type");
  }
  const size_t filled = (c.floats.empty() ? 0 : 1) + (c.ints.empty() ? 0 : 1) +
                        (c.bools.empty() ? 0 : 1) + (c.strings.empty() ? 0 : 1);
  if (expected != n || filled > 1) {
    return Status::InvalidArgument(
        "chunk value column does not match its type and timestamp count");
  }
  for (size_t i = 1; i < n; ++i) {
    if (c.timestamps[i] <= c.timestamps[i - 1]) {
      return Status::InvalidArgument(
          "chunk timestamps not strictly ascending at index " +
          std::to_string(i));
    }
  }
  return Status::Ok();
}

void EncodeBools(const std::vector<uint8_t>& bools, std::string* out) {
  const size_t n = bools.size();
  std::vector<int64_t> runs;  // run length - 1
  int64_t run = 0;
  for (size_t i = 1; i < n; ++i) {
    if (bools[i] == bools[i - 1]) {
      ++run;
    } else {
      runs.push_back(run);
      run = 0;
    }
  }
  runs.push_back(run);
  // Runs cost a value byte, the run count and the column; packed bits cost
  // PackedBytes(n, 1). Both share the mode byte.
  std::string run_bytes;
  PutVarint64(&run_bytes, runs.size());
  EncodeIntColumn(runs.data(), runs.size(), kIntOrderRaw, &run_bytes);
  if (run_bytes.size() + 1 < PackedBytes(n, 1)) {
    out->push_back(static_cast<char>(kBoolRuns));
    out->push_back(static_cast<char>(bools[0]));
    out->append(run_bytes);
    return;
  }
  out->push_back(static_cast<char>(kBoolPacked));
  std::vector<uint64_t> bits(bools.begin(), bools.end());
  PackBits(bits.data(), n, 1, out);
}

Status DecodeBools(ByteCursor* cursor, size_t n, std::vector<uint8_t>* out,
                   std::vector<int64_t>* scratch) {
  const size_t mode_at = cursor->position();
  uint8_t mode = 0;
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadByte(&mode));
  out->resize(n);
  if (mode == kBoolPacked) {
    const size_t bytes = PackedBytes(n, 1);
    if (cursor->remaining() < bytes) return cursor->Error("truncated bools");
    const uint8_t* p = cursor->current();
    for (size_t i = 0; i < n; ++i) (*out)[i] = (p[i >> 3] >> (i & 7)) & 1;
    return cursor->Skip(bytes);
  }
  if (mode != kBoolRuns) {
    return ByteCursor::ErrorAt(mode_at, "unknown bool mode");
  }
  uint8_t value = 0;
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadByte(&value));
  if (value > 1) return ByteCursor::ErrorAt(mode_at + 1, "bad bool value");
  const size_t count_at = cursor->position();
  uint64_t run_count = 0;
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadVarint(&run_count));
  if (run_count == 0 || run_count > n ||
      MinIntColumnBytes(run_count) > cursor->remaining()) {
    return ByteCursor::ErrorAt(count_at, "bad bool run count");
  }
  scratch->resize(run_count);
  const size_t runs_at = cursor->position();
  CITYNEXUS_RETURN_IF_ERROR(
      DecodeIntColumn(cursor, run_count, scratch->data()));
  size_t filled = 0;
  for (int64_t r : *scratch) {
    const uint64_t len = U(r) + 1;  // wraps to 0 for UINT64_MAX: rejected
    if (len == 0 || len > n - filled) {
      return ByteCursor::ErrorAt(runs_at, "bool runs exceed point count");
    }
    std::fill(out->begin() + filled, out->begin() + filled + len, value);
    filled += len;
    value ^= 1;
  }
  if (filled != n) {
    return ByteCursor::ErrorAt(runs_at, "bool runs do not cover all points");
  }
  return Status::Ok();
}

void EncodeStrings(const std::vector<std::string>& strings, std::string* out) {
  std::unordered_map<std::string_view, int64_t> index_of;
  std::vector<std::string_view> dictionary;  // in order of first use
  std::vector<int64_t> indices;
  indices.reserve(strings.size());
  for (const std::string& s : strings) {
    auto [it, inserted] =
        index_of.try_emplace(s, static_cast<int64_t>(dictionary.size()));
    if (inserted) dictionary.push_back(s);
    indices.push_back(it->second);
  }
  PutVarint64(out, dictionary.size());
  for (std::string_view s : dictionary) {
    PutVarint64(out, s.size());
    out->append(s);
  }
  EncodeIntColumn(indices.data(), indices.size(), kIntOrderRaw, out);
}

Status DecodeStrings(ByteCursor* cursor, size_t n,
                     std::vector<std::string>* out,
                     std::vector<int64_t>* scratch) {
  const size_t dict_at = cursor->position();
  uint64_t dict_size = 0;
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadVarint(&dict_size));
  // Each entry takes at least its one-byte length.
  if (dict_size == 0 || dict_size > n || dict_size > cursor->remaining()) {
    return ByteCursor::ErrorAt(dict_at, "bad string dictionary size");
  }
  std::vector<std::string_view> dictionary;
  dictionary.reserve(dict_size);
  for (uint64_t i = 0; i < dict_size; ++i) {
    const size_t len_at = cursor->position();
    uint64_t len = 0;
    CITYNEXUS_RETURN_IF_ERROR(cursor->ReadVarint(&len));
    if (len > cursor->remaining()) {
      return ByteCursor::ErrorAt(len_at, "string longer than block");
    }
    dictionary.emplace_back(reinterpret_cast<const char*>(cursor->current()),
                            static_cast<size_t>(len));
    CITYNEXUS_RETURN_IF_ERROR(cursor->Skip(static_cast<size_t>(len)));
  }
  if (MinIntColumnBytes(n) > cursor->remaining()) {
    return cursor->Error("truncated string index column");
  }
  scratch->resize(n);
  const size_t index_at = cursor->position();
  CITYNEXUS_RETURN_IF_ERROR(DecodeIntColumn(cursor, n, scratch->data()));
  uint64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t idx = U((*scratch)[i]);
    if (idx >= dict_size) {
      return ByteCursor::ErrorAt(index_at, "string index out of range");
    }
    total += dictionary[idx].size();
  }
  if (total > kMaxChunkStringBytes) {
    return ByteCursor::ErrorAt(index_at, "decoded strings exceed 256 MiB");
  }
  out->resize(n);
  for (size_t i = 0; i < n; ++i) {
    (*out)[i].assign(dictionary[static_cast<size_t>((*scratch)[i])]);
  }
  return Status::Ok();
}

// Reads the fixed header. On success the cursor stands at the timestamp
// column (or at the end for an empty chunk).
Status ReadHeader(ByteCursor* cursor, ChunkHeader* header) {
  uint8_t version = 0;
  if (!cursor->ReadByte(&version).ok()) {
    return ByteCursor::ErrorAt(0, "empty block (no version byte)");
  }
  if (version != kChunkVersion1) {
    return Status::NotSupported("chunk byte 0: unknown chunk version " +
                                std::to_string(version));
  }
  uint8_t type = 0;
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadByte(&type));
  if (type < static_cast<uint8_t>(ValueType::kFloat) ||
      type > static_cast<uint8_t>(ValueType::kString)) {
    return ByteCursor::ErrorAt(1, "unknown value type " + std::to_string(type));
  }
  header->type = static_cast<ValueType>(type);
  const size_t count_at = cursor->position();
  uint64_t count = 0;
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadVarint(&count));
  if (count > UINT32_MAX) {
    return ByteCursor::ErrorAt(count_at, "point count above 2^32-1");
  }
  header->count = static_cast<uint32_t>(count);
  header->first_timestamp_ns = 0;
  header->last_timestamp_ns = 0;
  if (count == 0) return Status::Ok();
  uint64_t first = 0, span = 0;
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadFixed64LE(&first));
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadVarint(&span));
  header->first_timestamp_ns = static_cast<int64_t>(first);
  header->last_timestamp_ns = static_cast<int64_t>(first + span);
  // Reject counts the remaining bytes cannot possibly hold before anyone
  // allocates count-sized vectors.
  if (MinIntColumnBytes(count) > cursor->remaining()) {
    return ByteCursor::ErrorAt(count_at, "point count exceeds block size");
  }
  if ((count == 1) != (span == 0) ||
      static_cast<int64_t>(first + span) < static_cast<int64_t>(first)) {
    return ByteCursor::ErrorAt(count_at, "inconsistent timestamp range");
  }
  return Status::Ok();
}

}  // namespace

void ChunkColumns::Clear() {
  type = ValueType::kFloat;
  timestamps.clear();
  floats.clear();
  ints.clear();
  bools.clear();
  strings.clear();
}

Status EncodeChunk(const ChunkColumns& columns, std::string* out) {
  CITYNEXUS_RETURN_IF_ERROR(ValidateColumns(columns));
  const size_t n = columns.size();
  out->push_back(static_cast<char>(kChunkVersion1));
  out->push_back(static_cast<char>(columns.type));
  PutVarint64(out, n);
  if (n == 0) return Status::Ok();

  const int64_t first = columns.timestamps.front();
  PutFixed64LE(out, U(first));
  PutVarint64(out, U(columns.timestamps.back()) - U(first));
  std::vector<int64_t> relative(n);
  for (size_t i = 0; i < n; ++i) {
    relative[i] = static_cast<int64_t>(U(columns.timestamps[i]) - U(first));
  }
  EncodeIntColumn(relative.data(), n,
                  kIntOrderDelta | kIntOrderDoD | kIntOrderLinear, out);

  switch (columns.type) {
    case ValueType::kFloat:
      EncodeFloatColumn(columns.floats.data(), n, out);
      break;
    case ValueType::kInt:
      EncodeIntColumn(columns.ints.data(), n, kIntOrderAll, out);
      break;
    case ValueType::kBool:
      EncodeBools(columns.bools, out);
      break;
    case ValueType::kString:
      EncodeStrings(columns.strings, out);
      break;
  }
  return Status::Ok();
}

Status DecodeChunkHeader(std::string_view block, ChunkHeader* header) {
  ByteCursor cursor(block);
  return ReadHeader(&cursor, header);
}

namespace {

Status DecodeChunkInto(std::string_view block, ChunkColumns* columns) {
  ByteCursor cursor(block);
  ChunkHeader header;
  CITYNEXUS_RETURN_IF_ERROR(ReadHeader(&cursor, &header));
  columns->type = header.type;
  const size_t n = header.count;
  if (n > 0) {
    const size_t ts_at = cursor.position();
    // Prove the count is backed by a well-formed timestamp column before
    // allocating count-sized arrays (a corrupt count could otherwise ask for
    // up to ~1000x the block size). The value column is then no larger.
    CITYNEXUS_RETURN_IF_ERROR(CheckIntColumnFits(cursor, n));
    columns->timestamps.resize(n);
    int64_t* ts = columns->timestamps.data();
    CITYNEXUS_RETURN_IF_ERROR(DecodeIntColumn(&cursor, n, ts));
    const uint64_t first = U(header.first_timestamp_ns);
    if (ts[0] != 0 || static_cast<int64_t>(U(ts[n - 1]) + first) !=
                          header.last_timestamp_ns) {
      return ByteCursor::ErrorAt(ts_at, "timestamps disagree with header");
    }
    bool ascending = true;
    ts[0] = header.first_timestamp_ns;
    for (size_t i = 1; i < n; ++i) {
      ts[i] = static_cast<int64_t>(U(ts[i]) + first);
      ascending &= ts[i] > ts[i - 1];
    }
    if (!ascending) {
      return ByteCursor::ErrorAt(ts_at, "timestamps not strictly ascending");
    }

    // The ints vector doubles as scratch space for the non-int types so a
    // reused ChunkColumns decodes without allocating; it is cleared after.
    Status s;
    switch (header.type) {
      case ValueType::kFloat:
        columns->floats.resize(n);
        s = DecodeFloatColumn(&cursor, n, columns->floats.data(),
                              &columns->ints);
        columns->ints.clear();
        break;
      case ValueType::kInt:
        columns->ints.resize(n);
        s = DecodeIntColumn(&cursor, n, columns->ints.data());
        break;
      case ValueType::kBool:
        s = DecodeBools(&cursor, n, &columns->bools, &columns->ints);
        columns->ints.clear();
        break;
      case ValueType::kString:
        s = DecodeStrings(&cursor, n, &columns->strings, &columns->ints);
        columns->ints.clear();
        break;
    }
    CITYNEXUS_RETURN_IF_ERROR(s);
  }
  if (cursor.remaining() != 0) {
    return cursor.Error("trailing bytes after chunk");
  }
  return Status::Ok();
}

}  // namespace

Status DecodeChunk(std::string_view block, ChunkColumns* columns) {
  columns->Clear();
  Status s = DecodeChunkInto(block, columns);
  // Callers never see half-decoded columns.
  if (!s.ok()) columns->Clear();
  return s;
}

}  // namespace citynexus::engine
