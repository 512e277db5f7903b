// Read path of RocksStore: Scan and Aggregate.
//
// A read merges three sources, newest wins on equal timestamps: sealed
// chunks < the frozen head (being sealed) < the live head. The head is read
// first and the frozen head second, so a seal running concurrently can only
// move points into a source read later, never out of sight.
//
// Aggregate reads rollups for the part of the range that is aligned to a
// rollup resolution dividing the step (and offset), combined with the
// heads' partial aggregates there (store_aggregate.cc); edges from the
// next finer resolution where it fits, and raw points for the rest. When the
// heads' aggregates cannot be used, rollups stop before the first head point
// and raw points cover the rest. Either way the result equals the raw
// computation.
#include <rocksdb/db.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "engine/chunk_codec.h"
#include "engine/columns.h"
#include "engine/keys.h"
#include "engine/rocks_store.h"
#include "engine/rollups.h"

namespace citynexus::engine {

namespace {

// Stored timestamps lie within ±2^62 (Append rejects others), so clamping
// query bounds to that range changes no result and keeps window and bucket
// arithmetic free of overflow for callers passing INT64_MIN/INT64_MAX.
constexpr int64_t kMaxAbsTimestamp = int64_t{1} << 62;
int64_t ClampTs(int64_t ts) {
  return std::clamp(ts, -kMaxAbsTimestamp, kMaxAbsTimestamp + 1);
}

int64_t FloorMod(int64_t a, int64_t m) {
  int64_t r = a % m;
  return r < 0 ? r + m : r;
}

// Adds one point to the ascending bucket list.
void AddPoint(std::vector<Bucket>* out, int64_t step, int64_t offset,
              int64_t ts, double value) {
  int64_t start = ts - FloorMod(ts - offset, step);
  if (out->empty() || out->back().start_ns != start) {
    out->emplace_back();
    out->back().start_ns = start;
  }
  AddToBucket(&out->back(), ts, value);
}

}  // namespace

Status RocksStore::ReadRange(
    SeriesId id, int64_t start_ns, int64_t end_ns,
    const std::function<bool(const ChunkColumns&, size_t)>& visit) {
  if (closed_.load()) return Status::Unavailable("store is closed");
  start_ns = ClampTs(start_ns);
  end_ns = ClampTs(end_ns);
  if (start_ns >= end_ns) return Status::Ok();
  ChunkColumns live, frozen_cols, newer;
  head_.Collect(id, start_ns, end_ns, &live);
  if (auto frozen = Frozen()) {
    frozen->Collect(id, start_ns, end_ns, &frozen_cols);
  }
  if (frozen_cols.size() == 0) {
    newer = std::move(live);
  } else if (live.size() == 0) {
    newer = std::move(frozen_cols);
  } else {
    MergeColumns(frozen_cols, live, &newer);
  }

  size_t j = 0;
  std::string lower = ChunkKey(id, WindowStart(start_ns, window_ns_));
  std::string upper = ChunkKey(id, end_ns);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, chunks_cf()));
  ChunkColumns chunk;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    Status st = DecodeChunk(
        std::string_view(it->value().data(), it->value().size()), &chunk);
    if (!st.ok()) return st.WithContext("reading " + DescribeChunk(key));
    SliceColumns(&chunk, start_ns, end_ns);
    if (newer.size() > 0 && chunk.size() > 0 && chunk.type != newer.type) {
      return Status::Corruption("reading " + DescribeChunk(key) +
                                ": value type differs from the head");
    }
    for (size_t i = 0; i < chunk.size(); ++i) {
      int64_t ts = chunk.timestamps[i];
      while (j < newer.size() && newer.timestamps[j] < ts) {
        if (!visit(newer, j++)) return Status::Ok();
      }
      if (j < newer.size() && newer.timestamps[j] == ts) {
        if (!visit(newer, j++)) return Status::Ok();
        continue;
      }
      if (!visit(chunk, i)) return Status::Ok();
    }
  }
  if (!it->status().ok()) {
    return Status::IOError("reading chunks of series " + std::to_string(id) +
                           ": " + it->status().ToString());
  }
  while (j < newer.size()) {
    if (!visit(newer, j++)) return Status::Ok();
  }
  return Status::Ok();
}

Status RocksStore::Scan(SeriesId series, int64_t start_ns, int64_t end_ns,
                        const std::function<bool(const Sample&)>& visit) {
  if (!catalog_.TypeOf(series)) {
    return Status::NotFound("unknown series id " + std::to_string(series));
  }
  return ReadRange(
      series, start_ns, end_ns,
      [&](const ChunkColumns& c, size_t i) { return visit(SampleAt(c, i)); });
}

Result<std::shared_ptr<const RollupCache::Buckets>> RocksStore::CoarsestRollups(
    SeriesId id) {
  if (auto hit = rollup_cache_.Get(id)) return hit;
  const uint64_t generation = rollup_cache_.generation();
  const uint32_t res_s =
      static_cast<uint32_t>(rollup_ns_.back() / 1'000'000'000);
  auto all = std::make_shared<RollupCache::Buckets>();
  CITYNEXUS_RETURN_IF_ERROR(ForEachRollupRecord(
      id, res_s, INT64_MIN, INT64_MAX, [&](const std::vector<Bucket>& record) {
        all->insert(all->end(), record.begin(), record.end());
      }));
  all->shrink_to_fit();
  rollup_cache_.Put(id, generation, all);
  return std::shared_ptr<const RollupCache::Buckets>(std::move(all));
}

// The newest sealed point of a numeric series in [start_ns, end_ns) from the
// cached coarsest rollups, which keep every bucket's last point: nullopt when
// they cannot tell (no bucket before end_ns, or the newest one reaches past
// end_ns or lies before start_ns), and the caller reads chunks instead.
Result<std::optional<Sample>> RocksStore::LastFromRollups(SeriesId id,
                                                          ValueType type,
                                                          int64_t start_ns,
                                                          int64_t end_ns) {
  std::optional<Sample> unknown;
  if (!rollup_cache_.enabled() || rollup_ns_.empty() || raw_expires_ ||
      (type != ValueType::kFloat && type != ValueType::kInt)) {
    return unknown;
  }
  CITYNEXUS_ASSIGN_OR_RETURN(auto cached, CoarsestRollups(id));
  const RollupCache::Buckets& all = *cached;
  auto after = std::lower_bound(
      all.begin(), all.end(), end_ns,
      [](const Bucket& b, int64_t t) { return b.start_ns < t; });
  if (after == all.begin()) return unknown;
  const Bucket& b = *(after - 1);
  if (b.last_ns >= end_ns || b.last_ns < start_ns) return unknown;
  if (type == ValueType::kFloat) {
    return std::optional<Sample>(Sample{b.last_ns, b.last});
  }
  // Integers pass through double in rollups: exact below 2^53 only.
  if (std::abs(b.last) >= 9007199254740992.0) return unknown;
  return std::optional<Sample>(Sample{b.last_ns, static_cast<int64_t>(b.last)});
}

Result<std::optional<Sample>> RocksStore::Last(SeriesId id, int64_t start_ns,
                                               int64_t end_ns) {
  if (closed_.load()) return Status::Unavailable("store is closed");
  const auto type = catalog_.TypeOf(id);
  if (!type) {
    return Status::NotFound("unknown series id " + std::to_string(id));
  }
  start_ns = ClampTs(start_ns);
  end_ns = ClampTs(end_ns);
  std::optional<Sample> none;
  if (start_ns >= end_ns) return none;
  // The newest points of the heads first (live before frozen, as in
  // ReadRange; on equal timestamps the live one is the later write), then
  // the newest sealed point, reading chunks back to front.
  std::optional<Sample> newest = head_.LastIn(id, start_ns, end_ns);
  if (auto frozen = Frozen()) {
    auto f = frozen->LastIn(id, start_ns, end_ns);
    if (f && (!newest || f->timestamp_ns > newest->timestamp_ns)) {
      newest = std::move(f);
    }
  }
  CITYNEXUS_ASSIGN_OR_RETURN(auto from_rollups,
                             LastFromRollups(id, *type, start_ns, end_ns));
  if (from_rollups) {
    // The newest sealed point in range: no chunk needs reading.
    if (!newest || from_rollups->timestamp_ns > newest->timestamp_ns) {
      return from_rollups;
    }
    return newest;
  }
  // Windows that end at or before the heads' newest point cannot hold a
  // newer one: not read.
  std::string lower = ChunkKey(
      id,
      WindowStart(newest ? std::max(start_ns, newest->timestamp_ns) : start_ns,
                  window_ns_));
  rocksdb::Slice lower_slice(lower);
  rocksdb::ReadOptions ro;
  ro.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, chunks_cf()));
  ChunkColumns chunk;
  for (it->SeekForPrev(ChunkKey(id, WindowStart(end_ns - 1, window_ns_)));
       it->Valid(); it->Prev()) {
    std::string_view key(it->key().data(), it->key().size());
    Status st = DecodeChunk(
        std::string_view(it->value().data(), it->value().size()), &chunk);
    if (!st.ok()) return st.WithContext("reading " + DescribeChunk(key));
    SliceColumns(&chunk, start_ns, end_ns);
    if (chunk.size() == 0) continue;
    const size_t i = chunk.size() - 1;
    // A sealed point strictly newer than both heads is the answer.
    if (!newest || chunk.timestamps[i] > newest->timestamp_ns) {
      return std::optional<Sample>(SampleAt(chunk, i));
    }
    break;
  }
  if (!it->status().ok()) {
    return Status::IOError("reading chunks of series " + std::to_string(id) +
                           ": " + it->status().ToString());
  }
  // A head holds the newest timestamp (and, being newer, its last write).
  return newest;
}

Result<std::vector<Bucket>> RocksStore::Aggregate(const AggregateRequest& req,
                                                  AggregateStats* stats) {
  return Aggregate(req, stats, nullptr);
}

Result<std::vector<Bucket>> RocksStore::Aggregate(const AggregateRequest& req,
                                                  AggregateStats* stats,
                                                  RollupCursor* cursor) {
  AggregateStats local;
  if (stats == nullptr) stats = &local;
  *stats = AggregateStats{};
  auto type = catalog_.TypeOf(req.series);
  if (!type) {
    return Status::NotFound("unknown series id " + std::to_string(req.series));
  }
  if (*type != ValueType::kFloat && *type != ValueType::kInt) {
    return Status::InvalidArgument(
        "series " + std::to_string(req.series) + " holds " +
        std::string(ValueTypeName(*type)) + " values, which do not aggregate");
  }
  if (req.step_ns <= 0) {
    return Status::InvalidArgument("aggregate step must be positive");
  }
  if (req.step_ns > kMaxAbsTimestamp) {
    return Status::InvalidArgument("aggregate step is too large");
  }
  AggregateRequest clamped = req;
  clamped.start_ns = ClampTs(req.start_ns);
  clamped.end_ns = ClampTs(req.end_ns);
  clamped.offset_ns = FloorMod(req.offset_ns, req.step_ns);
  return AggregateClamped(clamped, stats, cursor);
}

Result<std::vector<Bucket>> RocksStore::AggregateClamped(
    const AggregateRequest& req, AggregateStats* stats, RollupCursor* cursor) {
  std::vector<Bucket> out;
  auto raw = [&](int64_t from, int64_t to) {
    return ReadRange(req.series, from, to,
                     [&](const ChunkColumns& c, size_t i) {
                       ++stats->points_read;
                       AddPoint(&out, req.step_ns, req.offset_ns,
                                c.timestamps[i], DoubleAt(c, i));
                       return true;
                     });
  };
  if (req.start_ns >= req.end_ns) return out;

  // The coarsest rollup resolution that tiles the buckets exactly.
  int64_t res = 0;
  for (int64_t r : rollup_ns_) {
    if (req.step_ns % r == 0 && FloorMod(req.offset_ns, r) == 0) res = r;
  }
  int64_t a = 0, b = 0;
  auto add_rollup = [&](const Bucket& rb) {
    ++stats->rollups_read;
    int64_t start =
        rb.start_ns - FloorMod(rb.start_ns - req.offset_ns, req.step_ns);
    if (out.empty() || out.back().start_ns != start) {
      out.emplace_back();
      out.back().start_ns = start;
    }
    CombineBuckets(&out.back(), rb);
  };
  if (res > 0) {
    a = req.start_ns + FloorMod(-req.start_ns, res);  // ceil to res
    b = req.end_ns - FloorMod(req.end_ns, res);       // floor to res
  }
  if (res > 0 && a < b) {
    // Sealed rollups and the heads' partial aggregates together
    // (store_aggregate.cc); when they cannot be combined, rollups stop at
    // the heads below.
    std::vector<Bucket> tiles;
    AggregateStats tile_stats;
    CITYNEXUS_ASSIGN_OR_RETURN(
        bool combined,
        CombinedTiles(req.series, res, a, b, &tiles, &tile_stats, cursor));
    if (combined) {
      stats->used_rollups = true;
      // The unaligned edges: tiles of the next finer resolution where they
      // fit (a range ending at "now" keeps its last partial day out of a
      // raw read), raw points for the rest.
      std::function<Status(int64_t, int64_t, int64_t)> edge =
          [&](int64_t from, int64_t to, int64_t coarser) -> Status {
        int64_t finer = 0;
        for (int64_t r : rollup_ns_) {
          if (r < coarser && coarser % r == 0) finer = r;
        }
        if (finer == 0 || from >= to) return raw(from, to);
        const int64_t fa = from + FloorMod(-from, finer);
        const int64_t fb = to - FloorMod(to, finer);
        if (fa >= fb) return raw(from, to);
        std::vector<Bucket> edge_tiles;
        AggregateStats edge_stats;
        CITYNEXUS_ASSIGN_OR_RETURN(
            bool edge_combined,
            CombinedTiles(req.series, finer, fa, fb, &edge_tiles, &edge_stats,
                          cursor));
        if (!edge_combined) return raw(from, to);
        CITYNEXUS_RETURN_IF_ERROR(edge(from, fa, finer));
        for (const Bucket& t : edge_tiles) add_rollup(t);
        stats->rollups_read -= edge_tiles.size();
        stats->rollups_read += edge_stats.rollups_read;
        stats->points_read += edge_stats.points_read;
        return edge(fb, to, finer);
      };
      CITYNEXUS_RETURN_IF_ERROR(edge(req.start_ns, a, res));
      for (const Bucket& t : tiles) add_rollup(t);
      // add_rollup counted every tile; count the sealed buckets read and
      // the raw points of overlapping tiles instead.
      stats->rollups_read -= tiles.size();
      stats->rollups_read += tile_stats.rollups_read;
      stats->points_read += tile_stats.points_read;
      CITYNEXUS_RETURN_IF_ERROR(edge(b, req.end_ns, res));
      return out;
    }
  }
  if (res > 0) {
    // Rollups hold sealed points only: they stop at the rollup bucket of the
    // earliest point still in a head, and raw reads merge the rest. Live
    // before frozen, as in ReadRange, so a concurrent seal cannot hide one.
    auto cut_before = [&](std::optional<int64_t> ts) {
      if (ts) b = std::min(b, *ts - FloorMod(*ts, res));
    };
    if (a < b) cut_before(head_.EarliestIn(req.series, a, b));
    if (auto frozen = Frozen(); frozen && a < b) {
      cut_before(frozen->EarliestIn(req.series, a, b));
    }
    if (a >= b) res = 0;
  }
  if (res == 0) {
    CITYNEXUS_RETURN_IF_ERROR(raw(req.start_ns, req.end_ns));
    return out;
  }

  stats->used_rollups = true;
  CITYNEXUS_RETURN_IF_ERROR(raw(req.start_ns, a));
  std::vector<Bucket> sealed;
  CITYNEXUS_RETURN_IF_ERROR(
      SealedRollups(req.series, res, a, b, &sealed, cursor));
  if (req.step_ns == res) {
    // One rollup bucket per output bucket (the offset is a multiple of res
    // here): copy them, nothing to combine.
    stats->rollups_read += sealed.size();
    out.insert(out.end(), sealed.begin(), sealed.end());
  } else {
    for (const Bucket& rb : sealed) add_rollup(rb);
  }
  CITYNEXUS_RETURN_IF_ERROR(raw(b, req.end_ns));
  return out;
}

}  // namespace citynexus::engine
