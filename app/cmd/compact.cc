#include "app/cmd/compact.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "app/cmd/common.h"
#include "engine/engine.h"

namespace citynexus::app {
namespace {

// "1000 bytes (1000 B), 2.50 bytes/point"
std::string SizeLine(const engine::StoreStats& stats) {
  std::string line = std::to_string(stats.bytes_on_disk) + " bytes (" +
                     FormatBytes(stats.bytes_on_disk) + ")";
  if (stats.points > 0) {
    char text[48];
    std::snprintf(text, sizeof(text), ", %.2f bytes/point",
                  static_cast<double>(stats.bytes_on_disk) /
                      static_cast<double>(stats.points));
    line += text;
  }
  return line;
}

Status Compact(const engine::StoreOptions& options, std::ostream& out) {
  Result<std::unique_ptr<engine::Store>> store = engine::OpenStore(options);
  if (!store) return store.error();
  engine::Store& s = **store;
  Result<engine::StoreStats> before = s.Stats();
  Status status = before.status();
  // Store::Compact flushes first, so buffered points are sealed too.
  if (status.ok()) status = s.Compact().WithContext("compacting");
  // Close before measuring "after": it seals what is left and syncs the WAL,
  // and the size on disk is what stays once the process is gone.
  Status closed = s.Close();
  if (!status.ok()) return status;
  if (!closed.ok()) return closed;
  store->reset();
  engine::StoreOptions read_options = options;
  read_options.read_only = true;
  Result<std::unique_ptr<engine::Store>> reopened =
      engine::OpenStore(read_options);
  if (!reopened) return reopened.error().WithContext("reopening");
  Result<engine::StoreStats> after = (*reopened)->Stats();
  closed = (*reopened)->Close();
  if (!after) return after.error();
  out << "compacted " << options.data_dir << "\n"
      << "points  " << after->points << " in " << after->series << " series\n"
      << "before  " << SizeLine(*before) << "\n"
      << "after   " << SizeLine(*after) << "\n";
  return closed;
}

}  // namespace

int RunCompact(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
  Args parsed;
  if (auto problem = ParseArgs(args, {"--data-dir", "--config"}, &parsed)) {
    return UsageError("compact", kCompactUsage, *problem, err);
  }
  if (parsed.help) {
    out << kCompactUsage;
    return kExitOk;
  }
  if (!parsed.positional.empty()) {
    return UsageError("compact", kCompactUsage,
                      "unexpected argument " + parsed.positional[0], err);
  }
  if (!parsed.Has("--data-dir") && !parsed.Has("--config")) {
    return UsageError("compact", kCompactUsage, "missing --data-dir", err);
  }
  std::optional<Config> config = LoadCommandConfig(parsed, err);
  if (!config) return kExitFailure;
  std::error_code ec;
  if (!std::filesystem::exists(
          std::filesystem::path(config->data_dir) / "CURRENT", ec)) {
    // Compacting must not create an empty store where none was.
    err << "citynexus: data dir " << config->data_dir
        << " holds no citynexus store\n";
    return kExitFailure;
  }
  if (Status free = CheckDataDirFree(config->data_dir); !free.ok()) {
    err << "citynexus: " << free.message() << "\n";
    return kExitFailure;
  }
  if (Status status = Compact(StoreOptionsFor(*config), out); !status.ok()) {
    err << "citynexus: " << status.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace citynexus::app
