// Options of the hardening limits (issue #11): connection limits of the HTTP
// server and cardinality limits of the store. Kept in their own table so the
// sections they extend (`http`, `storage`) can move without conflicts.
//
// Internal to app/ config loading. Thread-safety: stateless functions.
#pragma once

#include <vector>

#include "app/config/option_builders.h"
#include "app/config/options.h"

namespace citynexus::app {

// http.max_connections, http.header_timeout_ms, http.max_header_bytes,
// storage.max_series, storage.max_series_per_measurement.
std::vector<Option<Config>> LimitsOptions();

}  // namespace citynexus::app
