// Store::Verify for RocksStore (`citynexus verify`), and the series/window
// names that read errors carry.
//
// The walk reads the `chunks` and `rollups` column families front to back
// with checksum verification on and without filling the block cache (a
// verify of a large store must not evict a running server's hot blocks; it
// usually runs offline anyway). Each record is decoded fully; a record that
// fails is reported and skipped, so one damaged record never hides another.
#include <rocksdb/db.h>

#include "common/time_format.h"
#include "engine/chunk_codec.h"
#include "engine/keys.h"
#include "engine/rocks_store.h"
#include "engine/rollups.h"

namespace citynexus::engine {

namespace {

constexpr uint64_t kProgressEvery = 10000;  // records between progress calls

// "2024-06-01T00:00:00Z" (all nine digits of nanoseconds when not whole
// seconds).
std::string Rfc3339(int64_t ns) {
  return FormatRfc3339(ns, Rfc3339Fraction::kNineIfNonZero);
}

}  // namespace

std::string RocksStore::SeriesName(SeriesId id) const {
  if (auto info = catalog_.Get(id)) return info->key.Canonical();
  return "unknown series id " + std::to_string(id);
}

std::string RocksStore::DescribeWindow(SeriesId id,
                                       int64_t window_start_ns) const {
  return "series " + SeriesName(id) + " window " + Rfc3339(window_start_ns) +
         ".." + Rfc3339(window_start_ns + window_ns_);
}

std::string RocksStore::DescribeChunk(std::string_view chunk_key) const {
  SeriesId id;
  int64_t start;
  if (!ParseChunkKey(chunk_key, &id, &start)) return "malformed chunk key";
  return DescribeWindow(id, start);
}

Status RocksStore::Verify(const VerifyCallbacks& callbacks) {
  if (closed_.load()) return Status::Unavailable("store is closed");
  VerifyProgress progress;
  auto report = [&](VerifyProblem problem) {
    ++progress.problems;
    if (callbacks.on_problem) callbacks.on_problem(problem);
  };
  auto tick = [&] {
    if (callbacks.on_progress &&
        (progress.chunks + progress.rollups) % kProgressEvery == 0) {
      callbacks.on_progress(progress);
    }
  };
  rocksdb::ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;

  ChunkColumns chunk;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, chunks_cf()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++progress.chunks;
    progress.bytes += it->value().size();
    std::string_view key(it->key().data(), it->key().size());
    VerifyProblem problem;
    problem.record = "chunk";
    if (!ParseChunkKey(key, &problem.series_id, &problem.window_start_ns)) {
      problem.record = "chunk key";
      problem.series = "?";
      problem.reason =
          "malformed chunk key of " + std::to_string(key.size()) + " bytes";
      report(std::move(problem));
      tick();
      continue;
    }
    problem.series = SeriesName(problem.series_id);
    problem.window_end_ns = problem.window_start_ns + window_ns_;
    const std::optional<ValueType> type = catalog_.TypeOf(problem.series_id);
    Status st = DecodeChunk(
        std::string_view(it->value().data(), it->value().size()), &chunk);
    if (!st.ok()) {
      problem.reason = st.message();
    } else if (!type) {
      problem.reason = "chunk of a series missing from the catalog";
    } else if (chunk.size() > 0 && chunk.type != *type) {
      problem.reason = "chunk holds " + std::string(ValueTypeName(chunk.type)) +
                       " values, the series is " +
                       std::string(ValueTypeName(*type));
    } else if (chunk.size() > 0 &&
               (chunk.timestamps.front() < problem.window_start_ns ||
                chunk.timestamps.back() >= problem.window_end_ns)) {
      problem.reason = "chunk timestamps " + Rfc3339(chunk.timestamps.front()) +
                       ".." + Rfc3339(chunk.timestamps.back()) +
                       " fall outside its window";
    }
    if (!problem.reason.empty()) report(std::move(problem));
    tick();
  }
  if (!it->status().ok()) {
    return Status::Corruption("reading the chunks column family: " +
                              it->status().ToString());
  }

  // Per-window rollups, then span records (the coarsest resolution,
  // store_rollup_spans.cc), which cover span_ns_ from a span-aligned start.
  std::vector<Bucket> buckets;
  auto walk_rollups = [&](rocksdb::ColumnFamilyHandle* cf, bool span,
                          const char* cf_name) -> Status {
    it.reset(db_->NewIterator(ro, cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++progress.rollups;
      progress.bytes += it->value().size();
      std::string_view key(it->key().data(), it->key().size());
      VerifyProblem problem;
      uint32_t res_s = 0;
      if (!ParseRollupKey(key, &problem.series_id, &res_s,
                          &problem.window_start_ns)) {
        problem.record = span ? "rollup span key" : "rollup key";
        problem.series = "?";
        problem.reason =
            "malformed rollup key of " + std::to_string(key.size()) + " bytes";
        report(std::move(problem));
        tick();
        continue;
      }
      problem.record = std::string(span ? "rollup span " : "rollup ") +
                       std::to_string(res_s) + "s";
      problem.series = SeriesName(problem.series_id);
      problem.window_end_ns =
          problem.window_start_ns + (span ? span_ns_ : window_ns_);
      Status st = DecodeRollupRecord(
          std::string_view(it->value().data(), it->value().size()), &buckets);
      if (!st.ok()) {
        problem.reason = st.message();
      } else if (!catalog_.TypeOf(problem.series_id)) {
        problem.reason = "rollup of a series missing from the catalog";
      } else if (span && problem.window_start_ns !=
                             WindowStart(problem.window_start_ns, span_ns_)) {
        problem.reason = "rollup span does not start on a span boundary";
      } else {
        for (size_t i = 0; i < buckets.size(); ++i) {
          const Bucket& b = buckets[i];
          if (b.count == 0 || b.start_ns < problem.window_start_ns ||
              b.start_ns >= problem.window_end_ns) {
            problem.reason = "rollup bucket " + Rfc3339(b.start_ns) +
                             " (count " + std::to_string(b.count) +
                             ") is empty or outside its window";
            break;
          }
          if (i > 0 && b.start_ns <= buckets[i - 1].start_ns) {
            problem.reason =
                "rollup buckets out of order at " + Rfc3339(b.start_ns);
            break;
          }
        }
      }
      if (!problem.reason.empty()) report(std::move(problem));
      tick();
    }
    if (!it->status().ok()) {
      return Status::Corruption(std::string("reading the ") + cf_name +
                                " column family: " + it->status().ToString());
    }
    return Status::Ok();
  };
  CITYNEXUS_RETURN_IF_ERROR(walk_rollups(rollups_cf(), false, "rollups"));
  if (rollup_spans_cf() != nullptr) {
    CITYNEXUS_RETURN_IF_ERROR(
        walk_rollups(rollup_spans_cf(), true, "rollup_spans"));
  }
  if (callbacks.on_progress) callbacks.on_progress(progress);
  return Status::Ok();
}

}  // namespace citynexus::engine
