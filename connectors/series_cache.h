// SeriesCache: the point writer's map from a series key (measurement, tags,
// field) to its id and value type, built for the ingest hot path.
//
// Keys are non-empty byte strings the caller builds (PointWriter:
// length-prefixed measurement, tags and field). Hashing is split so a line's
// prefix (measurement and tags) is hashed once and each field only adds its
// own bytes: HashKey(HashPrefix(prefix), field). The table is open
// addressing over 64-bit hashes with the entries inline and the key bytes in
// one flat arena, so a lookup is a hash, usually one probe and one memcmp:
// no allocation, no node chasing. A hit is always verified against the
// stored key bytes, so hash collisions cost time, never a wrong series. The
// seed is random per cache, so crafted tag values cannot aim collisions at a
// known hash function.
//
// Thread-safety: none; PointWriter guards it with its shared mutex (Find and
// the Prefetch hints are const and may run concurrently with each other).
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

  // Hash of a line's key prefix; feed it to HashKey for each field. The two
  // hash functions read only the seed: no lock needed.
  uint64_t HashPrefix(std::string_view prefix) const;
  // Hash of the full key prefix + field part, where `field_part` is exactly
  // the bytes the caller appends to the prefix for the field.
  uint64_t HashKey(uint64_t prefix_hash, std::string_view field_part) const;

  // The series stored under the key `key_head` + `key_tail` (whose hash is
  // `hash`), or nullptr. Two parts so a caller need not copy a line's
  // prefix for every field. The pointer is valid until the next Insert.
  const Series* Find(uint64_t hash, std::string_view key_head,
                     std::string_view key_tail = {}) const;

  // Cache-miss hiding for a batch of lookups: PrefetchSlot(h) for every key
  // first, then PrefetchKey(h) for every key, then Find. Each step asks the
  // CPU for the memory the next one reads, so the misses of all keys overlap
  // instead of stalling one after another (ingest runs beside a broker that
  // evicts the table from the caches between messages). Hints only.
  void PrefetchSlot(uint64_t hash) const {
    __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  void PrefetchKey(uint64_t hash) const {
    const Entry& e = slots_[hash & (slots_.size() - 1)];
    if (e.hash == hash && e.key_size != 0) {
      __builtin_prefetch(keys_.data() + e.key_offset);
    }
  }
  // Stores `series` under `key` unless the key is present (then keeps the
  // stored one, which came from the same catalog).
  void Insert(uint64_t hash, std::string_view key, Series series);

  size_t size() const { return size_; }

 private:
  // One slot of the table, stored inline: a probe reads the slot itself,
  // not a node it points to.
  struct Entry {
    uint64_t hash = 0;
    uint64_t key_offset = 0;  // into keys_
    uint32_t key_size = 0;    // 0 = empty slot (keys are never empty)
    Series series;
  };
  void Grow();

  uint64_t seed_;
  std::vector<Entry> slots_;  // size 2^k, at most half full
  size_t size_ = 0;
  std::string keys_;  // every key's bytes, back to back
};

}  // namespace citynexus::connectors
