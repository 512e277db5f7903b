// The citynexus command line: `citynexus <command> [flags]`.
//
// Commands live in one table (app/cmd/cli.cc); each has a summary, a usage text
// shown by `--help`/`-h`, and a function. Exit codes, for scripts:
//   0  success (and `--help`)
//   1  the command failed: bad configuration, unreadable file, startup
//      failure (port in use, data dir unusable); one clear line per problem
//   2  usage error: unknown command or flag, missing flag value, wrong
//      number of arguments; the usage goes to stderr
//
// Thread-safety: Run() is meant for the main thread. `serve` blocks SIGINT
// and SIGTERM in the calling thread and waits for them (app/cmd/serve.h).
#pragma once

#include <ostream>

namespace citynexus::app {

// Runs the command in argv[1..argc) (argv[0] is the program name). Normal
// output goes to `out` (usage for --help, JSON for check-config), diagnostics
// to `err`. Returns the process exit code. Never throws for bad input.
int Run(int argc, const char* const* argv, std::ostream& out,
        std::ostream& err);

}  // namespace citynexus::app
