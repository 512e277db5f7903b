// InfluxQL aggregate and selector functions over the points of one output
// series and time bucket, with InfluxDB 1.x results: selectors (first, last,
// min, max, percentile) return a real point with its time and type, ties go
// the way InfluxDB breaks them, integer fields keep integer sums, percentile
// is nearest-rank, stddev is the sample deviation.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "query/influxql/exec.h"
#include "query/influxql/window.h"

namespace citynexus::query::influxql {

enum class Fn {
  kCount,
  kSum,
  kMean,
  kMin,
  kMax,
  kFirst,
  kLast,
  kMedian,
  kSpread,
  kStddev,
  kPercentile,
  kIntegral,
  kMode,           // most frequent value (reduce_more.cc)
  kCountDistinct,  // count(distinct(x)) (reduce_more.cc)
};

// nullopt for names that are not implemented aggregates.
std::optional<Fn> FnByName(std::string_view name);
bool IsSelector(Fn fn);
// True when the function accepts string and boolean fields.
bool AcceptsAnyType(Fn fn);

struct TimedValue {
  int64_t time_ns = 0;
  engine::Value value;
};

// A stored value as a result cell.
Cell ToCell(const engine::Value& v);

struct Reduced {
  int64_t time_ns = 0;  // selected point's time (selectors)
  Cell value;
};

// Reduces one bucket (`points` ascending by time, stable in series key
// order, non-empty). `param` is percentile's p. Points of several series at
// the same time: with `greater_on_tie` first/last pick the greater value (as
// InfluxDB does with GROUP BY time), otherwise the last series' point (as
// InfluxDB 1.6 does without). Integral is computed by IntegralByWindow.
std::optional<Reduced> Reduce(Fn fn, double param,
                              std::span<const TimedValue> points,
                              bool greater_on_tie);

// InfluxDB's integral over `points` (ascending): trapezoids in value x
// (ns / unit_ns); with windows (an interval > 0) the area is split at window
// ends, interpolating there. Returns (window start, area) pairs, ascending;
// without an interval one pair at time 0.
// mode() and count(distinct()) of one bucket (reduce_more.cc).
std::optional<Reduced> ReduceMore(Fn fn, std::span<const TimedValue> points);

std::vector<std::pair<int64_t, double>> IntegralByWindow(
    std::span<const TimedValue> points, int64_t unit_ns,
    const TimeWindows& windows);

}  // namespace citynexus::query::influxql
