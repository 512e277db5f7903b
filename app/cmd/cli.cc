#include "app/cmd/cli.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/cmd/backup.h"
#include "app/cmd/common.h"
#include "app/cmd/compact.h"
#include "app/cmd/decode.h"
#include "app/cmd/demo.h"
#include "app/cmd/import.h"
#include "app/cmd/serve.h"
#include "app/cmd/stats.h"
#include "app/cmd/token.h"
#include "app/cmd/verify.h"
#include "app/config/config.h"
#include "query/indicators.h"

namespace citynexus::app {
namespace {

// ---- commands ----

int RunServe(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);
int RunCheckConfig(const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err);
int RunVersion(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);
int RunHelp(const std::vector<std::string>& args, std::ostream& out,
            std::ostream& err);

// The storage, ingest and demo commands live in app/cmd/<name>.{h,cc}, each
// with its summary and usage text next to its code; these four are here.
const Command kServeCommand = {
    "serve", "run the server until SIGINT or SIGTERM",
    "usage: citynexus serve [--config FILE] [--data-dir DIR] "
    "[--listen HOST:PORT]\n"
    "\n"
    "Runs the server in the foreground until SIGINT or SIGTERM, then shuts\n"
    "down gracefully and exits 0.\n"
    "\n"
    "flags:\n"
    "  --config FILE        configuration file (JSON, see\n"
    "                       docs/configuration.md); without it the built-in\n"
    "                       defaults apply\n"
    "  --data-dir DIR       overrides data_dir\n"
    "  --listen HOST:PORT   overrides http.listen (port 0 picks a free port;\n"
    "                       the bound address is logged)\n"
    "  -h, --help           show this help\n",
    RunServe};

const Command kCheckConfigCommand = {
    "check-config", "validate a config file, print the effective config",
    "usage: citynexus check-config FILE\n"
    "\n"
    "Validates FILE and the indicator definitions it points to. On success\n"
    "prints the effective configuration (every option, defaults filled in)\n"
    "as JSON on stdout and exits 0; otherwise prints every problem on\n"
    "stderr and exits 1.\n"
    "\n"
    "flags:\n"
    "  -h, --help   show this help\n",
    RunCheckConfig};

const Command kVersionCommand = {"version", "print the version",
                                 "usage: citynexus version\n"
                                 "\n"
                                 "Prints \"citynexus X.Y.Z\".\n",
                                 RunVersion};

const Command kHelpCommand = {
    "help", "show help for a command",
    "usage: citynexus help [COMMAND]\n"
    "\n"
    "Shows the list of commands, or the help of COMMAND.\n",
    RunHelp};

// In the order `citynexus help` lists them.
const Command* const kCommands[] = {
    &kServeCommand,   &kCheckConfigCommand, &kImportCommand, &kDecodeCommand,
    &kStatsCommand,   &kCompactCommand,     &kVerifyCommand, &kBackupCommand,
    &kRestoreCommand, &kTokenCommand,       &kDemoCommand,   &kVersionCommand,
    &kHelpCommand,
};

const Command* FindCommand(std::string_view name) {
  for (const Command* command : kCommands) {
    if (command->name == name) return command;
  }
  return nullptr;
}

void PrintTopUsage(std::ostream& os) {
  os << "usage: citynexus <command> [flags]\n\ncommands:\n";
  for (const Command* command : kCommands) {
    std::string name(command->name);
    name.resize(14, ' ');
    os << "  " << name << command->summary << "\n";
  }
  os << "\nRun \"citynexus <command> --help\" for the flags of a command.\n";
}

int RunServe(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  Args parsed;
  if (auto done = ParseCommandLine(
          kServeCommand, {.values = {"--config", "--data-dir", "--listen"}},
          args, &parsed, out, err)) {
    return *done;
  }
  std::optional<Config> config = LoadCommandConfig(
      parsed, err, {{"data_dir", "--data-dir"}, {"http.listen", "--listen"}});
  if (!config) return kExitFailure;
  if (Status status = Serve(*config); !status.ok()) {
    err << "citynexus: " << status.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int RunCheckConfig(const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err) {
  Args parsed;
  if (auto done = ParseCommandLine(kCheckConfigCommand, {.max_positional = 1},
                                   args, &parsed, out, err)) {
    return *done;
  }
  if (parsed.positional.empty()) {
    return UsageError(kCheckConfigCommand, "missing FILE", err);
  }
  const std::string& file = parsed.positional[0];
  Result<Config> config = LoadConfigFile(file);
  if (!config) {
    PrintConfigErrors(config.error(), file, {}, err);
    return kExitFailure;
  }
  // The indicator definitions are part of the configuration: validate them
  // the way serve loads them (syntax with positions, functions, facts).
  std::vector<std::string> warnings;
  auto catalog = query::LoadIndicatorCatalog(config->indicator_paths,
                                             config->facts, &warnings);
  for (const std::string& w : warnings)
    err << "citynexus: warning: " << w << "\n";
  if (!catalog) {
    err << "citynexus: " << file << ": " << catalog.error().message() << "\n";
    return kExitFailure;
  }
  out << EffectiveConfigJson(*config);
  return kExitOk;
}

int RunVersion(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
  Args parsed;
  if (auto done =
          ParseCommandLine(kVersionCommand, {}, args, &parsed, out, err)) {
    return *done;
  }
  out << "citynexus " << CITYNEXUS_VERSION << "\n";
  return kExitOk;
}

int RunHelp(const std::vector<std::string>& args, std::ostream& out,
            std::ostream& err) {
  Args parsed;
  if (auto done = ParseCommandLine(kHelpCommand, {.max_positional = 1}, args,
                                   &parsed, out, err)) {
    return *done;
  }
  if (parsed.positional.empty()) {
    PrintTopUsage(out);
    return kExitOk;
  }
  const Command* command = FindCommand(parsed.positional[0]);
  if (command == nullptr) {
    err << "citynexus help: unknown command " << parsed.positional[0] << "\n";
    PrintTopUsage(err);
    return kExitUsage;
  }
  out << command->usage;
  return kExitOk;
}

}  // namespace

int Run(int argc, const char* const* argv, std::ostream& out,
        std::ostream& err) {
  if (argc < 2) {
    err << "citynexus: missing command\n";
    PrintTopUsage(err);
    return kExitUsage;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h") {
    PrintTopUsage(out);
    return kExitOk;
  }
  if (name == "--version") return RunVersion({}, out, err);
  const Command* command = FindCommand(name);
  if (command == nullptr) {
    err << "citynexus: unknown "
        << (name.starts_with("-") ? "flag " : "command ") << name << "\n";
    PrintTopUsage(err);
    return kExitUsage;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  return command->run(args, out, err);
}

}  // namespace citynexus::app
