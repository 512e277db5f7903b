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

int RunCompact(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
  Args parsed;
  if (auto done = ParseCommandLine(
          kCompactCommand,
          {.values = {"--data-dir", "--config"}, .needs_store = true}, args,
          &parsed, out, err)) {
    return *done;
  }
  std::optional<Config> config = LoadCommandConfig(parsed, err);
  if (!config) return kExitFailure;
  // Compacting must not create an empty store where none was.
  Status usable = CheckHoldsStore(config->data_dir);
  if (usable.ok()) usable = CheckDataDirFree(config->data_dir);
  if (!usable.ok()) {
    err << "citynexus: " << usable.message() << "\n";
    return kExitFailure;
  }
  if (Status status = Compact(StoreOptionsFor(*config), out); !status.ok()) {
    err << "citynexus: " << status.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

const Command kCompactCommand = {
    "compact",
    "seal and fully compact a store, print its size before and after",
    "usage: citynexus compact --data-dir DIR [--config FILE]\n"
    "\n"
    "Opens the store, seals buffered points into blocks and compacts the\n"
    "storage fully (Store::Compact), then prints bytes on disk and bytes per\n"
    "point before and after. Refuses (exit 1) a data dir that a running\n"
    "citynexus process holds.\n"
    "\n"
    "flags:\n"
    "  --data-dir DIR   the store (replaces data_dir of --config)\n"
    "  --config FILE    configuration file; its data_dir and storage options\n"
    "  -h, --help       show this help\n",
    RunCompact};

}  // namespace citynexus::app
