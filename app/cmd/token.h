// `citynexus token create|list|revoke`: API tokens (docs/security.md).
//
// Offline on a data dir (--data-dir D or --config F; works while `serve`
// holds the store, since tokens live in D/tokens.json) or online against a
// running server (--server HOST:PORT with an admin token from --token-file
// FILE, --token SECRET, or D/admin.token when --data-dir is given too).
// `create` prints the secret alone on stdout; details go to stderr.
//
// Thread-safety: call from one thread.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace citynexus::app {

inline constexpr std::string_view kTokenSummary =
    "create, list and revoke API tokens";

inline constexpr std::string_view kTokenUsage =
    "usage: citynexus token create --name NAME --scope SCOPE [--scope "
    "SCOPE...]\n"
    "                              [--expires DURATION] WHERE\n"
    "       citynexus token list WHERE\n"
    "       citynexus token revoke ID WHERE\n"
    "WHERE: --data-dir DIR | --config FILE                     (offline)\n"
    "     | --server HOST:PORT [--token-file FILE | --token SECRET]  (online)\n"
    "\n"
    "A token is a random 256-bit secret, shown once by create (alone on\n"
    "stdout, so T=$(citynexus token create ...) works) and stored only as a\n"
    "SHA-256 hash. Scopes: read:<glob>, write:<glob> (globs of measurement\n"
    "names, '*' and '?'), admin. A running server sees changes at once.\n"
    "\n"
    "flags:\n"
    "  --name NAME          a label for the token (create)\n"
    "  --scope SCOPE        a permission; repeat for several (create)\n"
    "  --expires DURATION   lifetime such as 90d, 12h, 2w (create; default:\n"
    "                       never)\n"
    "  --data-dir DIR       the server's data dir (tokens.json lives there)\n"
    "  --config FILE        configuration file; its data_dir\n"
    "  --server HOST:PORT   a running server (uses /api/v1/admin/tokens)\n"
    "  --token-file FILE    file holding an admin token for --server\n"
    "                       (default with --data-dir: DIR/admin.token)\n"
    "  --token SECRET       an admin token for --server (visible in ps;\n"
    "                       prefer --token-file)\n"
    "  --json               list: print JSON instead of a table\n"
    "  -h, --help           show this help\n";

int RunToken(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);

}  // namespace citynexus::app
