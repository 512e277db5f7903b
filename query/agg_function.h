// The aggregate functions of the query layer: one enum for every language
// that aggregates (the JSON API's `agg`, InfluxQL via the JSON query spec,
// SensorThings' aggregates, and the indicators' `sum by (...)` operators),
// with the JSON API's names. Each language keeps its own spelling: the
// indicator parser maps avg to kMean and quantile(q, ...) to kPercentile.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace citynexus::query {

// What to aggregate per bucket (or, in indicators, across series).
// kNone returns raw points.
enum class AggFunction {
  kNone,
  kCount,
  kSum,
  kMean,  // "mean"; "avg" in the JSON API and in indicators
  kMin,
  kMax,
  kFirst,
  kLast,
  kSpread,
  kMedian,
  kStddev,
  kPercentile,  // JSON API p in 0..100; indicators' quantile q in 0..1
  kIntegral,    // trapezoid, value x seconds / unit seconds
  kIncrease,    // counter-aware: resets count from zero
  kRate,        // increase per second
};

// Parses the JSON API's names: "mean", "percentile(95)", "p95" ...
// Returns the function and its parameter (percentile p, 50 for median).
// kInvalidArgument for an unknown name or a percentile outside 0..100.
Result<std::pair<AggFunction, double>> ParseAggFunction(std::string_view text);
// The JSON API's name of `f` ("raw" for kNone, "percentile(95)").
std::string AggFunctionName(AggFunction f, double param);

}  // namespace citynexus::query
