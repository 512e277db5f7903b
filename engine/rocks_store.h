// RocksStore: the RocksDB-backed Store (engine/engine.h).
//
// Column families (docs/format/storage.md): `series` (catalog), `log` (one
// record per Append until sealed), `chunks` (sealed blocks per series and
// window), `rollups` (per-window bucket aggregates), `meta` (format version).
//
// Write path: validate -> encode one log record -> one RocksDB Write (sync
// per SyncMode) -> insert into the in-memory head -> return. The sealer
// swaps the whole head out, merges it with existing chunks, and writes
// chunks + rollups + the deletion of the sealed log prefix in one atomic
// WriteBatch. Reads merge chunks < frozen head < live head (newest wins);
// aggregates combine sealed rollups with the heads' partial aggregates
// (head.h) where their time ranges do not overlap.
//
// Threads: the caller's threads, plus (unless read_only) a WAL sync thread
// (SyncMode::kInterval), a sealer thread, and a retention thread; all are
// joined by Close().
//
// Thread-safety: safe for concurrent use (see engine.h).
#pragma once

#include <rocksdb/db.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "engine/engine.h"
#include "engine/head.h"
#include "engine/rollup_cache.h"
#include "engine/sealed_stamps.h"
#include "engine/series_catalog.h"
#include "engine/storage_health.h"

namespace citynexus::engine {

// Tunables beyond StoreOptions, mainly for tests and benchmarks.
struct RocksStoreTuning {
  // Head size (points) above which the sealer seals everything. Default 4M
  // (~64 MB of head). Appends wait while the head holds more than twice
  // this, and fail with kResourceExhausted after 30 s of waiting.
  uint64_t head_max_points = 4'000'000;
  // The sealer also seals everything this often, so quiet stores compress
  // their head too. Each seal rewrites the chunk of every series' open
  // window (cost grows with block_window). Default 1 h.
  std::chrono::milliseconds seal_interval{std::chrono::hours(1)};
  // Close() seals the head. Tests turn this off to exercise log replay.
  bool seal_on_close = true;
};

class RocksStore final : public Store {
 public:
  static Result<std::unique_ptr<RocksStore>> Open(
      const StoreOptions& options, const RocksStoreTuning& tuning = {});
  ~RocksStore() override;

  Result<SeriesInfo> GetOrCreateSeries(const SeriesKey& key,
                                       ValueType type) override;
  Result<SeriesInfo> LookupSeries(std::string_view canonical) override;
  Result<SeriesInfo> GetSeries(SeriesId id) override;
  std::vector<SeriesInfo> FindSeries(const SeriesFilter& filter) override;
  std::vector<std::string> MeasurementNames() override;
  Result<SeriesSummary> SummarizeSeries(
      const SeriesFilter& filter,
      const std::function<bool(std::string_view key)>& values_of) override;
  Status SetSeriesMeta(SeriesId id, const SeriesMeta& meta) override;
  Result<AppendResult> Append(std::span<const Point> points) override;
  Status Scan(SeriesId series, int64_t start_ns, int64_t end_ns,
              const std::function<bool(const Sample&)>& visit) override;
  Result<std::optional<Sample>> Last(SeriesId series, int64_t start_ns,
                                     int64_t end_ns) override;
  Result<std::vector<Bucket>> Aggregate(const AggregateRequest& request,
                                        AggregateStats* stats) override;
  // Keeps one rollups iterator between series (series_reader.cc).
  std::unique_ptr<SeriesReader> NewSeriesReader() override;
  Status Flush() override;
  Status Compact() override;
  Result<StoreStats> Stats() override;
  Status Verify(const VerifyCallbacks& callbacks) override;
  Status Backup(const std::string& dir) override;
  Status Close() override;
  Status Health() override;
  uint64_t SeriesRefused() override { return catalog_.refused(); }
  std::optional<uint64_t> CatalogVersion() override {
    return catalog_.version();
  }

  // Runs one retention pass as if the clock read `now_ns`. Used by the
  // retention thread and by tests.
  Status RunRetention(int64_t now_ns) EXCLUDES(seal_mu_);
  // Approximate heap bytes of the in-memory catalog.
  size_t CatalogMemoryBytes() const { return catalog_.MemoryBytes(); }
  uint64_t HeadPoints() const { return head_.points(); }
  size_t RollupCacheEntries() const { return rollup_cache_.entries(); }

 private:
  class Reader;
  // A rollups iterator kept between the reads of one SeriesReader, remade
  // when the seal epoch moved (series_reader.cc). Null cursors below mean
  // a new iterator per read.
  struct RollupCursor {
    std::unique_ptr<rocksdb::Iterator> it;
    uint64_t epoch = 0;
  };
  rocksdb::Iterator* RollupIterator(RollupCursor* cursor);
  Result<std::vector<Bucket>> Aggregate(const AggregateRequest& request,
                                        AggregateStats* stats,
                                        RollupCursor* cursor);

  RocksStore(const StoreOptions& options, const RocksStoreTuning& tuning);

  Status OpenDb();
  Status LoadCatalog();
  Status ReplayLog() EXCLUDES(seal_mu_, gate_mu_);
  void StartThreads() EXCLUDES(bg_mu_);
  void StopThreads() EXCLUDES(bg_mu_);
  // Schedules a flush of every memtable so obsolete WAL files go (sealer).
  void FlushMemtablesAfterSeal();
  // Seals the whole head (sealer.cc). Serialized by seal_mu_.
  Status SealAll() EXCLUDES(seal_mu_, gate_mu_, frozen_mu_);
  // Adds the series' sealed chunks and rollups to `batch`; the new buckets
  // of the coarsest resolution per window go to `coarsest` (for the cache)
  // and into the series' span records,
  // the timestamps of each window written to `stamps` (sealed_stamps_).
  Status SealSeries(const Head& frozen, SeriesId id, rocksdb::WriteBatch* batch,
                    std::vector<RollupCache::Window>* coarsest,
                    std::vector<SealedStamps::Window>* stamps);
  // Merged points of one series in [start, end): chunks < frozen < head.
  // `visit(columns, i)` is called per point ascending; false stops.
  Status ReadRange(
      SeriesId id, int64_t start_ns, int64_t end_ns,
      const std::function<bool(const ChunkColumns&, size_t)>& visit);
  // Aggregate after validation, with bounds clamped to ±2^62 and the offset
  // reduced to [0, step) (store_read.cc).
  Result<std::vector<Bucket>> AggregateClamped(const AggregateRequest& request,
                                               AggregateStats* stats,
                                               RollupCursor* cursor = nullptr);
  // All rollup buckets of `id` at the coarsest resolution, from the cache
  // or (then cached) from the rollups CF (store_read.cc).
  Result<std::shared_ptr<const RollupCache::Buckets>> CoarsestRollups(
      SeriesId id);
  // Calls `visit` with the decoded buckets of each rollup record of `id` at
  // `res_s` seconds whose window (span, for the coarsest resolution) holds
  // buckets in [window_from_ns, end_ns), in window order; callers filter the
  // buckets by range (store_rollup_spans.cc). A record that does not decode
  // fails with the series and resolution named.
  Status ForEachRollupRecord(
      SeriesId id, uint32_t res_s, int64_t window_from_ns, int64_t end_ns,
      const std::function<void(const std::vector<Bucket>&)>& visit,
      RollupCursor* cursor = nullptr);
  // Span records of the coarsest resolution in the `rollup_spans` CF
  // (store_rollup_spans.cc; layout in docs/format/storage.md): one record
  // per series and span of kSpanWindows block windows, so that loading a
  // year of daily buckets reads ~6 records instead of 366.
  //
  // Reads and decodes the span record at `span_start` (plus, in a store
  // that may still hold per-window coarsest records, those inside the span,
  // whose keys go to `legacy_keys`) into `out`, ascending.
  Status ReadCoarsestSpan(SeriesId id, int64_t span_start,
                          std::vector<Bucket>* out,
                          std::vector<std::string>* legacy_keys);
  // Rewrites the span records holding the (re)sealed windows' coarsest
  // buckets (`windows` ascending): read, replace those windows, write, into
  // `batch`; per-window records inside a rewritten span are deleted in the
  // same batch. Caller holds seal_mu_.
  Status WriteCoarsestSpans(SeriesId id,
                            const std::vector<RollupCache::Window>& windows,
                            rocksdb::WriteBatch* batch);
  // Retention of span records: deletes the spans that ended before
  // `cutoff_ns` and drops the expired windows' buckets from the span that
  // straddles it. Counts the changes in *changed. Caller holds seal_mu_.
  Status ExpireCoarsestSpans(SeriesId id, int64_t cutoff_ns,
                             rocksdb::WriteBatch* batch, uint64_t* changed);
  // Start of the span holding `window_start` (clamped for INT64_MIN).
  int64_t SpanStart(int64_t window_start) const;
  // The coarsest rollup resolution in seconds (0 without rollups).
  uint32_t CoarsestResS() const;
  // Moves every per-window coarsest record of a store written before span
  // records into span records (same buckets), then clears the mark, so that
  // readers stop merging shapes (Compact()).
  Status MigrateLegacyCoarsest() REQUIRES(seal_mu_);
  // Reads and sets span_ns_ and legacy_coarsest_ (OpenDb).
  Status OpenRollupSpans(bool fresh_store);
  Result<std::optional<Sample>> LastFromRollups(SeriesId id, ValueType type,
                                                int64_t start_ns,
                                                int64_t end_ns);
  // Appends the sealed rollup buckets of `id` at resolution `res_ns` that
  // start in [start_ns, end_ns), from the rollup cache for the coarsest
  // resolution (store_aggregate.cc).
  Status SealedRollups(SeriesId id, int64_t res_ns, int64_t start_ns,
                       int64_t end_ns, std::vector<Bucket>* out,
                       RollupCursor* cursor = nullptr);
  // Buckets at `res_ns` of `id` over [start_ns, end_ns) (aligned to res_ns)
  // from the sealed rollups and both heads' partial aggregates, into
  // `tiles`; a bucket whose sources overlap in time is read raw. False when
  // they cannot be combined consistently (a seal committed meanwhile, or a
  // head keeps no aggregates of the series): the caller reads otherwise
  // (store_aggregate.cc).
  Result<bool> CombinedTiles(SeriesId id, int64_t res_ns, int64_t start_ns,
                             int64_t end_ns, std::vector<Bucket>* tiles,
                             AggregateStats* stats,
                             RollupCursor* cursor = nullptr);
  Status CheckWritable() const;
  // "traffic{sensor=K12}#vehicles window 2024-06-01T00:00:00Z..
  // 2024-06-02T00:00:00Z" for error messages (store_verify.cc).
  std::string DescribeWindow(SeriesId id, int64_t window_start_ns) const;
  // DescribeWindow of a `chunks` CF key.
  std::string DescribeChunk(std::string_view chunk_key) const;
  // The canonical key of `id`, or "unknown series id N".
  std::string SeriesName(SeriesId id) const;
  std::shared_ptr<const Head> Frozen() const EXCLUDES(frozen_mu_);

  rocksdb::ColumnFamilyHandle* series_cf() const { return handles_[1]; }
  rocksdb::ColumnFamilyHandle* log_cf() const { return handles_[2]; }
  rocksdb::ColumnFamilyHandle* chunks_cf() const { return handles_[3]; }
  rocksdb::ColumnFamilyHandle* rollups_cf() const { return handles_[4]; }
  rocksdb::ColumnFamilyHandle* meta_cf() const { return handles_[5]; }
  // Null only in a read-only open of a store written before span records.
  rocksdb::ColumnFamilyHandle* rollup_spans_cf() const {
    return handles_.size() > 6 ? handles_[6] : nullptr;
  }

  // Regular series cost a few runs per window: ~100 B per series.
  static constexpr size_t kSealedStampsBytes = 64 << 20;

  const StoreOptions options_;
  const RocksStoreTuning tuning_;
  const int64_t window_ns_;
  std::vector<int64_t> rollup_ns_;  // ascending
  // Span records: K block windows per record (fixed at store creation and
  // kept in `meta` "rollup_span_ns"), and whether per-window coarsest
  // records written before span records existed may remain (`meta`
  // "rollup_legacy_windows"): then readers merge both shapes. Set by
  // OpenDb before any other thread runs, read-only afterwards.
  static constexpr int64_t kSpanWindows = 64;
  int64_t span_ns_ = 0;
  // Atomic: Compact() clears it (MigrateLegacyCoarsest) while reads run.
  std::atomic<bool> legacy_coarsest_{false};
  // Some retention rule drops raw points: rollups may then outlive the
  // chunks they describe, so Last() does not answer from them.
  bool raw_expires_ = false;

  // Degraded (disk full) state and recovery; also RocksDB's listener.
  const std::shared_ptr<StorageHealth> health_ =
      std::make_shared<StorageHealth>();
  std::unique_ptr<rocksdb::DB> db_;
  // default, series, log, chunks, rollups, meta, rollup_spans (owned;
  // destroyed in Close).
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;

  SeriesCatalog catalog_;
  Head head_;
  RollupCache rollup_cache_;
  // Timestamps of the recently sealed windows, so that recent aggregates
  // combine partial aggregates of interleaved sealed and head points
  // (store_aggregate.cc). Updated by the sealer inside the odd seal epoch.
  SealedStamps sealed_stamps_{kSealedStampsBytes};
  mutable Mutex frozen_mu_;
  std::shared_ptr<const Head> frozen_ GUARDED_BY(frozen_mu_);
  // Odd while a seal moves points between the heads and the chunks (moving
  // the live head into the frozen one; committing chunks and dropping the
  // frozen head). A reader that adds up aggregates of several sources reads
  // it before and after: unchanged and even means it counted no point twice.
  std::atomic<uint64_t> seal_epoch_{0};
  // Seals that committed chunks (for the sealer thread's WAL housekeeping).
  std::atomic<uint64_t> sealed_count_{0};

  // Append gate: appends hold it from sequence allocation until their points
  // are in the head, so a seal that closes the gate sees every log record
  // below next_seq_ in the head it swaps out.
  Mutex gate_mu_;
  CondVar gate_cv_;
  int active_appends_ GUARDED_BY(gate_mu_) = 0;
  bool sealing_ GUARDED_BY(gate_mu_) = false;
  uint64_t next_seq_ GUARDED_BY(gate_mu_) = 1;

  Mutex seal_mu_
      ACQUIRED_BEFORE(gate_mu_);  // one seal / retention pass at a time
  uint64_t sealed_seq_ GUARDED_BY(seal_mu_) = 0;  // log keys below are sealed

  Mutex bg_mu_;
  CondVar bg_cv_;
  bool stop_ GUARDED_BY(bg_mu_) = false;
  bool seal_requested_ GUARDED_BY(bg_mu_) = false;
  CondVar head_space_cv_;
  std::vector<std::thread> threads_;

  std::atomic<bool> closed_{false};
  Mutex close_mu_;
};

}  // namespace citynexus::engine
