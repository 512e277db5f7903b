// Rollups: per-bucket aggregates (count, sum, min, max, first, last and their
// timestamps) of one series, computed for each sealed window at each
// configured resolution and stored as one record per (series, resolution,
// window) in the `rollups` column family, except the coarsest resolution:
// one record per span of 64 windows in `rollup_spans`
// (store_rollup_spans.cc). Also the bucket arithmetic shared with raw
// aggregation.
//
// Record layout (docs/format/storage.md):
//   version u8 (=1) | 3 × (varint len | chunk block)
// The blocks are ChunkColumns encoded with EncodeChunk, so rollups reuse the
// chunk codec (decimal sensor aggregates compress to a few bits):
//   0: int,   timestamps = bucket starts, values = counts
//   1: int,   timestamps 0..2n-1, values = first_ns - start (n), then
//             last_ns - start (n)
//   2: float, timestamps 0..5n-1, values = sums, mins, maxs, firsts, lasts
//             (n each, column after column)
// Sums are stored rounded to the shortest decimal within 1e-12 relative.
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
