// `citynexus import`: bulk-loads a line protocol or CSV file into a store that
// no server holds, in chunks, with progress on a terminal and a summary.
//
// Thread-safety: call from one thread.
#pragma once

#include "app/cmd/common.h"

namespace citynexus::app {

extern const Command kImportCommand;

}  // namespace citynexus::app
