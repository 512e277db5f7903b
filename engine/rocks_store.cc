// RocksStore: opening, catalog, append path, background threads, stats,
// close. Sealing is in sealer.cc, reads in store_read.cc, retention in
// store_retention.cc, backups in backup.cc.
#include "engine/rocks_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <numeric>

#include "common/clock.h"
#include "common/log.h"
#include "engine/batch_log.h"
#include "engine/chunk_codec.h"
#include "engine/keys.h"

namespace citynexus::engine {

namespace {

constexpr const char* kFormatVersionKey = "format_version";
constexpr const char* kFormatVersion = "1";
// Timestamps are limited to ±2^62 ns (years 1823..2116) so that window and
// bucket arithmetic can never overflow.
constexpr int64_t kMaxAbsTimestamp = int64_t{1} << 62;
// RocksDB block cache shared by all column families (uncompressed blocks).
constexpr size_t kBlockCacheBytes = size_t{64} << 20;

// The head's aggregate bucket: the greatest common divisor of the rollup
// resolutions, so that head buckets tile every rollup bucket; 0 (none)
// without rollups.
int64_t HeadBucketNs(const std::vector<std::chrono::seconds>& resolutions) {
  int64_t g = 0;
  for (auto r : resolutions) {
    if (r.count() > 0) g = std::gcd(g, static_cast<int64_t>(r.count()));
  }
  return g * 1'000'000'000;
}

bool ContainsLock(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text.find("lock") != std::string::npos;
}

}  // namespace

RocksStore::RocksStore(const StoreOptions& options,
                       const RocksStoreTuning& tuning)
    : options_(options),
      tuning_(tuning),
      window_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(
                     options.block_window)
                     .count()),
      head_(HeadBucketNs(options.rollup_resolutions)),
      rollup_cache_(options.rollup_cache_bytes) {
  for (auto r : options.rollup_resolutions) {
    rollup_ns_.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(r).count());
  }
  for (const auto& rule : options.retention) {
    if (rule.raw_max_age) raw_expires_ = true;
  }
  catalog_.SetLimits(options.max_series, options.max_series_per_measurement);
  std::sort(rollup_ns_.begin(), rollup_ns_.end());
  rollup_ns_.erase(std::unique(rollup_ns_.begin(), rollup_ns_.end()),
                   rollup_ns_.end());
}

RocksStore::~RocksStore() {
  Status s = Close();
  if (!s.ok()) {
    CN_LOG(kError, "store") << "closing: " << s.ToString();
  }
}

Result<std::unique_ptr<RocksStore>> RocksStore::Open(
    const StoreOptions& options, const RocksStoreTuning& tuning) {
  if (options.data_dir.empty()) {
    return Status::InvalidArgument("store: data_dir is empty");
  }
  if (options.block_window.count() <= 0) {
    return Status::InvalidArgument("store: block_window must be positive");
  }
  for (auto r : options.rollup_resolutions) {
    if (r.count() <= 0 || options.block_window.count() % r.count() != 0) {
      return Status::InvalidArgument(
          "store: rollup resolution " + std::to_string(r.count()) +
          "s must be positive and divide block_window (" +
          std::to_string(options.block_window.count()) + "s)");
    }
  }
  if (options.sync_interval.count() <= 0) {
    return Status::InvalidArgument("store: sync_interval must be positive");
  }
  if (options.retention_interval.count() <= 0) {
    return Status::InvalidArgument(
        "store: retention_interval must be positive");
  }
  std::unique_ptr<RocksStore> store(new RocksStore(options, tuning));
  CITYNEXUS_RETURN_IF_ERROR(store->OpenDb());
  CITYNEXUS_RETURN_IF_ERROR(store->LoadCatalog());
  CITYNEXUS_RETURN_IF_ERROR(store->ReplayLog());
  if (!options.read_only) store->StartThreads();
  return store;
}

Status RocksStore::OpenDb() {
  const std::string& dir = options_.data_dir;
  if (!options_.read_only) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return Status::IOError("creating data dir " + dir + ": " + ec.message());
    }
  }
  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.max_background_jobs = 2;
  db_opts.keep_log_file_num = 3;
  db_opts.max_log_file_size = 1 << 20;
  db_opts.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // RocksDB preallocates each WAL file at 1.1x the largest write buffer
  // (141 MB for the log column family): right after an ingest `du` showed
  // ~150 MB for ~30 MB of data. WAL appends do not need it.
  db_opts.allow_fallocate = false;
  // Bounds the WAL even when no seal flushes the memtables (see
  // FlushMemtablesAfterSeal): past this, RocksDB flushes the column
  // families holding the oldest WAL file.
  db_opts.max_total_wal_size = uint64_t{64} << 20;
  db_opts.listeners.push_back(health_);

  rocksdb::ColumnFamilyOptions base;
  rocksdb::BlockBasedTableOptions table;
  table.block_size = 16 * 1024;
  // RocksDB's default is 8 MB. Right after seals the chunks of the open
  // windows sit in several L0 files in several versions until compaction;
  // with 8 MB each recent read re-decompressed zstd blocks (Q2 of the peer
  // benchmark on fresh data: 5-10x slower than after compaction).
  table.block_cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  base.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  base.compression = rocksdb::kNoCompression;

  rocksdb::ColumnFamilyOptions series_opts = base;
  series_opts.compression = rocksdb::kLZ4Compression;
  // Chunk blocks and rollup records are already encoded, but zstd over a
  // whole table block still finds redundancy between neighbouring records
  // (block headers, similar series): measured on bench sensor60s, chunks
  // 14% and rollups 45% smaller, scan speed unchanged (block cache).
  rocksdb::ColumnFamilyOptions encoded_opts = base;
  encoded_opts.compression = rocksdb::kZSTD;
  rocksdb::ColumnFamilyOptions log_opts = base;
  // Log records usually die (sealed) before their memtable is flushed.
  log_opts.write_buffer_size = 128 << 20;

  std::vector<rocksdb::ColumnFamilyDescriptor> descs = {
      {rocksdb::kDefaultColumnFamilyName, base},
      {"series", series_opts},
      {"log", log_opts},
      {"chunks", encoded_opts},
      {"rollups", encoded_opts},
      {"meta", base},
      {"rollup_spans", encoded_opts}};
  if (options_.read_only) {
    // A store written before span records has no `rollup_spans` CF, and a
    // read-only open cannot create it: open without (rollup_spans_cf() is
    // then null and the per-window records are read).
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(db_opts, dir, &existing).ok() &&
        std::find(existing.begin(), existing.end(), "rollup_spans") ==
            existing.end()) {
      descs.pop_back();
    }
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options_.read_only
          ? rocksdb::DB::OpenForReadOnly(db_opts, dir, descs, &handles_, &raw)
          : rocksdb::DB::Open(db_opts, dir, descs, &handles_, &raw);
  db_.reset(raw);
  if (!s.ok()) {
    if (s.IsIOError() && ContainsLock(s.ToString())) {
      return Status::IOError("data dir " + dir +
                             " is in use by another citynexus process");
    }
    return Status::IOError("opening data dir " + dir + ": " + s.ToString());
  }

  std::string version;
  s = db_->Get(rocksdb::ReadOptions(), meta_cf(), kFormatVersionKey, &version);
  const bool fresh_store = s.IsNotFound();
  if (s.IsNotFound()) {
    if (!options_.read_only) {
      s = db_->Put(rocksdb::WriteOptions(), meta_cf(), kFormatVersionKey,
                   kFormatVersion);
      if (!s.ok())
        return Status::IOError("writing format version: " + s.ToString());
    }
  } else if (!s.ok()) {
    return Status::IOError("reading format version: " + s.ToString());
  } else if (version != kFormatVersion) {
    return Status::NotSupported("data dir " + dir + " has store format " +
                                version + ", this build reads " +
                                kFormatVersion);
  }
  return OpenRollupSpans(fresh_store);
}

Status RocksStore::LoadCatalog() {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;  // read once at open
  ro.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, series_cf()));
  for (it->Seek("i"); it->Valid(); it->Next()) {
    rocksdb::Slice key = it->key();
    if (key.size() == 0 || key[0] != 'i') break;
    if (key.size() != 9) {
      return Status::Corruption("series catalog: malformed key of " +
                                std::to_string(key.size()) + " bytes");
    }
    rocksdb::Slice value = it->value();
    CITYNEXUS_RETURN_IF_ERROR(
        catalog_.Load(DecodeFixed64BE(key.data() + 1),
                      std::string_view(value.data(), value.size())));
  }
  if (!it->status().ok()) {
    return Status::IOError("loading series catalog: " +
                           it->status().ToString());
  }
  return Status::Ok();
}

Status RocksStore::ReplayLog() {
  // Runs before the threads start; the locks are uncontended and keep the
  // guarded counters' rule without exceptions.
  MutexLock seal_lock(&seal_mu_);
  MutexLock gate_lock(&gate_mu_);
  std::string sealed;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), meta_cf(), "sealed_seq", &sealed);
  if (s.ok() && sealed.size() == 8) {
    sealed_seq_ = DecodeFixed64BE(sealed.data());
    next_seq_ = std::max(next_seq_, sealed_seq_);
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), log_cf()));
  uint64_t records = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    rocksdb::Slice key = it->key();
    if (key.size() != 8) {
      return Status::Corruption("log: malformed key of " +
                                std::to_string(key.size()) + " bytes");
    }
    uint64_t seq = DecodeFixed64BE(key.data());
    next_seq_ = std::max(next_seq_, seq + 1);
    Status st = DecodeLogRecord(
        std::string_view(it->value().data(), it->value().size()),
        [&](const LogPoint& p) { head_.Insert(p); });
    if (!st.ok()) return st.WithContext("log record " + std::to_string(seq));
    ++records;
  }
  if (!it->status().ok()) {
    return Status::IOError("replaying log: " + it->status().ToString());
  }
  if (records > 0) {
    CN_LOG(kInfo, "store") << "replayed " << records << " log records ("
                           << head_.points() << " points) into the head";
  }
  return Status::Ok();
}

void RocksStore::StartThreads() {
  if (options_.sync == SyncMode::kInterval) {
    threads_.emplace_back([this] {
      MutexLock lock(&bg_mu_);
      while (!stop_) {
        bg_cv_.WaitFor(&bg_mu_, options_.sync_interval);
        if (stop_) break;
        lock.Unlock();
        rocksdb::Status s = db_->SyncWAL();
        if (!s.ok()) {
          CN_LOG(kError, "store") << "WAL sync: " << s.ToString();
        }
        lock.Lock();
      }
    });
  }
  threads_.emplace_back([this] {
    MutexLock lock(&bg_mu_);
    while (!stop_) {
      const auto deadline =
          std::chrono::steady_clock::now() + tuning_.seal_interval;
      while (!stop_ && !seal_requested_ &&
             bg_cv_.WaitUntil(&bg_mu_, deadline)) {
      }
      if (stop_) break;
      seal_requested_ = false;
      lock.Unlock();
      const uint64_t before = sealed_count_.load();
      Status s = SealAll();
      if (!s.ok()) {
        CN_LOG(kError, "sealer") << s.ToString();
      } else if (sealed_count_.load() != before) {
        FlushMemtablesAfterSeal();
      }
      head_space_cv_.SignalAll();
      lock.Lock();
    }
  });
  if (!options_.retention.empty()) {
    threads_.emplace_back([this] {
      MutexLock lock(&bg_mu_);
      while (!stop_) {
        bg_cv_.WaitFor(&bg_mu_, options_.retention_interval);
        if (stop_) break;
        lock.Unlock();
        Status s = RunRetention(UnixNowNs());
        if (!s.ok()) {
          CN_LOG(kError, "retention") << s.ToString();
        }
        lock.Lock();
      }
    });
  }
}

void RocksStore::FlushMemtablesAfterSeal() {
  // The WAL keeps every record of a column family until its memtable is
  // flushed. The sealed log records are deleted (DeleteRange) but stay in
  // the log memtable (128 MB) and so in the WAL, which would hold the
  // whole ingest on disk until then. Flushing after a seal lets RocksDB drop
  // those WAL files: the log flush writes only the unsealed records and the
  // range tombstone; the chunk and rollup flushes write what compaction
  // would have written anyway. Not waited for (RocksDB's flush threads).
  rocksdb::FlushOptions fo;
  fo.wait = false;
  fo.allow_write_stall = true;
  rocksdb::Status s = db_->Flush(fo, handles_);
  if (!s.ok()) {
    CN_LOG(kWarn, "sealer") << "flushing memtables: " << s.ToString();
  }
}

void RocksStore::StopThreads() {
  {
    MutexLock lock(&bg_mu_);
    stop_ = true;
  }
  bg_cv_.SignalAll();
  head_space_cv_.SignalAll();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

Status RocksStore::CheckWritable() const {
  if (closed_.load()) return Status::Unavailable("store is closed");
  if (options_.read_only) {
    return Status::NotSupported("store was opened read-only");
  }
  return Status::Ok();
}

Status RocksStore::Health() {
  if (closed_.load()) return Status::Unavailable("store is closed");
  return health_->Check();
}

// ---- catalog ----

Result<SeriesInfo> RocksStore::GetOrCreateSeries(const SeriesKey& key,
                                                 ValueType type) {
  if (auto found = catalog_.Lookup(key.Canonical())) return *found;
  CITYNEXUS_RETURN_IF_ERROR(CheckWritable());
  CITYNEXUS_RETURN_IF_ERROR(health_->TryRecover(db_.get()));
  return catalog_.GetOrCreate(
      key, type, [&](SeriesId id, std::string_view record) {
        rocksdb::WriteBatch batch;
        batch.Put(series_cf(), SeriesIdKey(id),
                  rocksdb::Slice(record.data(), record.size()));
        std::string id_bytes;
        PutFixed64BE(&id_bytes, id);
        batch.Put(series_cf(), SeriesCanonicalKey(key.Canonical()), id_bytes);
        rocksdb::WriteOptions wo;
        wo.sync = options_.sync == SyncMode::kAlways;
        rocksdb::Status s = db_->Write(wo, &batch);
        if (!s.ok()) {
          return health_->OnWriteError(s,
                                       "persisting series " + key.Canonical());
        }
        return Status::Ok();
      });
}

Result<SeriesInfo> RocksStore::LookupSeries(std::string_view canonical) {
  if (auto found = catalog_.Lookup(canonical)) return *found;
  return Status::NotFound("no series " + std::string(canonical));
}

Result<SeriesInfo> RocksStore::GetSeries(SeriesId id) {
  if (auto found = catalog_.Get(id)) return *found;
  return Status::NotFound("unknown series id " + std::to_string(id));
}

std::vector<SeriesInfo> RocksStore::FindSeries(const SeriesFilter& filter) {
  return catalog_.Find(filter);
}

std::vector<std::string> RocksStore::MeasurementNames() {
  return catalog_.MeasurementNames();
}

Result<SeriesSummary> RocksStore::SummarizeSeries(
    const SeriesFilter& filter,
    const std::function<bool(std::string_view key)>& values_of) {
  return catalog_.Summarize(filter, values_of);
}

Status RocksStore::SetSeriesMeta(SeriesId id, const SeriesMeta& meta) {
  CITYNEXUS_RETURN_IF_ERROR(CheckWritable());
  return catalog_.SetMeta(id, meta, [&](SeriesId sid, std::string_view rec) {
    rocksdb::WriteOptions wo;
    wo.sync = options_.sync == SyncMode::kAlways;
    rocksdb::Status s = db_->Put(wo, series_cf(), SeriesIdKey(sid),
                                 rocksdb::Slice(rec.data(), rec.size()));
    if (!s.ok()) {
      return health_->OnWriteError(
          s, "persisting metadata of series " + std::to_string(sid));
    }
    return Status::Ok();
  });
}

// ---- append ----

Result<AppendResult> RocksStore::Append(std::span<const Point> points) {
  CITYNEXUS_RETURN_IF_ERROR(CheckWritable());
  AppendResult result;
  std::vector<uint32_t> valid;
  valid.reserve(points.size());
  std::vector<size_t> mismatched;
  catalog_.WithTypes([&](const std::vector<uint8_t>& types) {
    for (size_t i = 0; i < points.size(); ++i) {
      const Point& p = points[i];
      if (p.series >= types.size() || types[p.series] == 0) {
        result.rejected.push_back(
            {i, "unknown series id " + std::to_string(p.series)});
      } else if (types[p.series] != static_cast<uint8_t>(TypeOf(p.value))) {
        mismatched.push_back(i);
      } else if (p.timestamp_ns > kMaxAbsTimestamp ||
                 p.timestamp_ns < -kMaxAbsTimestamp) {
        result.rejected.push_back(
            {i, "timestamp " + std::to_string(p.timestamp_ns) +
                    " is outside the supported range (years 1823..2116)"});
      } else {
        valid.push_back(static_cast<uint32_t>(i));
      }
    }
  });
  for (size_t i : mismatched) {  // slow path: needs the field name
    auto info = catalog_.Get(points[i].series);
    std::string field = info ? info->key.field : "?";
    std::string have =
        info ? std::string(ValueTypeName(info->type)) : std::string("?");
    result.rejected.push_back(
        {i, "field type conflict: " + field + " is " + have + ", got " +
                std::string(ValueTypeName(TypeOf(points[i].value)))});
  }
  if (!mismatched.empty()) {
    std::sort(result.rejected.begin(), result.rejected.end(),
              [](const RejectedPoint& a, const RejectedPoint& b) {
                return a.index < b.index;
              });
  }
  if (valid.empty()) return result;

  // Backpressure: the sealer must keep up with the head bound.
  if (head_.points() > 2 * tuning_.head_max_points) {
    MutexLock lock(&bg_mu_);
    seal_requested_ = true;
    bg_cv_.SignalAll();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!stop_ && head_.points() > 2 * tuning_.head_max_points) {
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::ResourceExhausted(
            "write path saturated: " + std::to_string(head_.points()) +
            " points wait for sealing; retry later");
      }
      head_space_cv_.WaitFor(&bg_mu_, std::chrono::milliseconds(50));
    }
  }

  std::string record;
  EncodeLogRecord(points, valid, &record);
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync == SyncMode::kAlways;
  // Degraded (disk full): fail fast unless the DB can resume now.
  CITYNEXUS_RETURN_IF_ERROR(health_->TryRecover(db_.get()));
  uint64_t seq;
  {
    MutexLock lock(&gate_mu_);
    while (sealing_) gate_cv_.Wait(&gate_mu_);
    seq = next_seq_++;
    ++active_appends_;
  }
  rocksdb::WriteBatch batch(record.size() + 64);
  batch.Put(log_cf(), LogKey(seq), record);
  rocksdb::Status s = db_->Write(wo, &batch);
  if (s.ok()) head_.Insert(points, valid);
  {
    MutexLock lock(&gate_mu_);
    if (--active_appends_ == 0) gate_cv_.SignalAll();
  }
  if (!s.ok()) {
    return health_->OnWriteError(
        s, "appending " + std::to_string(valid.size()) + " points");
  }
  result.written = valid.size();
  if (head_.points() > tuning_.head_max_points) {
    MutexLock lock(&bg_mu_);
    if (!seal_requested_) {
      seal_requested_ = true;
      bg_cv_.SignalAll();
    }
  }
  return result;
}

// ---- stats and close ----

Result<StoreStats> RocksStore::Stats() {
  if (closed_.load()) return Status::Unavailable("store is closed");
  StoreStats stats;
  stats.series = catalog_.size();
  auto widen = [&](int64_t lo, int64_t hi) {
    if (!stats.first_timestamp_ns || lo < *stats.first_timestamp_ns) {
      stats.first_timestamp_ns = lo;
    }
    if (!stats.last_timestamp_ns || hi > *stats.last_timestamp_ns) {
      stats.last_timestamp_ns = hi;
    }
  };
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), chunks_cf()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ChunkHeader header;
    std::string_view block(it->value().data(), it->value().size());
    Status s = DecodeChunkHeader(block, &header);
    if (!s.ok()) {
      return s.WithContext("chunk " + DescribeChunkKey(std::string_view(
                                          it->key().data(), it->key().size())));
    }
    stats.points += header.count;
    if (header.count > 0) {
      widen(header.first_timestamp_ns, header.last_timestamp_ns);
    }
  }
  if (!it->status().ok()) {
    return Status::IOError("reading chunks: " + it->status().ToString());
  }
  // Head points are counted with duplicates (approximate, like headers).
  stats.points += head_.points();
  int64_t lo, hi;
  if (head_.TimeRange(&lo, &hi)) widen(lo, hi);
  if (auto frozen = Frozen()) {
    stats.points += frozen->points();
    if (frozen->TimeRange(&lo, &hi)) widen(lo, hi);
  }
  static const char* kNames[] = {"default", "series", "log",         "chunks",
                                 "rollups", "meta",   "rollup_spans"};
  for (size_t i = 0; i < handles_.size(); ++i) {
    rocksdb::ColumnFamilyMetaData meta;
    db_->GetColumnFamilyMetaData(handles_[i], &meta);
    uint64_t mem = 0;
    db_->GetIntProperty(handles_[i], "rocksdb.size-all-mem-tables", &mem);
    stats.column_family_bytes.emplace_back(kNames[i], meta.size + mem);
  }
  std::error_code ec;
  for (auto entry =
           std::filesystem::recursive_directory_iterator(options_.data_dir, ec);
       !ec && entry != std::filesystem::recursive_directory_iterator();
       entry.increment(ec)) {
    std::error_code size_ec;
    if (entry->is_regular_file(size_ec)) {
      uint64_t size = entry->file_size(size_ec);
      if (!size_ec) stats.bytes_on_disk += size;
    }
  }
  return stats;
}

Status RocksStore::Close() {
  MutexLock lock(&close_mu_);
  if (closed_.load() || !db_) return Status::Ok();
  StopThreads();
  Status result;
  if (!options_.read_only) {
    if (tuning_.seal_on_close) result = SealAll();
    rocksdb::Status s = db_->SyncWAL();
    if (!s.ok() && result.ok()) {
      result = Status::IOError("syncing WAL at close: " + s.ToString());
    }
  }
  closed_.store(true);
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  rocksdb::Status s = db_->Close();
  if (!s.ok() && result.ok()) {
    result = Status::IOError("closing data dir: " + s.ToString());
  }
  db_.reset();
  return result;
}

std::shared_ptr<const Head> RocksStore::Frozen() const {
  MutexLock lock(&frozen_mu_);
  return frozen_;
}

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  CITYNEXUS_ASSIGN_OR_RETURN(auto store, RocksStore::Open(options));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace citynexus::engine
