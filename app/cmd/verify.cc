#include "app/cmd/verify.h"

#include <chrono>
#include <filesystem>
#include <memory>

#include "app/cmd/common.h"
#include "engine/engine.h"

namespace citynexus::app {
namespace {

using Clock = std::chrono::steady_clock;
// Progress lines on stderr at most this often, so small stores print none.
constexpr std::chrono::seconds kProgressInterval{2};

int RunVerify(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err) {
  Args parsed;
  if (auto done = ParseCommandLine(
          kVerifyCommand,
          {.values = {"--data-dir", "--config"}, .needs_store = true}, args,
          &parsed, out, err)) {
    return *done;
  }
  std::optional<Config> config = LoadCommandConfig(parsed, err);
  if (!config) return kExitFailure;
  engine::StoreOptions options = StoreOptionsFor(*config);
  options.rollup_cache_bytes = 0;  // Verify never reads through the cache
  Result<std::unique_ptr<engine::Store>> store = OpenStoreOffline(options);
  if (!store) {
    err << "citynexus: " << store.error().message() << "\n";
    return kExitFailure;
  }

  engine::VerifyProgress last;
  Clock::time_point next_progress = Clock::now() + kProgressInterval;
  engine::VerifyCallbacks callbacks;
  callbacks.on_problem = [&out](const engine::VerifyProblem& p) {
    out << "damaged " << p.record << ": series " << p.series;
    if (p.window_end_ns > p.window_start_ns) {
      out << " window " << FormatRfc3339(p.window_start_ns) << ".."
          << FormatRfc3339(p.window_end_ns);
    }
    out << ": " << p.reason << "\n";
  };
  callbacks.on_progress = [&](const engine::VerifyProgress& p) {
    last = p;
    if (Clock::now() < next_progress) return;
    next_progress = Clock::now() + kProgressInterval;
    err << "citynexus verify: " << p.chunks << " chunks, " << p.rollups
        << " rollup records, " << FormatBytes(p.bytes) << " checked, "
        << p.problems << " damaged\n";
  };
  Status walked = (*store)->Verify(callbacks);
  Status closed = (*store)->Close();
  if (!walked.ok()) {
    err << "citynexus: verify " << config->data_dir << ": " << walked.message()
        << "\n";
    return kExitFailure;
  }
  if (!closed.ok()) {
    err << "citynexus: " << closed.message() << "\n";
    return kExitFailure;
  }
  out << "checked " << last.chunks << " chunks and " << last.rollups
      << " rollup records (" << FormatBytes(last.bytes) << ") in "
      << config->data_dir << ": "
      << (last.problems == 0 ? std::string("no damage found")
                             : std::to_string(last.problems) + " damaged")
      << "\n";
  return last.problems == 0 ? kExitOk : kExitFailure;
}

}  // namespace

const Command kVerifyCommand = {
    "verify", "check every stored block of a store, name the damaged ones",
    "usage: citynexus verify --data-dir DIR [--config FILE]\n"
    "\n"
    "Opens the store read-only and reads every sealed chunk and rollup\n"
    "record: RocksDB block checksums, a full decode, the series' value type\n"
    "and the record's time window. Prints one line per damaged record on\n"
    "stdout (series canonical key, window start..end in RFC 3339, reason\n"
    "with the byte offset when the codec gives one), then a summary line.\n"
    "Progress goes to stderr every few seconds on large stores. Points not\n"
    "yet sealed (the write-ahead log) are not checked. Refuses a data dir\n"
    "that a running citynexus process holds.\n"
    "\n"
    "exit status: 0 clean, 1 damage found or the store cannot be read,\n"
    "2 usage error.\n"
    "\n"
    "flags:\n"
    "  --data-dir DIR   the store (replaces data_dir of --config)\n"
    "  --config FILE    configuration file; its data_dir and storage options\n"
    "  -h, --help       show this help\n",
    RunVerify};

}  // namespace citynexus::app
