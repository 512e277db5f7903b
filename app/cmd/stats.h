// `citynexus stats`: series, points, sizes and time range of a store,
// read without writing to it.
//
// Thread-safety: call from one thread; see CheckDataDirFree (common.h)
// for why it must not run in a process that holds the same store open.
#pragma once

#include "app/cmd/common.h"
#include "common/status.h"
#include "engine/engine.h"

namespace citynexus::app {

// Opens the store of `options` without writing to it (read-only; refused
// when another process holds it), reads Stats() and closes it. kNotFound
// when data_dir holds no store; kIOError "... in use by another citynexus
// process" when it is held; engine errors otherwise.
Result<engine::StoreStats> ReadStoreStats(engine::StoreOptions options);

extern const Command kStatsCommand;

}  // namespace citynexus::app
