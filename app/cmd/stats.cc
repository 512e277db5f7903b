#include "app/cmd/stats.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cmd/common.h"

namespace citynexus::app {
namespace {

// "1.23", or "-" without points.
std::string BytesPerPoint(const engine::StoreStats& stats) {
  if (stats.points == 0) return "-";
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f",
                static_cast<double>(stats.bytes_on_disk) /
                    static_cast<double>(stats.points));
  return text;
}

void PrintTable(const std::string& data_dir, const engine::StoreStats& stats,
                std::ostream& out) {
  auto row = [&out](std::string_view name, const std::string& value) {
    std::string padded(name);
    padded.resize(18, ' ');
    out << padded << value << "\n";
  };
  row("data dir", data_dir);
  row("series", std::to_string(stats.series));
  row("points", std::to_string(stats.points));
  row("bytes on disk", std::to_string(stats.bytes_on_disk) + " (" +
                           FormatBytes(stats.bytes_on_disk) + ")");
  row("bytes/point", BytesPerPoint(stats));
  row("first timestamp", stats.first_timestamp_ns
                             ? FormatRfc3339(*stats.first_timestamp_ns)
                             : "-");
  row("last timestamp",
      stats.last_timestamp_ns ? FormatRfc3339(*stats.last_timestamp_ns) : "-");
  out << "column families:\n";
  for (const auto& [name, bytes] : stats.column_family_bytes) {
    std::string padded = "  " + name;
    padded.resize(18, ' ');
    out << padded << bytes << " (" << FormatBytes(bytes) << ")\n";
  }
}

void PrintJson(const std::string& data_dir, const engine::StoreStats& stats,
               std::ostream& out) {
  nlohmann::ordered_json doc;
  doc["data_dir"] = data_dir;
  doc["series"] = stats.series;
  doc["points"] = stats.points;
  doc["bytes_on_disk"] = stats.bytes_on_disk;
  doc["bytes_per_point"] =
      stats.points == 0
          ? nlohmann::ordered_json(nullptr)
          : nlohmann::ordered_json(static_cast<double>(stats.bytes_on_disk) /
                                   static_cast<double>(stats.points));
  nlohmann::ordered_json families = nlohmann::ordered_json::object();
  for (const auto& [name, bytes] : stats.column_family_bytes) {
    families[name] = bytes;
  }
  doc["column_family_bytes"] = std::move(families);
  auto time = [&doc](const char* key, const std::optional<int64_t>& ns) {
    if (ns) {
      doc[std::string(key)] = FormatRfc3339(*ns);
      doc[std::string(key) + "_ns"] = *ns;
    } else {
      doc[std::string(key)] = nullptr;
      doc[std::string(key) + "_ns"] = nullptr;
    }
  };
  time("first_timestamp", stats.first_timestamp_ns);
  time("last_timestamp", stats.last_timestamp_ns);
  out << doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
      << "\n";
}

}  // namespace

Result<engine::StoreStats> ReadStoreStats(engine::StoreOptions options) {
  Result<std::unique_ptr<engine::Store>> store = OpenStoreOffline(options);
  if (!store && store.error().code() == StatusCode::kNotSupported) {
    // An engine that cannot open read-only: a normal open (which locks;
    // an unsupported store format fails the same way again).
    options.read_only = false;
    store = engine::OpenStore(options);
  }
  if (!store) return store.error();
  Result<engine::StoreStats> stats = (*store)->Stats();
  Status closed = (*store)->Close();
  if (!stats) return stats.error();
  if (!closed.ok()) return closed;
  return stats;
}

namespace {

int RunStats(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  Args parsed;
  if (auto done = ParseCommandLine(kStatsCommand,
                                   {.values = {"--data-dir", "--config"},
                                    .switches = {"--json"},
                                    .needs_store = true},
                                   args, &parsed, out, err)) {
    return *done;
  }
  std::optional<Config> config = LoadCommandConfig(parsed, err);
  if (!config) return kExitFailure;
  Result<engine::StoreStats> stats = ReadStoreStats(StoreOptionsFor(*config));
  if (!stats) {
    err << "citynexus: " << stats.error().message() << "\n";
    return kExitFailure;
  }
  if (parsed.Has("--json")) {
    PrintJson(config->data_dir, *stats, out);
  } else {
    PrintTable(config->data_dir, *stats, out);
  }
  return kExitOk;
}

}  // namespace

const Command kStatsCommand = {
    "stats", "print series, points, sizes and time range of a store",
    "usage: citynexus stats --data-dir DIR [--config FILE] [--json]\n"
    "\n"
    "Opens the store read-only and prints its series and points, bytes on\n"
    "disk (the whole data dir), bytes per point, the size of each column\n"
    "family and the first and last timestamp (RFC 3339, UTC). Refuses (exit\n"
    "1) a data dir that a running citynexus process holds.\n"
    "\n"
    "flags:\n"
    "  --data-dir DIR   the store (replaces data_dir of --config)\n"
    "  --config FILE    configuration file; its data_dir and storage options\n"
    "  --json           print one JSON object instead of a table\n"
    "  -h, --help       show this help\n",
    RunStats};

}  // namespace citynexus::app
