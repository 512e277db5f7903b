// `ingest.sources` end to end: a real `citynexus serve` loads the mappings
// from its config file and POST /api/v1/ingest/{source} stores JSON and CSV
// bodies, reporting bad records and rows in the partial-write shape.
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/process_util.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using testing::HttpRequest;

constexpr const char* kConfig = R"({
  "ingest": {"sources": [
    {"name": "parking", "format": "json", "measurement": "parking",
     "records": "/lots", "time": "/updated",
     "fields": {"free": {"source": "/free", "type": "int"}},
     "tags": {"lot": "/id"}},
    {"name": "bikes", "format": "csv", "measurement": "bikes",
     "delimiter": ";", "decimal_separator": ",", "time": "zeit",
     "fields": {"count": {"source": "fahrraeder", "type": "int"},
                "temp": "temperatur"},
     "tags": {"counter": "zaehlstelle"}}]}
})";

// The values of `measurement`/`field` for tag `tag`=`value` in January 2024,
// as [[ms, value], ...].
json Values(uint16_t port, const std::string& measurement,
            const std::string& field, const std::string& tag,
            const std::string& value) {
  auto r = HttpRequest(port, "GET",
                       "/api/v1/query?measurement=" + measurement +
                           "&field=" + field + "&tag." + tag + "=" + value +
                           "&start=2024-01-01&end=2024-02-01");
  REQUIRE(r.status == 200);
  const json body = json::parse(r.body);
  if (body["series"].empty()) return json::array();
  return body["series"][0]["values"];
}

}  // namespace

TEST_CASE("configured ingest sources store JSON and CSV bodies through serve",
          "[app][serve][ingest][integration]") {
  testing::TempDir dir;
  const std::string config_path = dir.str() + "/citynexus.json";
  std::ofstream(config_path) << kConfig;
  testing::Citynexus serve({"serve", "--config", config_path, "--data-dir",
                            dir.str() + "/data", "--listen", "127.0.0.1:0"});
  const auto log = serve.WaitForStderr(" listening on 127.0.0.1:", seconds(60));
  INFO("stderr: " << serve.Stderr());
  REQUIRE(log.has_value());
  const std::optional<uint16_t> port = testing::ListeningPort(*log);
  REQUIRE(port.has_value());
  CHECK(log->find("ingest sources at POST /api/v1/ingest/{source}: parking, "
                  "bikes") != std::string::npos);

  // JSON: record 1 has a non-integer count; records 0 and 2 are stored.
  const std::string lots =
      R"({"lots":[{"id":"P1","free":12,"updated":"2024-01-01T10:00:00Z"},)"
      R"({"id":"P2","free":"many","updated":"2024-01-01T10:00:00Z"},)"
      R"({"id":"P3","free":3,"updated":"2024-01-01T10:05:00Z"}]})";
  auto posted = HttpRequest(*port, "POST", "/api/v1/ingest/parking", lots);
  REQUIRE(posted.status == 400);
  const json partial = json::parse(posted.body)["error"];
  CHECK(partial["code"] == "partial_write");
  CHECK(partial["points_written"] == 2);
  REQUIRE(partial["rejected"].size() == 1);
  CHECK(partial["rejected"][0]["line"] == 1);
  CHECK_THAT(partial["rejected"][0]["reason"].get<std::string>(),
             Catch::Contains("record 1") && Catch::Contains("free"));
  CHECK(Values(*port, "parking", "free", "lot", "P1") ==
        json::parse("[[1704103200000,12]]"));
  CHECK(Values(*port, "parking", "free", "lot", "P3") ==
        json::parse("[[1704103500000,3]]"));
  CHECK(Values(*port, "parking", "free", "lot", "P2").empty());

  // CSV: line 3 has a count that is not an integer.
  const std::string rows =
      "zeit;zaehlstelle;fahrraeder;temperatur\n"
      "2024-01-02T08:00:00Z;K12;14;\"18,5\"\n"
      "2024-01-02T08:00:00Z;K13;viele;17\n"
      "2024-01-02T09:00:00Z;K12;20;19\n";
  posted = HttpRequest(*port, "POST", "/api/v1/ingest/bikes", rows);
  REQUIRE(posted.status == 400);
  const json csv = json::parse(posted.body)["error"];
  REQUIRE(csv["rejected"].size() == 1);
  CHECK(csv["rejected"][0]["line"] == 3);
  CHECK_THAT(csv["rejected"][0]["reason"].get<std::string>(),
             Catch::Contains("line 3") && Catch::Contains("count"));
  CHECK(Values(*port, "bikes", "count", "counter", "K12") ==
        json::parse("[[1704182400000,14],[1704186000000,20]]"));
  CHECK(Values(*port, "bikes", "temp", "counter", "K12")[0][1] == 18.5);

  // A clean body is 204; an unknown source names the configured ones.
  posted = HttpRequest(*port, "POST", "/api/v1/ingest/bikes",
                       "zeit;zaehlstelle;fahrraeder;temperatur\n"
                       "2024-01-03T08:00:00Z;K13;7;15\n");
  CHECK(posted.status == 204);
  auto missing = HttpRequest(*port, "POST", "/api/v1/ingest/trains", lots);
  CHECK(missing.status == 404);
  CHECK_THAT(missing.body, Catch::Contains("\\\"parking\\\", \\\"bikes\\\""));

  serve.Signal(SIGTERM);
  const auto result = serve.Wait(seconds(60));
  REQUIRE(result.has_value());
  CHECK(result->exit_code == 0);
}

}  // namespace citynexus::app
