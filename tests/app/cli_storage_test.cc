// Tests of the storage commands (app/cmd/stats, cmd_compact, cmd_backup):
// stats, compact, backup and restore on real stores in temporary dirs, run
// in-process through Run() and through the real binary.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli_run_util.h"
#include "app/cmd/cli.h"
#include "app/cmd/common.h"
#include "app/process_util.h"
#include "engine/engine.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using Outcome = CliOutcome;

constexpr int64_t kT0 = 1704067200'000'000'000;  // 2024-01-01T00:00:00Z
constexpr int64_t kStep = 10'000'000'000;        // 10 s

std::unique_ptr<engine::Store> Open(const std::string& data_dir) {
  engine::StoreOptions options;
  options.data_dir = data_dir;
  auto store = engine::OpenStore(options);
  if (!store) FAIL("OpenStore: " << store.error().ToString());
  return std::move(*store);
}

// `series` float series of `points` points each, 10 s apart from kT0; the
// value of point i of series s is s * 1000 + i * 0.25. Closes the store.
void Fill(const std::string& data_dir, int series, int points) {
  auto store = Open(data_dir);
  std::vector<engine::Point> batch;
  for (int s = 0; s < series; ++s) {
    engine::SeriesKey key;
    key.measurement = "traffic";
    key.tags = {{"sensor", "K" + std::to_string(s)}};
    key.field = "speed";
    auto info = store->GetOrCreateSeries(key, engine::ValueType::kFloat);
    REQUIRE(info);
    for (int i = 0; i < points; ++i) {
      batch.push_back({info->id, kT0 + i * kStep, s * 1000 + i * 0.25});
    }
  }
  auto appended = store->Append(batch);
  REQUIRE(appended);
  REQUIRE(appended->written == batch.size());
  REQUIRE(store->Close().ok());
}

// Every point of every series, as "canonical@ts=value" lines, sorted.
std::vector<std::string> Dump(const std::string& data_dir) {
  auto store = Open(data_dir);
  std::vector<std::string> lines;
  for (const engine::SeriesInfo& info : store->FindSeries({})) {
    Status s = store->Scan(info.id, kT0 - kStep, kT0 + 1'000'000 * kStep,
                           [&](const engine::Sample& sample) {
                             std::ostringstream line;
                             line << info.key.Canonical() << "@"
                                  << sample.timestamp_ns << "="
                                  << std::get<double>(sample.value);
                             lines.push_back(line.str());
                             return true;
                           });
    REQUIRE(s.ok());
  }
  REQUIRE(store->Close().ok());
  std::sort(lines.begin(), lines.end());
  return lines;
}

nlohmann::json StatsJson(const std::string& data_dir) {
  const Outcome o = RunCli({"stats", "--data-dir", data_dir, "--json"});
  INFO("stderr: " << o.err);
  REQUIRE(o.code == 0);
  return nlohmann::json::parse(o.out);
}

// The number after `label` in compact's output ("before  1234 bytes").
uint64_t BytesAfterLabel(const std::string& text, const std::string& label) {
  const size_t at = text.find("\n" + label);
  if (at == std::string::npos) FAIL("no " << label << " in: " << text);
  return std::stoull(text.substr(at + 1 + label.size()));
}

TEST_CASE("every storage command answers --help with its usage and exit 0",
          "[app][cli][storage]") {
  for (const char* command : {"stats", "compact", "backup", "restore"}) {
    INFO(command);
    const Outcome o = RunCli({command, "--help"});
    CHECK(o.code == 0);
    CHECK(o.out.rfind(std::string("usage: citynexus ") + command, 0) == 0);
    CHECK(o.err.empty());
  }
}

TEST_CASE("storage commands exit 2 on usage errors", "[app][cli][storage]") {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"stats"}, "missing --data-dir"},
      {{"stats", "--data-dir", "d", "x"}, "unexpected argument x"},
      {{"stats", "--json=yes", "--data-dir", "d"},
       "flag --json takes no value"},
      {{"compact"}, "missing --data-dir"},
      {{"compact", "--data-dir", "d", "--json"}, "unknown flag --json"},
      {{"backup", "--data-dir", "d"}, "missing --to"},
      {{"restore", "--data-dir", "d"}, "missing --from"},
      {{"restore", "--from", "b"}, "missing --data-dir"},
  };
  for (const Case& c : cases) {
    INFO(c.args[0] << " -> " << c.message);
    const Outcome o = RunCli(c.args);
    CHECK(o.code == 2);
    CHECK(Has(o.err, c.message));
    CHECK(Has(o.err, "usage: citynexus " + c.args[0]));
  }
}

TEST_CASE("stats of an empty store reports no points and no time range",
          "[app][cli][storage]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  REQUIRE(Open(data_dir)->Close().ok());
  const nlohmann::json stats = StatsJson(data_dir);
  CHECK(stats["data_dir"] == data_dir);
  CHECK(stats["series"] == 0);
  CHECK(stats["points"] == 0);
  CHECK(stats["bytes_on_disk"].get<uint64_t>() > 0);
  CHECK(stats["bytes_per_point"].is_null());
  CHECK(stats["first_timestamp"].is_null());
  CHECK(stats["last_timestamp_ns"].is_null());
  CHECK(stats["column_family_bytes"].contains("chunks"));
  CHECK(stats["column_family_bytes"].contains("series"));

  const Outcome table = RunCli({"stats", "--data-dir", data_dir});
  CHECK(table.code == 0);
  CHECK(Has(table.out, "series            0\n"));
  CHECK(Has(table.out, "first timestamp   -\n"));
}

TEST_CASE("stats of a filled store counts the series and points written",
          "[app][cli][storage]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  Fill(data_dir, 3, 1000);
  const nlohmann::json stats = StatsJson(data_dir);
  CHECK(stats["series"] == 3);
  CHECK(stats["points"] == 3000);
  CHECK(stats["first_timestamp_ns"] == kT0);
  CHECK(stats["first_timestamp"] == "2024-01-01T00:00:00Z");
  CHECK(stats["last_timestamp_ns"] == kT0 + 999 * kStep);
  CHECK(stats["last_timestamp"] == "2024-01-01T02:46:30Z");
  const uint64_t bytes = stats["bytes_on_disk"].get<uint64_t>();
  CHECK(stats["bytes_per_point"].get<double>() ==
        Approx(static_cast<double>(bytes) / 3000));
  // One size per column family (files plus memtables, so they need not add
  // up to the directory size).
  CHECK(stats["column_family_bytes"].size() == 7);
  CHECK(stats["column_family_bytes"]["chunks"].get<uint64_t>() > 0);

  const Outcome table = RunCli({"stats", "--data-dir", data_dir});
  CHECK(table.code == 0);
  CHECK(Has(table.out, "series            3\n"));
  CHECK(Has(table.out, "points            3000\n"));
  CHECK(Has(table.out, "last timestamp    2024-01-01T02:46:30Z\n"));
  // Reading stats wrote nothing: the data is still all there.
  CHECK(Dump(data_dir).size() == 3000);
}

TEST_CASE("stats and compact refuse a data dir without a store",
          "[app][cli][storage]") {
  testing::TempDir dir;
  const Outcome missing =
      RunCli({"stats", "--data-dir", dir.str() + "/absent"});
  CHECK(missing.code == 1);
  CHECK(missing.err ==
        "citynexus: data dir " + dir.str() + "/absent does not exist\n");
  const Outcome empty = RunCli({"stats", "--data-dir", dir.str()});
  CHECK(empty.code == 1);
  CHECK(Has(empty.err, "holds no citynexus store"));
  const Outcome compact = RunCli({"compact", "--data-dir", dir.str()});
  CHECK(compact.code == 1);
  CHECK(Has(compact.err, "holds no citynexus store"));
  // Nothing was created by the refusals.
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("compact keeps every point and does not grow the store",
          "[app][cli][storage]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  Fill(data_dir, 4, 5000);
  // Rewrite the same points: the old versions are garbage for compaction.
  Fill(data_dir, 4, 5000);
  const std::vector<std::string> before = Dump(data_dir);
  REQUIRE(before.size() == 20000);

  const Outcome o = RunCli({"compact", "--data-dir", data_dir});
  INFO("stdout: " << o.out << "stderr: " << o.err);
  REQUIRE(o.code == 0);
  CHECK(Has(o.out, "points  20000 in 4 series\n"));
  const uint64_t bytes_before = BytesAfterLabel(o.out, "before  ");
  const uint64_t bytes_after = BytesAfterLabel(o.out, "after   ");
  CHECK(bytes_after <= bytes_before);
  CHECK(Has(o.out, "bytes/point"));
  CHECK(Dump(data_dir) == before);
}

TEST_CASE("backup then restore yields a store with identical data",
          "[app][cli][storage]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  const std::string backup = dir.str() + "/backup";
  const std::string restored = dir.str() + "/restored";
  Fill(data_dir, 2, 3000);

  const Outcome b = RunCli({"backup", "--data-dir", data_dir, "--to", backup});
  INFO("stderr: " << b.err);
  REQUIRE(b.code == 0);
  CHECK(b.out == "backed up " + data_dir + " to " + backup +
                     ": 2 series, 6000 points\n");

  const Outcome again =
      RunCli({"backup", "--data-dir", data_dir, "--to", backup});
  CHECK(again.code == 1);
  CHECK(again.err == "citynexus: backup dir " + backup + " already exists\n");

  const Outcome r =
      RunCli({"restore", "--from", backup, "--data-dir", restored});
  INFO("stderr: " << r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out == "restored " + backup + " into " + restored +
                     ": 2 series, 6000 points\n");

  const nlohmann::json original = StatsJson(data_dir);
  const nlohmann::json copy = StatsJson(restored);
  for (const char* key :
       {"series", "points", "first_timestamp_ns", "last_timestamp_ns"}) {
    CHECK(copy[key] == original[key]);
  }
  const std::vector<std::string> points = Dump(restored);
  CHECK(points.size() == 6000);
  CHECK(points == Dump(data_dir));
}

TEST_CASE("restore refuses a non-empty data dir and leaves it untouched",
          "[app][cli][storage]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  const std::string backup = dir.str() + "/backup";
  Fill(data_dir, 1, 10);
  REQUIRE(RunCli({"backup", "--data-dir", data_dir, "--to", backup}).code == 0);

  const std::string target = dir.str() + "/busy";
  std::filesystem::create_directories(target);
  std::ofstream(target + "/keep.txt") << "mine";
  const Outcome o = RunCli({"restore", "--from", backup, "--data-dir", target});
  CHECK(o.code == 1);
  CHECK(o.err ==
        "citynexus: restore target " + target + " must be empty or absent\n");
  CHECK(o.out.empty());
  std::ifstream kept(target + "/keep.txt");
  std::string content;
  kept >> content;
  CHECK(content == "mine");
  CHECK(!std::filesystem::exists(target + "/CURRENT"));

  const Outcome not_backup =
      RunCli({"restore", "--from", target, "--data-dir", dir.str() + "/n"});
  CHECK(not_backup.code == 1);
  CHECK(Has(not_backup.err, "is not a citynexus backup"));
}

TEST_CASE("the data dir probe sees no holder on a closed store",
          "[app][cli][storage]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  auto none = DataDirHolder(data_dir);  // no directory yet
  REQUIRE(none);
  CHECK(!none->has_value());
  Fill(data_dir, 1, 1);
  REQUIRE(std::filesystem::exists(data_dir + "/LOCK"));
  auto closed = DataDirHolder(data_dir);
  REQUIRE(closed);
  CHECK(!closed->has_value());
  CHECK(CheckDataDirFree(data_dir).ok());
}

TEST_CASE("RFC 3339 formatting of stats timestamps", "[app][cli][storage]") {
  CHECK(FormatRfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(FormatRfc3339(kT0 + 500'000'000) == "2024-01-01T00:00:00.5Z");
  CHECK(FormatRfc3339(kT0 + 123) == "2024-01-01T00:00:00.000000123Z");
  CHECK(FormatRfc3339(-1) == "1969-12-31T23:59:59.999999999Z");
}

// ---- the real binary ----

TEST_CASE("the binary runs stats, compact, backup and restore on one store",
          "[app][cli][storage]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  Fill(data_dir, 2, 100);
  using testing::RunCitynexus;
  const testing::ProcessResult stats =
      RunCitynexus({"stats", "--data-dir", data_dir, "--json"});
  INFO("stderr: " << stats.err);
  REQUIRE(stats.exit_code == 0);
  const nlohmann::json doc = nlohmann::json::parse(stats.out);
  CHECK(doc["series"] == 2);
  CHECK(doc["points"] == 200);

  const testing::ProcessResult compact =
      RunCitynexus({"compact", "--data-dir", data_dir});
  CHECK(compact.exit_code == 0);
  CHECK(Has(compact.out, "points  200 in 2 series\n"));

  const std::string backup = dir.str() + "/backup";
  const testing::ProcessResult b =
      RunCitynexus({"backup", "--data-dir", data_dir, "--to", backup});
  CHECK(b.exit_code == 0);
  const testing::ProcessResult r = RunCitynexus(
      {"restore", "--from", backup, "--data-dir", dir.str() + "/r"});
  CHECK(r.exit_code == 0);
  CHECK(Has(r.out, ": 2 series, 200 points\n"));
  const testing::ProcessResult refused = RunCitynexus(
      {"restore", "--from", backup, "--data-dir", dir.str() + "/r"});
  CHECK(refused.exit_code == 1);
  CHECK(Has(refused.err, "must be empty or absent"));
  CHECK(Dump(dir.str() + "/r") == Dump(data_dir));
}

}  // namespace
}  // namespace citynexus::app
