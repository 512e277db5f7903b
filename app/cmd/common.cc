#include "app/cmd/common.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "app/config/config.h"

namespace citynexus::app {

std::optional<std::string> ParseArgs(
    const std::vector<std::string>& args,
    const std::vector<std::string_view>& value_flags, Args* out,
    const std::vector<std::string_view>& switches) {
  // --help wins over every other problem on the line.
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      out->help = true;
      return std::nullopt;
    }
  }
  auto listed = [](const std::vector<std::string_view>& list,
                   std::string_view name) {
    for (std::string_view flag : list) {
      if (flag == name) return true;
    }
    return false;
  };
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
    if (listed(switches, name)) {
      if (eq != std::string::npos) return "flag " + name + " takes no value";
      out->switches.insert(name);
      continue;
    }
    if (!listed(value_flags, name)) return "unknown flag " + name;
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

int UsageError(std::string_view command, std::string_view usage,
               std::string_view problem, std::ostream& err) {
  err << "citynexus " << command << ": " << problem << "\n" << usage;
  return kExitUsage;
}

int UsageError(const Command& command, std::string_view problem,
               std::ostream& err) {
  return UsageError(command.name, command.usage, problem, err);
}

std::optional<int> ParseCommandLine(const Command& command,
                                    const CommandFlags& flags,
                                    const std::vector<std::string>& args,
                                    Args* parsed, std::ostream& out,
                                    std::ostream& err) {
  if (auto problem = ParseArgs(args, flags.values, parsed, flags.switches)) {
    return UsageError(command, *problem, err);
  }
  if (parsed->help) {
    out << command.usage;
    return kExitOk;
  }
  if (parsed->positional.size() > flags.max_positional) {
    return UsageError(
        command,
        "unexpected argument " + parsed->positional[flags.max_positional], err);
  }
  if (flags.needs_store && !parsed->Has("--data-dir") &&
      !parsed->Has("--config")) {
    return UsageError(command, "missing --data-dir", err);
  }
  for (std::string_view flag : flags.required) {
    if (!parsed->Has(std::string(flag))) {
      return UsageError(command, "missing " + std::string(flag), err);
    }
  }
  return std::nullopt;
}

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

std::optional<Config> LoadCommandConfig(
    const Args& args, std::ostream& err,
    const std::vector<std::pair<std::string, std::string>>& path_flags) {
  std::vector<ConfigOverride> overrides;
  for (const auto& [path, flag] : path_flags) {
    if (auto it = args.flags.find(flag); it != args.flags.end()) {
      overrides.push_back({path, it->second});
    }
  }
  const auto config_it = args.flags.find("--config");
  const bool has_file = config_it != args.flags.end();
  Result<Config> config = has_file
                              ? LoadConfigFile(config_it->second, overrides)
                              : LoadDefaultConfigWith(overrides);
  if (!config) {
    PrintConfigErrors(config.error(),
                      has_file ? config_it->second : "command line", path_flags,
                      err);
    return std::nullopt;
  }
  return std::move(*config);
}

Result<std::optional<int>> DataDirHolder(const std::string& data_dir) {
  // RocksDB locks D/LOCK with fcntl(F_SETLK, F_WRLCK) over the whole file
  // (PosixFileSystem::LockFile). F_GETLK asks whether that lock could be
  // taken without taking it, so the probe never blocks a server starting at
  // the same moment.
  const std::string lock_path = data_dir + "/LOCK";
  const int fd = open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<int>();
    return Status::IOError("opening " + lock_path + ": " +
                           std::strerror(errno));
  }
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  probe.l_start = 0;
  probe.l_len = 0;
  const int rc = fcntl(fd, F_GETLK, &probe);
  const int saved_errno = errno;
  close(fd);
  if (rc != 0) {
    return Status::IOError("checking the lock " + lock_path + ": " +
                           std::strerror(saved_errno));
  }
  if (probe.l_type == F_UNLCK) return std::optional<int>();
  return std::optional<int>(static_cast<int>(probe.l_pid));
}

Status CheckDataDirFree(const std::string& data_dir) {
  Result<std::optional<int>> holder = DataDirHolder(data_dir);
  if (!holder) return holder.error();
  if (*holder) {
    return Status::IOError("data dir " + data_dir +
                           " is in use by another citynexus process (pid " +
                           std::to_string(**holder) + ")");
  }
  return Status::Ok();
}

Status CheckHoldsStore(const std::string& data_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(data_dir) / "CURRENT",
                               ec)) {
    return Status::NotFound("data dir " + data_dir +
                            " holds no citynexus store");
  }
  return Status::Ok();
}

Result<std::unique_ptr<engine::Store>> OpenStoreOffline(
    engine::StoreOptions options) {
  const std::string& dir = options.data_dir;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::NotFound("data dir " + dir + " does not exist");
  }
  CITYNEXUS_RETURN_IF_ERROR(CheckHoldsStore(dir));
  CITYNEXUS_RETURN_IF_ERROR(CheckDataDirFree(dir));
  options.read_only = true;
  return engine::OpenStore(options);
}

std::string FormatBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof(text), "%llu B",
                  static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(text, sizeof(text), "%.1f %s", value, kUnits[unit]);
  }
  return text;
}

}  // namespace citynexus::app
