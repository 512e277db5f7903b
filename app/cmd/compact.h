// `citynexus compact`: seals buffered points and fully compacts a store that
// no server holds, printing its size before and after.
//
// Thread-safety: call from one thread.
#pragma once

#include "app/cmd/common.h"

namespace citynexus::app {

extern const Command kCompactCommand;

}  // namespace citynexus::app
