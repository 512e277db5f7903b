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

// Opens the store of `options` for reading only; refused when a process
// holds it. Same rules as ReadStoreStats (stats.cc).
Result<std::unique_ptr<engine::Store>> OpenForVerify(
    engine::StoreOptions options) {
  namespace fs = std::filesystem;
  const std::string& dir = options.data_dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::NotFound("data dir " + dir + " does not exist");
  }
  if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
    return Status::NotFound("data dir " + dir + " holds no citynexus store");
  }
  // A read-only open takes no lock: ask the lock ourselves (see stats.cc).
  CITYNEXUS_RETURN_IF_ERROR(CheckDataDirFree(dir));
  options.read_only = true;
  // The rollup cache is never used by Verify.
  options.rollup_cache_bytes = 0;
  return engine::OpenStore(options);
}

}  // namespace

int RunVerify(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err) {
  Args parsed;
  if (auto problem = ParseArgs(args, {"--data-dir", "--config"}, &parsed)) {
    return UsageError("verify", kVerifyUsage, *problem, err);
  }
  if (parsed.help) {
    out << kVerifyUsage;
    return kExitOk;
  }
  if (!parsed.positional.empty()) {
    return UsageError("verify", kVerifyUsage,
                      "unexpected argument " + parsed.positional[0], err);
  }
  if (!parsed.Has("--data-dir") && !parsed.Has("--config")) {
    return UsageError("verify", kVerifyUsage, "missing --data-dir", err);
  }
  std::optional<Config> config = LoadCommandConfig(parsed, err);
  if (!config) return kExitFailure;
  Result<std::unique_ptr<engine::Store>> store =
      OpenForVerify(StoreOptionsFor(*config));
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

}  // namespace citynexus::app
