// Line protocol over the real HTTP server into a real store, read back
// through the JSON query API.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "connectors/connectors.h"
#include "connectors/http_ingest_util.h"
#include "engine/engine.h"
#include "support/http_client.h"

using namespace citynexus;
using citynexus::testing::HttpRequest;
using citynexus::testing::IngestServer;
using nlohmann::json;

TEST_CASE(
    "line protocol written over /write is read back through /api/v1/query",
    "[connectors][http][integration]") {
  IngestServer s;
  const std::string body =
      "traffic,sensor=K12,district=Mitte vehicles=14i,speed=43.5 1704067200\n"
      "traffic,sensor=K12,district=Mitte vehicles=18i,speed=41.0 1704067260\n";
  auto w = HttpRequest(s.port(), "POST", "/write?db=city&precision=s", body);
  REQUIRE(w.status == 204);

  auto r = HttpRequest(s.port(), "GET",
                       "/api/v1/query?measurement=traffic&field=vehicles"
                       "&start=1704067200&end=1704067320&epoch=s");
  REQUIRE(r.status == 200);
  auto j = json::parse(r.body);
  REQUIRE(j["series"].size() == 1);
  CHECK(j["series"][0]["tags"]["sensor"] == "K12");
  CHECK(j["series"][0]["values"] ==
        json::parse("[[1704067200,14],[1704067260,18]]"));

  auto agg = HttpRequest(s.port(), "GET",
                         "/api/v1/query?measurement=traffic&field=speed"
                         "&start=1704067200&end=1704067320&step=1h&agg=mean");
  REQUIRE(agg.status == 200);
  auto ja = json::parse(agg.body);
  REQUIRE(ja["series"].size() == 1);
  CHECK(ja["series"][0]["values"][0][1].get<double>() == Approx(42.25));
}

TEST_CASE("a partial write stores the good lines and names the bad ones",
          "[connectors][http][integration]") {
  IngestServer s;
  const std::string body =
      "air,station=S1 no2=21.5 1704067200000000000\n"
      "air,station=S1 no2=14x 1704067260000000000\n"
      "air,station=S1 no2=23.0 1704067320000000000\n";
  auto w = HttpRequest(s.port(), "POST", "/api/v2/write?bucket=b&org=o", body);
  REQUIRE(w.status == 400);
  auto err = json::parse(w.body);
  CHECK(err["error"]["code"] == "partial_write");
  REQUIRE(err["error"]["rejected"].size() == 1);
  CHECK(err["error"]["rejected"][0]["line"] == 2);

  auto r = HttpRequest(s.port(), "GET",
                       "/api/v1/query?measurement=air&start=1704067200"
                       "&end=1704067400&agg=count");
  REQUIRE(r.status == 200);
  CHECK(json::parse(r.body)["series"][0]["values"][0][1] == 2);
}

TEST_CASE("a field type conflict is rejected with its reason",
          "[connectors][http][integration]") {
  IngestServer s;
  REQUIRE(HttpRequest(s.port(), "POST", "/write?precision=s",
                      "traffic vehicles=3i 1704067200\n")
              .status == 204);
  auto w = HttpRequest(s.port(), "POST", "/write?precision=s",
                       "traffic vehicles=3.5 1704067260\n");
  REQUIRE(w.status == 400);
  CHECK_THAT(
      w.body,
      Catch::Contains("field type conflict: vehicles is integer, got float"));
}

TEST_CASE("a bad precision is a 400 naming the parameter",
          "[connectors][http][integration]") {
  IngestServer s;
  auto w =
      HttpRequest(s.port(), "POST", "/api/v2/write?precision=h", "m v=1\n");
  CHECK(w.status == 400);
  CHECK_THAT(w.body, Catch::Contains("precision"));
}

TEST_CASE("SenML posted to /api/v1/senml lands with its unit as metadata",
          "[connectors][http][senml][integration]") {
  IngestServer s;
  const std::string pack =
      R"([{"bn":"urn:dev:ow:10e2073a01080063:","bt":1.320067464e+09,"bu":"Cel","v":23.1,"n":"temp"},)"
      R"({"n":"temp","t":60,"v":23.4},{"n":"hum","u":"%RH","v":48}])";
  auto w = HttpRequest(s.port(), "POST", "/api/v1/senml?measurement=climate",
                       pack, "Content-Type: application/senml+json\r\n");
  REQUIRE(w.status == 204);
  engine::SeriesFilter filter;
  filter.measurement = "climate";
  auto series = s.store().FindSeries(filter);
  REQUIRE(series.size() == 2);
  bool saw_temp = false;
  for (const auto& info : series) {
    REQUIRE(info.key.tags.size() == 1);
    if (info.key.tags[0].second == "urn:dev:ow:10e2073a01080063:temp") {
      saw_temp = true;
      CHECK(info.meta.unit == "Cel");
      std::vector<double> values;
      REQUIRE(s.store()
                  .Scan(info.id, 0, INT64_MAX / 2,
                        [&](const engine::Sample& p) {
                          values.push_back(std::get<double>(p.value));
                          return true;
                        })
                  .ok());
      CHECK(values == std::vector<double>{23.1, 23.4});
    } else {
      CHECK(info.meta.unit == "%RH");
    }
  }
  CHECK(saw_temp);

  auto bad = HttpRequest(s.port(), "POST", "/api/v1/senml",
                         R"([{"n":"x","v":1,"bad_":2},{"n":"ok","v":2}])");
  REQUIRE(bad.status == 400);
  CHECK_THAT(bad.body, Catch::Contains("record 0"));
}

TEST_CASE(
    "a configured JSON mapping ingests an open-data array and unknown sources "
    "get 404",
    "[connectors][http][mapping][integration]") {
  connectors::HttpIngestOptions options;
  connectors::IngestSource source;
  source.name = "parking";
  source.format = connectors::IngestSource::Format::kJson;
  source.json.records = "/lots";
  source.json.time = "/updated";
  source.json.measurement = "parking";
  source.json.fields = {{"free", "/free", connectors::MappedType::kInt}};
  source.json.tags = {{"lot", "/id"}};
  options.sources.push_back(source);
  IngestServer s(options);
  const std::string body =
      R"({"lots":[{"id":"P1","free":12,"updated":"2024-01-01T10:00:00Z"},)"
      R"({"id":"P2","free":3,"updated":"2024-01-01T10:00:00Z"}]})";
  auto w = HttpRequest(s.port(), "POST", "/api/v1/ingest/parking", body);
  REQUIRE(w.status == 204);
  auto r = HttpRequest(s.port(), "GET",
                       "/api/v1/query?measurement=parking&tag.lot=P1"
                       "&start=2024-01-01&end=2024-01-02");
  REQUIRE(r.status == 200);
  CHECK(json::parse(r.body)["series"][0]["values"] ==
        json::parse("[[1704103200000,12]]"));
  auto missing = HttpRequest(s.port(), "POST", "/api/v1/ingest/nope", body);
  CHECK(missing.status == 404);
  // The body is JSON, so the quotes around the names are escaped.
  CHECK_THAT(missing.body, Catch::Contains(R"(no ingest source \"nope\")") &&
                               Catch::Contains(R"(configured: \"parking\")"));
}
