// Reading selector data from the store for the evaluator: matching series,
// bucket aggregates (rollups) on the finest grid all windows share, raw
// points, and the expected point interval used for coverage.
//
// Thread-safety: functions; the Store is thread-safe.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "query/indicators/expr_ast.h"

namespace citynexus::query::indicators {

// Series of the selector's measurement and field whose tags satisfy every
// matcher (PromQL semantics: a missing tag is ""; regexes are anchored).
// kInvalidArgument for a bad regex, kResourceExhausted past `max_series`.
Result<std::vector<engine::SeriesInfo>> MatchSelector(engine::Store& store,
                                                      const Expr& selector,
                                                      size_t max_series);

// Buckets of one series on the coarsest epoch-aligned grid that contains
// every window edge (the gcd of the edges), so each window is a whole
// number of buckets; read from rollups when the engine can.
struct BucketData {
  std::vector<engine::Bucket> buckets;  // ascending, non-empty buckets
  std::vector<double> prefix_sum;       // prefix_sum[i] = sum of buckets < i
  std::vector<uint64_t> prefix_count;
  int64_t interval_ns = 0;  // median point spacing, 0 when unknown

  // Index range [first, last) of the buckets inside [a, b).
  std::pair<size_t, size_t> Range(int64_t a, int64_t b) const;
};

// Grid step that divides every edge in `edges` (their gcd, at least 1 s).
int64_t CommonGrid(const std::vector<int64_t>& edges);

// kInvalidArgument for non-numeric series.
Result<BucketData> FetchBuckets(engine::Store& store, engine::SeriesId id,
                                int64_t start_ns, int64_t end_ns,
                                int64_t grid_ns, uint64_t* buckets_read);

// Raw numeric points of one series (bool as 0/1) or, for strings, the
// index of each point's text in `texts`.
struct RawData {
  std::vector<int64_t> times;
  std::vector<double> values;      // numeric series
  std::vector<std::string> texts;  // string series
  bool is_string = false;
  int64_t interval_ns = 0;  // median point spacing, 0 when unknown

  std::pair<size_t, size_t> Range(int64_t a, int64_t b) const;
};

// kResourceExhausted when `*points_read` passes `max_points`.
Result<RawData> FetchRaw(engine::Store& store, engine::SeriesId id,
                         int64_t start_ns, int64_t end_ns, uint64_t max_points,
                         uint64_t* points_read);

// Share of expected points present: count * interval / window length,
// capped at 1; with an unknown interval, 1 when count > 0.
double Coverage(uint64_t count, int64_t interval_ns, int64_t window_ns);

}  // namespace citynexus::query::indicators
