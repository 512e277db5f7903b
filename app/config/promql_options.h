// Options of the `promql` section: the Prometheus-compatible query API
// (query::PromqlOptions, query/promql.h).
//
// Internal to app/ config loading. Thread-safety: stateless functions.
#pragma once

#include <vector>

#include "app/config/option_builders.h"
#include "app/config/options.h"

namespace citynexus::app {

std::vector<Option<Config>> PromqlOptions();

}  // namespace citynexus::app
