// Options `sensorthings.*`: the OGC SensorThings API (docs/sensorthings.md).
//
// Internal to app/ config loading. Thread-safety: stateless functions.
#pragma once

#include <vector>

#include "app/config/option_builders.h"

namespace citynexus::app {

struct Config;

// The `sensorthings.*` rows of the config table.
std::vector<Option<Config>> SensorThingsConfigOptions();

}  // namespace citynexus::app
