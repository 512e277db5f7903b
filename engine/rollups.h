// Rollups: per-bucket aggregates (count, sum, min, max, first, last and their
// timestamps) of one series, computed for each sealed window at each
// configured resolution and stored as one record per (series, resolution,
// window) in the `rollups` column family. Also the bucket arithmetic shared
// with raw aggregation.
//
// Record layout (docs/format/storage.md):
//   version u8 (=1) | 8 × (varint len | chunk block)
// The eight blocks are ChunkColumns encoded with EncodeChunk, all with the
// bucket start times as timestamps: count (int), sum, min, max, first, last
// (float), first_ns - start, last_ns - start (int). Reusing the chunk codec
// keeps rollups small (decimal sensor aggregates compress well).
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/chunk_codec.h"
#include "engine/engine.h"

namespace citynexus::engine {

// Adds one point to a bucket (count == 0 means empty).
void AddToBucket(Bucket* bucket, int64_t ts, double value);
// Combines `from` (same start) into `into`; first/last by timestamp.
void CombineBuckets(Bucket* into, const Bucket& from);

// Buckets of width `resolution_ns` (epoch-aligned) of a numeric column,
// ascending, empty buckets omitted.
std::vector<Bucket> ComputeRollup(const ChunkColumns& columns,
                                  int64_t resolution_ns);

// Appends the record for `buckets` (ascending starts) to `out`.
Status EncodeRollupRecord(const std::vector<Bucket>& buckets, std::string* out);
// kCorruption on malformed input.
Status DecodeRollupRecord(std::string_view record, std::vector<Bucket>* out);

}  // namespace citynexus::engine
