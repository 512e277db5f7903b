// `citynexus compact`: seals buffered points and fully compacts a store that
// no server holds, printing its size before and after.
//
// Thread-safety: call from one thread.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace citynexus::app {

inline constexpr std::string_view kCompactSummary =
    "seal and fully compact a store, print its size before and after";

inline constexpr std::string_view kCompactUsage =
    "usage: citynexus compact --data-dir DIR [--config FILE]\n"
    "\n"
    "Opens the store, seals buffered points into blocks and compacts the\n"
    "storage fully (Store::Compact), then prints bytes on disk and bytes per\n"
    "point before and after. Refuses (exit 1) a data dir that a running\n"
    "citynexus process holds.\n"
    "\n"
    "flags:\n"
    "  --data-dir DIR   the store (replaces data_dir of --config)\n"
    "  --config FILE    configuration file; its data_dir and storage options\n"
    "  -h, --help       show this help\n";

int RunCompact(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);

}  // namespace citynexus::app
