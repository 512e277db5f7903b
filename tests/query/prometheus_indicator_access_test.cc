// Who may read `indicator:<id>` through /prometheus: the indicator service's
// rule (query::AuthorizeIndicator): a public indicator is readable by
// anyone, any other needs read on every input measurement. And a caller that
// may read nothing at all is refused (401/403), not given empty successes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "net/net.h"
#include "query/indicators.h"
#include "query/promql.h"
#include "support/temp_dir.h"

namespace citynexus {
namespace {

using nlohmann::json;

constexpr int64_t kT0s = 1709510400;

void Write(engine::Store& store, const std::string& measurement,
           const std::string& field, int64_t t_s, double v) {
  engine::SeriesKey key{measurement, {}, field};
  auto info = store.GetOrCreateSeries(key, engine::ValueType::kFloat);
  REQUIRE(info);
  engine::Point p{info->id, t_s * 1000000000, v};
  REQUIRE(store.Append({&p, 1}));
}

query::IndicatorDefinition Indicator(const std::string& id, bool is_public,
                                     const std::string& expr,
                                     const query::Facts& facts) {
  std::vector<std::string> warnings;
  auto def = query::ParseIndicatorDefinition(
      json{{"id", id},
           {"version", 1},
           {"name", id},
           {"domains", {"mobility"}},
           {"reference",
            {{"standard", "own"}, {"code", nullptr}, {"status", "own"}}},
           {"unit", "1"},
           {"step", "1h"},
           {"min_coverage", 0},
           {"public", is_public},
           {"expr", expr},
           {"description", "test"}}
          .dump(),
      facts, nullptr, &warnings);
  REQUIRE(def);
  return std::move(*def);
}

struct Fixture {
  Fixture() {
    engine::StoreOptions options;
    options.data_dir = dir.str();
    store = std::move(engine::OpenStore(options).value());
    for (int i = 0; i < 120; ++i) {
      Write(*store, "traffic", "vehicles", kT0s + i * 60, i);
      Write(*store, "air", "pm25", kT0s + i * 60, 10);
    }
  }
  testing::TempDir dir;
  std::unique_ptr<engine::Store> store;
};

json Names(const query::PrometheusApi& api,
           std::shared_ptr<const net::Access> access, int* status = nullptr) {
  net::Request req;
  req.method = "GET";
  req.path = "/prometheus/api/v1/label/__name__/values";
  req.access = std::move(access);
  const net::Response r = api.Handle(req);
  if (status != nullptr) *status = r.status;
  return json::parse(r.body);
}

json Query(const query::PrometheusApi& api, const std::string& expr,
           std::shared_ptr<const net::Access> access) {
  net::Request req;
  req.method = "GET";
  req.path = "/prometheus/api/v1/query";
  req.query = {{"query", expr}, {"time", std::to_string(kT0s + 3600 + 600)}};
  req.access = std::move(access);
  return json::parse(api.Handle(req).body);
}

std::shared_ptr<const net::Access> Reader(std::vector<std::string> globs) {
  std::vector<net::Scope> scopes;
  for (auto& g : globs) scopes.push_back({net::Scope::Kind::kRead, g});
  return net::Access::ForToken("t", "reader", std::move(scopes), {});
}

TEST_CASE("prometheus: indicator:<id> follows the indicator read rules") {
  Fixture f;
  query::Facts facts;
  query::IndicatorCatalog catalog;
  // Public, over a measurement nobody but admin may read.
  REQUIRE(catalog
              .Add(Indicator("open_traffic", true,
                             "sum(sum_over_time(traffic.vehicles[1h]))", facts))
              .ok());
  // Private, over two measurements.
  REQUIRE(catalog
              .Add(Indicator("mixed", false,
                             "sum(sum_over_time(traffic.vehicles[1h])) + "
                             "sum(sum_over_time(air.pm25[1h]))",
                             facts))
              .ok());
  const query::IndicatorService service(*f.store, std::move(catalog), facts);
  const query::PrometheusApi api(*f.store, {}, {}, "test", &service);

  // The rule lives in the indicator service; the view must agree with it.
  for (const auto& access :
       {net::Access::Anonymous({}), Reader({"traffic"}),
        Reader({"traffic", "air"}), net::Access::Internal()}) {
    const json names = Names(api, access)["data"];
    for (const query::IndicatorDefinition& def : service.catalog().All()) {
      const bool listed = std::find(names.begin(), names.end(),
                                    "indicator:" + def.id) != names.end();
      CHECK(listed == query::AuthorizeIndicator(def, *access).ok());
    }
  }

  // Anyone, even without a token, reads the public indicator's value.
  const json open =
      Query(api, "indicator:open_traffic", net::Access::Anonymous({}));
  REQUIRE(open["status"] == "success");
  REQUIRE(open["data"]["result"].size() == 1);
  CHECK(open["data"]["result"][0]["value"][1] == "1770");  // 0+1+...+59
  // ...but not its private input.
  CHECK(Query(api, "traffic_vehicles",
              net::Access::Anonymous({}))["data"]["result"]
            .empty());

  // The private one needs read on every input: one of two is not enough.
  CHECK(Query(api, "indicator:mixed", Reader({"traffic"}))["data"]["result"]
            .empty());
  const json both = Query(api, "indicator:mixed", Reader({"traffic", "air"}));
  REQUIRE(both["data"]["result"].size() == 1);
  CHECK(both["data"]["result"][0]["value"][1] == "2370");  // 1770 + 60*10
  CHECK(Names(api, Reader({"traffic", "air"}))["data"] ==
        json::array({"air_pm25", "indicator:mixed", "indicator:open_traffic",
                     "traffic_vehicles"}));
}

TEST_CASE("prometheus: a caller that may read nothing is refused") {
  Fixture f;
  query::Facts facts;
  query::IndicatorCatalog catalog;
  REQUIRE(catalog
              .Add(Indicator("closed", false,
                             "sum(sum_over_time(traffic.vehicles[1h]))", facts))
              .ok());
  const query::IndicatorService service(*f.store, std::move(catalog), facts);
  const query::PrometheusApi api(*f.store, {}, {}, "test", &service);

  int status = 0;
  Names(api, net::Access::Anonymous({}), &status);
  CHECK(status == 401);
  const auto writer = net::Access::ForToken(
      "w", "writer", {net::Scope{net::Scope::Kind::kWrite, "*"}}, {});
  Names(api, writer, &status);
  CHECK(status == 403);
  // anonymous_read globs count when they match a stored measurement.
  CHECK(Names(api, net::Access::Anonymous({"air"}), &status)["data"] ==
        json::array({"air_pm25"}));
  CHECK(status == 200);
}

}  // namespace
}  // namespace citynexus
