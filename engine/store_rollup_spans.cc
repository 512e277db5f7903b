// Span records: the coarsest rollup resolution of a series packed
// kSpanWindows block windows per record, in their own `rollup_spans` CF
// (docs/format/storage.md).
//
// Why: the first aggregate over a series loads all its coarsest buckets
// (RollupCache). With one record per window that was 366 records per series
// and year, ~640 ns each (iterator step plus three chunk-block headers to
// decode for one bucket): 0.47 s for 2000 series. A span record holds up to
// 64 daily buckets in the same three blocks, so a year is 6 records; in a
// CF of their own the span records of all series are contiguous, so loading
// them does not decompress the table blocks of the finer rollups between
// them (a block or two per series in the `rollups` CF).
//
// Exactness: the sealer rewrites the span of every window it (re)seals
// (read, replace that window's buckets, write) in the seal's WriteBatch.
//
// Stores written before span records existed hold per-window coarsest
// records. Their first open with this code records that in `meta`
// ("rollup_legacy_windows"); in such a store readers merge both shapes, and
// a span rewrite takes over the per-window records inside it and deletes
// them in the same batch, so no bucket is ever in both shapes at once.
// Compact() migrates what is left (MigrateLegacyCoarsest) and clears the
// mark, after which readers read span records only.
#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>
#include <rocksdb/write_batch.h>

#include <algorithm>

#include "common/log.h"
#include "engine/keys.h"
#include "engine/rocks_store.h"
#include "engine/rollups.h"

namespace citynexus::engine {

namespace {

// meta: span length ns BE8 ‖ coarsest resolution s BE4 it was written for.
constexpr const char* kSpanMetaKey = "rollup_spans";
// meta: present when per-window coarsest records may remain.
constexpr const char* kLegacyMetaKey = "rollup_legacy_windows";
constexpr int64_t kMaxAbsTimestamp = int64_t{1} << 62;

// Calls visit(key, buckets) for each record in [lower, upper), as of
// `snapshot` (null: now).
// `reused`: an iterator over `cf` kept by the caller (a SeriesReader's
// cursor, unbounded, so the loop checks `upper`) instead of a new one.
template <typename Visit>
Status ScanRollups(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                   const std::string& lower, const std::string& upper,
                   const std::string& what, Visit visit,
                   const rocksdb::Snapshot* snapshot = nullptr,
                   rocksdb::Iterator* reused = nullptr) {
  rocksdb::Slice upper_slice(upper);
  std::unique_ptr<rocksdb::Iterator> own;
  rocksdb::Iterator* it = reused;
  if (it == nullptr) {
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    ro.snapshot = snapshot;
    own.reset(db->NewIterator(ro, cf));
    it = own.get();
  }
  std::vector<Bucket> record;
  for (it->Seek(lower); it->Valid() && it->key().compare(upper_slice) < 0;
       it->Next()) {
    Status st = DecodeRollupRecord(
        std::string_view(it->value().data(), it->value().size()), &record);
    if (!st.ok()) return st.WithContext(what);
    visit(std::string_view(it->key().data(), it->key().size()), record);
  }
  if (!it->status().ok()) {
    return Status::IOError(what + ": " + it->status().ToString());
  }
  return Status::Ok();
}

// Merges two ascending bucket lists; on equal starts the one of `first`
// stays (span records win over leftovers, which cannot overlap them).
std::vector<Bucket> MergeShapes(const std::vector<Bucket>& first,
                                const std::vector<Bucket>& second) {
  std::vector<Bucket> out;
  out.reserve(first.size() + second.size());
  auto by_start = [](const Bucket& a, const Bucket& b) {
    return a.start_ns < b.start_ns;
  };
  std::merge(first.begin(), first.end(), second.begin(), second.end(),
             std::back_inserter(out), by_start);
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Bucket& a, const Bucket& b) {
                          return a.start_ns == b.start_ns;
                        }),
            out.end());
  return out;
}

}  // namespace

uint32_t RocksStore::CoarsestResS() const {
  return rollup_ns_.empty()
             ? 0
             : static_cast<uint32_t>(rollup_ns_.back() / 1'000'000'000);
}

int64_t RocksStore::SpanStart(int64_t window_start) const {
  if (window_start < -kMaxAbsTimestamp) return INT64_MIN;
  return WindowStart(window_start, span_ns_);
}

Status RocksStore::OpenRollupSpans(bool fresh_store) {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), meta_cf(), kSpanMetaKey, &value);
  uint32_t stored_res_s = 0;
  if (s.ok()) {
    if (value.size() != 12) {
      return Status::Corruption("meta rollup_spans: malformed value");
    }
    span_ns_ = static_cast<int64_t>(DecodeFixed64BE(value.data()));
    stored_res_s = DecodeFixed32BE(value.data() + 8);
    if (span_ns_ <= 0 || span_ns_ % window_ns_ != 0) {
      return Status::NotSupported(
          "rollup spans of " + std::to_string(span_ns_) +
          " ns in the data dir do not hold whole block windows of " +
          std::to_string(window_ns_) + " ns: was block_window changed?");
    }
    std::string unused;
    s = db_->Get(rocksdb::ReadOptions(), meta_cf(), kLegacyMetaKey, &unused);
    if (s.ok()) {
      legacy_coarsest_.store(true);
    } else if (!s.IsNotFound()) {
      return Status::IOError("reading meta: " + s.ToString());
    }
    if (stored_res_s == CoarsestResS()) return Status::Ok();
  } else if (s.IsNotFound()) {
    span_ns_ = window_ns_ <= kMaxAbsTimestamp / kSpanWindows
                   ? window_ns_ * kSpanWindows
                   : window_ns_;
    // A store written before span records holds per-window ones.
    legacy_coarsest_.store(!fresh_store);
  } else {
    return Status::IOError("reading meta: " + s.ToString());
  }
  // First open with span records, or the coarsest resolution changed: its
  // per-window records (written while it was finer) stay readable.
  if (stored_res_s != 0 && stored_res_s != CoarsestResS()) {
    legacy_coarsest_.store(true);
  }
  if (options_.read_only) return Status::Ok();
  rocksdb::WriteBatch batch;
  std::string encoded;
  PutFixed64BE(&encoded, static_cast<uint64_t>(span_ns_));
  PutFixed32BE(&encoded, CoarsestResS());
  batch.Put(meta_cf(), kSpanMetaKey, encoded);
  if (legacy_coarsest_.load()) batch.Put(meta_cf(), kLegacyMetaKey, "1");
  s = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!s.ok()) return Status::IOError("writing meta: " + s.ToString());
  return Status::Ok();
}

Status RocksStore::ForEachRollupRecord(
    SeriesId id, uint32_t res_s, int64_t window_from_ns, int64_t end_ns,
    const std::function<void(const std::vector<Bucket>&)>& visit,
    RollupCursor* cursor) {
  const std::string what = "reading series " + SeriesName(id) + " rollup " +
                           std::to_string(res_s) + "s";
  auto each = [&](std::string_view, const std::vector<Bucket>& record) {
    visit(record);
  };
  if (res_s != CoarsestResS()) {
    return ScanRollups(db_.get(), rollups_cf(),
                       RollupKey(id, res_s, window_from_ns),
                       RollupKey(id, res_s, end_ns), what, each, nullptr,
                       cursor != nullptr ? RollupIterator(cursor) : nullptr);
  }
  const std::string lower = RollupSpanKey(id, res_s, SpanStart(window_from_ns));
  const std::string upper = RollupSpanKey(id, res_s, end_ns);
  if (!legacy_coarsest_.load()) {
    if (rollup_spans_cf() == nullptr) return Status::Ok();
    return ScanRollups(db_.get(), rollup_spans_cf(), lower, upper, what, each);
  }
  std::vector<Bucket> spans, windows;
  auto append_to = [](std::vector<Bucket>* all) {
    return [all](std::string_view, const std::vector<Bucket>& record) {
      all->insert(all->end(), record.begin(), record.end());
    };
  };
  // One snapshot for both shapes: a seal committing in between moves
  // buckets from per-window records into a span record.
  rocksdb::ManagedSnapshot snapshot(db_.get());
  if (rollup_spans_cf() != nullptr) {
    CITYNEXUS_RETURN_IF_ERROR(ScanRollups(db_.get(), rollup_spans_cf(), lower,
                                          upper, what, append_to(&spans),
                                          snapshot.snapshot()));
  }
  CITYNEXUS_RETURN_IF_ERROR(
      ScanRollups(db_.get(), rollups_cf(), RollupKey(id, res_s, window_from_ns),
                  RollupKey(id, res_s, end_ns), what, append_to(&windows),
                  snapshot.snapshot()));
  visit(windows.empty() ? spans : MergeShapes(spans, windows));
  return Status::Ok();
}

Status RocksStore::ReadCoarsestSpan(SeriesId id, int64_t span_start,
                                    std::vector<Bucket>* out,
                                    std::vector<std::string>* legacy_keys) {
  out->clear();
  const uint32_t res_s = CoarsestResS();
  const std::string what = "reading series " + SeriesName(id) +
                           " rollup span " + std::to_string(res_s) + "s";
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), rollup_spans_cf(),
                               RollupSpanKey(id, res_s, span_start), &value);
  if (s.ok()) {
    CITYNEXUS_RETURN_IF_ERROR(DecodeRollupRecord(value, out).WithContext(what));
  } else if (!s.IsNotFound()) {
    return Status::IOError(what + ": " + s.ToString());
  }
  if (!legacy_coarsest_.load()) return Status::Ok();
  std::vector<Bucket> windows;
  CITYNEXUS_RETURN_IF_ERROR(
      ScanRollups(db_.get(), rollups_cf(), RollupKey(id, res_s, span_start),
                  RollupKey(id, res_s, span_start + span_ns_), what,
                  [&](std::string_view key, const std::vector<Bucket>& record) {
                    legacy_keys->emplace_back(key);
                    windows.insert(windows.end(), record.begin(), record.end());
                  }));
  if (!windows.empty()) *out = MergeShapes(*out, windows);
  return Status::Ok();
}

Status RocksStore::WriteCoarsestSpans(
    SeriesId id, const std::vector<RollupCache::Window>& windows,
    rocksdb::WriteBatch* batch) {
  const uint32_t res_s = CoarsestResS();
  std::vector<Bucket> span;
  std::vector<std::string> legacy_keys;
  std::string block;
  size_t i = 0;
  while (i < windows.size()) {
    const int64_t start = SpanStart(windows[i].start_ns);
    size_t j = i;
    while (j < windows.size() && windows[j].start_ns < start + span_ns_) ++j;
    legacy_keys.clear();
    CITYNEXUS_RETURN_IF_ERROR(ReadCoarsestSpan(id, start, &span, &legacy_keys));
    span = RollupCache::ReplaceWindows(
        span, window_ns_,
        std::span<const RollupCache::Window>(windows.data() + i, j - i));
    const std::string key = RollupSpanKey(id, res_s, start);
    if (span.empty()) {
      batch->Delete(rollup_spans_cf(), key);
    } else {
      block.clear();
      CITYNEXUS_RETURN_IF_ERROR(
          EncodeRollupRecord(span, &block)
              .WithContext("rollup span of " + DescribeWindow(id, start)));
      batch->Put(rollup_spans_cf(), key, block);
    }
    for (const std::string& old : legacy_keys) batch->Delete(rollups_cf(), old);
    i = j;
  }
  return Status::Ok();
}

Status RocksStore::MigrateLegacyCoarsest() {
  if (!legacy_coarsest_.load() || options_.read_only) return Status::Ok();
  const uint32_t res_s = CoarsestResS();
  std::vector<SeriesId> ids;
  catalog_.ForEach([&](const SeriesInfo& info) { ids.push_back(info.id); });
  rocksdb::WriteBatch batch;
  auto commit = [&]() -> Status {
    if (batch.Count() == 0) return Status::Ok();
    rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
    batch.Clear();
    if (!s.ok()) {
      return health_->OnWriteError(s, "migrating rollups to span records");
    }
    return Status::Ok();
  };
  std::vector<int64_t> spans;
  std::vector<Bucket> buckets;
  std::vector<std::string> legacy_keys;
  std::string block;
  uint64_t migrated = 0;
  for (SeriesId id : ids) {
    if (res_s == 0) break;
    // The spans holding per-window records of this series (keys only).
    spans.clear();
    const std::string upper = RollupKey(id, res_s, INT64_MAX);
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, rollups_cf()));
    for (it->Seek(RollupKey(id, res_s, INT64_MIN)); it->Valid(); it->Next()) {
      SeriesId key_id;
      uint32_t key_res;
      int64_t window;
      if (!ParseRollupKey(std::string_view(it->key().data(), it->key().size()),
                          &key_id, &key_res, &window)) {
        return Status::Corruption("migrating rollups of series " +
                                  SeriesName(id) + ": malformed key");
      }
      const int64_t start = SpanStart(window);
      if (spans.empty() || spans.back() != start) spans.push_back(start);
    }
    if (!it->status().ok()) {
      return Status::IOError("migrating rollups: " + it->status().ToString());
    }
    for (int64_t start : spans) {
      legacy_keys.clear();
      CITYNEXUS_RETURN_IF_ERROR(
          ReadCoarsestSpan(id, start, &buckets, &legacy_keys));
      block.clear();
      CITYNEXUS_RETURN_IF_ERROR(EncodeRollupRecord(buckets, &block));
      batch.Put(rollup_spans_cf(), RollupSpanKey(id, res_s, start), block);
      for (const std::string& old : legacy_keys) {
        batch.Delete(rollups_cf(), old);
      }
      migrated += legacy_keys.size();
    }
    if (batch.Count() >= 1000) CITYNEXUS_RETURN_IF_ERROR(commit());
  }
  batch.Delete(meta_cf(), kLegacyMetaKey);
  CITYNEXUS_RETURN_IF_ERROR(commit());
  // Every per-window record now lives in a span record: readers stop
  // merging shapes (the buckets did not change, nor does the rollup cache).
  legacy_coarsest_.store(false);
  CN_LOG(kInfo, "store") << "moved " << migrated
                         << " per-window coarsest rollup records into span "
                            "records";
  return Status::Ok();
}

}  // namespace citynexus::engine
