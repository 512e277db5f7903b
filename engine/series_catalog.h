// In-memory series catalog: canonical key <-> dense id, value type, metadata.
//
// The whole catalog lives in memory (loaded from the `series` column family
// at open) in a compact form: each series is one encoded record in an
// append-only arena plus one 8-byte slot in an open-addressing hash index and
// one 8-byte pointer, about 100 bytes per series for typical keys. Persisting
// is the caller's job: mutations take a `persist` callback that runs under
// the catalog lock before the change becomes visible, so a series is never
// visible (and never gets points) before it is durable.
//
// Thread-safety: safe for concurrent use (shared_mutex; lookups are shared).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "engine/engine.h"
#include "engine/postings_index.h"

namespace citynexus::engine {

// Encodes a series record (the value stored under 'i' ‖ id):
//   version u8 (=1) | type u8 | varint len | canonical | meta
//   meta = flags u8 (bit0 lat, bit1 lon) | 4 × (varint len | bytes)
//          (unit, domain, description, source) | [lat f64] | [lon f64]
std::string EncodeSeriesRecord(ValueType type, std::string_view canonical,
                               const SeriesMeta& meta);
// kCorruption on malformed input.
Status DecodeSeriesRecord(std::string_view record, SeriesInfo* info);

// Store::SummarizeSeries computed from decoded series (for filters and
// stores the postings cannot answer): fields and their types, and the values
// of the tag keys `values_of` selects (null: none).
SeriesSummary SummarizeDecoded(
    const std::vector<SeriesInfo>& series,
    const std::function<bool(std::string_view key)>& values_of);

class SeriesCatalog {
 public:
  using Persist = std::function<Status(SeriesId, std::string_view record)>;

  SeriesCatalog();
  SeriesCatalog(const SeriesCatalog&) = delete;
  SeriesCatalog& operator=(const SeriesCatalog&) = delete;

  // Adds a record read from disk. Not thread-safe against other calls; use
  // only while opening. kCorruption for malformed records or duplicates.
  Status Load(SeriesId id, std::string_view record);

  // Cardinality limits for GetOrCreate (0 = none). Call before concurrent
  // use (at open).
  void SetLimits(uint64_t max_series, uint64_t max_series_per_measurement);
  // Series creations refused by the limits since construction.
  uint64_t refused() const { return refused_.load(); }
  // Bumped by every GetOrCreate that creates and every SetMeta.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

  // Returns the existing series or creates it with the next id, calling
  // `persist` first (its error is returned and nothing changes).
  // kResourceExhausted when a new series would pass a limit of SetLimits;
  // the check and the insert share the exclusive lock, so concurrent
  // creators never overshoot.
  Result<SeriesInfo> GetOrCreate(const SeriesKey& key, ValueType type,
                                 const Persist& persist);
  // kNotFound for unknown ids; `persist` errors are returned.
  Status SetMeta(SeriesId id, const SeriesMeta& meta, const Persist& persist);

  std::optional<SeriesInfo> Lookup(std::string_view canonical) const;
  std::optional<SeriesInfo> Get(SeriesId id) const;
  // Value type of `id`, nullopt when unknown. Cheap; used per point.
  std::optional<ValueType> TypeOf(SeriesId id) const;
  // Calls `visit` for every series in id order (under the shared lock).
  void ForEach(const std::function<void(const SeriesInfo&)>& visit) const;
  // The series matching `filter`, in id order. Measurement, field, tags and
  // matchers are answered from the postings index; only the matching
  // records are decoded (and checked against filter.domain).
  std::vector<SeriesInfo> Find(const SeriesFilter& filter) const;
  // Measurement names with series, sorted (from the index).
  std::vector<std::string> MeasurementNames() const;
  // See Store::SummarizeSeries; answered from the index without decoding.
  // kInvalidArgument without a measurement; a filter with a domain is
  // answered by decoding the matching series.
  Result<SeriesSummary> Summarize(
      const SeriesFilter& filter,
      const std::function<bool(std::string_view key)>& values_of) const;

  // Fills `types` so that types[id] is the type byte of series id (0 = none),
  // holding the shared lock once: the append path validates a whole batch
  // with one lock acquisition.
  template <typename Fn>
  void WithTypes(Fn&& fn) const {
    ReaderMutexLock lock(&mu_);
    fn(types_);
  }

  size_t size() const;
  // Approximate heap bytes held by the catalog.
  size_t MemoryBytes() const;

 private:
  const char* StoreRecord(std::string_view record) REQUIRES(mu_);
  std::string_view RecordAt(SeriesId id) const REQUIRES_SHARED(mu_);
  std::optional<SeriesId> FindLocked(std::string_view canonical) const
      REQUIRES_SHARED(mu_);
  void IndexInsert(SeriesId id) REQUIRES(mu_);
  // Adds `id` to postings_ (kCorruption when its key does not parse).
  Status PostingsInsert(SeriesId id) REQUIRES(mu_);
  // Decodes and visits the series `ids` (the caller holds the shared lock).
  template <typename Ids>
  void VisitIds(const Ids& ids,
                const std::function<void(const SeriesInfo&)>& visit) const
      REQUIRES_SHARED(mu_);
  void Grow() REQUIRES(mu_);

  mutable SharedMutex mu_;
  // Arena blocks; records never move, so pointers into them stay valid.
  std::vector<std::unique_ptr<char[]>> blocks_ GUARDED_BY(mu_);
  size_t block_used_ GUARDED_BY(mu_) = 0;
  size_t block_size_ GUARDED_BY(mu_) = 0;
  size_t arena_bytes_ GUARDED_BY(mu_) = 0;
  // records_[id] points at varint(len) ‖ record; nullptr for unused ids.
  std::vector<const char*> records_ GUARDED_BY(mu_);
  std::vector<uint8_t> types_ GUARDED_BY(mu_);  // types_[id], 0 when unused
  // Open addressing, linear probing; 0 = empty slot, else series id.
  std::vector<SeriesId> index_ GUARDED_BY(mu_);
  // Inverted index: measurement -> tag key -> value -> ids, field -> ids.
  PostingsIndex postings_ GUARDED_BY(mu_);
  size_t count_ GUARDED_BY(mu_) = 0;
  SeriesId next_id_ GUARDED_BY(mu_) = 1;
  uint64_t max_series_ GUARDED_BY(mu_) = 0;                  // 0 = no limit
  uint64_t max_series_per_measurement_ GUARDED_BY(mu_) = 0;  // 0 = no limit
  std::atomic<uint64_t> refused_{0};
  std::atomic<uint64_t> version_{0};
};

}  // namespace citynexus::engine
