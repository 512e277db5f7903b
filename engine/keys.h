// The store's RocksDB key layouts and time windows (the byte helpers are in
// engine/coding.h).
// Internal to engine/; the layouts are documented in docs/format/storage.md.
//
// Keys use fixed-width big-endian integers, signed ones sign-flipped, so that
// byte order equals numeric order. Varints appear only inside values.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/coding.h"
#include "engine/engine.h"

namespace citynexus::engine {

// ---- time windows ----

// Start of the epoch-aligned window of width `width_ns` containing `ts`
// (floor division, correct for negative timestamps).
inline int64_t WindowStart(int64_t ts, int64_t width_ns) {
  int64_t r = ts % width_ns;
  if (r < 0) r += width_ns;
  return ts - r;
}

// ---- key layouts (see docs/format/storage.md) ----

// `log` CF: sequence BE8.
std::string LogKey(uint64_t sequence);
// `chunks` CF: series id BE8 ‖ window start (sign-flipped BE8).
std::string ChunkKey(SeriesId id, int64_t window_start_ns);
// `rollups` CF: series id BE8 ‖ resolution seconds BE4 ‖ window start (flipped
// BE8).
std::string RollupKey(SeriesId id, uint32_t resolution_s,
                      int64_t window_start_ns);
// `rollup_spans` CF: series id BE8 ‖ resolution seconds BE4 ‖ span start
// (flipped BE8); the record packs the coarsest resolution's buckets of a
// whole span of block windows.
inline std::string RollupSpanKey(SeriesId id, uint32_t resolution_s,
                                 int64_t span_start_ns) {
  return RollupKey(id, resolution_s, span_start_ns);
}
// Parses a `rollups` or `rollup_spans` key; false when it is not 20 bytes.
bool ParseRollupKey(std::string_view key, SeriesId* id, uint32_t* resolution_s,
                    int64_t* window_start);
// `series` CF: 'i' ‖ id BE8 -> series record; 'k' ‖ canonical -> id BE8.
std::string SeriesIdKey(SeriesId id);
std::string SeriesCanonicalKey(std::string_view canonical);

// Parses a chunk key; false when it is not 16 bytes.
bool ParseChunkKey(std::string_view key, SeriesId* id, int64_t* window_start);

// Human-readable key for error messages ("series 42 window
// 1717200000000000000").
std::string DescribeChunkKey(std::string_view key);

}  // namespace citynexus::engine
