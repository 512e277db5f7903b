// `citynexus decode`: shows what a payload decodes to, without a store: one
// JSON line per decoded point and one per rejected line.
//
// Thread-safety: call from one thread.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace citynexus::app {

inline constexpr std::string_view kDecodeSummary =
    "decode a payload file, print its points and errors as JSON lines";

inline constexpr std::string_view kDecodeUsage =
    "usage: citynexus decode [--format line_protocol] [--precision P]\n"
    "                        [--now NS] [FILE|-]\n"
    "\n"
    "Decodes FILE (or stdin when FILE is \"-\" or absent) and prints one JSON\n"
    "object per line on stdout, in input order: one per decoded point\n"
    "  {\"measurement\":..,\"tags\":{..},\"field\":..,\"type\":..,\"value\":..,"
    "\"time_ns\":..}\n"
    "and one per rejected line\n"
    "  {\"error\":\"line 3: ...\",\"line\":3}\n"
    "Exits 1 when a line was rejected, 0 otherwise.\n"
    "\n"
    "flags:\n"
    "  --format F      payload format; only line_protocol so far (default)\n"
    "  --precision P   unit of the timestamps: ns (default), us, ms, s, m, h\n"
    "  --now NS        time of lines without a timestamp, in ns since the\n"
    "                  epoch (default: now)\n"
    "  -h, --help      show this help\n";

int RunDecode(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err);

}  // namespace citynexus::app
