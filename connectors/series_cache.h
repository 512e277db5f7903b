// SeriesCache: the point writer's map from a series key (measurement, tags,
// field) to its id and value type, built for the ingest hot path.
//
// Keys are byte strings the caller builds (PointWriter: length-prefixed
// measurement, tags and field). Hashing is split so a line's prefix
// (measurement and tags) is hashed once and each field only adds its own
// bytes: HashKey(HashPrefix(prefix), field). The table is open addressing
// over 64-bit hashes with the key bytes in one flat arena, so a lookup is a
// hash, usually one probe and one memcmp: no allocation, no node chasing.
// A hit is always verified against the stored key bytes, so hash collisions
// cost time, never a wrong series. The seed is random per cache, so crafted
// tag values cannot aim collisions at a known hash function.
//
// Thread-safety: none; PointWriter guards it with its shared mutex (Find is
// const and may run concurrently with other Finds).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"

namespace citynexus::connectors {

class SeriesCache {
 public:
  struct Series {
    engine::SeriesId id = 0;
    engine::ValueType type = engine::ValueType::kFloat;
  };

  SeriesCache();

  // Hash of a line's key prefix; feed it to HashKey for each field.
  uint64_t HashPrefix(std::string_view prefix) const;
  // Hash of the full key prefix + field part, where `field_part` is exactly
  // the bytes the caller appends to the prefix for the field.
  uint64_t HashKey(uint64_t prefix_hash, std::string_view field_part) const;

  // The series stored under `key` (whose hash is `hash`), or nullptr. The
  // pointer is valid until the next Insert.
  const Series* Find(uint64_t hash, std::string_view key) const;
  // Stores `series` under `key` unless the key is present (then keeps the
  // stored one, which came from the same catalog).
  void Insert(uint64_t hash, std::string_view key, Series series);

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    uint64_t hash;
    uint64_t key_offset;  // into keys_
    uint32_t key_size;
    Series series;
  };
  void Grow();

  uint64_t seed_;
  std::vector<uint32_t> slots_;  // entry index + 1; 0 = empty; size 2^k
  std::vector<Entry> entries_;
  std::string keys_;  // every key's bytes, back to back
};

}  // namespace citynexus::connectors
