// Helpers over ChunkColumns (the in-memory columnar form of one series'
// points): range slicing, merging with last-write-wins, conversion to
// Samples and doubles. Internal to engine/.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <cstdint>

#include "engine/chunk_codec.h"
#include "engine/engine.h"

namespace citynexus::engine {

// Merges two columns of the same type, each strictly ascending, into `out`
// (cleared first). On equal timestamps `newer` wins.
void MergeColumns(const ChunkColumns& older, const ChunkColumns& newer,
                  ChunkColumns* out);

// Appends point `i` of `from` to `to` (same type).
void AppendPoint(const ChunkColumns& from, size_t i, ChunkColumns* to);

// Keeps only points with start_ns <= ts < end_ns.
void SliceColumns(ChunkColumns* columns, int64_t start_ns, int64_t end_ns);

Sample SampleAt(const ChunkColumns& columns, size_t i);
// Numeric value as double (kFloat, kInt); 0 for other types.
double DoubleAt(const ChunkColumns& columns, size_t i);

}  // namespace citynexus::engine
