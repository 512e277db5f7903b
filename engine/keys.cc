// Key layouts of the store's column families (docs/format/storage.md).
#include "engine/keys.h"

namespace citynexus::engine {

std::string LogKey(uint64_t sequence) {
  std::string key;
  PutFixed64BE(&key, sequence);
  return key;
}

std::string ChunkKey(SeriesId id, int64_t window_start_ns) {
  std::string key;
  key.reserve(16);
  PutFixed64BE(&key, id);
  PutFixed64BE(&key, FlipSign(window_start_ns));
  return key;
}

std::string RollupKey(SeriesId id, uint32_t resolution_s,
                      int64_t window_start_ns) {
  std::string key;
  key.reserve(20);
  PutFixed64BE(&key, id);
  PutFixed32BE(&key, resolution_s);
  PutFixed64BE(&key, FlipSign(window_start_ns));
  return key;
}

bool ParseRollupKey(std::string_view key, SeriesId* id, uint32_t* resolution_s,
                    int64_t* window_start) {
  if (key.size() != 20) return false;
  *id = DecodeFixed64BE(key.data());
  *resolution_s = DecodeFixed32BE(key.data() + 8);
  *window_start = UnflipSign(DecodeFixed64BE(key.data() + 12));
  return true;
}

std::string SeriesIdKey(SeriesId id) {
  std::string key = "i";
  PutFixed64BE(&key, id);
  return key;
}

std::string SeriesCanonicalKey(std::string_view canonical) {
  std::string key = "k";
  key.append(canonical);
  return key;
}

bool ParseChunkKey(std::string_view key, SeriesId* id, int64_t* window_start) {
  if (key.size() != 16) return false;
  *id = DecodeFixed64BE(key.data());
  *window_start = UnflipSign(DecodeFixed64BE(key.data() + 8));
  return true;
}

std::string DescribeChunkKey(std::string_view key) {
  SeriesId id;
  int64_t start;
  if (!ParseChunkKey(key, &id, &start)) return "malformed chunk key";
  return "series " + std::to_string(id) + " window " + std::to_string(start);
}

}  // namespace citynexus::engine
