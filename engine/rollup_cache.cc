#include "engine/rollup_cache.h"

namespace citynexus::engine {
namespace {
// Per-entry bookkeeping beyond the buckets: map node, list node, control
// block of the shared vector.
constexpr size_t kEntryOverhead = 128;
}  // namespace

std::shared_ptr<const RollupCache::Buckets> RollupCache::Get(SeriesId id) {
  if (!enabled()) return nullptr;
  MutexLock lock(&mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.buckets;
}

uint64_t RollupCache::generation() const {
  MutexLock lock(&mu_);
  return generation_;
}

void RollupCache::Put(SeriesId id, uint64_t generation,
                      std::shared_ptr<const Buckets> buckets) {
  if (!enabled() || buckets == nullptr) return;
  const size_t bytes = kEntryOverhead + buckets->capacity() * sizeof(Bucket);
  if (bytes > max_bytes_) return;
  MutexLock lock(&mu_);
  if (generation != generation_) return;  // loaded before an invalidation
  if (auto it = entries_.find(id); it != entries_.end()) EraseLocked(it);
  while (bytes_ + bytes > max_bytes_ && !lru_.empty()) {
    EraseLocked(entries_.find(lru_.back()));
  }
  lru_.push_front(id);
  entries_.emplace(id, Entry{std::move(buckets), lru_.begin(), bytes});
  bytes_ += bytes;
}

void RollupCache::Invalidate(SeriesId id) {
  if (!enabled()) return;
  MutexLock lock(&mu_);
  ++generation_;
  if (auto it = entries_.find(id); it != entries_.end()) EraseLocked(it);
}

void RollupCache::Update(SeriesId id, int64_t window_ns,
                         const std::vector<Window>& windows) {
  if (!enabled()) return;
  MutexLock lock(&mu_);
  ++generation_;
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  // Copy on write: readers may hold the old vector.
  auto updated = std::make_shared<Buckets>(
      ReplaceWindows(*it->second.buckets, window_ns, windows));
  const size_t bytes = kEntryOverhead + updated->capacity() * sizeof(Bucket);
  bytes_ = bytes_ - it->second.bytes + bytes;
  it->second.bytes = bytes;
  it->second.buckets = std::move(updated);
  while (bytes_ > max_bytes_ && lru_.size() > 1) {
    EraseLocked(entries_.find(lru_.back()));
  }
}

RollupCache::Buckets RollupCache::ReplaceWindows(
    const Buckets& old, int64_t window_ns, std::span<const Window> windows) {
  Buckets updated;
  updated.reserve(old.size() + windows.size());
  size_t i = 0;
  for (const Window& w : windows) {
    while (i < old.size() && old[i].start_ns < w.start_ns) {
      updated.push_back(old[i++]);
    }
    while (i < old.size() && old[i].start_ns < w.start_ns + window_ns) ++i;
    updated.insert(updated.end(), w.buckets.begin(), w.buckets.end());
  }
  updated.insert(updated.end(), old.begin() + static_cast<std::ptrdiff_t>(i),
                 old.end());
  return updated;
}

void RollupCache::Clear() {
  if (!enabled()) return;
  MutexLock lock(&mu_);
  ++generation_;
  entries_.clear();
  lru_.clear();
  bytes_ = 0;
}

size_t RollupCache::bytes() const {
  MutexLock lock(&mu_);
  return bytes_;
}

size_t RollupCache::entries() const {
  MutexLock lock(&mu_);
  return entries_.size();
}

void RollupCache::EraseLocked(
    std::unordered_map<SeriesId, Entry>::iterator it) {
  bytes_ -= it->second.bytes;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

}  // namespace citynexus::engine
