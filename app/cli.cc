#include "app/cli.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "app/serve.h"

namespace citynexus::app {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct Args {
  std::map<std::string, std::string> flags;  // "--config" -> "x.json"
  std::vector<std::string> positional;
  bool help = false;
};

// Splits `args` into flags and positional arguments. `value_flags` are the
// flags this command accepts; each takes a value ("--f v" or "--f=v").
// Returns the problem on a usage error.
std::optional<std::string> ParseArgs(
    const std::vector<std::string>& args,
    const std::vector<std::string_view>& value_flags, Args* out) {
  // --help wins over every other problem on the line.
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      out->help = true;
      return std::nullopt;
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      out->positional.insert(out->positional.end(), args.begin() + i + 1,
                             args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      out->positional.push_back(arg);
      continue;
    }
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    bool known = false;
    for (std::string_view flag : value_flags) known = known || flag == name;
    if (!known) return "unknown flag " + name;
    if (eq != std::string::npos) {
      out->flags[name] = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      out->flags[name] = args[++i];
    } else {
      return "flag " + name + " needs a value";
    }
  }
  return std::nullopt;
}

// Prints every line of a failed load, naming where it came from.
void PrintConfigErrors(
    const Status& status, std::string_view source,
    const std::vector<std::pair<std::string, std::string>>& flag_for_path,
    std::ostream& err) {
  if (status.code() != StatusCode::kInvalidArgument) {
    err << "citynexus: " << status.message() << "\n";
    return;
  }
  std::string_view rest = status.message();
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    err << "citynexus: " << source << ": " << line;
    for (const auto& [path, flag] : flag_for_path) {
      if (line.substr(0, path.size() + 1) == path + ":") {
        err << " (from " << flag << ")";
      }
    }
    err << "\n";
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
}

// ---- commands ----

struct Command {
  std::string_view name;
  std::string_view summary;
  std::string_view usage;  // full help text, ends with a newline
  int (*run)(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);
};

int RunServe(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);
int RunCheckConfig(const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err);
int RunVersion(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);
int RunHelp(const std::vector<std::string>& args, std::ostream& out,
            std::ostream& err);

// Later commands (import, decode, compact, stats, backup, restore) get a row
// here when they are implemented.
constexpr Command kCommands[] = {
    {"serve", "run the server until SIGINT or SIGTERM",
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
     RunServe},
    {"check-config", "validate a config file, print the effective config",
     "usage: citynexus check-config FILE\n"
     "\n"
     "Validates FILE. On success prints the effective configuration (every\n"
     "option, defaults filled in) as JSON on stdout and exits 0; otherwise\n"
     "prints every problem on stderr and exits 1.\n"
     "\n"
     "flags:\n"
     "  -h, --help   show this help\n",
     RunCheckConfig},
    {"version", "print the version",
     "usage: citynexus version\n"
     "\n"
     "Prints \"citynexus X.Y.Z\".\n",
     RunVersion},
    {"help", "show help for a command",
     "usage: citynexus help [COMMAND]\n"
     "\n"
     "Shows the list of commands, or the help of COMMAND.\n",
     RunHelp},
};

const Command* FindCommand(std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

void PrintTopUsage(std::ostream& os) {
  os << "usage: citynexus <command> [flags]\n\ncommands:\n";
  for (const Command& command : kCommands) {
    std::string name(command.name);
    name.resize(14, ' ');
    os << "  " << name << command.summary << "\n";
  }
  os << "\nRun \"citynexus <command> --help\" for the flags of a command.\n";
}

int UsageError(const Command& command, std::string_view problem,
               std::ostream& err) {
  err << "citynexus " << command.name << ": " << problem << "\n"
      << command.usage;
  return kExitUsage;
}

int RunServe(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  const Command& self = *FindCommand("serve");
  Args parsed;
  if (auto problem =
          ParseArgs(args, {"--config", "--data-dir", "--listen"}, &parsed)) {
    return UsageError(self, *problem, err);
  }
  if (parsed.help) {
    out << self.usage;
    return kExitOk;
  }
  if (!parsed.positional.empty()) {
    return UsageError(self, "unexpected argument " + parsed.positional[0], err);
  }
  static const std::vector<std::pair<std::string, std::string>> kFlagPaths = {
      {"data_dir", "--data-dir"}, {"http.listen", "--listen"}};
  std::vector<ConfigOverride> overrides;
  for (const auto& [path, flag] : kFlagPaths) {
    if (auto it = parsed.flags.find(flag); it != parsed.flags.end()) {
      overrides.push_back({path, it->second});
    }
  }
  const auto config_it = parsed.flags.find("--config");
  const bool has_file = config_it != parsed.flags.end();
  Result<Config> config = has_file
                              ? LoadConfigFile(config_it->second, overrides)
                              : LoadDefaultConfigWith(overrides);
  if (!config) {
    PrintConfigErrors(config.error(),
                      has_file ? config_it->second : "command line", kFlagPaths,
                      err);
    return kExitFailure;
  }
  if (Status status = Serve(*config); !status.ok()) {
    err << "citynexus: " << status.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int RunCheckConfig(const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err) {
  const Command& self = *FindCommand("check-config");
  Args parsed;
  if (auto problem = ParseArgs(args, {}, &parsed)) {
    return UsageError(self, *problem, err);
  }
  if (parsed.help) {
    out << self.usage;
    return kExitOk;
  }
  if (parsed.positional.size() != 1) {
    return UsageError(self,
                      parsed.positional.empty()
                          ? "missing FILE"
                          : "unexpected argument " + parsed.positional[1],
                      err);
  }
  const std::string& file = parsed.positional[0];
  Result<Config> config = LoadConfigFile(file);
  if (!config) {
    PrintConfigErrors(config.error(), file, {}, err);
    return kExitFailure;
  }
  out << EffectiveConfigJson(*config);
  return kExitOk;
}

int RunVersion(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
  const Command& self = *FindCommand("version");
  Args parsed;
  if (auto problem = ParseArgs(args, {}, &parsed)) {
    return UsageError(self, *problem, err);
  }
  if (parsed.help) {
    out << self.usage;
    return kExitOk;
  }
  if (!parsed.positional.empty()) {
    return UsageError(self, "unexpected argument " + parsed.positional[0], err);
  }
  out << "citynexus " << CITYNEXUS_VERSION << "\n";
  return kExitOk;
}

int RunHelp(const std::vector<std::string>& args, std::ostream& out,
            std::ostream& err) {
  const Command& self = *FindCommand("help");
  Args parsed;
  if (auto problem = ParseArgs(args, {}, &parsed)) {
    return UsageError(self, *problem, err);
  }
  if (parsed.help) {
    out << self.usage;
    return kExitOk;
  }
  if (parsed.positional.empty()) {
    PrintTopUsage(out);
    return kExitOk;
  }
  if (parsed.positional.size() > 1) {
    return UsageError(self, "unexpected argument " + parsed.positional[1], err);
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
