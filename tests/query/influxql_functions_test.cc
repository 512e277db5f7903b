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
#include "query/query_fixture_util.h"

using namespace citynexus;

using Fixture = citynexus::testing::InfluxQlFixture;
using citynexus::testing::kMin;
using citynexus::testing::kSec;
using citynexus::testing::kT0;
using citynexus::testing::One;

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
  CHECK(
      f.Query("SELECT difference(used), cumulative_sum(used) FROM mem") ==
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
