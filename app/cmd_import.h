// `citynexus import`: bulk-loads a line protocol file into a store that no
// server holds, in chunks, with progress on a terminal and a summary.
//
// Thread-safety: call from one thread.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace citynexus::app {

inline constexpr std::string_view kImportSummary =
    "bulk-load a line protocol file into a store";

inline constexpr std::string_view kImportUsage =
    "usage: citynexus import --data-dir DIR [--config FILE]\n"
    "                        [--format line_protocol] [--precision P]\n"
    "                        [--batch-lines N] FILE|-\n"
    "\n"
    "Reads FILE (or stdin for \"-\") in chunks of N lines, decodes them and\n"
    "writes the points (series created on first sight, source \"import\"),\n"
    "then seals everything into blocks. On a terminal, progress goes to\n"
    "stderr. Prints a summary on stdout and the first 10 rejected lines on\n"
    "stderr. Exits 1 when a line was rejected (the good lines are stored),\n"
    "0 otherwise. Refuses (exit 1) a data dir that a running citynexus\n"
    "process holds: send the file to its /write endpoint instead.\n"
    "\n"
    "flags:\n"
    "  --data-dir DIR    the store, created if missing (replaces data_dir\n"
    "                    of --config)\n"
    "  --config FILE     configuration file; its data_dir and storage options\n"
    "  --format F        payload format; only line_protocol so far (default)\n"
    "  --precision P     unit of the timestamps: ns (default), us, ms, s, m, "
    "h\n"
    "  --batch-lines N   lines per chunk, 1 to 10000000 (default 5000)\n"
    "  -h, --help        show this help\n";

int RunImport(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err);

}  // namespace citynexus::app
