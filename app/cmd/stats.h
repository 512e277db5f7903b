// `citynexus stats`: series, points, sizes and time range of a store,
// read without writing to it.
//
// Thread-safety: call from one thread; see CheckDataDirFree (common.h)
// for why it must not run in a process that holds the same store open.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"

namespace citynexus::app {

inline constexpr std::string_view kStatsSummary =
    "print series, points, sizes and time range of a store";

inline constexpr std::string_view kStatsUsage =
    "usage: citynexus stats --data-dir DIR [--config FILE] [--json]\n"
    "\n"
    "Opens the store read-only and prints its series and points, bytes on\n"
    "disk (the whole data dir), bytes per point, the size of each column\n"
    "family and the first and last timestamp (RFC 3339, UTC). Refuses (exit\n"
    "1) a data dir that a running citynexus process holds.\n"
    "\n"
    "flags:\n"
    "  --data-dir DIR   the store (replaces data_dir of --config)\n"
    "  --config FILE    configuration file; its data_dir and storage options\n"
    "  --json           print one JSON object instead of a table\n"
    "  -h, --help       show this help\n";

// Opens the store of `options` without writing to it (read-only; refused
// when another process holds it), reads Stats() and closes it. kNotFound
// when data_dir holds no store; kIOError "... in use by another citynexus
// process" when it is held; engine errors otherwise.
Result<engine::StoreStats> ReadStoreStats(engine::StoreOptions options);

// `citynexus stats ARGS`: exit code per app/cmd/cli.h.
int RunStats(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);

}  // namespace citynexus::app
