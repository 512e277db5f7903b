// Aggregates over recent data: sealed rollups combined with the partial
// aggregates the live and frozen heads keep (head.h), so that a query over
// data ingested a minute ago costs about as much as one over sealed data.
//
// Correctness rests on two checks:
// - No point counted twice across sources. A seal moves points live ->
//   frozen -> chunks; seal_epoch_ is odd while it does (rocks_store.h). The
//   three sources are read between two reads of the epoch; a change means a
//   seal moved points meanwhile and the caller falls back to the raw merge.
// - No timestamp in two sources. A rewrite of a sealed (or frozen) timestamp
//   sits in a newer source and must replace, not add to, the older value.
//   Per rollup bucket, the sources' [first_ns, last_ns] ranges must be
//   disjoint, or, when they interleave (writers that drift apart leave head
//   points older than sealed ones for hours), the heads' timestamps there
//   must miss each other and the sealed window's (kept by the sealer in
//   sealed_stamps_, updated inside the odd epoch). Otherwise that bucket is
//   read raw (the raw merge keeps the newest write of each timestamp).
#include <rocksdb/db.h>

#include <algorithm>

#include "engine/columns.h"
#include "engine/keys.h"
#include "engine/rocks_store.h"
#include "engine/rollups.h"

namespace citynexus::engine {

namespace {

// Combines ascending buckets of a finer resolution into `res_ns` buckets.
std::vector<Bucket> Coarsen(const std::vector<Bucket>& fine, int64_t res_ns) {
  std::vector<Bucket> out;
  for (const Bucket& b : fine) {
    const int64_t start = WindowStart(b.start_ns, res_ns);
    if (out.empty() || out.back().start_ns != start) {
      out.emplace_back();
      out.back().start_ns = start;
    }
    CombineBuckets(&out.back(), b);
  }
  return out;
}

constexpr int kEpochAttempts = 3;

// Calls visit(start, parts, n, sources) for each bucket start present in
// any of the three ascending lists (oldest source first), ascending by
// start, with the n (1..3) buckets of that start sorted by first_ns and bit
// s of `sources` set when list s has one of them.
template <typename Visit>
void MergeBySource(const std::vector<Bucket>* const (&sources)[3],
                   Visit visit) {
  size_t next[3] = {0, 0, 0};
  while (true) {
    int64_t start = INT64_MAX;
    for (int s = 0; s < 3; ++s) {
      if (next[s] < sources[s]->size()) {
        start = std::min(start, (*sources[s])[next[s]].start_ns);
      }
    }
    if (start == INT64_MAX) return;
    const Bucket* parts[3];
    int n = 0;
    unsigned present = 0;
    for (int s = 0; s < 3; ++s) {
      if (next[s] < sources[s]->size() &&
          (*sources[s])[next[s]].start_ns == start) {
        parts[n++] = &(*sources[s])[next[s]++];
        present |= 1u << s;
      }
    }
    // At most three: insertion sort (std::sort trips g++'s array-bounds
    // analysis on so small an array).
    for (int i = 1; i < n; ++i) {
      for (int k = i; k > 0 && parts[k]->first_ns < parts[k - 1]->first_ns;
           --k) {
        std::swap(parts[k], parts[k - 1]);
      }
    }
    visit(start, static_cast<const Bucket* const*>(parts), n, present);
  }
}

// Whether the buckets (sorted by first_ns) cover disjoint time ranges, so
// that no timestamp has a value in two of them.
bool Disjoint(const Bucket* const* parts, int n) {
  for (int k = 0; k + 1 < n; ++k) {
    if (parts[k]->last_ns >= parts[k + 1]->first_ns) return false;
  }
  return true;
}

// Whether two ascending timestamp lists share one.
bool Intersect(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  size_t i = 0, k = 0;
  while (i < a.size() && k < b.size()) {
    if (a[i] == b[k]) return true;
    if (a[i] < b[k]) {
      ++i;
    } else {
      ++k;
    }
  }
  return false;
}

constexpr unsigned kSealed = 1, kFrozen = 2, kLive = 4;

}  // namespace

Status RocksStore::SealedRollups(SeriesId id, int64_t res_ns, int64_t start_ns,
                                 int64_t end_ns, std::vector<Bucket>* out,
                                 RollupCursor* cursor) {
  auto by_start = [](const Bucket& x, int64_t t) { return x.start_ns < t; };
  if (res_ns == rollup_ns_.back() && rollup_cache_.enabled()) {
    CITYNEXUS_ASSIGN_OR_RETURN(auto cached, CoarsestRollups(id));
    auto lo =
        std::lower_bound(cached->begin(), cached->end(), start_ns, by_start);
    auto hi = std::lower_bound(lo, cached->end(), end_ns, by_start);
    out->insert(out->end(), lo, hi);
    return Status::Ok();
  }
  const uint32_t res_s = static_cast<uint32_t>(res_ns / 1'000'000'000);
  return ForEachRollupRecord(
      id, res_s, WindowStart(start_ns, window_ns_), end_ns,
      [&](const std::vector<Bucket>& record) {
        auto lo =
            std::lower_bound(record.begin(), record.end(), start_ns, by_start);
        auto hi = std::lower_bound(lo, record.end(), end_ns, by_start);
        out->insert(out->end(), lo, hi);
      },
      cursor);
}

Result<bool> RocksStore::CombinedTiles(SeriesId id, int64_t res_ns,
                                       int64_t start_ns, int64_t end_ns,
                                       std::vector<Bucket>* tiles,
                                       AggregateStats* stats,
                                       RollupCursor* cursor) {
  const int64_t head_ns = head_.bucket_ns();
  if (head_ns <= 0 || res_ns % head_ns != 0) return false;
  // Overlapping sources are resolved per head bucket when the sealed
  // rollups exist at that resolution (concurrent writers leave the bucket
  // around a seal with points on both sides), else per tile.
  const bool fine_rollups =
      head_ns != res_ns && std::find(rollup_ns_.begin(), rollup_ns_.end(),
                                     head_ns) != rollup_ns_.end();
  std::vector<Bucket> live, frozen, sealed, live_res, frozen_res, sealed_fine;
  std::vector<std::pair<int64_t, int64_t>> raw_spans;  // [start, end)
  std::vector<int64_t> live_ts, frozen_ts;
  std::shared_ptr<const Head> frozen_head;
  // Sources whose time ranges interleave in [from, to) (inside one window)
  // still add up exactly when no timestamp is in two of them: checked on
  // the heads' timestamps and the sealed windows' (sealed_stamps.h), only
  // where two sources' [first_ns, last_ns] ranges meet.
  auto no_shared = [&](int64_t from, int64_t to, const Bucket* const* parts,
                       int n, unsigned sources) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int i = 0; i < n; ++i) {
      for (int k = i + 1; k < n; ++k) {
        const int64_t a = std::max(parts[i]->first_ns, parts[k]->first_ns);
        const int64_t b = std::min(parts[i]->last_ns, parts[k]->last_ns);
        if (a <= b) {
          lo = std::min(lo, a);
          hi = std::max(hi, b);
        }
      }
    }
    if (lo > hi) return true;
    from = std::max(from, lo);
    to = std::min(to, hi + 1);
    live_ts.clear();
    frozen_ts.clear();
    if (sources & kLive) head_.TimestampsIn(id, from, to, &live_ts);
    if ((sources & kFrozen) && frozen_head) {
      frozen_head->TimestampsIn(id, from, to, &frozen_ts);
    }
    if (Intersect(live_ts, frozen_ts)) return false;
    if ((sources & kSealed) == 0) return true;
    const int64_t window = WindowStart(from, window_ns_);
    for (const auto* ts : {&live_ts, &frozen_ts}) {
      if (!ts->empty() && sealed_stamps_.Check(id, window, *ts) !=
                              SealedStamps::Overlap::kNone) {
        return false;
      }
    }
    return true;
  };
  bool consistent = false;
  for (int attempt = 0; attempt < kEpochAttempts && !consistent; ++attempt) {
    live.clear();
    frozen.clear();
    sealed.clear();
    tiles->clear();
    raw_spans.clear();
    const uint64_t epoch = seal_epoch_.load();
    if (epoch % 2 != 0) continue;
    // Live before frozen before sealed: the direction points move in.
    if (!head_.BucketsIn(id, start_ns, end_ns, &live)) return false;
    frozen_head = Frozen();
    if (frozen_head) {
      if (!frozen_head->BucketsIn(id, start_ns, end_ns, &frozen)) return false;
    }
    CITYNEXUS_RETURN_IF_ERROR(
        SealedRollups(id, res_ns, start_ns, end_ns, &sealed, cursor));
    stats->rollups_read += sealed.size();
    const std::vector<Bucket>* coarse[3] = {&sealed, &frozen, &live};
    if (head_ns != res_ns) {
      live_res = Coarsen(live, res_ns);
      frozen_res = Coarsen(frozen, res_ns);
      coarse[1] = &frozen_res;
      coarse[2] = &live_res;
    }
    Status status;
    MergeBySource(coarse, [&](int64_t start, const Bucket* const* parts, int n,
                              unsigned sources) {
      tiles->emplace_back();
      Bucket& tile = tiles->back();
      tile.start_ns = start;
      if (Disjoint(parts, n) ||
          no_shared(start, start + res_ns, parts, n, sources)) {
        for (int k = 0; k < n; ++k) CombineBuckets(&tile, *parts[k]);
        return;
      }
      if (!fine_rollups || !status.ok()) {
        raw_spans.emplace_back(start, start + res_ns);
        return;
      }
      sealed_fine.clear();
      status = SealedRollups(id, head_ns, start, start + res_ns, &sealed_fine,
                             cursor);
      stats->rollups_read += sealed_fine.size();
      const std::vector<Bucket>* fine[3] = {&sealed_fine, &frozen, &live};
      MergeBySource(fine, [&](int64_t fine_start, const Bucket* const* fparts,
                              int fn, unsigned fsources) {
        if (fine_start < start || fine_start >= start + res_ns) return;
        if (Disjoint(fparts, fn) ||
            no_shared(fine_start, fine_start + head_ns, fparts, fn, fsources)) {
          for (int k = 0; k < fn; ++k) CombineBuckets(&tile, *fparts[k]);
        } else {
          raw_spans.emplace_back(fine_start, fine_start + head_ns);
        }
      });
    });
    CITYNEXUS_RETURN_IF_ERROR(status);
    consistent = seal_epoch_.load() == epoch;
  }
  if (!consistent) return false;
  // A rewritten timestamp: the raw merge keeps its newest write. Spans and
  // tiles are ascending and each span lies in one tile. Adjacent spans (the
  // buckets around one seal) share one read, so the chunk of their window
  // is decoded once; distant ones are read apart (not the points between).
  size_t t = 0;
  for (size_t first = 0; first < raw_spans.size();) {
    size_t last = first;
    while (last + 1 < raw_spans.size() &&
           raw_spans[last + 1].first == raw_spans[last].second) {
      ++last;
    }
    size_t span = first;
    CITYNEXUS_RETURN_IF_ERROR(
        ReadRange(id, raw_spans[first].first, raw_spans[last].second,
                  [&](const ChunkColumns& c, size_t i) {
                    const int64_t ts = c.timestamps[i];
                    while (ts >= raw_spans[span].second)
                      ++span;  // ts < last's end
                    if (ts < raw_spans[span].first)
                      return true;  // between spans
                    while (tiles->at(t).start_ns + res_ns <= ts) ++t;
                    ++stats->points_read;
                    AddToBucket(&tiles->at(t), ts, DoubleAt(c, i));
                    return true;
                  }));
    first = last + 1;
  }
  std::erase_if(*tiles, [](const Bucket& b) { return b.count == 0; });
  return true;
}

}  // namespace citynexus::engine
