// InfluxQL beyond plain aggregates, end to end through /query against a
// real store: math, transformations (the first bucket reads the window
// before the range), top(), subqueries, SHOW ... CARDINALITY and the errors
// of unsupported forms. The parity run (scripts/influx_parity) compares the
// same functions against InfluxDB 1.6.7 on a larger data set.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "net/net.h"
#include "query/influxql/show_retention.h"
#include "query/query.h"
#include "support/temp_dir.h"

using namespace citynexus;
using citynexus::testing::TempDir;

namespace {

constexpr int64_t kSec = 1000000000;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kT0 = 1704067200 * kSec;  // 2024-01-01T00:00:00Z

struct Fixture {
  TempDir dir;
  std::unique_ptr<engine::Store> store;
  net::Router router;

  Fixture() {
    engine::StoreOptions options;
    options.data_dir = dir.str();
    auto opened = engine::OpenStore(options);
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    query::RegisterInfluxQlRoutes(router, *store, {});
    // cpu,host=a,region=eu value=1,3,5 (+0, +1m, +5m) idle=50 (+0)
    // cpu,host=b,region=us value=10,20 (+0, +2m)
    // mem,host=a used=100i,200i (+0, +1m)
    const auto a = Series("cpu", {{"host", "a"}, {"region", "eu"}}, "value");
    const auto a_idle =
        Series("cpu", {{"host", "a"}, {"region", "eu"}}, "idle");
    const auto b = Series("cpu", {{"host", "b"}, {"region", "us"}}, "value");
    const auto mem =
        Series("mem", {{"host", "a"}}, "used", engine::ValueType::kInt);
    Write({{a, kT0, 1.0},
           {a, kT0 + kMin, 3.0},
           {a, kT0 + 5 * kMin, 5.0},
           {a_idle, kT0, 50.0},
           {b, kT0, 10.0},
           {b, kT0 + 2 * kMin, 20.0},
           {mem, kT0, int64_t{100}},
           {mem, kT0 + kMin, int64_t{200}}});
  }
  ~Fixture() { (void)store->Close(); }

  engine::SeriesId Series(const std::string& measurement,
                          std::vector<std::pair<std::string, std::string>> tags,
                          const std::string& field,
                          engine::ValueType type = engine::ValueType::kFloat) {
    engine::SeriesKey key{measurement, std::move(tags), field};
    key.SortTags();
    auto info = store->GetOrCreateSeries(key, type);
    REQUIRE(info.has_value());
    return info->id;
  }

  void Write(std::vector<engine::Point> points) {
    auto r = store->Append(points);
    REQUIRE(r.has_value());
    REQUIRE(r->rejected.empty());
  }

  net::Response Send(net::Request req) {
    if (!req.access) req.access = net::Access::Internal();  // not about access
    auto match = router.Find(req.method, "/query");
    REQUIRE(match.handler != nullptr);
    std::optional<net::Response> out;
    (*match.handler)(std::move(req), [&](net::Response r) { out = r; });
    REQUIRE(out.has_value());
    return *out;
  }

  // Body of GET /query?db=citynexus&q=...&<extra>, requiring HTTP 200.
  std::string Query(
      const std::string& q,
      std::vector<std::pair<std::string, std::string>> extra = {}) {
    net::Request req;
    req.method = "GET";
    req.path = "/query";
    req.query = {{"db", "citynexus"}, {"q", q}};
    for (auto& p : extra) req.query.push_back(std::move(p));
    net::Response r = Send(std::move(req));
    INFO(q << " -> " << r.body);
    CHECK(r.status == 200);
    CHECK(r.content_type == "application/json");
    REQUIRE(!r.body.empty());
    CHECK(r.body.back() == '\n');
    return r.body.substr(0, r.body.size() - 1);
  }
};

// Wraps one statement's series JSON as InfluxDB's full response.
std::string One(const std::string& series) {
  return R"j({"results":[{"statement_id":0,"series":[)j" + series + "]}]}";
}

}  // namespace

TEST_CASE("influxql math keeps integers for + - * % and makes / a float",
          "[query][influxql]") {
  Fixture f;
  CHECK(f.Query("SELECT used * 2, used / 3, used % 7 FROM mem") ==
        One(R"j({"name":"mem","columns":["time","used","used_1","used_2"],)j"
            R"j("values":[["2024-01-01T00:00:00Z",200,33.333333333333336,2],)j"
            R"j(["2024-01-01T00:01:00Z",400,66.66666666666667,4]]})j"));
  CHECK(f.Query("SELECT max(value) - min(value) AS range, round(mean(value)) "
                "FROM cpu WHERE time >= '2024-01-01T00:00:00Z' AND "
                "time < '2024-01-01T00:10:00Z' GROUP BY host") ==
        One(R"j({"name":"cpu","tags":{"host":"a"},"columns":["time","range",)j"
            R"j("round"],"values":[["2024-01-01T00:00:00Z",4,3]]},)j"
            R"j({"name":"cpu","tags":{"host":"b"},"columns":["time","range",)j"
            R"j("round"],"values":[["2024-01-01T00:00:00Z",10,15]]})j"));
}

TEST_CASE("influxql derivative's first bucket uses the window before it",
          "[query][influxql]") {
  Fixture f;
  // Buckets 00:00 (mean 2, before the range), 00:02 (empty), 00:04 (5).
  CHECK(f.Query("SELECT derivative(mean(value), 1m) FROM cpu WHERE host = "
                "'a' AND time >= '2024-01-01T00:02:00Z' AND "
                "time < '2024-01-01T00:06:00Z' GROUP BY time(2m)") ==
        One(R"j({"name":"cpu","columns":["time","derivative"],)j"
            R"j("values":[["2024-01-01T00:04:00Z",0.75]]})j"));
  CHECK(f.Query("SELECT difference(used), cumulative_sum(used) FROM mem") ==
        One(R"j({"name":"mem","columns":["time","difference",)j"
            R"j("cumulative_sum"],"values":[["2024-01-01T00:00:00Z",null,100],)j"
            R"j(["2024-01-01T00:01:00Z",100,300]]})j"));
}

TEST_CASE("influxql top() returns the best points in time order",
          "[query][influxql]") {
  Fixture f;
  CHECK(f.Query("SELECT top(value, 2) FROM cpu") ==
        One(R"j({"name":"cpu","columns":["time","top"],)j"
            R"j("values":[["2024-01-01T00:00:00Z",10],)j"
            R"j(["2024-01-01T00:02:00Z",20]]})j"));
  CHECK(f.Query("SELECT top(value, host, 1) FROM cpu") ==
        One(R"j({"name":"cpu","columns":["time","top","host"],)j"
            R"j("values":[["2024-01-01T00:02:00Z",20,"b"]]})j"));
}

TEST_CASE("influxql runs subqueries and the outer statement over them",
          "[query][influxql]") {
  Fixture f;
  CHECK(f.Query("SELECT max(m) FROM (SELECT mean(value) AS m FROM cpu "
                "GROUP BY host)") ==
        One(R"j({"name":"cpu","columns":["time","max"],)j"
            R"j("values":[["1970-01-01T00:00:00Z",15]]})j"));
  std::string deep = "SELECT value FROM cpu";
  for (int i = 0; i < 9; ++i) deep = "SELECT * FROM (" + deep + ")";
  net::Request req;
  req.method = "GET";
  req.path = "/query";
  req.query = {{"db", "citynexus"}, {"q", deep}};
  CHECK(f.Send(std::move(req)).status == 400);
}

TEST_CASE("influxql SHOW ... CARDINALITY counts per measurement",
          "[query][influxql]") {
  Fixture f;
  CHECK(f.Query("SHOW SERIES EXACT CARDINALITY") ==
        One(R"j({"name":"cpu","columns":["count"],"values":[[2]]},)j"
            R"j({"name":"mem","columns":["count"],"values":[[1]]})j"));
  CHECK(f.Query("SHOW MEASUREMENT CARDINALITY") ==
        One(R"j({"columns":["cardinality estimation"],"values":[[2]]})j"));
}

TEST_CASE("influxql reports unsupported and invalid function forms",
          "[query][influxql]") {
  Fixture f;
  CHECK(f.Query("SELECT holt_winters(mean(value), 2, 1) FROM cpu; SELECT "
                "derivative(mean(value)) FROM cpu") ==
        R"j({"results":[{"statement_id":0,"error":"not supported: )j"
        R"j(function holt_winters()"},{"statement_id":1,"error":)j"
        R"j("derivative aggregate requires a GROUP BY interval"}]})j");
}

TEST_CASE("influxql SHOW RETENTION POLICIES reports the catch-all retention",
          "[query][influxql]") {
  using query::influxql::detail::GoDuration;
  using query::influxql::detail::RetentionPolicyRows;
  CHECK(GoDuration(0) == "0s");
  CHECK(GoDuration(90) == "1m30s");
  CHECK(GoDuration(30 * 86400) == "720h0m0s");
  auto forever = RetentionPolicyRows(std::nullopt);
  CHECK(std::get<std::string>(forever.values[0][1]) == "0s");
  CHECK(std::get<std::string>(forever.values[0][2]) == "168h0m0s");
  auto month = RetentionPolicyRows(std::chrono::seconds(30 * 86400));
  CHECK(std::get<std::string>(month.values[0][1]) == "720h0m0s");
  CHECK(std::get<std::string>(month.values[0][2]) == "24h0m0s");
  auto day = RetentionPolicyRows(std::chrono::seconds(86400));
  CHECK(std::get<std::string>(day.values[0][2]) == "1h0m0s");
}
