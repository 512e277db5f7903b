// QueryGuard, and the read APIs stopping when their client disconnects or
// their time runs out: /query (InfluxQL), /api/v1/query, the indicators.
#include "query/query_guard.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/engine.h"
#include "indicator_fixture_util.h"
#include "net/net.h"
#include "query/query.h"
#include "support/temp_dir.h"

using namespace citynexus;
using namespace std::chrono_literals;

namespace {

// A store with one series and a router with the query routes.
struct ApiFixture {
  testing::TempDir dir;
  std::unique_ptr<engine::Store> store;
  net::Router router;
  std::unique_ptr<query::QueryEngine> engine;

  explicit ApiFixture(query::QueryOptions options = {}) {
    engine::StoreOptions store_options;
    store_options.data_dir = dir.str();
    auto opened = engine::OpenStore(store_options);
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    engine::SeriesKey key{"air", {{"station", "A1"}}, "no2"};
    auto info = store->GetOrCreateSeries(key, engine::ValueType::kFloat);
    REQUIRE(info.has_value());
    std::vector<engine::Point> points;
    for (int i = 0; i < 10; ++i) {
      points.push_back(
          {info->id, 1704067200000000000 + i * 60000000000LL, 20.0 + i});
    }
    REQUIRE(store->Append(points).has_value());
    engine = std::make_unique<query::QueryEngine>(*store, options);
    query::RegisterQueryRoutes(router, *engine);
    query::RegisterInfluxQlRoutes(router, *store, options);
  }
  ~ApiFixture() { (void)store->Close(); }

  net::Response Send(net::Request req) {
    auto match = router.Find(req.method, req.path);
    REQUIRE(match.handler != nullptr);
    std::optional<net::Response> out;
    (*match.handler)(std::move(req), [&](net::Response r) { out = r; });
    REQUIRE(out.has_value());
    return *out;
  }
};

net::Request Get(std::string path,
                 std::vector<std::pair<std::string, std::string>> query,
                 bool client_gone) {
  net::Request r;
  r.access = net::Access::Internal();  // not about access
  r.method = "GET";
  r.path = std::move(path);
  r.query = std::move(query);
  r.client_gone = [client_gone] { return client_gone; };
  return r;
}

const std::vector<std::pair<std::string, std::string>> kJsonQuery = {
    {"measurement", "air"},
    {"field", "no2"},
    {"start", "2024-01-01T00:00:00Z"},
    {"end", "2024-01-02T00:00:00Z"},
    {"step", "1h"},
    {"agg", "mean"}};

}  // namespace

TEST_CASE("a query guard without limits lets the query run", "[query][guard]") {
  query::QueryGuard unlimited;
  CHECK(unlimited.Check().ok());
  query::QueryGuard connected(0ms, [] { return false; });
  CHECK(connected.Check().ok());
  query::QueryGuard generous(1h, nullptr);
  CHECK(generous.Check().ok());
}

TEST_CASE("a query guard stops a query past its time limit", "[query][guard]") {
  query::QueryGuard guard(1ms, nullptr);
  std::this_thread::sleep_for(5ms);
  Status st = guard.Check();
  CHECK(st.code() == StatusCode::kDeadlineExceeded);
  CHECK_THAT(st.message(), Catch::Contains("query.timeout"));
  CHECK(guard.Check().code() == StatusCode::kDeadlineExceeded);  // sticky
}

TEST_CASE("a query guard stops a query whose client is gone",
          "[query][guard]") {
  int probes = 0;
  query::QueryGuard guard(1h, [&] {
    ++probes;
    return true;
  });
  CHECK(guard.Check().code() == StatusCode::kCancelled);
  CHECK(guard.Check().code() == StatusCode::kCancelled);
  CHECK(probes == 1);  // sticky: no second probe
}

TEST_CASE("the JSON query API stops when its client has disconnected",
          "[query][guard]") {
  ApiFixture f;
  CHECK(f.Send(Get("/api/v1/query", kJsonQuery, false)).status == 200);
  net::Response gone = f.Send(Get("/api/v1/query", kJsonQuery, true));
  CHECK(gone.status == 499);
  CHECK_THAT(gone.body, Catch::Contains("client disconnected"));
}

TEST_CASE("InfluxQL statements stop when their client has disconnected",
          "[query][guard][influxql]") {
  ApiFixture f;
  const std::vector<std::pair<std::string, std::string>> q = {
      {"db", "x"}, {"q", "SELECT last(no2) FROM air; SHOW MEASUREMENTS"}};
  net::Response ok = f.Send(Get("/query", q, false));
  CHECK(ok.status == 200);
  CHECK_THAT(ok.body, Catch::Contains("29"));
  net::Response gone = f.Send(Get("/query", q, true));
  CHECK(gone.status == 200);  // InfluxDB reports statement errors in 200
  const auto body = nlohmann::json::parse(gone.body);
  REQUIRE(body["results"].size() == 2);
  for (const auto& r : body["results"]) {
    CHECK(r["error"] == "query cancelled: the client disconnected");
  }
}

TEST_CASE("indicator evaluation stops when its client has disconnected",
          "[query][guard][indicators]") {
  testing::IndicatorFixture f;
  f.WriteRegular(f.Series("water", {{"outlet", "W1"}}, "system_input"),
                 testing::kT0, testing::kHourNs, 24, 5);
  query::IndicatorService service(f.store(), query::IndicatorCatalog{},
                                  f.facts);
  net::Request req;
  req.access = net::Access::Internal();  // not about access
  req.method = "POST";
  req.path = "/api/v1/indicators/evaluate";
  req.body = R"j({"expr": "sum(sum_over_time(water.system_input[1d]))",
                   "start": "2024-03-04T00:00:00Z",
                   "end": "2024-03-05T00:00:00Z", "step": "1d"})j";
  req.client_gone = [] { return false; };
  CHECK(query::HandleEvaluateExpression(service, req, 0).status == 200);
  req.client_gone = [] { return true; };
  net::Response gone = query::HandleEvaluateExpression(service, req, 0);
  CHECK(gone.status == 499);
}
