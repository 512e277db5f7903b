// The head: in-memory buffers of points that are in the batch log but not
// yet sealed into chunks. One buffer per series.
//
// Recent data is what dashboards read most, so the head answers reads as
// cheaply as sealed chunks do:
// - Each buffer is kept sorted by timestamp and unique (the last write of a
//   timestamp wins). Points that arrive in time order (the common case) are
//   appended; a rewrite of the newest timestamp replaces it in place; an
//   older point is appended and marks the buffer unsorted, and the next read
//   sorts it once (stable, so the later write wins). Reads then
//   binary-search: Collect costs the points it returns, LatestIn/LastIn a
//   lookup.
// - Numeric series keep partial aggregates per bucket of bucket_ns() (the
//   finest common divisor of the rollup resolutions), updated on in-order
//   appends and recomputed lazily after a rewrite or an out-of-order point.
//   Aggregate queries combine them with the sealed rollups instead of
//   reading every head point. A series with fewer than kMinPointsPerBucket
//   points per bucket keeps none (the buckets would cost more memory than
//   its points, and reading its points is as cheap).
//
// Series are spread over kShards shards by id, each with its own mutex, so
// concurrent appends and scans of different series rarely contend. A whole
// head can be moved into another one in O(shards) for sealing (MoveInto):
// the frozen head stays readable until its chunks are committed.
//
// Thread-safety: safe for concurrent use. Reads may reorganize a buffer
// (sort, recompute aggregates) under its shard's lock; that is invisible.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "engine/batch_log.h"
#include "engine/chunk_codec.h"
#include "engine/engine.h"

namespace citynexus::engine {

class Head {
 public:
  static constexpr size_t kShards = 16;
  // Below this many points per aggregate bucket a series keeps none.
  static constexpr size_t kMinPointsPerBucket = 4;

  // `bucket_ns` > 0: numeric series keep partial aggregates per bucket of
  // that width (epoch-aligned); 0: no aggregates.
  explicit Head(int64_t bucket_ns = 0) : bucket_ns_(bucket_ns) {}
  Head(const Head&) = delete;
  Head& operator=(const Head&) = delete;

  int64_t bucket_ns() const { return bucket_ns_; }

  // Inserts points[i] for each i in `indexes` (already validated: each
  // series' values have one type).
  void Insert(std::span<const Point> points, std::span<const uint32_t> indexes);
  // Inserts one replayed log point.
  void Insert(const LogPoint& point);

  // Points of `id` in [start_ns, end_ns), ascending and unique by timestamp
  // (the last inserted wins), into `out` (cleared first). False when the
  // series has no points at all in the head.
  bool Collect(SeriesId id, int64_t start_ns, int64_t end_ns,
               ChunkColumns* out) const;
  // The smallest / greatest timestamp of `id` in [start_ns, end_ns);
  // nullopt when the series has no point there.
  std::optional<int64_t> EarliestIn(SeriesId id, int64_t start_ns,
                                    int64_t end_ns) const;
  std::optional<int64_t> LatestIn(SeriesId id, int64_t start_ns,
                                  int64_t end_ns) const;
  // The newest point of `id` in [start_ns, end_ns) (its last write);
  // nullopt when there is none.
  std::optional<Sample> LastIn(SeriesId id, int64_t start_ns,
                               int64_t end_ns) const;

  // Appends to `out` the timestamps of `id` in [start_ns, end_ns),
  // ascending and unique (to prove that two sources share none).
  void TimestampsIn(SeriesId id, int64_t start_ns, int64_t end_ns,
                    std::vector<int64_t>* out) const;

  // Appends to `out` the partial aggregates of `id` at bucket_ns() for the
  // buckets starting in [start_ns, end_ns) (both multiples of bucket_ns()),
  // ascending, empty buckets omitted. Returns false, appending nothing,
  // when the series keeps no aggregates but has points in the range (the
  // caller reads them raw); true otherwise (also when it has none there).
  bool BucketsIn(SeriesId id, int64_t start_ns, int64_t end_ns,
                 std::vector<Bucket>* out) const;

  // Moves all content into `target` (empty, same bucket_ns) and leaves this
  // one empty. Shard by shard: a reader that reads this head and then
  // `target` sees every point in at least one of them.
  void MoveInto(Head* target);
  // MoveInto a new Head, returned.
  std::unique_ptr<Head> SwapOut();

  // Calls `visit` for each series with points (ids ascending).
  void ForEachSeries(const std::function<void(SeriesId)>& visit) const;

  // Drops points of `id` with ts < cutoff_ns. Returns how many were dropped.
  size_t DropBefore(SeriesId id, int64_t cutoff_ns);

  // Min and max timestamp over all points; false when empty.
  bool TimeRange(int64_t* min_ns, int64_t* max_ns) const;

  // Distinct points buffered (rewrites of a timestamp may count twice until
  // the series is next read).
  uint64_t points() const { return points_.load(std::memory_order_relaxed); }

 private:
  struct HeadPoint {
    int64_t ts;
    uint64_t bits;  // float bits, int64, bool, or index into strings
  };
  enum class Aggregates : uint8_t {
    kKept,   // `buckets` describe `points`
    kStale,  // recompute from `points` before use
    kOff,    // none (non-numeric, sparse, or the head keeps none)
  };
  struct SeriesHead {
    ValueType type = ValueType::kFloat;
    bool sorted = true;  // points strictly ascending by ts
    Aggregates aggregates = Aggregates::kOff;
    std::vector<HeadPoint> points;
    std::vector<std::string> strings;
    std::vector<Bucket> buckets;  // at bucket_ns_, ascending (kKept)
  };
  struct Shard {
    mutable Mutex mu;
    // series[id / kShards]; nullptr when the series has no points. Mutable:
    // reads sort buffers and refresh aggregates in place (under `mu`).
    mutable std::vector<std::unique_ptr<SeriesHead>> series GUARDED_BY(mu);
  };

  SeriesHead* SlotFor(Shard& shard, SeriesId id, ValueType type)
      REQUIRES(shard.mu);
  // The series' buffer, sorted and with fresh aggregates; null when none.
  SeriesHead* FindNormalized(const Shard& shard, SeriesId id) const
      REQUIRES(shard.mu);
  // The timestamp of EdgePointIn, under the shard's lock.
  std::optional<int64_t> EdgeTimestampIn(SeriesId id, int64_t start_ns,
                                         int64_t end_ns, bool latest) const;
  // The earliest (or, with `latest`, the newest) point of `id` in
  // [start_ns, end_ns), and its series in `*head`; null when there is none.
  const HeadPoint* EdgePointIn(const Shard& shard, SeriesId id,
                               int64_t start_ns, int64_t end_ns, bool latest,
                               const SeriesHead** head) const
      REQUIRES(shard.mu);
  // Appends one point (last write wins) keeping the invariants above.
  void AppendLocked(SeriesHead* head, int64_t ts, uint64_t bits) const;
  void AddToBuckets(SeriesHead* head, int64_t ts, uint64_t bits) const;
  void RecomputeBuckets(SeriesHead* head) const;

  const int64_t bucket_ns_;
  Shard shards_[kShards];
  // Updated under the shard locks, read without them.
  mutable std::atomic<uint64_t> points_{0};
};

}  // namespace citynexus::engine
