// `citynexus backup` and `citynexus restore`: a consistent copy of a store
// that no server holds, and putting such a copy into an empty data dir.
//
// An online backup of a RUNNING server needs the server to make the copy
// (its process holds the store); that endpoint does not exist yet, so
// backup refuses a held data dir and says so.
//
// Thread-safety: call from one thread.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace citynexus::app {

inline constexpr std::string_view kBackupSummary =
    "copy a store (not held by a server) into a new directory";

inline constexpr std::string_view kBackupUsage =
    "usage: citynexus backup --data-dir DIR --to BACKUP_DIR [--config FILE]\n"
    "                        [--server HOST:PORT] [--token-file FILE]\n"
    "\n"
    "Seals buffered points and writes a consistent copy of the store into\n"
    "BACKUP_DIR, which must not exist. When a running server holds the\n"
    "store, the backup is taken online by that server (it keeps ingesting):\n"
    "give its address with --server, or --config to use its http.listen.\n"
    "The server writes BACKUP_DIR on its own machine. Restore with\n"
    "\"citynexus restore\".\n"
    "\n"
    "flags:\n"
    "  --data-dir DIR      the store (replaces data_dir of --config)\n"
    "  --to BACKUP_DIR     where the copy goes; must not exist\n"
    "  --config FILE       configuration file; its data_dir and storage\n"
    "                      options, and http.listen of the running server\n"
    "  --server HOST:PORT  a running server holding the store (online backup)\n"
    "  --token-file FILE   admin token for the online backup (default:\n"
    "                      DIR/admin.token, written by the server)\n"
    "  -h, --help          show this help\n";

inline constexpr std::string_view kRestoreSummary =
    "restore a backup into an empty data dir";

inline constexpr std::string_view kRestoreUsage =
    "usage: citynexus restore --from BACKUP_DIR --data-dir DIR\n"
    "\n"
    "Copies a backup made by \"citynexus backup\" into DIR, which must be\n"
    "empty or absent (an existing store is never overwritten), then prints\n"
    "the series and points of the restored store.\n"
    "\n"
    "flags:\n"
    "  --from BACKUP_DIR   the backup\n"
    "  --data-dir DIR      the data dir to create; empty or absent\n"
    "  -h, --help          show this help\n";

int RunBackup(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err);
int RunRestore(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);

}  // namespace citynexus::app
