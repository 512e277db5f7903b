// PointWriter: turns decoded lines into engine points and appends them.
//
// Resolves each (measurement, tags, field) to a series id through a cache in
// front of the store's catalog (creating series on first sight with the type
// of their first value), rejects fields whose type conflicts with their
// series, and appends the rest as one batch. Every rejected field names its
// line and reason; a rejected field rejects nothing else.
//
// The hot path takes the cache's shared lock once per batch, not per field,
// and hashes a line's measurement and tags once for all its fields; only
// series the cache does not know go to the catalog (see series_cache.h).
//
// Thread-safety: safe for concurrent use (the cache has its own lock).
#pragma once

#include <cstdint>
#include <cstring>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "connectors/decoders/decoded.h"
#include "connectors/series_cache.h"
#include "engine/engine.h"

namespace citynexus::connectors {

struct WriteOutcome {
  uint64_t points_written = 0;
  // Decode errors and write rejections, in line order.
  std::vector<DecodeError> rejected;
  // Fields refused because their series would pass a cardinality limit
  // (storage.max_series*), and the store's message for the first one.
  uint64_t series_limit_dropped = 0;
  std::string series_limit_reason;
};

class PointWriter {
 public:
  // `store` must outlive the writer. `source` is recorded in the metadata of
  // series this writer creates ("http", "import", "mqtt:<topic filter>").
  PointWriter(engine::Store& store, std::string source);

  // Writes every decodable field of `batch`; `batch.errors` are carried into
  // the outcome. On an OK result every written point is durable. Errors:
  // those of Store::Append (kIOError, kResourceExhausted, kUnavailable when
  // the storage is degraded, e.g. disk full) or of creating a series
  // (kIOError, kUnavailable); nothing written. A series refused by a
  // cardinality limit is not an error: its fields are rejected.
  Result<WriteOutcome> Write(const DecodedBatch& batch);

 private:
  using CachedSeries = SeriesCache::Series;
  // The slow path of a cache miss: looks `key` (hash `hash`; length-prefixed
  // measurement, tags and field) up in the cache again, else in (or into)
  // the store's catalog, and caches the result.
  Result<CachedSeries> Resolve(uint64_t hash, std::string_view key,
                               const DecodedLine& line,
                               const DecodedBatch& batch,
                               std::string_view field, engine::ValueType type);

  // The cache for its hash functions only, which read nothing but the seed
  // fixed at construction (connectors/series_cache.h): no lock needed.
  const SeriesCache& Hasher() const NO_THREAD_SAFETY_ANALYSIS { return cache_; }

  engine::Store& store_;
  std::string source_;
  SharedMutex mu_;
  SeriesCache cache_ GUARDED_BY(mu_);
};

}  // namespace citynexus::connectors
