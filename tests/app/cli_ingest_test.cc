// Tests of the ingest commands (app/cmd/decode, cmd_import, cmd_line_chunks):
// decode output line by line, import of generated files with bad lines into
// a real store, and the entry splitter that chunks the input.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "app/cmd/cli.h"
#include "app/cli_run_util.h"
#include "app/cmd/line_chunks.h"
#include "app/process_util.h"
#include "engine/engine.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using Outcome = CliOutcome;

constexpr int64_t kT0 = 1704067200'000'000'000;  // 2024-01-01T00:00:00Z

// Generated import input: `lines` lines of "energy,meter=M<i%7> kwh=<i>i,
// v=<i>.5 <kT0 + i s>", with the 1-based lines in `bad` replaced by junk.
std::string Generate(int lines, const std::vector<int>& bad) {
  std::string text;
  for (int i = 1; i <= lines; ++i) {
    if (std::find(bad.begin(), bad.end(), i) != bad.end()) {
      text += "energy,meter=M1 kwh=" + std::to_string(i) + "x\n";
      continue;
    }
    text += "energy,meter=M" + std::to_string(i % 7) +
            " kwh=" + std::to_string(i) + "i,v=" + std::to_string(i) + ".5 " +
            std::to_string(kT0 + int64_t{i} * 1'000'000'000) + "\n";
  }
  return text;
}

struct StoreView {
  uint64_t series = 0;
  uint64_t points = 0;                // counted by Scan
  std::map<int64_t, int64_t> kwh_m3;  // timestamp -> value, meter M3
};

StoreView Read(const std::string& data_dir) {
  engine::StoreOptions options;
  options.data_dir = data_dir;
  auto store = engine::OpenStore(options);
  if (!store) FAIL("OpenStore: " << store.error().ToString());
  StoreView view;
  const std::vector<engine::SeriesInfo> all = (*store)->FindSeries({});
  view.series = all.size();
  for (const engine::SeriesInfo& info : all) {
    const bool m3 = info.key.Canonical() == "energy{meter=M3}#kwh";
    Status s = (*store)->Scan(info.id, kT0, kT0 + 1'000'000'000'000'000,
                              [&](const engine::Sample& sample) {
                                ++view.points;
                                if (m3) {
                                  view.kwh_m3[sample.timestamp_ns] =
                                      std::get<int64_t>(sample.value);
                                }
                                return true;
                              });
    REQUIRE(s.ok());
  }
  REQUIRE((*store)->Close().ok());
  return view;
}

// ---- decode ----

TEST_CASE("decode prints one JSON line per point and per rejected line",
          "[app][cli][ingest]") {
  testing::TempDir dir;
  const std::string path = WriteFile(
      dir, "in.lp",
      "traffic,sensor=K12,district=Mitte vehicles=14i,speed=43.5 "
      "1704067200000000000\n"
      "traffic,sensor=K12 vehicles=14x 1704067200000000000\n"
      "\n"
      "# a comment\n"
      "status,gate=N open=t,note=\"two\nlines\",big=18446744073709551615u\n");
  const Outcome o = RunCli({"decode", "--now", "1700000000000000000", path});
  CHECK(o.code == 1);
  CHECK(o.err.empty());
  const std::vector<nlohmann::json> lines = JsonLines(o.out);
  REQUIRE(lines.size() == 6);

  CHECK(lines[0]["measurement"] == "traffic");
  CHECK(lines[0]["tags"] ==
        nlohmann::json({{"district", "Mitte"}, {"sensor", "K12"}}));
  CHECK(lines[0]["field"] == "vehicles");
  CHECK(lines[0]["type"] == "integer");
  CHECK(lines[0]["value"] == 14);
  CHECK(lines[0]["time_ns"] == 1704067200000000000);
  CHECK(lines[1]["field"] == "speed");
  CHECK(lines[1]["type"] == "float");
  CHECK(lines[1]["value"] == 43.5);

  CHECK(lines[2]["line"] == 2);
  CHECK(lines[2]["error"] ==
        "line 2: field \"vehicles\": \"14x\" is not a valid number");
  CHECK(lines[2].size() == 2);

  // Line 5 has no timestamp: --now applies.
  CHECK(lines[3]["measurement"] == "status");
  CHECK(lines[3]["tags"] == nlohmann::json({{"gate", "N"}}));
  CHECK(lines[3]["field"] == "open");
  CHECK(lines[3]["type"] == "boolean");
  CHECK(lines[3]["value"] == true);
  CHECK(lines[3]["time_ns"] == 1700000000000000000);
  CHECK(lines[4]["type"] == "string");
  CHECK(lines[4]["value"] == "two\nlines");
  CHECK(lines[5]["type"] == "unsigned");
  CHECK(lines[5]["value"].get<uint64_t>() == 18446744073709551615u);
}

TEST_CASE("decode exits 0 when every line decodes and applies --precision",
          "[app][cli][ingest]") {
  testing::TempDir dir;
  const std::string path = WriteFile(dir, "in.lp", "m v=1 1704067200\n");
  const Outcome o = RunCli({"decode", "--precision", "s", path});
  CHECK(o.code == 0);
  const std::vector<nlohmann::json> lines = JsonLines(o.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["time_ns"] == kT0);
  CHECK(lines[0]["tags"] == nlohmann::json::object());

  const Outcome ms = RunCli({"decode", "--precision=ms", path});
  CHECK(ms.code == 0);
  CHECK(JsonLines(ms.out)[0]["time_ns"] == 1704067200LL * 1'000'000);
}

TEST_CASE("decode and import refuse unknown formats", "[app][cli][ingest]") {
  const Outcome o = RunCli({"decode", "--format", "xml", "x.txt"});
  CHECK(o.code == 2);
  CHECK(Has(o.err,
            "unknown format \"xml\" (supported: line_protocol, senml, "
            "ttn, gbfs, json, csv, value)"));
  const Outcome senml =
      RunCli({"import", "--data-dir", "d", "--format", "senml", "x.json"});
  CHECK(senml.code == 2);
  CHECK(Has(senml.err,
            "unknown format \"senml\" (supported: line_protocol, "
            "csv)"));
  CHECK(!std::filesystem::exists("d"));
}

TEST_CASE("ingest commands exit 2 on usage errors and 0 on --help",
          "[app][cli][ingest]") {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"decode", "--precision", "days"}, "precision \"days\" must be one of"},
      {{"decode", "--now", "soon"}, "--now must be an integer"},
      {{"decode", "a", "b"}, "unexpected argument b"},
      {{"import", "--data-dir", "d"}, "missing FILE"},
      {{"import", "f.lp"}, "missing --data-dir"},
      {{"import", "--data-dir", "d", "--batch-lines", "0", "f"},
       "--batch-lines must be between 1 and 10000000"},
      {{"import", "--data-dir", "d", "--batch-lines", "1e3", "f"},
       "--batch-lines must be between"},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    const Outcome o = RunCli(c.args);
    CHECK(o.code == 2);
    CHECK(Has(o.err, c.message));
    CHECK(Has(o.err, "usage: citynexus " + c.args[0]));
  }
  for (const char* command : {"decode", "import"}) {
    const Outcome o = RunCli({command, "-h"});
    CHECK(o.code == 0);
    CHECK(o.out.rfind(std::string("usage: citynexus ") + command, 0) == 0);
  }
}

TEST_CASE("decode of a missing file exits 1 with one line",
          "[app][cli][ingest]") {
  testing::TempDir dir;
  const Outcome o = RunCli({"decode", dir.str() + "/absent.lp"});
  CHECK(o.code == 1);
  CHECK(o.err == "citynexus: cannot open " + dir.str() +
                     "/absent.lp: No such file or directory\n");
}

// ---- import ----

TEST_CASE(
    "import stores the good lines, reports bad ones with absolute "
    "line numbers and exits 1",
    "[app][cli][ingest]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  // Bad lines on both sides of chunk boundaries (--batch-lines 1000).
  const std::vector<int> bad = {1, 999, 1000, 1001, 4322, 12000};
  const std::string path = WriteFile(dir, "in.lp", Generate(12000, bad));
  const Outcome o =
      RunCli({"import", "--data-dir", data_dir, "--batch-lines", "1000", path});
  INFO("stdout: " << o.out << "stderr: " << o.err);
  CHECK(o.code == 1);
  const uint64_t good = 12000 - bad.size();
  CHECK(Has(o.out, "points written    " + std::to_string(2 * good) + "\n"));
  CHECK(Has(o.out, "series in store   14\n"));
  CHECK(Has(o.out, "lines read        12000\n"));
  CHECK(Has(o.out, "lines rejected    6\n"));
  CHECK(Has(o.out, "points/s          "));
  for (int line : bad) {
    CHECK(Has(o.err, "citynexus: line " + std::to_string(line) +
                         ": field \"kwh\": \"" + std::to_string(line) +
                         "x\" is not a valid number\n"));
  }

  const StoreView view = Read(data_dir);
  CHECK(view.series == 14);
  CHECK(view.points == 2 * good);
  // Meter M3 holds lines 3, 10, 17, ... with their own values.
  CHECK(view.kwh_m3.size() == 1713);  // 1714 lines with i % 7 == 3, one bad
  CHECK(view.kwh_m3.at(kT0 + 10 * int64_t{1'000'000'000}) == 10);
  CHECK(view.kwh_m3.at(kT0 + 11994 * int64_t{1'000'000'000}) == 11994);
  CHECK(view.kwh_m3.count(kT0 + 4322 * int64_t{1'000'000'000}) == 0);
}

TEST_CASE(
    "import of a clean file exits 0 and a second import adds to the store",
    "[app][cli][ingest]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  const std::string path = WriteFile(dir, "in.lp", Generate(700, {}));
  const Outcome first = RunCli({"import", "--data-dir", data_dir, path});
  CHECK(first.code == 0);
  CHECK(first.err.empty());
  CHECK(Has(first.out, "points written    1400\n"));
  CHECK(Has(first.out, "lines rejected    0\n"));
  // Later points of the same series, no trailing line feed.
  const std::string more = WriteFile(
      dir, "more.lp",
      "energy,meter=M3 kwh=5i " + std::to_string(kT0 + 1'000'000'000'000) +
          "\nenergy,meter=M3 kwh=6.5 " +
          std::to_string(kT0 + 1'001'000'000'000));
  const Outcome second = RunCli({"import", "--data-dir", data_dir, more});
  CHECK(second.code == 1);  // 6.5 conflicts with the integer series
  CHECK(Has(second.out, "points written    1\n"));
  CHECK(Has(second.out, "lines read        2\n"));
  CHECK(Has(second.err, "citynexus: line 2: "));
  const StoreView view = Read(data_dir);
  CHECK(view.points == 1401);
  CHECK(view.kwh_m3.at(kT0 + 1'000'000'000'000) == 5);
}

TEST_CASE("import chunks never split a string value that spans lines",
          "[app][cli][ingest]") {
  testing::TempDir dir;
  const std::string data_dir = dir.str() + "/data";
  const std::string path =
      WriteFile(dir, "in.lp",
                "note,k=a text=\"first\nsecond, with \\\" quote\nthird\" " +
                    std::to_string(kT0) + "\nnote,k=b text=\"x\" " +
                    std::to_string(kT0) + "\nbad\n");
  const Outcome o =
      RunCli({"import", "--data-dir", data_dir, "--batch-lines", "1", path});
  INFO("stderr: " << o.err);
  CHECK(o.code == 1);
  CHECK(Has(o.out, "points written    2\n"));
  // The bad line is physical line 5 (the string spans lines 1-3).
  CHECK(Has(o.err, "citynexus: line 5: "));

  engine::StoreOptions options;
  options.data_dir = data_dir;
  auto store = engine::OpenStore(options);
  REQUIRE(store);
  auto info = (*store)->LookupSeries("note{k=a}#text");
  REQUIRE(info);
  std::string text;
  REQUIRE((*store)
              ->Scan(info->id, kT0, kT0 + 1,
                     [&](const engine::Sample& s) {
                       text = std::get<std::string>(s.value);
                       return true;
                     })
              .ok());
  CHECK(text == "first\nsecond, with \" quote\nthird");
  REQUIRE((*store)->Close().ok());
}

// ---- the splitter ----

// Entry end offsets of `text` fed in pieces of `piece` bytes.
std::vector<size_t> EntryEnds(const std::string& text, size_t piece) {
  LineProtocolSplitter splitter;
  std::vector<size_t> ends;
  size_t scanned = 0;
  for (size_t fed = piece; scanned < text.size(); fed += piece) {
    const std::string_view data =
        std::string_view(text).substr(0, std::min(fed, text.size()));
    while (true) {
      const size_t end = splitter.NextEntryEnd(data, scanned);
      if (end == std::string_view::npos) {
        scanned = data.size();
        break;
      }
      ends.push_back(end);
      scanned = end;
    }
  }
  return ends;
}

TEST_CASE("the splitter ends entries only outside quoted string values",
          "[app][cli][ingest]") {
  const std::string text =
      "a v=1\n"                     // 0..6
      "\n"                          // 6..7
      "# c \"quote\n"               // 7..18 comments hold no strings
      "b\\ \"x v=\"1\n2\",w=3 5\n"  // 18..38 escaped space, quote in name
      "c s=\"\\\"\n\\\\\" 9\n"      // 38..52 escaped quote and backslash
      "d,t=\"v f=\"\"\n";           // 52..64 quote in a tag value
  const std::vector<size_t> expected = {6, 7, 18, 38, 52, 64};
  for (size_t piece : {size_t{1}, size_t{2}, size_t{7}, text.size()}) {
    INFO("piece " << piece);
    CHECK(EntryEnds(text, piece) == expected);
  }
}

TEST_CASE("the splitter gives up on a quote longer than a token may be",
          "[app][cli][ingest]") {
  std::string text = "m s=\"open\n";
  text += std::string(connectors::kMaxLineProtocolTokenBytes, 'x') + "\n";
  text += "m v=1\n";
  const std::vector<size_t> ends = EntryEnds(text, 4096);
  REQUIRE(ends.size() == 2);
  CHECK(ends[0] == text.size() - 6);
  CHECK(ends[1] == text.size());
}

// ---- the real binary ----

TEST_CASE("the binary decodes and imports a file", "[app][cli][ingest]") {
  testing::TempDir dir;
  const std::string path = WriteFile(dir, "in.lp", Generate(50, {20}));
  const testing::ProcessResult decoded =
      testing::RunCitynexus({"decode", path});
  CHECK(decoded.exit_code == 1);
  const std::vector<nlohmann::json> lines = JsonLines(decoded.out);
  REQUIRE(lines.size() == 99);
  CHECK(lines[38]["error"] ==
        "line 20: field \"kwh\": \"20x\" is not a valid number");
  CHECK(lines[39]["value"] == 21);

  const std::string data_dir = dir.str() + "/data";
  const testing::ProcessResult imported =
      testing::RunCitynexus({"import", "--data-dir", data_dir, path});
  CHECK(imported.exit_code == 1);
  CHECK(Has(imported.out, "points written    98\n"));
  // stderr is not a terminal here: no progress line, only the rejection.
  CHECK(imported.err ==
        "citynexus: line 20: field \"kwh\": \"20x\" is not a valid number\n");
  CHECK(Read(data_dir).points == 98);
}

}  // namespace
}  // namespace citynexus::app
