#include "connectors/series_cache.h"

#include <cstring>
#include <random>

namespace citynexus::connectors {
namespace {

// Constants and the multiply-fold step of wyhash (public domain): fast on
// short keys, and good enough mixing for a table that verifies every hit.
constexpr uint64_t kP0 = 0xa0761d6478bd642full;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ull;

inline uint64_t Mix(uint64_t a, uint64_t b) {
  const __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The last 0-7 bytes in one word, by whole loads (two overlapping 4-byte
// ones, or three single bytes) rather than a byte-wise copy, whose store
// and reload would stall. Not injective across lengths; the length is
// mixed into the hash separately.
inline uint64_t LoadTail(const char* p, size_t n) {
  if (n >= 4) return (Load32(p) << 32) | Load32(p + n - 4);
  if (n == 0) return 0;
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint64_t{u[0]} << 16) | (uint64_t{u[n >> 1]} << 8) | u[n - 1];
}

uint64_t HashBytes(std::string_view bytes, uint64_t seed) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  uint64_t h = seed ^ Mix(n ^ kP0, kP1);
  while (n >= 16) {
    h = Mix(Load64(p) ^ kP1, Load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    h = Mix(Load64(p) ^ kP2, h ^ kP0);
    p += 8;
    n -= 8;
  }
  return Mix(LoadTail(p, n) ^ kP1, h ^ kP2);
}

constexpr size_t kInitialSlots = 1024;

}  // namespace

SeriesCache::SeriesCache()
    : seed_(std::random_device{}() * 0x9e3779b97f4a7c15ull ^
            std::random_device{}()),
      slots_(kInitialSlots) {}

uint64_t SeriesCache::HashPrefix(std::string_view prefix) const {
  return HashBytes(prefix, seed_);
}

uint64_t SeriesCache::HashKey(uint64_t prefix_hash,
                              std::string_view field_part) const {
  return HashBytes(field_part, prefix_hash);
}

const SeriesCache::Series* SeriesCache::Find(uint64_t hash,
                                             std::string_view key_head,
                                             std::string_view key_tail) const {
  const size_t size = key_head.size() + key_tail.size();
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Entry& e = slots_[i];
    if (e.key_size == 0) return nullptr;
    if (e.hash != hash || e.key_size != size) continue;
    const char* stored = keys_.data() + e.key_offset;
    if (std::memcmp(stored, key_head.data(), key_head.size()) == 0 &&
        std::memcmp(stored + key_head.size(), key_tail.data(),
                    key_tail.size()) == 0) {
      return &e.series;
    }
  }
}

void SeriesCache::Insert(uint64_t hash, std::string_view key, Series series) {
  if (key.empty() || Find(hash, key) != nullptr) return;
  // Keep the load factor at or below 1/2: short probe sequences.
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].key_size != 0) i = (i + 1) & mask;
  slots_[i] = {hash, keys_.size(), static_cast<uint32_t>(key.size()), series};
  keys_.append(key);
  ++size_;
}

void SeriesCache::Grow() {
  std::vector<Entry> slots(slots_.size() * 2);
  const size_t mask = slots.size() - 1;
  for (const Entry& e : slots_) {
    if (e.key_size == 0) continue;
    size_t i = e.hash & mask;
    while (slots[i].key_size != 0) i = (i + 1) & mask;
    slots[i] = e;
  }
  slots_ = std::move(slots);
}

}  // namespace citynexus::connectors
