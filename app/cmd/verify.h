// `citynexus verify`: reads every sealed chunk and rollup record of a store
// that no server holds, checks and decodes each, and names the damaged ones
// (like `influx_inspect verify`).
//
// Thread-safety: call from one thread; see CheckDataDirFree (common.h).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace citynexus::app {

inline constexpr std::string_view kVerifySummary =
    "check every stored block of a store, name the damaged ones";

inline constexpr std::string_view kVerifyUsage =
    "usage: citynexus verify --data-dir DIR [--config FILE]\n"
    "\n"
    "Opens the store read-only and reads every sealed chunk and rollup\n"
    "record: RocksDB block checksums, a full decode, the series' value type\n"
    "and the record's time window. Prints one line per damaged record on\n"
    "stdout (series canonical key, window start..end in RFC 3339, reason\n"
    "with the byte offset when the codec gives one), then a summary line.\n"
    "Progress goes to stderr every few seconds on large stores. Points not\n"
    "yet sealed (the write-ahead log) are not checked. Refuses a data dir\n"
    "that a running citynexus process holds.\n"
    "\n"
    "exit status: 0 clean, 1 damage found or the store cannot be read,\n"
    "2 usage error.\n"
    "\n"
    "flags:\n"
    "  --data-dir DIR   the store (replaces data_dir of --config)\n"
    "  --config FILE    configuration file; its data_dir and storage options\n"
    "  -h, --help       show this help\n";

int RunVerify(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err);

}  // namespace citynexus::app
