// The /prometheus API's own rules: access filtering, the error envelope and
// status codes, limits, form-encoded POSTs and the name collision rule.
// Its PromQL semantics are checked against a real Prometheus by
// `make test-prom-parity` (scripts/test-prom-parity.sh).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/engine.h"
#include "net/net.h"
#include "query/promql.h"
#include "support/temp_dir.h"

namespace citynexus {
namespace {

using nlohmann::json;

constexpr int64_t kT0s = 1709510400;

class PromFixture {
 public:
  PromFixture() {
    engine::StoreOptions options;
    options.data_dir = dir_.str();
    store_ = std::move(engine::OpenStore(options).value());
  }
  void Write(const std::string& measurement, const std::string& field,
             std::vector<std::pair<std::string, std::string>> tags, int64_t t_s,
             double v) {
    engine::SeriesKey key{measurement, std::move(tags), field};
    key.SortTags();
    auto info = store_->GetOrCreateSeries(key, engine::ValueType::kFloat);
    REQUIRE(info);
    engine::Point p{info->id, t_s * 1000000000, v};
    REQUIRE(store_->Append({&p, 1}));
  }
  net::Response Get(
      const std::string& path,
      std::vector<std::pair<std::string, std::string>> query,
      std::shared_ptr<const net::Access> access = net::Access::Internal(),
      query::QueryOptions options = {}) {
    net::Request req;
    req.method = "GET";
    req.path = path;
    req.query = std::move(query);
    req.access = std::move(access);
    query::PrometheusApi api(*store_, options, {}, "test");
    return api.Handle(req);
  }
  engine::Store& store() { return *store_; }

 private:
  testing::TempDir dir_;
  std::unique_ptr<engine::Store> store_;
};

json Body(const net::Response& r) { return json::parse(r.body); }

TEST_CASE("prometheus: a token reads only the measurements it may read") {
  PromFixture f;
  f.Write("traffic", "vehicles", {{"sensor", "s1"}}, kT0s, 3);
  f.Write("secret", "count", {{"site", "hidden"}}, kT0s, 7);
  auto token = net::Access::ForToken(
      "t1", "dash", {net::Scope{net::Scope::Kind::kRead, "traffic"}}, {});

  auto labels = Body(f.Get("/prometheus/api/v1/labels", {}, token));
  CHECK(labels["data"] == json::array({"__name__", "sensor"}));
  auto names =
      Body(f.Get("/prometheus/api/v1/label/__name__/values", {}, token));
  CHECK(names["data"] == json::array({"traffic_vehicles"}));
  auto sites = Body(f.Get("/prometheus/api/v1/label/site/values", {}, token));
  CHECK(sites["data"] == json::array());
  auto series = Body(f.Get("/prometheus/api/v1/series",
                           {{"match[]", "{__name__=~\".+\"}"}}, token));
  REQUIRE(series["data"].size() == 1);
  CHECK(series["data"][0]["__name__"] == "traffic_vehicles");
  auto q = Body(f.Get("/prometheus/api/v1/query",
                      {{"query", "count({__name__=~\".+\"})"},
                       {"time", std::to_string(kT0s + 10)}},
                      token));
  CHECK(q["data"]["result"][0]["value"][1] == "1");
  // The internal caller sees both.
  auto all = Body(
      f.Get("/prometheus/api/v1/query", {{"query", "count({__name__=~\".+\"})"},
                                         {"time", std::to_string(kT0s + 10)}}));
  CHECK(all["data"]["result"][0]["value"][1] == "2");
}

TEST_CASE("prometheus: a request without access is refused with 401") {
  PromFixture f;
  f.Write("traffic", "vehicles", {}, kT0s, 3);
  auto r = f.Get("/prometheus/api/v1/query", {{"query", "traffic_vehicles"}},
                 nullptr);
  CHECK(r.status == 401);
  CHECK(Body(r)["status"] == "error");
}

TEST_CASE("prometheus: errors use Prometheus' types and codes") {
  PromFixture f;
  f.Write("traffic", "vehicles", {{"sensor", "s1"}}, kT0s, 3);
  f.Write("traffic", "vehicles", {{"sensor", "s2"}}, kT0s, 4);
  auto bad = f.Get("/prometheus/api/v1/query", {{"query", "sum("}});
  CHECK(bad.status == 400);
  CHECK(Body(bad)["errorType"] == "bad_data");
  auto unsupported =
      f.Get("/prometheus/api/v1/query",
            {{"query", "holt_winters(traffic_vehicles[5m], 0.5, 0.5)"}});
  CHECK(unsupported.status == 400);
  CHECK(Body(unsupported)["error"].get<std::string>().find("not supported") !=
        std::string::npos);
  auto resolution =
      f.Get("/prometheus/api/v1/query_range",
            {{"query", "1"}, {"start", "0"}, {"end", "100000"}, {"step", "1"}});
  CHECK(resolution.status == 400);
  query::QueryOptions limits;
  limits.max_series = 1;
  auto many =
      f.Get("/prometheus/api/v1/query",
            {{"query", "traffic_vehicles"}, {"time", std::to_string(kT0s)}},
            net::Access::Internal(), limits);
  CHECK(many.status == 422);
  CHECK(Body(many)["errorType"] == "execution");
  query::QueryOptions few_points;
  few_points.max_points = 1;
  auto points = f.Get("/prometheus/api/v1/query",
                      {{"query", "count_over_time(traffic_vehicles[1h])"},
                       {"time", std::to_string(kT0s)}},
                      net::Access::Internal(), few_points);
  CHECK(points.status == 422);
  CHECK(Body(points)["error"].get<std::string>().find("query.max_points") !=
        std::string::npos);
  auto matching = f.Get("/prometheus/api/v1/query",
                        {{"query", "traffic_vehicles + on() traffic_vehicles"},
                         {"time", std::to_string(kT0s)}});
  CHECK(matching.status == 422);
}

TEST_CASE("prometheus: form-encoded POST, value format and lookback_delta") {
  PromFixture f;
  f.Write("water", "level", {{"gauge", "g1"}}, kT0s, 1.5);
  net::Request req;
  req.method = "POST";
  req.path = "/prometheus/api/v1/query";
  req.headers["content-type"] = "application/x-www-form-urlencoded";
  req.body = "query=water_level%20%2F%200&time=" + std::to_string(kT0s + 60);
  req.access = net::Access::Internal();
  query::PrometheusApi api(f.store(), {}, {}, "test");
  auto body = Body(api.Handle(req));
  REQUIRE(body["data"]["resultType"] == "vector");
  CHECK(body["data"]["result"][0]["value"] == json::array({kT0s + 60, "+Inf"}));
  CHECK(body["data"]["result"][0]["metric"] == json{{"gauge", "g1"}});
  // 10 minutes later the 5 minute lookback finds nothing; 15m does.
  const std::string later = std::to_string(kT0s + 600);
  CHECK(
      Body(f.Get("/prometheus/api/v1/query",
                 {{"query", "water_level"}, {"time", later}}))["data"]["result"]
          .empty());
  CHECK(Body(f.Get("/prometheus/api/v1/query",
                   {{"query", "water_level"},
                    {"time", later},
                    {"lookback_delta", "15m"}}))["data"]["result"]
            .size() == 1);
}

TEST_CASE("prometheus: series whose names collide stay distinct") {
  PromFixture f;
  f.Write("a.b", "c", {}, kT0s, 1);
  f.Write("a_b", "c", {}, kT0s, 2);
  auto series =
      Body(f.Get("/prometheus/api/v1/series", {{"match[]", "a_b_c"}}));
  REQUIRE(series["data"].size() == 2);
  std::set<std::string> keys;
  for (const auto& s : series["data"])
    keys.insert(s["citynexus_series"].get<std::string>());
  CHECK(keys.size() == 2);
}

TEST_CASE(
    "prometheus: indicators are indicator:<id>, stamped at their step end") {
  PromFixture f;
  for (int i = 0; i < 120; ++i) {
    f.Write("traffic", "vehicles", {{"road", "main"}}, kT0s + i * 60, i);
  }
  query::Facts facts;
  std::vector<std::string> warnings;
  auto def = query::ParseIndicatorDefinition(R"json({
    "id": "traffic_hourly", "version": 1, "name": "Vehicles per hour",
    "domains": ["mobility"],
    "reference": {"standard": "own", "code": null, "status": "own"},
    "unit": "vehicles", "step": "1h", "min_coverage": 0,
    "expr": "sum by (road) (sum_over_time(traffic.vehicles[1h]))",
    "description": "test"})json",
                                             facts, nullptr, &warnings);
  REQUIRE(def);
  query::IndicatorCatalog catalog;
  REQUIRE(catalog.Add(std::move(*def)).ok());
  const query::IndicatorService service(f.store(), std::move(catalog), facts);
  query::PrometheusApi api(f.store(), {}, {}, "test", &service);
  auto get = [&](std::vector<std::pair<std::string, std::string>> params,
                 std::shared_ptr<const net::Access> access) {
    net::Request req;
    req.method = "GET";
    req.path = "/prometheus/api/v1/query";
    req.query = std::move(params);
    req.access = std::move(access);
    return Body(api.Handle(req));
  };
  // The value the indicator API gives for the first hour.
  query::EvaluationRequest direct;
  direct.start_ns = kT0s * 1000000000;
  direct.end_ns = (kT0s + 3600) * 1000000000;
  auto expected = service.Evaluate("traffic_hourly", direct);
  REQUIRE(expected);
  REQUIRE(expected->series.size() == 1);
  REQUIRE(expected->series[0].points.at(0).value);
  const double first_hour = *expected->series[0].points[0].value;

  // Ten minutes after the hour ends, the default lookback still finds it.
  auto q = get({{"query", "indicator:traffic_hourly{road=\"main\"}"},
                {"time", std::to_string(kT0s + 3600 + 600)}},
               net::Access::Internal());
  REQUIRE(q["data"]["result"].size() == 1);
  CHECK(q["data"]["result"][0]["metric"] ==
        json{{"__name__", "indicator:traffic_hourly"}, {"road", "main"}});
  CHECK(std::stod(q["data"]["result"][0]["value"][1].get<std::string>()) ==
        first_hour);
  // Before the hour is complete there is no value.
  auto early = get({{"query", "indicator:traffic_hourly"},
                    {"time", std::to_string(kT0s + 1800)}},
                   net::Access::Internal());
  CHECK(early["data"]["result"].empty());
  // A token that may not read the input measurement does not see it.
  auto other = net::Access::ForToken(
      "t", "other", {net::Scope{net::Scope::Kind::kRead, "air"}}, {});
  auto hidden = get({{"query", "indicator:traffic_hourly"},
                     {"time", std::to_string(kT0s + 3600 + 600)}},
                    other);
  CHECK(hidden["data"]["result"].empty());
  net::Request names;
  names.method = "GET";
  names.path = "/prometheus/api/v1/label/__name__/values";
  names.access = other;
  CHECK(Body(api.Handle(names))["data"] == json::array());
  names.access = net::Access::Internal();
  CHECK(Body(api.Handle(names))["data"] ==
        json::array({"indicator:traffic_hourly", "traffic_vehicles"}));
}

}  // namespace
}  // namespace citynexus

namespace citynexus {
namespace {

TEST_CASE(
    "prometheus: label listings are not bounded by query.max_series, the "
    "series listing is") {
  PromFixture f;
  for (int i = 0; i < 12; ++i) {
    f.Write("meters", "kwh",
            {{"district", "d" + std::to_string(i % 3)},
             {"meter", "m" + std::to_string(i)}},
            kT0s, i);
  }
  query::QueryOptions few;
  few.max_series = 5;  // fewer than the 12 series
  auto get = [&](const std::string& path,
                 std::vector<std::pair<std::string, std::string>> params) {
    return f.Get(path, std::move(params), net::Access::Internal(), few);
  };
  auto districts = get("/prometheus/api/v1/label/district/values", {});
  REQUIRE(districts.status == 200);
  CHECK(Body(districts)["data"] == json::array({"d0", "d1", "d2"}));
  auto names = get("/prometheus/api/v1/label/__name__/values", {});
  REQUIRE(names.status == 200);
  CHECK(Body(names)["data"] == json::array({"meters_kwh"}));
  auto labels = get("/prometheus/api/v1/labels", {});
  REQUIRE(labels.status == 200);
  CHECK(Body(labels)["data"] == json::array({"__name__", "district", "meter"}));
  auto meta = get("/prometheus/api/v1/metadata", {});
  REQUIRE(meta.status == 200);
  CHECK(Body(meta)["data"].contains("meters_kwh"));
  // A time window leaves out series without points in it.
  auto later = get("/prometheus/api/v1/label/district/values",
                   {{"start", std::to_string(kT0s + 3600)}});
  REQUIRE(later.status == 200);
  CHECK(Body(later)["data"] == json::array());
  // The walk is bounded in time: a client that left stops it (the same
  // guard enforces query.timeout).
  for (const char* path :
       {"/prometheus/api/v1/labels", "/prometheus/api/v1/label/meter/values",
        "/prometheus/api/v1/metadata"}) {
    INFO(path);
    net::Request gone;
    gone.method = "GET";
    gone.path = path;
    gone.access = net::Access::Internal();
    gone.client_gone = [] { return true; };
    query::PrometheusApi api(f.store(), few, {}, "test");
    auto r = api.Handle(gone);
    CHECK(r.status == 499);
    CHECK(Body(r)["errorType"] == "canceled");
  }
  // Listing the series themselves stays bounded.
  auto series = get("/prometheus/api/v1/series", {{"match[]", "meters_kwh"}});
  CHECK(series.status == 422);
}

}  // namespace
}  // namespace citynexus
