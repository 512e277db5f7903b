// libFuzzer target: the chunk codec's decoder (sealed blocks read from
// RocksDB; a damaged file must give kCorruption, never a crash). A block
// that decodes is re-encoded and must decode to the same columns.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "engine/chunk_codec.h"

namespace {
bool SameFloat(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citynexus::engine;
  const std::string_view block(reinterpret_cast<const char*>(data), size);
  ChunkHeader header;
  const bool header_ok = DecodeChunkHeader(block, &header).ok();
  ChunkColumns columns;
  if (!DecodeChunk(block, &columns).ok()) return 0;
  if (!header_ok || header.count != columns.size()) __builtin_trap();
  std::string again;
  if (!EncodeChunk(columns, &again).ok()) return 0;  // e.g. unsorted input
  ChunkColumns round;
  if (!DecodeChunk(again, &round).ok()) __builtin_trap();
  if (round.timestamps != columns.timestamps || round.ints != columns.ints ||
      round.bools != columns.bools || round.strings != columns.strings ||
      round.floats.size() != columns.floats.size()) {
    __builtin_trap();
  }
  for (size_t i = 0; i < round.floats.size(); ++i) {
    if (!SameFloat(round.floats[i], columns.floats[i])) __builtin_trap();
  }
  return 0;
}
