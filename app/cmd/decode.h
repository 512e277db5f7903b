// `citynexus decode`: shows what a payload decodes to, without a store: one
// JSON line per decoded point and one per rejected line or record, for every
// payload format citynexus ingests.
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
    "usage: citynexus decode [--format F] [--precision P] [--now NS]\n"
    "                        [--mapping FILE] [--measurement M] [--field F]\n"
    "                        [--information FILE] [FILE|-]\n"
    "\n"
    "Decodes FILE (or stdin when FILE is \"-\" or absent) and prints one JSON\n"
    "object per line on stdout, in input order: one per decoded point\n"
    "  {\"measurement\":..,\"tags\":{..},\"field\":..,\"type\":..,\"value\":..,"
    "\"time_ns\":..}\n"
    "and one per rejected entry\n"
    "  {\"error\":\"line 3: ...\",\"line\":3}\n"
    "where \"line\" is the 1-based line (line_protocol, csv), the 0-based\n"
    "record (senml, json), the 0-based station (gbfs), or 0 for the payload\n"
    "as a whole (ttn, value, a body that is not JSON).\n"
    "Exits 1 when anything was rejected, 0 otherwise.\n"
    "\n"
    "flags:\n"
    "  --format F       line_protocol (default), senml, ttn, gbfs, json, csv,\n"
    "                   value\n"
    "  --precision P    line_protocol: unit of the timestamps: ns (default),\n"
    "                   us, ms, s, m, h\n"
    "  --now NS         time of entries without one (and the base of SenML\n"
    "                   relative times), in ns since the epoch (default: now)\n"
    "  --mapping FILE   json, csv (required): a JSON object with the mapping\n"
    "                   keys of an ingest source (measurement, records, time,\n"
    "                   time_format, fields, tags, delimiter, ...)\n"
    "  --measurement M  value (required); senml, ttn, gbfs: replaces the\n"
    "                   default measurement\n"
    "  --field F        value (required): the field of the point\n"
    "  --information FILE  gbfs: station_information.json for capacity, name\n"
    "                   and position\n"
    "  -h, --help       show this help\n";

int RunDecode(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err);

}  // namespace citynexus::app
