// Aggregation arithmetic of the query layer: combining engine buckets of
// several series, functions over raw values (median, percentile, stddev,
// integral, counter increase), and fill of empty buckets.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "query/query.h"

namespace citynexus::query {

// Epoch-aligned bucket start (k*step + offset) containing `t`.
int64_t BucketStart(int64_t t, int64_t step_ns, int64_t offset_ns);

// Folds `b` into `into` (same bucket, another series).
void MergeBucket(engine::Bucket& into, const engine::Bucket& b);

// The value of a bucket-combinable function (count, sum, mean, min, max,
// first, last, spread) for one merged bucket.
double BucketValue(AggFunction f, const engine::Bucket& b);

// True when `f` can be computed from engine::Bucket aggregates (and so from
// rollups); false when it needs the raw values.
bool IsBucketFunction(AggFunction f);

// Percentile with linear interpolation between closest ranks (p in 0..100),
// as numpy's default; `values` is reordered. Requires a non-empty input.
double Percentile(std::vector<double>& values, double p);
// Sample standard deviation (divides by n-1), as InfluxDB's stddev(); NaN
// for fewer than two values.
double SampleStddev(const std::vector<double>& values);

// Sum of increases between consecutive points, treating a decrease as a
// counter reset to zero (the new value is the increase since the reset).
// `points` ascending by time; `prev` is the point before them, if any.
double CounterIncrease(const std::vector<std::pair<int64_t, double>>& points,
                       std::optional<double> prev);

// Trapezoid area under `points` (ascending), in value x (ns / unit_ns).
double TrapezoidIntegral(const std::vector<std::pair<int64_t, double>>& points,
                         int64_t unit_ns);

// Applies `fill` to the sparse bucket values of one series (ascending, each
// timestamp one of `bucket_starts`), returning one entry per bucket start.
// kNone returns `sparse` unchanged.
std::vector<std::pair<int64_t, std::optional<double>>> ApplyFill(
    const std::vector<std::pair<int64_t, double>>& sparse,
    const std::vector<int64_t>& bucket_starts, FillMode fill,
    double fill_value);

}  // namespace citynexus::query
