// In-memory cache of decoded rollups at the coarsest resolution (1 d by
// default), one entry per series holding all its sealed buckets.
//
// Why: dashboards evaluate indicators over thousands of series again and
// again. Decoding a year of daily buckets (6 span records per series,
// store_rollup_spans.cc) costs tens of microseconds; the cached buckets cost
// a binary search.
//
// Consistency: entries describe sealed data only (as the rollup records do).
// The sealer and retention Invalidate() a series after committing new
// rollups and before its points leave the frozen head, so a reader either
// still sees those points in a head (and stops rollups before them) or finds
// no stale entry. Loads race with invalidations through a generation number:
// Put() drops an entry loaded before the last invalidation.
//
// Bounded by bytes; least recently used entries are evicted first.
//
// Thread-safety: safe for concurrent use (one mutex; operations are short).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "engine/engine.h"

namespace citynexus::engine {

class RollupCache {
 public:
  using Buckets = std::vector<Bucket>;  // ascending by start_ns

  // `max_bytes` 0 disables the cache (Get always misses, Put ignores).
  explicit RollupCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  bool enabled() const { return max_bytes_ > 0; }
  // The buckets of `id`, or null on a miss.
  std::shared_ptr<const Buckets> Get(SeriesId id);
  // Read before loading; pass to Put().
  uint64_t generation() const;
  // Stores `buckets` unless an invalidation happened after `generation`
  // was read, or the entry alone exceeds the bound.
  void Put(SeriesId id, uint64_t generation,
           std::shared_ptr<const Buckets> buckets);
  // Drops the entry of `id` (its rollups changed).
  void Invalidate(SeriesId id);
  // The rollups of `id` changed in the windows [start, start + window_ns)
  // of `windows` (each with its new buckets, ascending): a cached entry
  // gets them in place of its buckets there; no entry stays no entry.
  // Like Invalidate(), it makes concurrent loads void.
  struct Window {
    int64_t start_ns = 0;
    Buckets buckets;
  };
  void Update(SeriesId id, int64_t window_ns,
              const std::vector<Window>& windows);
  // `old` with its buckets in each window [start, start + window_ns) of
  // `windows` (ascending) replaced by that window's buckets. Also used by
  // the sealer to rewrite span records (store_rollup_spans.cc).
  static Buckets ReplaceWindows(const Buckets& old, int64_t window_ns,
                                std::span<const Window> windows);
  // Drops everything.
  void Clear();

  size_t bytes() const;
  size_t entries() const;

 private:
  struct Entry {
    std::shared_ptr<const Buckets> buckets;
    std::list<SeriesId>::iterator lru;  // position in lru_
    size_t bytes = 0;
  };
  void EraseLocked(std::unordered_map<SeriesId, Entry>::iterator it)
      REQUIRES(mu_);

  const size_t max_bytes_;
  mutable Mutex mu_;
  std::unordered_map<SeriesId, Entry> entries_ GUARDED_BY(mu_);
  std::list<SeriesId> lru_ GUARDED_BY(mu_);  // front = most recent
  size_t bytes_ GUARDED_BY(mu_) = 0;
  uint64_t generation_ GUARDED_BY(mu_) = 0;
};

}  // namespace citynexus::engine
