// The timestamps of recently sealed windows, kept in memory as arithmetic
// runs, so that aggregates over recent data can prove that no head point
// rewrites a sealed one without decoding the chunk.
//
// Why: several writers that drift apart (two gateways, two import
// connections) leave the head with points older than the newest sealed
// point of their series, interleaved with sealed ones over hours. Such a
// bucket's sealed and head time ranges overlap, and combining their
// partial aggregates is exact only when no timestamp is in both (a rewrite
// must replace, not add). The sealer knows every timestamp it wrote; kept
// here as runs (first, step, count), regular sensor data costs a few runs
// per window, and the check costs one pass over the head's timestamps.
//
// Contents: per series, the sealed timestamps of the most recent
// kWindowsPerSeries windows the sealer wrote, each exactly as committed
// (the merged chunk). Anything else is "unknown" and the caller reads raw.
// Entries may only ever be a superset of what is sealed (retention deleting
// chunks leaves them as they are: a false "shared" costs a raw read, never
// a wrong answer), so every writer of chunks other than the sealer must not
// add timestamps without calling Update or Forget.
//
// Bounded: a window with more than kMaxRunsPerWindow runs (irregular
// timestamps) is not kept, and nothing new is kept once max_bytes are used.
//
// Thread-safety: safe for concurrent use (sharded mutexes). Consistency
// with the sealed rollups is the caller's (RocksStore's seal epoch).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "engine/engine.h"

namespace citynexus::engine {

class SealedStamps {
 public:
  static constexpr size_t kShards = 16;
  static constexpr size_t kWindowsPerSeries = 4;
  static constexpr size_t kMaxRunsPerWindow = 4096;

  explicit SealedStamps(size_t max_bytes) : max_bytes_(max_bytes) {}
  SealedStamps(const SealedStamps&) = delete;
  SealedStamps& operator=(const SealedStamps&) = delete;

  struct Run {
    int64_t first;
    int64_t step;  // 0 when count == 1
    uint64_t count;
  };
  // The sealed timestamps of one window of a series.
  struct Window {
    int64_t start_ns = 0;
    std::vector<Run> runs;   // ascending, disjoint
    bool irregular = false;  // more than kMaxRunsPerWindow: not kept
  };
  // The window starting at `start_ns` holding `timestamps` (ascending,
  // unique). Pure: the sealer builds them before committing.
  static Window MakeWindow(int64_t start_ns,
                           std::span<const int64_t> timestamps);

  // That window of `id` now holds exactly `window`'s timestamps (call after
  // they are committed). Replaces what was known of it; the oldest window
  // of the series is forgotten beyond kWindowsPerSeries.
  void Update(SeriesId id, Window window);
  // Forgets everything known about `id`.
  void Forget(SeriesId id);

  enum class Overlap { kNone, kShared, kUnknown };
  // Whether any of `timestamps` (ascending, all in the window starting at
  // `window_start_ns`) is a sealed timestamp of `id`: kNone only when the
  // window is known and none is.
  Overlap Check(SeriesId id, int64_t window_start_ns,
                std::span<const int64_t> timestamps) const;

  size_t bytes() const;

 private:
  struct Shard {
    mutable Mutex mu;
    std::unordered_map<SeriesId, std::vector<Window>> series GUARDED_BY(mu);
  };
  static size_t BytesOf(const Window& w);

  const size_t max_bytes_;
  Shard shards_[kShards];
  std::atomic<size_t> bytes_{0};
};

}  // namespace citynexus::engine
