// `citynexus decode` for every payload format besides line protocol, and
// `citynexus import --format csv --mapping FILE` into a real store: output
// lines, what "line" means per format, mapping errors naming their key, and
// CSV chunks that each get the header.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/cli_run_util.h"
#include "app/cmd/line_chunks.h"
#include "engine/engine.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

constexpr const char* kNow = "1700000000000000000";

// Decodes `payload` (written to a file) with `flags` added to the command.
CliOutcome Decode(const testing::TempDir& dir, const std::string& payload,
                  std::vector<std::string> flags) {
  const std::string path = WriteFile(dir, "payload", payload);
  std::vector<std::string> args = {"decode", "--now", kNow};
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back(path);
  return RunCli(args);
}

}  // namespace

TEST_CASE("decode senml resolves names and reports records by index",
          "[app][cli][ingest][formats]") {
  testing::TempDir dir;
  const CliOutcome o =
      Decode(dir,
             R"([{"bn":"dev1:","n":"temp","u":"Cel","v":21.5,"bt":1704067200},)"
             R"({"n":"x","v":"forty"},{"n":"hum","v":40}])",
             {"--format", "senml"});
  INFO(o.err);
  CHECK(o.code == 1);
  const auto lines = JsonLines(o.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["measurement"] == "senml");
  CHECK(lines[0]["value"] == 21.5);
  CHECK(lines[0]["time_ns"] == 1704067200LL * 1'000'000'000);
  // The error sits between records 0 and 2 and carries its record index.
  CHECK(lines[1]["line"] == 1);
  CHECK(lines[1]["error"].get<std::string>().rfind("record 1", 0) == 0);
  CHECK(lines[2]["value"] == 40);
}

TEST_CASE("decode ttn, gbfs and value payloads",
          "[app][cli][ingest][formats]") {
  testing::TempDir dir;
  const CliOutcome ttn = Decode(dir, R"({
      "end_device_ids": {"device_id": "d1",
                         "application_ids": {"application_id": "a1"}},
      "received_at": "2024-05-01T12:00:00Z",
      "uplink_message": {"f_cnt": 3, "decoded_payload": {"level_cm": 153}}})",
                                {"--format", "ttn", "--measurement", "water"});
  INFO(ttn.err);
  CHECK(ttn.code == 0);
  bool saw_level = false;
  for (const auto& line : JsonLines(ttn.out)) {
    CHECK(line["measurement"] == "water");
    CHECK(line["tags"]["device_id"] == "d1");
    if (line["field"] == "level_cm") saw_level = line["value"] == 153;
  }
  CHECK(saw_level);
  const CliOutcome join =
      Decode(dir, R"({"join_accept": {}})", {"--format", "ttn"});
  CHECK(join.code == 1);
  REQUIRE(JsonLines(join.out).size() == 1);
  CHECK(JsonLines(join.out)[0]["line"] == 0);

  const std::string information =
      WriteFile(dir, "info.json",
                R"({"data": {"stations": [{"station_id": "a", "name": "A",
          "lat": 52.5, "lon": 13.4, "capacity": 10}]}})");
  const CliOutcome gbfs =
      Decode(dir,
             R"({"last_updated": 1714564800, "data": {"stations": [
          {"station_id": "a", "num_bikes_available": 1,
           "num_docks_available": 2, "is_installed": true,
           "is_renting": true, "is_returning": true},
          {"station_id": "b", "num_docks_available": 2}]}})",
             {"--format", "gbfs", "--information", information});
  CHECK(gbfs.code == 1);
  bool saw_capacity = false;
  bool saw_station_1 = false;
  for (const auto& line : JsonLines(gbfs.out)) {
    if (line.contains("error")) {
      CHECK(line["line"] == 1);  // the station index
      saw_station_1 = true;
      continue;
    }
    CHECK(line["measurement"] == "gbfs_station");
    if (line["field"] == "capacity") saw_capacity = line["value"] == 10;
  }
  CHECK(saw_capacity);
  CHECK(saw_station_1);

  const CliOutcome value = Decode(
      dir, "21.5\n",
      {"--format", "value", "--measurement", "air", "--field", "temperature"});
  INFO(value.err);
  CHECK(value.code == 0);
  REQUIRE(JsonLines(value.out).size() == 1);
  CHECK(JsonLines(value.out)[0] ==
        nlohmann::json::parse(R"({"measurement":"air","tags":{},
            "field":"temperature","type":"float","value":21.5,
            "time_ns":1700000000000000000})"));
  const CliOutcome warm = Decode(
      dir, "warm",
      {"--format", "value", "--measurement", "air", "--field", "temperature"});
  CHECK(warm.code == 1);
  REQUIRE(JsonLines(warm.out).size() == 1);
  CHECK(JsonLines(warm.out)[0]["line"] == 0);
}

TEST_CASE("decode json and csv take a --mapping file",
          "[app][cli][ingest][formats]") {
  testing::TempDir dir;
  const std::string mapping =
      WriteFile(dir, "parking.json",
                R"({"measurement": "parking", "records": "/lots",
          "fields": {"free": {"source": "/free", "type": "int"}},
          "tags": {"lot": "/id"}})");
  const CliOutcome json = Decode(
      dir, R"({"lots": [{"id": "P1", "free": 12}, {"id": "P2", "free": "x"}]})",
      {"--format", "json", "--mapping", mapping});
  CHECK(json.code == 1);
  const auto lines = JsonLines(json.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == nlohmann::json::parse(R"({"measurement":"parking",
            "tags":{"lot":"P1"},"field":"free","type":"integer","value":12,
            "time_ns":1700000000000000000})"));
  CHECK(lines[1]["line"] == 1);
  CHECK(lines[1]["error"].get<std::string>().rfind("record 1", 0) == 0);

  const std::string csv_mapping =
      WriteFile(dir, "bikes.json",
                R"({"measurement": "bikes", "delimiter": ";", "time": "zeit",
          "fields": {"count": {"source": "n", "type": "int"}}})");
  const CliOutcome csv = Decode(dir,
                                "zeit;n\n"
                                "2024-01-01T00:00:00Z;4\n"
                                "2024-01-01T01:00:00Z;four\n",
                                {"--format", "csv", "--mapping", csv_mapping});
  CHECK(csv.code == 1);
  const auto rows = JsonLines(csv.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["value"] == 4);
  CHECK(rows[1]["line"] == 3);  // the physical line

  // Mapping problems name the file and the key; nothing is decoded.
  const std::string bad =
      WriteFile(dir, "bad.json", R"({"measurement": "m", "fields": {"v": 3}})");
  const CliOutcome refused =
      Decode(dir, "{}", {"--format", "json", "--mapping", bad});
  CHECK(refused.code == 1);
  CHECK(refused.out.empty());
  CHECK(
      Has(refused.err, "citynexus: " + bad + ": fields.v: expected a source"));
}

TEST_CASE("decode says which flags a format needs or ignores",
          "[app][cli][ingest][formats]") {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"decode", "--format", "json", "f"}, "--format json needs --mapping"},
      {{"decode", "--format", "value", "--field", "v", "f"},
       "--format value needs --measurement and --field"},
      {{"decode", "--format", "senml", "--precision", "s", "f"},
       "--precision does not apply to --format senml"},
      {{"decode", "--mapping", "m.json", "f"},
       "--mapping does not apply to --format line_protocol"},
      {{"import", "--data-dir", "d", "--format", "csv", "f"},
       "--format csv needs --mapping FILE"},
      {{"import", "--data-dir", "d", "--mapping", "m.json", "f"},
       "--mapping is only for --format csv"},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    const CliOutcome o = RunCli(c.args);
    CHECK(o.code == 2);
    CHECK(Has(o.err, c.message));
  }
  CHECK_FALSE(std::filesystem::exists("d"));
}

TEST_CASE("import --format csv stores rows chunk by chunk with the header",
          "[app][cli][ingest][formats]") {
  testing::TempDir dir;
  const std::string mapping = WriteFile(
      dir, "m.json",
      R"({"measurement": "bikes", "delimiter": ";", "decimal_separator": ",",
          "time": "zeit", "time_format": "epoch_s",
          "fields": {"count": {"source": "n", "type": "int"},
                     "temp": "t"},
          "tags": {"counter": "zaehlstelle"}})");
  // A quoted cell with a line break (row 3 spans lines 4-5) must not be cut
  // by a chunk boundary; lines 7 and 10 are bad.
  std::string csv = "\xEF\xBB\xBFzeit;zaehlstelle;n;t\n";  // line 1
  csv += "1704067200;K1;1;\"1,5\"\n";                      // 2
  csv += "1704067260;K1;2;2\n";                            // 3
  csv += "1704067320;\"K\n2\";3;3\n";                      // 4-5
  csv += "1704067380;K1;4;4\n";                            // 6
  csv += "1704067440;K1;five;5\n";                         // 7
  csv += "\n";                                             // 8
  csv += "1704067500;K1;6;6\n";                            // 9
  csv += "1704067560;;7;7\n";                              // 10
  csv += "1704067620;K1;8;8";                              // 11
  const std::string path = WriteFile(dir, "in.csv", csv);
  const std::string data_dir = dir.str() + "/data";
  const CliOutcome o =
      RunCli({"import", "--data-dir", data_dir, "--format", "csv", "--mapping",
              mapping, "--batch-lines", "2", path});
  INFO(o.err << o.out);
  CHECK(o.code == 1);
  CHECK(Has(o.out, "points written    12\n"));  // 6 rows x 2 fields
  CHECK(Has(o.out, "lines read        11\n"));
  CHECK(Has(o.out, "lines rejected    2\n"));
  CHECK(Has(o.err, "citynexus: line 7, column 3: field \"count\""));
  CHECK(Has(o.err, "citynexus: line 10"));

  engine::StoreOptions options;
  options.data_dir = data_dir;
  auto store = engine::OpenStore(options);
  REQUIRE(store.has_value());
  auto k1 = (*store)->LookupSeries("bikes{counter=K1}#count");
  REQUIRE(k1.has_value());
  std::vector<int64_t> counts;
  REQUIRE((*store)
              ->Scan(k1->id, 0, INT64_MAX,
                     [&](const engine::Sample& s) {
                       counts.push_back(std::get<int64_t>(s.value));
                       return true;
                     })
              .ok());
  CHECK(counts == std::vector<int64_t>{1, 2, 4, 6, 8});
  CHECK((*store)->LookupSeries("bikes{counter=K\n2}#count").has_value());
  REQUIRE((*store)->Close().ok());

  // A header lacking a mapped column stops the import before any write.
  const std::string wrong = WriteFile(dir, "wrong.csv", "zeit;x\n1;2\n");
  const CliOutcome refused =
      RunCli({"import", "--data-dir", data_dir, "--format", "csv", "--mapping",
              mapping, wrong});
  CHECK(refused.code == 1);
  CHECK(Has(refused.err, "line 1"));
}

}  // namespace citynexus::app

namespace citynexus::app {

TEST_CASE("the CSV row splitter ends rows outside quotes only",
          "[app][cli][ingest][formats]") {
  CsvRowSplitter splitter;
  const std::string data = "a,\"x\ny\",b\nc,\"\"\"q\"\"\n\",d\ne";
  //                         row 1 ends after b\n; row 2 after d\n
  const size_t first = splitter.NextEntryEnd(data, 0);
  CHECK(first == data.find("b\n") + 2);
  const size_t second = splitter.NextEntryEnd(data, first);
  CHECK(second == data.find("d\n") + 2);
  CHECK(splitter.NextEntryEnd(data, second) == std::string_view::npos);

  // Fed in pieces: a row split inside a quoted cell continues its state.
  CsvRowSplitter pieces;
  std::string growing = "1,\"open\n";
  CHECK(pieces.NextEntryEnd(growing, 0) == std::string_view::npos);
  const size_t scanned = growing.size();
  growing += "still\",2\n";
  CHECK(pieces.NextEntryEnd(growing, scanned) == growing.size());

  // An unterminated quote gives up after kMaxQuotedBytes.
  CsvRowSplitter runaway;
  std::string stray = "1,\"";
  stray.append(CsvRowSplitter::kMaxQuotedBytes, 'x');
  stray += "\nnext\n";
  CHECK(runaway.NextEntryEnd(stray, 0) == stray.find("\nnext") + 1);
}

}  // namespace citynexus::app
