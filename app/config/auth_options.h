// Options `auth.*`: who may read without a token, which credential forms are
// accepted, whether /metrics is open (net::AuthOptions, docs/security.md).
//
// Internal to app/ config loading. Thread-safety: stateless functions.
#pragma once

#include <vector>

#include "app/config/option_builders.h"
#include "app/config/options.h"

namespace citynexus::app {

std::vector<Option<Config>> AuthOptions();

}  // namespace citynexus::app
