// citynexus storage engine: the public interface of engine/.
//
// A Store keeps time series: each series is identified by a canonical key
// (measurement, sorted tags, field) mapped to a dense uint64 id, holds values
// of one type, and is read back by time range or aggregated into time buckets.
// Other layers include only this header; the RocksDB implementation and every
// helper behind it are internal to engine/.
//
// Thread-safety: a Store is safe for concurrent use by any number of threads
// (appends, scans, catalog calls), until Close() has been called.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"

namespace citynexus::engine {

using SeriesId = uint64_t;

// The value type a series holds. Numeric types aggregate; the others do not.
enum class ValueType : uint8_t {
  kFloat = 1,  // IEEE-754 double, stored bit-exact
  kInt = 2,    // int64, exact (never converted through a double)
  kBool = 3,
  kString = 4,  // short strings (status texts, states)
};

std::string_view ValueTypeName(ValueType type);  // "float", "integer", ...

// One value. The variant index order matches nothing on disk; use TypeOf().
using Value = std::variant<double, int64_t, bool, std::string>;
ValueType TypeOf(const Value& value);

// A series identity: the same identity as InfluxDB line protocol.
// `traffic,sensor=K12,district=Mitte vehicles=14i` is
// measurement "traffic", tags {district=Mitte, sensor=K12}, field "vehicles".
struct SeriesKey {
  std::string measurement;
  std::vector<std::pair<std::string, std::string>> tags;  // sorted by key
  std::string field;

  // Sorts tags by key (stable for equal keys). Call after filling `tags`.
  void SortTags();

  // "traffic{district=Mitte,sensor=K12}#vehicles". Characters `{}=,#\` inside
  // names are backslash-escaped so the mapping is one-to-one.
  std::string Canonical() const;

  // Inverse of Canonical(). kInvalidArgument on malformed input.
  static Result<SeriesKey> Parse(std::string_view canonical);

  bool operator==(const SeriesKey&) const = default;
};

// Descriptive metadata of a series. Empty strings mean "unknown".
struct SeriesMeta {
  std::string unit;    // "kWh", "°C", "m3"
  std::string domain;  // "mobility", "energy", "water", "environment"
  std::string description;
  std::string source;  // connector that created it: "mqtt:...", "http"
  std::optional<double> latitude;   // WGS84 degrees
  std::optional<double> longitude;  // WGS84 degrees

  bool operator==(const SeriesMeta&) const = default;
};

struct SeriesInfo {
  SeriesId id = 0;
  SeriesKey key;
  ValueType type = ValueType::kFloat;
  SeriesMeta meta;
};

// One tag condition of a SeriesFilter. A series lacking the tag has the
// value "" (InfluxQL and PromQL semantics): `k != "x"` and `k !~ re` match
// it, and so do `k == ""` and a regex that matches "".
struct TagMatcher {
  enum class Op : uint8_t { kEqual, kNotEqual, kMatch, kNotMatch };
  std::string key;
  Op op = Op::kEqual;
  std::string value;  // kEqual / kNotEqual
  // kMatch / kNotMatch: true when a value matches (the caller's regex
  // flavour: unanchored for InfluxQL, anchored for PromQL). Called on the
  // calling thread, under the catalog's shared lock; must not call the store.
  std::function<bool(std::string_view)> matches;
};

// A catalog search. Empty fields match everything; all given fields must
// match. The catalog answers measurement, field, tags and matchers from its
// inverted index (postings per tag value), decoding only matching series.
struct SeriesFilter {
  std::string measurement;                                // exact
  std::string field;                                      // exact
  std::vector<std::pair<std::string, std::string>> tags;  // each must equal
  std::string domain;                                     // exact
  std::vector<TagMatcher> matchers;                       // all must hold
};

// What the catalog index knows of the series of one measurement that match
// a filter, read without decoding series records (SHOW TAG KEYS/VALUES,
// FIELD KEYS, and the schema of a SELECT).
struct SeriesSummary {
  uint64_t series = 0;  // matching series
  // Tag keys present among the matching series -> their values, sorted.
  // Values are listed only for keys the caller asked for (else empty).
  std::map<std::string, std::vector<std::string>> tags;
  // Fields -> the type of the field's lowest-id matching series.
  std::map<std::string, ValueType> fields;
};

// One point of one series. Timestamps are nanoseconds since the Unix epoch.
struct Point {
  SeriesId series = 0;
  int64_t timestamp_ns = 0;
  Value value;
};

// A point the write path refused, with the index into the appended span.
struct RejectedPoint {
  size_t index = 0;
  std::string reason;  // "field type conflict: vehicles is integer, got float"
};

struct AppendResult {
  size_t written = 0;                   // points made durable
  std::vector<RejectedPoint> rejected;  // the rest, each with its reason
};

// A time point with its value as read back from a series.
struct Sample {
  int64_t timestamp_ns = 0;
  Value value;
};

// Aggregates of one time bucket of one numeric series. Buckets without points
// are omitted. `first`/`last` are the values at the earliest/latest timestamp.
// Integer series aggregate through double (sum may lose exactness beyond 2^53).
struct Bucket {
  int64_t start_ns = 0;  // inclusive bucket start
  uint64_t count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  double first = 0;
  double last = 0;
  int64_t first_ns = 0;
  int64_t last_ns = 0;
};

struct AggregateRequest {
  SeriesId series = 0;
  int64_t start_ns = 0;   // inclusive
  int64_t end_ns = 0;     // exclusive
  int64_t step_ns = 0;    // bucket width; > 0
  int64_t offset_ns = 0;  // buckets start at k*step + offset (epoch-aligned)
};

struct AggregateStats {
  bool used_rollups = false;
  uint64_t points_read = 0;   // raw points decoded
  uint64_t rollups_read = 0;  // rollup buckets read
};

// Sizes and counts for `citynexus stats`.
struct StoreStats {
  uint64_t series = 0;
  uint64_t points = 0;         // approximate for sealed data (block headers)
  uint64_t bytes_on_disk = 0;  // whole data dir
  std::vector<std::pair<std::string, uint64_t>> column_family_bytes;
  std::optional<int64_t> first_timestamp_ns;
  std::optional<int64_t> last_timestamp_ns;
};

// One damaged record found by Store::Verify.
struct VerifyProblem {
  SeriesId series_id = 0;
  // Canonical key; "unknown series id N" when the catalog lacks the id.
  std::string series;
  std::string record;           // "chunk", "rollup 3600s", "chunk key", ...
  int64_t window_start_ns = 0;  // the record's time window [start, end)
  int64_t window_end_ns = 0;
  std::string reason;  // the codec's message ("chunk byte 17: ...")
};

// Counters reported while Store::Verify walks the store.
struct VerifyProgress {
  uint64_t chunks = 0;   // chunk records checked so far
  uint64_t rollups = 0;  // rollup records checked so far
  uint64_t bytes = 0;    // value bytes read so far
  uint64_t problems = 0;
};

struct VerifyCallbacks {
  // Called once per damaged record, in key order.
  std::function<void(const VerifyProblem&)> on_problem;
  // Called every few thousand records and once at the end (may be empty).
  std::function<void(const VerifyProgress&)> on_progress;
};

// Reads of many series in a row by one thread (one task of an aggregate
// over many series). It may keep storage iterators between calls, which
// makes consecutive reads cheaper, most of all in ascending series id order
// (their records are neighbours on disk). Answers are those of the Store's
// own methods. Not thread-safe: one thread at a time; destroy it before the
// store is closed, and soon (it pins the storage files it reads).
class SeriesReader {
 public:
  virtual ~SeriesReader() = default;
  // As Store::Aggregate.
  virtual Result<std::vector<Bucket>> Aggregate(const AggregateRequest& request,
                                                AggregateStats* stats) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // ---- catalog ----

  // Returns the id of `key`, creating the series with `type` if it is new.
  // An existing series keeps its type; the caller compares with info.type.
  // kInvalidArgument for empty measurement/field. Persisted before returning.
  virtual Result<SeriesInfo> GetOrCreateSeries(const SeriesKey& key,
                                               ValueType type) = 0;
  // kNotFound when no series has this canonical key / id.
  virtual Result<SeriesInfo> LookupSeries(std::string_view canonical) = 0;
  virtual Result<SeriesInfo> GetSeries(SeriesId id) = 0;
  virtual std::vector<SeriesInfo> FindSeries(const SeriesFilter& filter) = 0;
  // Measurement names that have series, sorted. The default implementation
  // decodes every series (FindSeries); stores with an index override it.
  virtual std::vector<std::string> MeasurementNames();
  // Summary of the series matching `filter`, whose measurement must be set
  // (kInvalidArgument otherwise). Tag values are listed for the keys
  // `values_of` accepts (may be empty: none). The default implementation
  // decodes the matching series; stores with an index override it.
  virtual Result<SeriesSummary> SummarizeSeries(
      const SeriesFilter& filter,
      const std::function<bool(std::string_view key)>& values_of);
  // Replaces the metadata of a series (durable). kNotFound for unknown ids.
  virtual Status SetSeriesMeta(SeriesId id, const SeriesMeta& meta) = 0;

  // ---- writes ----

  // Appends points of any series in any time order. Points whose value type
  // differs from their series' type, or whose series does not exist, are
  // rejected with a reason; all others are written. On return with an OK
  // status every written point is durable per the configured sync policy
  // (survives a process kill; with sync "always" also power loss). Same
  // series and timestamp: the last write wins.
  // Errors: kIOError (nothing written), kResourceExhausted (write path
  // saturated, nothing written; retry later).
  virtual Result<AppendResult> Append(std::span<const Point> points) = 0;

  // ---- reads ----

  // Calls `visit` with the points of `series` in [start_ns, end_ns) in
  // ascending time order, one sample per timestamp (the last written).
  // Stops early when `visit` returns false (still OK).
  // Errors: kNotFound (unknown series id), kUnavailable (store closed),
  // kCorruption (a stored block fails to decode; names the chunk and byte
  // offset), kIOError (RocksDB read error).
  virtual Status Scan(SeriesId series, int64_t start_ns, int64_t end_ns,
                      const std::function<bool(const Sample&)>& visit) = 0;

  // The newest point of `series` in [start_ns, end_ns), nullopt when there
  // is none. Reads the heads and the newest chunk holding points in the
  // range (back to front), not the whole range as a Scan would.
  // Errors: as Scan.
  virtual Result<std::optional<Sample>> Last(SeriesId series, int64_t start_ns,
                                             int64_t end_ns) = 0;

  // Buckets of a numeric series over [start_ns, end_ns). Reads rollups when
  // the step and range allow and the result equals the raw computation.
  // kInvalidArgument for non-numeric series or step_ns <= 0.
  virtual Result<std::vector<Bucket>> Aggregate(const AggregateRequest& request,
                                                AggregateStats* stats) = 0;
  // A reader for many Aggregate calls in a row on one thread. The default
  // one forwards to Aggregate.
  virtual std::unique_ptr<SeriesReader> NewSeriesReader();

  // ---- maintenance ----

  // Seals all buffered points into compressed blocks (durable).
  // Errors: kUnavailable (store closed), kNotSupported (opened read-only),
  // kCorruption / kIOError from sealing or syncing the WAL.
  virtual Status Flush() = 0;
  // Flush, then full compaction of the underlying storage. Errors: as Flush.
  virtual Status Compact() = 0;
  // Sizes and counts of the store (series, chunks, bytes, time range).
  // Errors: kUnavailable (store closed), kCorruption (a chunk header fails
  // to decode), kIOError (RocksDB read error).
  virtual Result<StoreStats> Stats() = 0;
  // Reads every sealed chunk and rollup record (RocksDB block checksums
  // verified on the way), decodes each and checks it against the catalog:
  // known series, the series' value type, timestamps inside the record's
  // window. Each damaged record goes to callbacks.on_problem and the walk
  // goes on; the caller decides what the problems mean. Head points (not
  // yet sealed) are not checked. Returns OK when the walk finished (with or
  // without problems). Errors: kUnavailable (store closed), kNotSupported
  // (a store without it), kCorruption when RocksDB itself cannot read on
  // (e.g. a block checksum mismatch; names the column family; problems
  // found before were reported). Runs beside other calls; slow (reads all).
  virtual Status Verify(const VerifyCallbacks& callbacks) {
    (void)callbacks;
    return Status::NotSupported("this store cannot be verified");
  }
  // Consistent online copy of the store into `dir` (must not exist).
  virtual Status Backup(const std::string& dir) = 0;
  // Flushes, stops background work and releases the data dir. Idempotent.
  virtual Status Close() = 0;

  // ---- health and limits (defaults for stores without them) ----

  // Whether the store accepts writes: OK, or kUnavailable naming why
  // (e.g. the disk is full; reads keep working). Cheap; for /healthz.
  virtual Status Health() { return Status::Ok(); }
  // New series refused by StoreOptions::max_series* since open.
  virtual uint64_t SeriesRefused() { return 0; }
  // A number that changes whenever a series is created or its metadata is
  // replaced, so derived views of the catalog (the SensorThings model) can
  // be reused while it stays the same. nullopt: not tracked, do not reuse.
  virtual std::optional<uint64_t> CatalogVersion() { return std::nullopt; }
};

// ---- watching writes ----

// Hands points that were just made durable to listeners (live streams).
// The write path calls Publish() after a successful Append and before it
// returns, i.e. before the writer acknowledges the points. With no listener
// Publish() costs one atomic load.
//
// Thread-safety: safe for concurrent use. Listeners run on the writing
// thread, concurrently with each other: they must be quick and must never
// block (copy what they need into their own bounded queue and return).
class PointFeed {
 public:
  using Listener = std::function<void(std::span<const Point> points)>;

  // Registers `listener`; returns a token for Unsubscribe().
  uint64_t Subscribe(Listener listener);
  // After it returns, `token`'s listener is not running and never runs again.
  void Unsubscribe(uint64_t token);
  // Whether any listener is registered (relaxed; a hint for the fast path).
  bool active() const {
    return listeners_count_.load(std::memory_order_relaxed) > 0;
  }
  // Calls every listener with `points` (durable ones only).
  void Publish(std::span<const Point> points) const;

 private:
  std::atomic<size_t> listeners_count_{0};
  mutable SharedMutex mu_;
  std::vector<std::pair<uint64_t, Listener>> listeners_ GUARDED_BY(mu_);
  uint64_t next_token_ GUARDED_BY(mu_) = 1;
};

// Wraps `store`: every successful Append publishes the points it wrote
// (rejected ones left out) to `feed`; everything else is passed through.
// `feed` must outlive the returned store.
std::unique_ptr<Store> PublishingStore(std::unique_ptr<Store> store,
                                       PointFeed& feed);

// ---- opening a store ----

// When an acknowledged Append is also safe against power loss.
enum class SyncMode {
  kAlways,    // fsync before Append returns; concurrent appends share one fsync
  kInterval,  // fsync at least every sync_interval; process kills lose nothing
};

// Which data a retention rule expires. A rule matches a series when its
// measurement glob (`*`, `?`) matches, or its domain equals the series domain
// (an empty pattern/domain never matches). The first matching rule applies.
struct RetentionRule {
  std::string measurement_glob;
  std::string domain;
  std::optional<std::chrono::seconds> raw_max_age;     // none = keep forever
  std::optional<std::chrono::seconds> rollup_max_age;  // none = keep forever
};

struct StoreOptions {
  std::string data_dir;  // created if missing
  SyncMode sync = SyncMode::kInterval;
  std::chrono::milliseconds sync_interval{1000};
  // Rollup bucket widths; each must divide block_window. Default 1h, 1d.
  std::vector<std::chrono::seconds> rollup_resolutions{std::chrono::hours(1),
                                                       std::chrono::hours(24)};
  // Time span of one sealed block per series (epoch-aligned). Default 1 day.
  std::chrono::seconds block_window{std::chrono::hours(24)};
  std::vector<RetentionRule> retention;
  std::chrono::seconds retention_interval{std::chrono::minutes(10)};
  // Memory for decoded rollups of the coarsest resolution of recently read
  // series (long-range aggregates and last()); 0 disables the cache.
  size_t rollup_cache_bytes = size_t{256} << 20;
  // Open for reading only (stats); never writes, may run beside nothing else.
  bool read_only = false;
  // Cardinality limits: GetOrCreateSeries refuses a new series past them
  // with kResourceExhausted ("max_series limit of N reached"); existing
  // series are unaffected. Checked under the catalog's lock, so exact under
  // concurrent writers. 0 = no limit. Defaults protect a small machine:
  // the catalog costs ~100 B per series in memory plus its head buffers.
  uint64_t max_series = 1000000;
  uint64_t max_series_per_measurement = 100000;
};

// Opens (or creates) the RocksDB-backed store in options.data_dir.
// kIOError with a clear message when the directory is held by another
// process ("data dir ./data is in use by another citynexus process").
Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options);

// Restores a backup made by Store::Backup into `data_dir`, which must be
// empty or absent. kInvalidArgument when it is not.
Status RestoreBackup(const std::string& backup_dir,
                     const std::string& data_dir);

}  // namespace citynexus::engine
