// `citynexus verify`: reads every sealed chunk and rollup record of a store
// that no server holds, checks and decodes each, and names the damaged ones
// (like `influx_inspect verify`).
//
// Thread-safety: call from one thread; see CheckDataDirFree (common.h).
#pragma once

#include "app/cmd/common.h"

namespace citynexus::app {

extern const Command kVerifyCommand;

}  // namespace citynexus::app
