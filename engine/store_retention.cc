// Retention pass of RocksStore: for each series with a matching rule,
// deletes chunks and rollups of windows that ended before the cutoff
// (DeleteRange per series; the coarsest resolution's span record that
// straddles the cutoff is rewritten without the expired windows' buckets)
// and drops head points older than the raw cutoff.
// Runs under seal_mu_ so it never races a seal rewriting the same windows;
// appends are not blocked.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>

#include "common/log.h"
#include "engine/keys.h"
#include "engine/retention.h"
#include "engine/rocks_store.h"
#include "engine/rollups.h"

namespace citynexus::engine {

namespace {

// True when the CF holds a key in [lower, upper).
bool AnyKeyIn(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
              const std::string& lower, const std::string& upper) {
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf));
  it->Seek(lower);
  return it->Valid();
}

}  // namespace

Status RocksStore::ExpireCoarsestSpans(SeriesId id, int64_t cutoff_ns,
                                       rocksdb::WriteBatch* batch,
                                       uint64_t* changed) {
  const uint32_t res_s = CoarsestResS();
  // Whole spans: [s, s + span) expires when s + span <= cutoff.
  std::string lower = RollupSpanKey(id, res_s, INT64_MIN);
  std::string upper = RollupSpanKey(id, res_s, cutoff_ns - span_ns_ + 1);
  if (AnyKeyIn(db_.get(), rollup_spans_cf(), lower, upper)) {
    batch->DeleteRange(rollup_spans_cf(), lower, upper);
    ++*changed;
  }
  // The span straddling the cutoff loses the buckets of its expired windows
  // (window start <= newest_expired), as per-window records would.
  const int64_t newest_expired =
      WindowStart(cutoff_ns, window_ns_) - window_ns_;
  const int64_t straddling = SpanStart(newest_expired);
  if (straddling + span_ns_ <= cutoff_ns) return Status::Ok();  // gone above
  const std::string key = RollupSpanKey(id, res_s, straddling);
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), rollup_spans_cf(), key, &value);
  if (s.IsNotFound()) return Status::Ok();
  if (!s.ok()) return Status::IOError("retention: " + s.ToString());
  std::vector<Bucket> buckets;
  CITYNEXUS_RETURN_IF_ERROR(DecodeRollupRecord(value, &buckets)
                                .WithContext("retention: rollup span of " +
                                             DescribeWindow(id, straddling)));
  auto kept =
      std::find_if(buckets.begin(), buckets.end(), [&](const Bucket& b) {
        return WindowStart(b.start_ns, window_ns_) > newest_expired;
      });
  if (kept == buckets.begin()) return Status::Ok();
  buckets.erase(buckets.begin(), kept);
  if (buckets.empty()) {
    batch->Delete(rollup_spans_cf(), key);
  } else {
    value.clear();
    CITYNEXUS_RETURN_IF_ERROR(EncodeRollupRecord(buckets, &value));
    batch->Put(rollup_spans_cf(), key, value);
  }
  ++*changed;
  return Status::Ok();
}

Status RocksStore::RunRetention(int64_t now_ns) {
  CITYNEXUS_RETURN_IF_ERROR(CheckWritable());
  if (options_.retention.empty()) return Status::Ok();
  MutexLock seal_lock(&seal_mu_);
  std::vector<std::pair<SeriesId, const RetentionRule*>> matched;
  catalog_.ForEach([&](const SeriesInfo& info) {
    if (const RetentionRule* rule =
            MatchRetentionRule(options_.retention, info)) {
      matched.emplace_back(info.id, rule);
    }
  });
  rocksdb::WriteBatch batch;
  uint64_t ranges = 0, head_dropped = 0;
  auto commit = [&]() -> Status {
    if (batch.Count() == 0) return Status::Ok();
    rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
    batch.Clear();
    if (!s.ok()) return Status::IOError("retention: " + s.ToString());
    return Status::Ok();
  };
  for (const auto& [id, rule] : matched) {
    if (rule->raw_max_age) {
      int64_t cutoff = now_ns - rule->raw_max_age->count() * 1'000'000'000;
      // A window [ws, ws+W) expires when ws + W <= cutoff.
      std::string lower = ChunkKey(id, INT64_MIN);
      std::string upper = ChunkKey(id, cutoff - window_ns_ + 1);
      if (AnyKeyIn(db_.get(), chunks_cf(), lower, upper)) {
        batch.DeleteRange(chunks_cf(), lower, upper);
        ++ranges;
      }
      // Odd while head points go: a reader combining head aggregates with
      // the head's timestamps (store_aggregate.cc) must not see them split.
      seal_epoch_.fetch_add(1);
      head_dropped += head_.DropBefore(id, cutoff);
      seal_epoch_.fetch_add(1);
    }
    if (rule->rollup_max_age) {
      int64_t cutoff = now_ns - rule->rollup_max_age->count() * 1'000'000'000;
      for (int64_t res : rollup_ns_) {
        uint32_t res_s = static_cast<uint32_t>(res / 1'000'000'000);
        std::string lower = RollupKey(id, res_s, INT64_MIN);
        std::string upper = RollupKey(id, res_s, cutoff - window_ns_ + 1);
        if (AnyKeyIn(db_.get(), rollups_cf(), lower, upper)) {
          batch.DeleteRange(rollups_cf(), lower, upper);
          ++ranges;
        }
      }
      if (!rollup_ns_.empty()) {
        CITYNEXUS_RETURN_IF_ERROR(
            ExpireCoarsestSpans(id, cutoff, &batch, &ranges));
      }
    }
    if (batch.Count() >= 1000) CITYNEXUS_RETURN_IF_ERROR(commit());
  }
  CITYNEXUS_RETURN_IF_ERROR(commit());
  if (ranges > 0) rollup_cache_.Clear();
  if (ranges > 0 || head_dropped > 0) {
    CN_LOG(kInfo, "retention") << "expired " << ranges << " ranges, "
                               << head_dropped << " head points";
  }
  return Status::Ok();
}

}  // namespace citynexus::engine
