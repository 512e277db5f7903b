#include "app/cmd/backup.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cmd/common.h"
#include "app/cmd/stats.h"
#include "app/config/values.h"
#include "engine/engine.h"
#include "net/net.h"

namespace citynexus::app {
namespace {

// Asks the server at `server` (host:port) to back its store up into `to`
// (POST /api/v1/admin/backup, see app/cmd/admin_backup.h).
// `token_file` holds an admin token (the server's data_dir/admin.token by
// default: the CLI runs on the server's machine for an online backup).
int OnlineBackup(const std::string& server, const std::string& to,
                 const std::string& token_file, std::ostream& out,
                 std::ostream& err) {
  std::string secret;
  {
    std::ifstream in(token_file);
    std::getline(in, secret);
  }
  if (secret.empty()) {
    err << "citynexus: an online backup needs an admin token; cannot read "
           "one from "
        << token_file << " (give --token-file FILE)\n";
    return kExitFailure;
  }
  const std::string absolute = std::filesystem::absolute(to).string();
  net::HttpClient client;
  net::ClientRequest request;
  request.method = "POST";
  request.url = "http://" + server + "/api/v1/admin/backup";
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Authorization", "Bearer " + secret);
  request.body = nlohmann::json{{"to", absolute}}.dump();
  // A checkpoint of a large store takes a while: be patient.
  request.timeout = std::chrono::minutes(30);
  Result<net::ClientResponse> response = client.FetchSync(request);
  if (!response) {
    err << "citynexus: asking the server at " << server
        << " for an online backup: " << response.error().message() << "\n";
    return kExitFailure;
  }
  if (response->status != 200) {
    err << "citynexus: the server at " << server << " answered "
        << response->status << ": " << response->body << "\n";
    return kExitFailure;
  }
  out << "backed up online by the server at " << server << " to " << absolute
      << "\n";
  return kExitOk;
}

int RunBackup(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err) {
  Args parsed;
  if (auto done = ParseCommandLine(kBackupCommand,
                                   {.values = {"--data-dir", "--to", "--config",
                                               "--server", "--token-file"},
                                    .needs_store = true,
                                    .required = {"--to"}},
                                   args, &parsed, out, err)) {
    return *done;
  }
  std::optional<Config> config = LoadCommandConfig(parsed, err);
  if (!config) return kExitFailure;
  const std::string& to = parsed.flags["--to"];
  if (Status holds = CheckHoldsStore(config->data_dir); !holds.ok()) {
    err << "citynexus: " << holds.message() << "\n";
    return kExitFailure;
  }
  std::error_code ec;
  if (std::filesystem::exists(to, ec)) {
    err << "citynexus: backup dir " << to << " already exists\n";
    return kExitFailure;
  }
  // The engine refuses a held data dir too; probing first lets us say what
  // to do about it.
  if (Status free = CheckDataDirFree(config->data_dir); !free.ok()) {
    // Held by a running server: ask it for an online backup when we know
    // where it listens.
    std::optional<std::string> server;
    if (parsed.Has("--server")) {
      server = parsed.flags["--server"];
    } else if (parsed.Has("--config")) {
      const std::string host =
          config->http.host == "0.0.0.0" || config->http.host.empty()
              ? "127.0.0.1"
              : config->http.host;
      server = FormatHostPort(host, config->http.port);
    }
    if (!server) {
      err << "citynexus: " << free.message() << "\n";
      err << "citynexus: to back up a running server online, give its "
             "address: --server HOST:PORT (or --config FILE)\n";
      return kExitFailure;
    }
    const std::string token_file = parsed.Has("--token-file")
                                       ? parsed.flags["--token-file"]
                                       : config->data_dir + "/admin.token";
    return OnlineBackup(*server, to, token_file, out, err);
  }
  Result<std::unique_ptr<engine::Store>> store =
      engine::OpenStore(StoreOptionsFor(*config));
  if (!store) {
    err << "citynexus: " << store.error().message() << "\n";
    return kExitFailure;
  }
  Status status = (*store)->Backup(to);
  Result<engine::StoreStats> stats = (*store)->Stats();
  Status closed = (*store)->Close();
  if (!status.ok()) {
    err << "citynexus: " << status.message() << "\n";
    return kExitFailure;
  }
  if (!closed.ok()) {
    err << "citynexus: " << closed.message() << "\n";
    return kExitFailure;
  }
  out << "backed up " << config->data_dir << " to " << to;
  if (stats) {
    out << ": " << stats->series << " series, " << stats->points << " points";
  }
  out << "\n";
  return kExitOk;
}

}  // namespace

const Command kBackupCommand = {
    "backup", "copy a store (not held by a server) into a new directory",
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
    "  -h, --help          show this help\n",
    RunBackup};

namespace {

int RunRestore(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
  Args parsed;
  if (auto done = ParseCommandLine(kRestoreCommand,
                                   {.values = {"--from", "--data-dir"},
                                    .required = {"--from", "--data-dir"}},
                                   args, &parsed, out, err)) {
    return *done;
  }
  const std::string& from = parsed.flags["--from"];
  const std::string& data_dir = parsed.flags["--data-dir"];
  if (Status status = engine::RestoreBackup(from, data_dir); !status.ok()) {
    err << "citynexus: " << status.message() << "\n";
    return kExitFailure;
  }
  // Reading the restored store back proves the copy opens.
  engine::StoreOptions options;
  options.data_dir = data_dir;
  Result<engine::StoreStats> stats = ReadStoreStats(options);
  if (!stats) {
    err << "citynexus: restored " << from << " into " << data_dir
        << ", but it does not open: " << stats.error().message() << "\n";
    return kExitFailure;
  }
  out << "restored " << from << " into " << data_dir << ": " << stats->series
      << " series, " << stats->points << " points\n";
  return kExitOk;
}

}  // namespace

const Command kRestoreCommand = {
    "restore", "restore a backup into an empty data dir",
    "usage: citynexus restore --from BACKUP_DIR --data-dir DIR\n"
    "\n"
    "Copies a backup made by \"citynexus backup\" into DIR, which must be\n"
    "empty or absent (an existing store is never overwritten), then prints\n"
    "the series and points of the restored store.\n"
    "\n"
    "flags:\n"
    "  --from BACKUP_DIR   the backup\n"
    "  --data-dir DIR      the data dir to create; empty or absent\n"
    "  -h, --help          show this help\n",
    RunRestore};

}  // namespace citynexus::app
