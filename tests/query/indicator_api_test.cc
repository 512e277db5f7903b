// The indicator HTTP handlers, called directly with net::Request.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "indicator_fixture_util.h"

using namespace citynexus;
using namespace citynexus::testing;
using nlohmann::json;

namespace {

struct ApiFixture {
  IndicatorFixture f;
  std::unique_ptr<query::IndicatorService> service;

  ApiFixture() {
    f.facts.Set("population", {query::Facts::Period{INT64_MIN, 1000}});
    // Hourly 5 m3 over one day: 120 m3 -> 120000 l / 1000 = 120 l per
    // person and day.
    f.WriteRegular(f.Series("water", {{"outlet", "W1"}}, "system_input"), kT0,
                   kHourNs, 24, 5);
    query::IndicatorCatalog catalog;
    auto def = query::ParseIndicatorDefinition(
        R"json({"id": "water_use", "version": 2, "name": "Water use",
            "domains": ["water"], "unit": "l/(person*d)", "step": "1d",
            "reference": {"standard": "ISO 37120:2014", "code": "21.5",
                          "status": "confirmed"},
            "expr": "1000 * sum(sum_over_time(water.system_input[1d])) / fact(\"population\")"})json",
        f.facts, nullptr, nullptr);
    REQUIRE(def.has_value());
    REQUIRE(catalog.Add(std::move(*def)).ok());
    service = std::make_unique<query::IndicatorService>(
        f.store(), std::move(catalog), f.facts);
  }
};

net::Request Get(const std::string& path,
                 std::vector<std::pair<std::string, std::string>> query) {
  net::Request r;
  r.access = net::Access::Internal();  // not about access
  r.method = "GET";
  r.path = path;
  r.query = std::move(query);
  return r;
}

const std::string kStart = "2024-03-04T00:00:00Z";
const std::string kEnd = "2024-03-06T00:00:00Z";

}  // namespace

TEST_CASE("GET /api/v1/indicators lists the catalog with metadata",
          "[query][indicators][api]") {
  ApiFixture a;
  auto resp =
      query::HandleListIndicators(*a.service, Get("/api/v1/indicators", {}));
  REQUIRE(resp.status == 200);
  const json body = json::parse(resp.body);
  REQUIRE(body["indicators"].size() == 1);
  const json& d = body["indicators"][0];
  CHECK(d["id"] == "water_use");
  CHECK(d["version"] == 2);
  CHECK(d["unit"] == "l/(person*d)");
  CHECK(d["step"] == "1d");
  CHECK(d["domains"] == json::array({"water"}));
  CHECK(d["reference"]["code"] == "21.5");
  CHECK(d["reference"]["status"] == "confirmed");
}

TEST_CASE("GET /api/v1/indicators/{id} evaluates with coverage and quality",
          "[query][indicators][api]") {
  ApiFixture a;
  auto req = Get("/api/v1/indicators/water_use",
                 {{"start", kStart}, {"end", kEnd}, {"epoch", "s"}});
  req.path_params["id"] = "water_use";
  auto resp = query::HandleGetIndicator(*a.service, req, 0);
  REQUIRE(resp.status == 200);
  const json body = json::parse(resp.body);
  CHECK(body["id"] == "water_use");
  CHECK(body["name"] == "Water use");
  CHECK(body["reference"]["standard"] == "ISO 37120:2014");
  REQUIRE(body["series"].size() == 1);
  const json& s = body["series"][0];
  CHECK(s["labels"] == json::object());
  // Day 1 (2024-03-04): 120 l, complete. Day 2: no data.
  REQUIRE(s["values"].size() == 2);
  CHECK(s["values"][0][0] == 1709510400);
  CHECK(s["values"][0][1].get<double>() == Approx(120));
  CHECK(s["coverage"][0] == 1.0);
  CHECK(s["quality"][0] == "ok");
  CHECK(s["values"][1][1].is_null());
  CHECK(s["quality"][1] == "insufficient_data");

  auto missing = Get("/api/v1/indicators/nope", {});
  missing.path_params["id"] = "nope";
  CHECK(query::HandleGetIndicator(*a.service, missing, 0).status == 404);
  auto bad = req;
  bad.query = {{"start", "yesterday"}};
  CHECK(query::HandleGetIndicator(*a.service, bad, 0).status == 400);
  auto tz = req;
  tz.query = {{"start", kStart}, {"end", kEnd}, {"tz", "Mars/Olympus"}};
  CHECK(query::HandleGetIndicator(*a.service, tz, 0).status == 400);
  auto hourly = req;
  hourly.query = {{"start", kStart}, {"end", kEnd}, {"step", "1h"}};
  auto h = query::HandleGetIndicator(*a.service, hourly, 0);
  REQUIRE(h.status == 200);
  // At 1 h steps the [1d] window ends with each hour: the first hour holds
  // one reading of 5 m3 -> 5 l per person, coverage 1/24.
  const json hb = json::parse(h.body);
  CHECK(hb["step"] == "1h");
  CHECK(hb["series"][0]["values"][0][1].get<double>() == Approx(5));
  CHECK(hb["series"][0]["quality"][0] == "partial");
}

TEST_CASE("POST /api/v1/indicators/evaluate runs ad-hoc expressions",
          "[query][indicators][api]") {
  ApiFixture a;
  net::Request req;
  req.access = net::Access::Internal();  // not about access
  req.method = "POST";
  req.path = "/api/v1/indicators/evaluate";
  req.body = json{
      {"expr", "sum(sum_over_time(water.system_input[1d])) * 2"},
      {"start", kStart},
      {"end", "2024-03-05T00:00:00Z"},
      {"step",
       "1d"}}.dump();
  auto resp = query::HandleEvaluateExpression(*a.service, req, 0);
  REQUIRE(resp.status == 200);
  const json body = json::parse(resp.body);
  CHECK(body["series"][0]["values"][0][1].get<double>() == Approx(240));
  CHECK(body["series"][0]["values"][0][0] == 1709510400000LL);  // ms

  req.body = json{
      {"expr", "sum(\n  water.system_input[1d]"},
      {"start", kStart},
      {"end",
       kEnd}}.dump();
  auto err = query::HandleEvaluateExpression(*a.service, req, 0);
  REQUIRE(err.status == 400);
  const json e = json::parse(err.body);
  CHECK(e["error"]["code"] == "invalid_argument");
  CHECK(e["error"]["position"]["line"] == 2);
  CHECK(e["error"]["position"]["column"] == 25);
  CHECK(e["error"]["position"]["offset"] == 29);
  CHECK_THAT(e["error"]["message"].get<std::string>(),
             Catch::Contains("expected ')'"));

  req.body = json{{"expr", "fact(\"households\")"}}.dump();
  const json f =
      json::parse(query::HandleEvaluateExpression(*a.service, req, 0).body);
  CHECK(f["error"]["position"]["column"] == 6);

  req.body = json{{"expr", "a.b * on(x) group_left c.d"}}.dump();
  CHECK(query::HandleEvaluateExpression(*a.service, req, 0).status == 501);
  req.body = "not json";
  CHECK(query::HandleEvaluateExpression(*a.service, req, 0).status == 400);
  req.body = json{{"expr", "1"}, {"bogus", 1}}.dump();
  CHECK(query::HandleEvaluateExpression(*a.service, req, 0).status == 400);
}

TEST_CASE("indicator routes are registered on the router",
          "[query][indicators][api]") {
  ApiFixture a;
  net::Router router;
  query::RegisterIndicatorRoutes(router, *a.service);
  CHECK(router.Find("GET", "/api/v1/indicators").handler != nullptr);
  auto m = router.Find("GET", "/api/v1/indicators/water_use");
  REQUIRE(m.handler != nullptr);
  CHECK(m.params["id"] == "water_use");
  CHECK(router.Find("POST", "/api/v1/indicators/evaluate").handler != nullptr);
}

TEST_CASE(
    "indicators: public ones for anyone, private ones need read on "
    "their inputs",
    "[query][indicators][api][auth]") {
  ApiFixture a;
  auto with = [](net::Request r, std::shared_ptr<const net::Access> access) {
    r.access = std::move(access);
    return r;
  };
  const auto anonymous = net::Access::Anonymous({});
  const auto reader = net::Access::ForToken("t1", "water", {}, {"water"});
  const auto other = net::Access::ForToken("t2", "other", {}, {"traffic"});
  const std::vector<std::pair<std::string, std::string>> range = {
      {"start", kStart}, {"end", kEnd}};
  net::Request get = Get("/api/v1/indicators/water_use", range);
  get.path_params["id"] = "water_use";
  CHECK(query::HandleGetIndicator(*a.service, with(get, anonymous), 0).status ==
        401);
  CHECK(query::HandleGetIndicator(*a.service, with(get, other), 0).status ==
        403);
  CHECK(query::HandleGetIndicator(*a.service, with(get, reader), 0).status ==
        200);
  auto listed = query::HandleListIndicators(
      *a.service, with(Get("/api/v1/indicators", {}), anonymous));
  CHECK(json::parse(listed.body)["indicators"].empty());

  net::Request eval = Get("/api/v1/indicators/evaluate", {});
  eval.method = "POST";
  eval.body = R"j({"expr": "sum(water.system_input)", "start": ")j" + kStart +
              R"j(", "end": ")j" + kEnd + R"j("})j";
  CHECK(query::HandleEvaluateExpression(*a.service, with(eval, other), 0)
            .status == 403);
  CHECK(query::HandleEvaluateExpression(*a.service, with(eval, reader), 0)
            .status == 200);

  // The same definition marked public: anyone may evaluate it.
  auto def = query::ParseIndicatorDefinition(
      R"json({"id": "water_pub", "version": 1, "name": "Water", "public": true,
          "domains": ["water"], "unit": "m3", "step": "1d",
          "reference": {"standard": "own", "status": "own"},
          "expr": "sum(sum_over_time(water.system_input[1d]))"})json",
      a.f.facts, nullptr, nullptr);
  REQUIRE(def.has_value());
  CHECK(def->is_public);
  CHECK(query::AuthorizeIndicator(*def, *anonymous).ok());
  def->is_public = false;
  CHECK(query::AuthorizeIndicator(*def, *anonymous).code() ==
        StatusCode::kUnauthenticated);
  CHECK(query::AuthorizeIndicator(*def, *reader).ok());
}
