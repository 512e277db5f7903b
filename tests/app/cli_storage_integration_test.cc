// The storage and ingest commands against a data dir that a real
// `citynexus serve` holds: each must refuse it with exit 1 and the "in use"
// line, and leave the server's store intact.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "app/process_util.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using std::chrono::seconds;

bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST_CASE(
    "stats, compact, import and backup refuse a data dir held by a "
    "running server",
    "[app][cli][storage][integration]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  const std::string input = dir.str() + "/in.lp";
  std::ofstream(input) << "m,k=a v=1i 1704067200000000000\n";

  // A store with one point, so stats has something to report afterwards.
  REQUIRE(testing::RunCitynexus({"import", "--data-dir", data_dir, input})
              .exit_code == 0);

  testing::Citynexus serve(
      {"serve", "--data-dir", data_dir, "--listen", "127.0.0.1:0"});
  const auto log = serve.WaitForStderr(" listening on 127.0.0.1:", seconds(60));
  INFO("serve stderr: " << serve.Stderr());
  REQUIRE(log.has_value());

  const std::string in_use =
      "data dir " + data_dir + " is in use by another citynexus process";
  struct Case {
    const char* name;
    std::vector<std::string> args;
  };
  const std::vector<Case> cases = {
      {"stats", {"stats", "--data-dir", data_dir}},
      {"stats --json", {"stats", "--data-dir", data_dir, "--json"}},
      {"compact", {"compact", "--data-dir", data_dir}},
      {"import", {"import", "--data-dir", data_dir, input}},
      {"backup", {"backup", "--data-dir", data_dir, "--to", dir.str() + "/b"}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const testing::ProcessResult r = testing::RunCitynexus(c.args);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.rfind("citynexus: " + in_use, 0) == 0);
    CHECK(r.out.empty());
  }
  const testing::ProcessResult backup = testing::RunCitynexus(
      {"backup", "--data-dir", data_dir, "--to", dir.str() + "/b"});
  CHECK(Has(backup.err, "--server HOST:PORT"));
  CHECK(!std::filesystem::exists(dir.str() + "/b"));

  // Online: the running server takes the backup itself.
  const std::string listening = *log;
  const size_t at = listening.rfind("127.0.0.1:");
  REQUIRE(at != std::string::npos);
  const std::string server =
      "127.0.0.1:" + std::to_string(std::stoi(listening.substr(at + 10)));
  const testing::ProcessResult online =
      testing::RunCitynexus({"backup", "--data-dir", data_dir, "--to",
                             dir.str() + "/online", "--server", server});
  INFO("online backup stderr: " << online.err);
  CHECK(online.exit_code == 0);
  CHECK(Has(online.out, "backed up online by the server at " + server));
  const testing::ProcessResult restored =
      testing::RunCitynexus({"restore", "--from", dir.str() + "/online",
                             "--data-dir", dir.str() + "/restored"});
  INFO("restore stderr: " << restored.err);
  CHECK(restored.exit_code == 0);
  CHECK(Has(restored.out, "1 series, 1 points"));

  serve.Signal(SIGTERM);
  const auto stopped = serve.Wait(seconds(60));
  REQUIRE(stopped.has_value());
  CHECK(stopped->exit_code == 0);

  // Free again: stats reads the one point imported before.
  const testing::ProcessResult stats =
      testing::RunCitynexus({"stats", "--data-dir", data_dir, "--json"});
  INFO("stats stderr: " << stats.err);
  CHECK(stats.exit_code == 0);
  CHECK(Has(stats.out, "\"series\":1,\"points\":1,"));
}

}  // namespace
}  // namespace citynexus::app
