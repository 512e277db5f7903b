// The head: in-memory buffers of points that are in the batch log but not
// yet sealed into chunks. One buffer per series, in arrival (log) order, so
// that on equal timestamps the later point wins when a buffer is sorted.
//
// Series are spread over kShards shards by id, each with its own mutex, so
// concurrent appends and scans of different series rarely contend. A whole
// head can be swapped out in O(shards) for sealing (SwapOut): the frozen head
// stays readable by scans until its chunks are committed.
//
// Thread-safety: safe for concurrent use.
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

  Head() = default;
  Head(const Head&) = delete;
  Head& operator=(const Head&) = delete;

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

  // Moves all content into a new Head and leaves this one empty.
  std::unique_ptr<Head> SwapOut();

  // Calls `visit` for each series with points (ids ascending per shard).
  void ForEachSeries(const std::function<void(SeriesId)>& visit) const;

  // Drops points of `id` with ts < cutoff_ns. Returns how many were dropped.
  size_t DropBefore(SeriesId id, int64_t cutoff_ns);

  // Min and max timestamp over all points; false when empty.
  bool TimeRange(int64_t* min_ns, int64_t* max_ns) const;

  uint64_t points() const { return points_.load(std::memory_order_relaxed); }

 private:
  struct HeadPoint {
    int64_t ts;
    uint64_t bits;  // float bits, int64, bool, or index into strings
  };
  struct SeriesHead {
    ValueType type = ValueType::kFloat;
    std::vector<HeadPoint> points;
    std::vector<std::string> strings;
  };
  struct Shard {
    mutable Mutex mu;
    // series[id / kShards]; nullptr when the series has no points.
    std::vector<std::unique_ptr<SeriesHead>> series GUARDED_BY(mu);
  };

  SeriesHead* SlotFor(Shard& shard, SeriesId id, ValueType type)
      REQUIRES(shard.mu);
  const SeriesHead* Find(const Shard& shard, SeriesId id) const
      REQUIRES(shard.mu);
  // The timestamp of `id` in [start_ns, end_ns) that `better` prefers.
  template <typename Better>
  std::optional<int64_t> ExtremeIn(SeriesId id, int64_t start_ns,
                                   int64_t end_ns, Better better) const;

  Shard shards_[kShards];
  std::atomic<uint64_t> points_{0};
};

}  // namespace citynexus::engine
