// SHOW ... [EXACT] CARDINALITY: counts of what the listing SHOW returns, in
// InfluxDB 1.6's shapes. Internal to query/.
//
// Thread-safety: pure function.
#pragma once

#include <vector>

#include "common/status.h"
#include "query/influxql/ast.h"
#include "query/influxql/exec.h"

namespace citynexus::query::influxql::detail {

// `listing` is the answer of the same statement without CARDINALITY.
// SERIES and MEASUREMENT without EXACT: one unnamed row under
// "cardinality estimation" (citynexus counts exactly); every other form:
// one "count" row per measurement (SHOW MEASUREMENT EXACT: one in total).
Result<std::vector<ResultRows>> CountCardinality(
    const ShowStatement& s, std::vector<ResultRows> listing);

}  // namespace citynexus::query::influxql::detail
