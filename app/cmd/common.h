// Pieces shared by the citynexus subcommands (app/cmd/cli.cc, app/cmd_*.cc):
// command-line parsing, usage and config errors, loading the configuration
// of a command that opens the store, and detecting a data dir that another
// process holds.
//
// Thread-safety: stateless functions; safe for concurrent use, except
// CheckDataDirFree (see there).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/config/options.h"
#include "common/status.h"
#include "common/time_format.h"
#include "engine/engine.h"

namespace citynexus::app {

// Exit codes of every command (app/cmd/cli.h).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// One subcommand of `citynexus`: the row of the command table (app/cmd/
// cli.cc) that `citynexus help` lists and `citynexus NAME` runs. Each
// command file defines its own (`kCompactCommand` in compact.cc ...), with
// its summary and usage text next to its code.
struct Command {
  std::string_view name;     // "compact"
  std::string_view summary;  // one line for `citynexus help`
  std::string_view usage;    // full help text, ends with a newline
  // Runs the command on the arguments after its name; returns the exit code.
  int (*run)(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);
};

struct Args {
  std::map<std::string, std::string> flags;  // "--config" -> "x.json"
  std::set<std::string> switches;            // "--json"
  std::vector<std::string> positional;
  bool help = false;

  bool Has(const std::string& flag) const {
    return flags.count(flag) > 0 || switches.count(flag) > 0;
  }
};

// Splits `args` into flags and positional arguments. `value_flags` take a
// value ("--f v" or "--f=v"); `switches` take none ("--json"). A lone "-"
// is positional (stdin); "--" ends the flags. `--help`/`-h` anywhere before
// "--" sets out->help and wins over every other problem. Returns the
// problem on a usage error.
std::optional<std::string> ParseArgs(
    const std::vector<std::string>& args,
    const std::vector<std::string_view>& value_flags, Args* out,
    const std::vector<std::string_view>& switches = {});

// Prints "citynexus <command>: <problem>" and the usage on `err`; returns
// kExitUsage.
int UsageError(std::string_view command, std::string_view usage,
               std::string_view problem, std::ostream& err);
int UsageError(const Command& command, std::string_view problem,
               std::ostream& err);

// What a command accepts on its command line (ParseCommandLine).
struct CommandFlags {
  std::vector<std::string_view> values = {};  // flags that take a value
  std::vector<std::string_view> switches =
      {};                     // flags that take none ("--json")
  size_t max_positional = 0;  // more: "unexpected argument X"
  // Commands that open a store: --data-dir or --config must be given
  // ("missing --data-dir" otherwise).
  bool needs_store = false;
  std::vector<std::string_view> required = {};  // "missing --to", in order
};

// The steps every command starts with: ParseArgs by `flags`, --help (prints
// the usage on `out`), too many positional arguments, then the needs_store
// and required checks, in that order. Returns the exit code when the command
// ends here (kExitOk after --help, kExitUsage after printing a usage error
// on `err`), nullopt when it goes on with `*parsed`.
std::optional<int> ParseCommandLine(const Command& command,
                                    const CommandFlags& flags,
                                    const std::vector<std::string>& args,
                                    Args* parsed, std::ostream& out,
                                    std::ostream& err);

// Prints every line of a failed config load on `err`, naming where it came
// from ("citynexus: my.json: http.threads: ..."); lines about a JSON path in
// `flag_for_path` get "(from --flag)".
void PrintConfigErrors(
    const Status& status, std::string_view source,
    const std::vector<std::pair<std::string, std::string>>& flag_for_path,
    std::ostream& err);

// The configuration of a command: --config FILE when given (else the
// built-in defaults), with the value of each flag of `path_flags` that is
// given replacing the option at its JSON path (by default --data-dir
// replaces data_dir). Prints the problems (naming the flag an option came
// from) and returns nullopt when it does not load.
std::optional<Config> LoadCommandConfig(
    const Args& args, std::ostream& err,
    const std::vector<std::pair<std::string, std::string>>& path_flags = {
        {"data_dir", "--data-dir"}});

// OK when no other process holds the RocksDB LOCK of `data_dir` (also when
// there is no LOCK file or no directory). kIOError "data dir D is in use by
// another citynexus process" when one does. Needed before a read-only open,
// which RocksDB does not lock.
//
// Detects locks of OTHER processes only, and must not run in a process that
// has the store of `data_dir` open: POSIX drops all of a process's fcntl
// locks on a file when it closes any descriptor of that file, so the probe
// would silently release the store's own lock.
Status CheckDataDirFree(const std::string& data_dir);

// OK when `data_dir` holds a store (its RocksDB CURRENT file); kNotFound
// "data dir D holds no citynexus store" otherwise. Commands that read, copy
// or compact a store check it first, so they never create an empty one.
Status CheckHoldsStore(const std::string& data_dir);

// Opens the store of `options` read-only for a command that runs beside no
// server: kNotFound "data dir D does not exist" / "... holds no citynexus
// store", kIOError when another process holds it (CheckDataDirFree: a
// read-only open takes no lock, so it would not notice a running server;
// one starting right after the check is harmless, the open never writes),
// engine errors otherwise (kNotSupported: the engine cannot open read-only).
Result<std::unique_ptr<engine::Store>> OpenStoreOffline(
    engine::StoreOptions options);

// The probe behind CheckDataDirFree: the pid of the process holding the
// LOCK of `data_dir`, nullopt when none does. kIOError when the LOCK file
// exists but cannot be checked. Same caveat as CheckDataDirFree.
Result<std::optional<int>> DataDirHolder(const std::string& data_dir);

// "2024-01-01T00:00:00Z" or "2024-01-01T00:00:00.5Z": citynexus::
// FormatRfc3339 (common/time_format.h) with its default, trimmed fraction.
using citynexus::FormatRfc3339;

// "12.3 MiB", "512 B": a size for people (stats and compact output).
std::string FormatBytes(uint64_t bytes);

}  // namespace citynexus::app
