// Sealing: moves the head into chunks and rollups (RocksStore::SealAll),
// plus Flush and Compact, which are built on it.
//
// A seal closes the append gate just long enough to swap the head out and
// note next_seq_: every log record below that sequence then has all its
// points in the frozen head. Per series and window, the frozen points are
// merged into the existing chunk (frozen points win on equal timestamps),
// rollups are recomputed from the merged block (the coarsest resolution's
// go into their span records, store_rollup_spans.cc), and everything is written
// together with the DeleteRange of the sealed log prefix in ONE WriteBatch,
// so a crash leaves either the log records or the chunks, never neither.
#include <rocksdb/write_batch.h>

#include "common/log.h"
#include "engine/chunk_codec.h"
#include "engine/columns.h"
#include "engine/keys.h"
#include "engine/rocks_store.h"
#include "engine/rollups.h"

namespace citynexus::engine {

Status RocksStore::SealAll() {
  MutexLock seal_lock(&seal_mu_);
  uint64_t upto;
  // Published before the points move in, so that a reader that finds a
  // point gone from the live head finds it in the frozen one.
  auto frozen = std::make_shared<Head>(head_.bucket_ns());
  {
    MutexLock lock(&gate_mu_);
    sealing_ = true;
    while (active_appends_ != 0) gate_cv_.Wait(&gate_mu_);
    upto = next_seq_;
    {
      MutexLock frozen_lock(&frozen_mu_);
      frozen_ = frozen;
    }
    seal_epoch_.fetch_add(1);  // odd: points move live -> frozen
    head_.MoveInto(frozen.get());
    seal_epoch_.fetch_add(1);
    sealing_ = false;
  }
  gate_cv_.SignalAll();
  if (frozen->points() == 0 && upto == sealed_seq_) {
    MutexLock lock(&frozen_mu_);
    frozen_.reset();
    return Status::Ok();
  }
  rocksdb::WriteBatch batch;
  Status status;
  uint64_t series = 0;
  std::vector<std::pair<SeriesId, std::vector<RollupCache::Window>>> rollups;
  std::vector<std::pair<SeriesId, std::vector<SealedStamps::Window>>> stamps;
  frozen->ForEachSeries([&](SeriesId id) {
    if (!status.ok()) return;
    std::vector<RollupCache::Window> coarsest;
    std::vector<SealedStamps::Window> windows;
    status = SealSeries(*frozen, id, &batch, &coarsest, &windows);
    rollups.emplace_back(id, std::move(coarsest));
    stamps.emplace_back(id, std::move(windows));
    ++series;
  });
  // Odd from before the chunks are visible until the frozen head is gone
  // (or, after a failure, its points are back in the live head).
  seal_epoch_.fetch_add(1);
  if (status.ok()) {
    batch.DeleteRange(log_cf(), LogKey(0), LogKey(upto));
    std::string sealed;
    PutFixed64BE(&sealed, upto);
    batch.Put(meta_cf(), "sealed_seq", sealed);
    rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch);
    if (s.ok()) {
      sealed_seq_ = upto;
      sealed_count_.fetch_add(1);
      // Before the frozen head goes: see rollup_cache.h.
      for (const auto& [id, windows] : rollups) {
        rollup_cache_.Update(id, window_ns_, windows);
      }
      // Inside the odd epoch too: a reader that checks head points against
      // them also read the rollups of the same seal.
      for (auto& [id, windows] : stamps) {
        for (auto& w : windows) sealed_stamps_.Update(id, std::move(w));
      }
    } else {
      status = health_->OnWriteError(s, "writing sealed chunks");
    }
  }
  if (!status.ok()) {
    // Keep the points readable and sealable: put them back into the head.
    // Their log records were not deleted, so nothing is lost either way.
    frozen->ForEachSeries([&](SeriesId id) {
      ChunkColumns cols;
      frozen->Collect(id, INT64_MIN, INT64_MAX, &cols);
      for (size_t i = 0; i < cols.size(); ++i) {
        Sample s = SampleAt(cols, i);
        Point p{id, s.timestamp_ns, std::move(s.value)};
        uint32_t index = 0;
        head_.Insert(std::span<const Point>(&p, 1),
                     std::span<const uint32_t>(&index, 1));
      }
    });
  }
  {
    MutexLock lock(&frozen_mu_);
    frozen_.reset();
  }
  seal_epoch_.fetch_add(1);
  if (status.ok() && frozen->points() > 0) {
    CN_LOG(kDebug, "sealer") << "sealed " << frozen->points() << " points of "
                             << series << " series";
  }
  return status;
}

Status RocksStore::SealSeries(const Head& frozen, SeriesId id,
                              rocksdb::WriteBatch* batch,
                              std::vector<RollupCache::Window>* coarsest,
                              std::vector<SealedStamps::Window>* stamps) {
  ChunkColumns all;
  frozen.Collect(id, INT64_MIN, INT64_MAX, &all);
  ChunkColumns slice, existing, merged;
  std::string value, block;
  size_t i = 0;
  while (i < all.size()) {
    int64_t window = WindowStart(all.timestamps[i], window_ns_);
    size_t j = i;
    while (j < all.size() && all.timestamps[j] < window + window_ns_) ++j;
    slice.Clear();
    slice.type = all.type;
    for (size_t k = i; k < j; ++k) AppendPoint(all, k, &slice);
    i = j;

    std::string key = ChunkKey(id, window);
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), chunks_cf(), key, &value);
    const ChunkColumns* to_write = &slice;
    if (s.ok()) {
      Status st = DecodeChunk(value, &existing);
      if (!st.ok()) return st.WithContext("sealing " + DescribeChunkKey(key));
      if (existing.type != slice.type) {
        return Status::Corruption("sealing " + DescribeChunkKey(key) +
                                  ": stored chunk has another value type");
      }
      MergeColumns(existing, slice, &merged);
      to_write = &merged;
    } else if (!s.IsNotFound()) {
      return Status::IOError("sealing " + DescribeChunkKey(key) + ": " +
                             s.ToString());
    }
    block.clear();
    Status st = EncodeChunk(*to_write, &block);
    if (!st.ok()) return st.WithContext("sealing " + DescribeChunkKey(key));
    batch->Put(chunks_cf(), key, block);

    if (to_write->type == ValueType::kFloat ||
        to_write->type == ValueType::kInt) {
      stamps->push_back(SealedStamps::MakeWindow(window, to_write->timestamps));
      for (int64_t res : rollup_ns_) {
        std::vector<Bucket> buckets = ComputeRollup(*to_write, res);
        if (res == rollup_ns_.back()) {
          // Packed into span records below.
          coarsest->push_back({window, std::move(buckets)});
          continue;
        }
        block.clear();
        st = EncodeRollupRecord(buckets, &block);
        if (!st.ok()) return st.WithContext("rollup " + DescribeChunkKey(key));
        batch->Put(
            rollups_cf(),
            RollupKey(id, static_cast<uint32_t>(res / 1'000'000'000), window),
            block);
      }
    }
  }
  return WriteCoarsestSpans(id, *coarsest, batch);
}

Status RocksStore::Flush() {
  CITYNEXUS_RETURN_IF_ERROR(CheckWritable());
  CITYNEXUS_RETURN_IF_ERROR(SealAll());
  rocksdb::Status s = db_->SyncWAL();
  if (!s.ok()) return Status::IOError("syncing WAL: " + s.ToString());
  return Status::Ok();
}

Status RocksStore::Compact() {
  CITYNEXUS_RETURN_IF_ERROR(Flush());
  {
    MutexLock seal_lock(&seal_mu_);
    CITYNEXUS_RETURN_IF_ERROR(MigrateLegacyCoarsest());
  }
  rocksdb::FlushOptions fo;
  rocksdb::Status s = db_->Flush(fo, handles_);
  if (!s.ok()) return Status::IOError("flushing memtables: " + s.ToString());
  rocksdb::CompactRangeOptions co;
  co.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (auto* h : handles_) {
    s = db_->CompactRange(co, h, nullptr, nullptr);
    if (!s.ok()) return Status::IOError("compacting: " + s.ToString());
  }
  return Status::Ok();
}

}  // namespace citynexus::engine
