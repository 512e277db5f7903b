// `citynexus import`: bulk-loads a line protocol or CSV file into a store that
// no server holds, in chunks, with progress on a terminal and a summary.
//
// Thread-safety: call from one thread.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace citynexus::app {

inline constexpr std::string_view kImportSummary =
    "bulk-load a line protocol or CSV file into a store";

inline constexpr std::string_view kImportUsage =
    "usage: citynexus import --data-dir DIR [--config FILE]\n"
    "                        [--format line_protocol|csv] [--mapping FILE]\n"
    "                        [--precision P] [--batch-lines N] FILE|-\n"
    "\n"
    "Reads FILE (or stdin for \"-\") in chunks of N lines (CSV: rows), "
    "decodes\n"
    "them and writes the points (series created on first sight, source\n"
    "\"import\"), then seals everything into blocks. On a terminal, progress\n"
    "goes to stderr. Prints a summary on stdout and the first 10 rejected\n"
    "lines on stderr. Exits 1 when a line was rejected (the good lines are\n"
    "stored), 0 otherwise. Refuses (exit 1) a data dir that a running\n"
    "citynexus process holds: send the file to its /write endpoint instead.\n"
    "\n"
    "flags:\n"
    "  --data-dir DIR    the store, created if missing (replaces data_dir\n"
    "                    of --config)\n"
    "  --config FILE     configuration file; its data_dir and storage options\n"
    "  --format F        line_protocol (default) or csv\n"
    "  --mapping FILE    csv (required): a JSON object with the mapping keys\n"
    "                    of an ingest source (measurement, time, time_format,\n"
    "                    fields, tags, delimiter, decimal_separator, header)\n"
    "  --precision P     line_protocol: unit of the timestamps: ns (default),\n"
    "                    us, ms, s, m, h\n"
    "  --batch-lines N   lines per chunk, 1 to 10000000 (default 5000)\n"
    "  -h, --help        show this help\n";

int RunImport(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err);

}  // namespace citynexus::app
