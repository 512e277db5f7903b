// Tests of the command line (app/cmd/cli.h): parsing in-process through Run(),
// and exit codes and output of the real binary.
#include "app/cmd/cli.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli_run_util.h"
#include "app/process_util.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using Outcome = CliOutcome;

TEST_CASE("version prints the version and exits 0", "[app][cli]") {
  const Outcome o = RunCli({"version"});
  CHECK(o.code == 0);
  CHECK(o.out == std::string("citynexus ") + CITYNEXUS_VERSION + "\n");
  CHECK(o.err.empty());
}

TEST_CASE("--help on every command prints its usage on stdout and exits 0",
          "[app][cli]") {
  for (const char* command : {"serve", "check-config", "version", "help"}) {
    for (const char* flag : {"--help", "-h"}) {
      INFO(command << " " << flag);
      const Outcome o = RunCli({command, flag});
      CHECK(o.code == 0);
      CHECK(o.out.rfind(std::string("usage: citynexus ") + command, 0) == 0);
      CHECK(o.err.empty());
    }
  }
  const Outcome top = RunCli({"--help"});
  CHECK(top.code == 0);
  for (const char* command : {"serve", "check-config", "version", "help"}) {
    CHECK(Has(top.out, std::string("  ") + command));
  }
  const Outcome help_serve = RunCli({"help", "serve"});
  CHECK(help_serve.code == 0);
  CHECK(Has(help_serve.out, "--listen HOST:PORT"));
}

TEST_CASE("usage errors exit 2 with the usage on stderr", "[app][cli]") {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{}, "missing command"},
      {{"frobnicate"}, "unknown command frobnicate"},
      {{"--verbose"}, "unknown flag --verbose"},
      {{"serve", "--port", "1"}, "unknown flag --port"},
      {{"serve", "--config"}, "flag --config needs a value"},
      {{"serve", "extra"}, "unexpected argument extra"},
      {{"check-config"}, "missing FILE"},
      {{"check-config", "a.json", "b.json"}, "unexpected argument b.json"},
      {{"check-config", "--strict", "a.json"}, "unknown flag --strict"},
      {{"version", "now"}, "unexpected argument now"},
      {{"help", "frobnicate"}, "unknown command frobnicate"},
  };
  for (const Case& c : cases) {
    INFO("args: " << (c.args.empty() ? "" : c.args[0]));
    const Outcome o = RunCli(c.args);
    CHECK(o.code == 2);
    CHECK(Has(o.err, c.message));
    CHECK(Has(o.err, "usage: citynexus"));
    CHECK(o.out.empty());
  }
}

TEST_CASE("check-config prints the effective configuration of a valid file",
          "[app][cli]") {
  testing::TempDir dir;
  const std::string path = dir.str() + "/c.json";
  std::ofstream(path) << R"({"http": {"threads": 3}})";
  const Outcome o = RunCli({"check-config", path});
  CHECK(o.code == 0);
  CHECK(o.err.empty());
  CHECK(Has(o.out, "\"threads\": 3"));
  // Defaults are filled in.
  CHECK(Has(o.out, "\"listen\": \"127.0.0.1:8080\""));
  CHECK(Has(o.out, "\"block_window\": \"1d\""));
}

TEST_CASE("check-config reports every problem of a bad file and exits 1",
          "[app][cli]") {
  testing::TempDir dir;
  const std::string path = dir.str() + "/bad.json";
  std::ofstream(path) << R"({"htp": {}, "http": {"threads": 999}})";
  const Outcome o = RunCli({"check-config", path});
  CHECK(o.code == 1);
  CHECK(o.out.empty());
  CHECK(Has(o.err, "citynexus: " + path +
                       ": htp: unknown key; did you mean \"http\"?\n"));
  CHECK(Has(o.err, "citynexus: " + path +
                       ": http.threads: must be between 0 and 256, got 999\n"));

  const Outcome missing = RunCli({"check-config", dir.str() + "/absent.json"});
  CHECK(missing.code == 1);
  CHECK(Has(missing.err, "absent.json"));
}

// ---- the real binary ----

TEST_CASE("the binary's exit codes follow the documented contract",
          "[app][cli]") {
  using testing::RunCitynexus;
  const testing::ProcessResult version = RunCitynexus({"version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out == std::string("citynexus ") + CITYNEXUS_VERSION + "\n");

  const testing::ProcessResult help = RunCitynexus({"serve", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.rfind("usage: citynexus serve", 0) == 0);

  const testing::ProcessResult unknown = RunCitynexus({"frobnicate"});
  CHECK(unknown.exit_code == 2);
  CHECK(Has(unknown.err, "unknown command frobnicate"));

  const testing::ProcessResult flag = RunCitynexus({"serve", "--bogus"});
  CHECK(flag.exit_code == 2);
  CHECK(Has(flag.err, "unknown flag --bogus"));

  const testing::ProcessResult no_value = RunCitynexus({"serve", "--listen"});
  CHECK(no_value.exit_code == 2);
  CHECK(Has(no_value.err, "flag --listen needs a value"));
}

TEST_CASE("the binary's check-config accepts good files and names bad keys",
          "[app][cli]") {
  testing::TempDir dir;
  const std::string good = dir.str() + "/good.json";
  std::ofstream(good) << R"({"log_level": "warn"})";
  const testing::ProcessResult ok =
      testing::RunCitynexus({"check-config", good});
  CHECK(ok.exit_code == 0);
  CHECK(Has(ok.out, "\"log_level\": \"warn\""));

  const std::string bad = dir.str() + "/bad.json";
  std::ofstream(bad)
      << "{\"log_level\": \"verbose\",\n \"http\": {\"listen\": \"8080x\"}}";
  const testing::ProcessResult fail =
      testing::RunCitynexus({"check-config", bad});
  CHECK(fail.exit_code == 1);
  CHECK(Has(fail.err, "log_level: expected one of"));
  CHECK(Has(fail.err, "http.listen: expected \"host:port\", got \"8080x\""));

  const std::string broken = dir.str() + "/broken.json";
  std::ofstream(broken) << "{\n\"data_dir\": \"x\",\n}";
  const testing::ProcessResult syntax =
      testing::RunCitynexus({"check-config", broken});
  CHECK(syntax.exit_code == 1);
  CHECK(Has(syntax.err, "line 3, column 1: "));
}

TEST_CASE("serve with a bad configuration exits 1 with one line per problem",
          "[app][cli]") {
  testing::TempDir dir;
  const testing::ProcessResult bad_flag =
      testing::RunCitynexus({"serve", "--listen", "8080x"});
  CHECK(bad_flag.exit_code == 1);
  CHECK(bad_flag.err ==
        "citynexus: command line: http.listen: expected \"host:port\", got "
        "\"8080x\" (from --listen)\n");

  const testing::ProcessResult missing =
      testing::RunCitynexus({"serve", "--config", dir.str() + "/absent.json"});
  CHECK(missing.exit_code == 1);
  CHECK(Has(missing.err, "cannot read config file"));
  CHECK(Has(missing.err, "absent.json"));
}

}  // namespace
}  // namespace citynexus::app
