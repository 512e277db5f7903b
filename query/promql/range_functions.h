// The range-vector functions of PromQL (rate, increase, delta, irate,
// idelta, deriv, predict_linear, the *_over_time family, absent_over_time),
// following Prometheus 2.42's funcs.go; CallFunction (functions.h) calls
// RangeFunction for them.
#pragma once

#include "query/promql/functions.h"

namespace citynexus::query::promql {

// One output sample per input series of the call's matrix argument that has
// a value in the window (absent_over_time: one when the matrix is empty).
Value RangeFunction(const CallInput& in);

// Labels of the answer of absent() and absent_over_time(): the equality
// matchers (not the metric name) of `arg` when it is a selector; none
// otherwise.
Labels AbsentLabels(const Node& arg);

}  // namespace citynexus::query::promql
