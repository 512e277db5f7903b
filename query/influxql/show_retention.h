// SHOW RETENTION POLICIES: citynexus has one policy, autogen, whose
// duration is the raw age of the storage.retention rule for every
// measurement. Internal to query/.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "query/influxql/exec.h"

namespace citynexus::query::influxql::detail {

// A duration as Go's time.Duration.String() writes whole seconds:
// "0s", "45s", "1m30s", "720h0m0s".
std::string GoDuration(int64_t seconds);

// The one row of autogen: name, duration, shardGroupDuration (derived from
// the duration as InfluxDB derives it: 1h under 2 days, 24h under 180 days,
// 168h from there and for infinite retention), replicaN 1, default true.
ResultRows RetentionPolicyRows(std::optional<std::chrono::seconds> duration);

}  // namespace citynexus::query::influxql::detail
