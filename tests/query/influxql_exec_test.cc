// /query end to end through the router handler against a real store:
// exact InfluxDB 1.x response JSON for representative statements.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "net/net.h"
#include "query/query.h"
#include "query/query_fixture_util.h"

using namespace citynexus;

using Fixture = citynexus::testing::InfluxQlFixture;
using citynexus::testing::kMin;
using citynexus::testing::kSec;
using citynexus::testing::kT0;
using citynexus::testing::One;

TEST_CASE("influxql GROUP BY time and tag fills empty buckets with null",
          "[query][influxql]") {
  Fixture f;
  CHECK(
      f.Query("SELECT mean(value) FROM cpu WHERE time >= "
              "'2024-01-01T00:00:00Z' AND time < '2024-01-01T00:06:00Z' "
              "GROUP BY time(2m), host") ==
      One(R"j({"name":"cpu","tags":{"host":"a"},"columns":["time","mean"],)j"
          R"j("values":[["2024-01-01T00:00:00Z",2],["2024-01-01T00:02:00Z",null],)j"
          R"j(["2024-01-01T00:04:00Z",5]]},)j"
          R"j({"name":"cpu","tags":{"host":"b"},"columns":["time","mean"],)j"
          R"j("values":[["2024-01-01T00:00:00Z",10],["2024-01-01T00:02:00Z",20],)j"
          R"j(["2024-01-01T00:04:00Z",null]]})j"));
}

TEST_CASE("influxql fill modes previous, linear, number, none and count's 0",
          "[query][influxql]") {
  Fixture f;
  const std::string base =
      "FROM cpu WHERE host = 'a' AND time >= 1704067200s AND time < "
      "1704067560000ms GROUP BY time(2m) ";
  auto values = [&](const std::string& select, const std::string& fill) {
    auto j = nlohmann::json::parse(
        f.Query(select + " " + base + fill, {{"epoch", "s"}}));
    return j["results"][0]["series"][0]["values"].dump();
  };
  CHECK(values("SELECT mean(value)", "fill(previous)") ==
        "[[1704067200,2],[1704067320,2],[1704067440,5]]");
  CHECK(values("SELECT mean(value)", "fill(linear)") ==
        "[[1704067200,2],[1704067320,3.5],[1704067440,5]]");
  CHECK(values("SELECT mean(value)", "fill(-1)") ==
        "[[1704067200,2],[1704067320,-1],[1704067440,5]]");
  CHECK(values("SELECT mean(value)", "fill(none)") ==
        "[[1704067200,2],[1704067440,5]]");
  CHECK(values("SELECT count(value)", "") ==
        "[[1704067200,2],[1704067320,0],[1704067440,1]]");
}

TEST_CASE("influxql merges series without GROUP BY and shares rows by time",
          "[query][influxql]") {
  Fixture f;
  CHECK(f.Query("SELECT mean(\"value\") FROM \"autogen\".\"cpu\" WHERE time "
                ">= 1704067200000ms and time <= 1704067559999ms GROUP BY "
                "time(2m) fill(null)",
                {{"epoch", "ms"}}) ==
        One(R"j({"name":"cpu","columns":["time","mean"],"values":[)j"
            R"j([1704067200000,4.666666666666667],[1704067320000,20],)j"
            R"j([1704067440000,5]]})j"));
  CHECK(
      f.Query("SELECT value, idle FROM cpu WHERE host = 'a'") ==
      One(R"j({"name":"cpu","columns":["time","value","idle"],"values":[)j"
          R"j(["2024-01-01T00:00:00Z",1,50],["2024-01-01T00:01:00Z",3,null],)j"
          R"j(["2024-01-01T00:05:00Z",5,null]]})j"));
}

TEST_CASE("influxql aggregates without GROUP BY time report InfluxDB's time",
          "[query][influxql]") {
  Fixture f;
  // A single selector reports the selected point's time.
  CHECK(f.Query("SELECT max(value) FROM cpu") ==
        One(R"j({"name":"cpu","columns":["time","max"],)j"
            R"j("values":[["2024-01-01T00:02:00Z",20]]})j"));
  CHECK(f.Query("SELECT percentile(value, 50) FROM cpu") ==
        One(R"j({"name":"cpu","columns":["time","percentile"],)j"
            R"j("values":[["2024-01-01T00:05:00Z",5]]})j"));
  // Several functions: the lower bound of the range (epoch 0 when none).
  CHECK(f.Query("SELECT max(value), min(value) AS low, max(value) FROM cpu") ==
        One(R"j({"name":"cpu","columns":["time","max","low","max_1"],)j"
            R"j("values":[["1970-01-01T00:00:00Z",20,1,20]]})j"));
  CHECK(f.Query("SELECT mean(value), median(value), spread(value), "
                "count(value) FROM cpu WHERE time >= '2024-01-01'") ==
        One(R"j({"name":"cpu","columns":["time","mean","median","spread",)j"
            R"j("count"],"values":[["2024-01-01T00:00:00Z",7.8,5,19,5]]})j"));
  CHECK(f.Query("SELECT sum(used), integral(value) FROM mem, cpu "
                "WHERE host = 'a'") ==
        R"j({"results":[{"statement_id":0,"series":[)j"
        R"j({"name":"cpu","columns":["time","sum","integral"],)j"
        R"j("values":[["1970-01-01T00:00:00Z",null,1080]]},)j"
        R"j({"name":"mem","columns":["time","sum","integral"],)j"
        R"j("values":[["1970-01-01T00:00:00Z",300,null]]}]}]})j");
  CHECK(f.Query("SELECT count(*) FROM cpu") ==
        One(R"j({"name":"cpu","columns":["time","count_idle","count_value"],)j"
            R"j("values":[["1970-01-01T00:00:00Z",1,5]]})j"));
  // fn(*) and * expand over the fields of every measurement (null if absent).
  CHECK(
      f.Query("SELECT count(*) FROM mem, cpu") ==
      R"j({"results":[{"statement_id":0,"series":[)j"
      R"j({"name":"cpu","columns":["time","count_idle","count_used","count_value"],)j"
      R"j("values":[["1970-01-01T00:00:00Z",1,null,5]]},)j"
      R"j({"name":"mem","columns":["time","count_idle","count_used","count_value"],)j"
      R"j("values":[["1970-01-01T00:00:00Z",null,2,null]]}]}]})j");
  // integral() alone reports time 0 even with a lower time bound.
  CHECK(f.Query("SELECT integral(value, 1m) FROM cpu WHERE host = 'a' AND "
                "time >= '2024-01-01T00:00:00Z'") ==
        One(R"j({"name":"cpu","columns":["time","integral"],)j"
            R"j("values":[["1970-01-01T00:00:00Z",18]]})j"));
  auto j = nlohmann::json::parse(f.Query("SELECT stddev(value) FROM cpu"));
  CHECK(j["results"][0]["series"][0]["values"][0][1].get<double>() ==
        Approx(std::sqrt(230.8 / 4)));
}

TEST_CASE("influxql ORDER BY time DESC, LIMIT, OFFSET and SLIMIT",
          "[query][influxql]") {
  Fixture f;
  CHECK(f.Query("SELECT value FROM cpu WHERE host = 'a' ORDER BY time DESC "
                "LIMIT 2") ==
        One(R"j({"name":"cpu","columns":["time","value"],"values":[)j"
            R"j(["2024-01-01T00:05:00Z",5],["2024-01-01T00:01:00Z",3]]})j"));
  CHECK(f.Query("SELECT value FROM cpu LIMIT 2 OFFSET 1", {{"epoch", "s"}}) ==
        One(R"j({"name":"cpu","columns":["time","value"],"values":[)j"
            R"j([1704067200,10],[1704067260,3]]})j"));
  CHECK(f.Query("SELECT mean(value) FROM cpu GROUP BY host SLIMIT 1") ==
        One(R"j({"name":"cpu","tags":{"host":"a"},"columns":["time","mean"],)j"
            R"j("values":[["1970-01-01T00:00:00Z",3]]})j"));
  CHECK(f.Query("SELECT mean(value) FROM cpu GROUP BY host SLIMIT 1 "
                "SOFFSET 1") ==
        One(R"j({"name":"cpu","tags":{"host":"b"},"columns":["time","mean"],)j"
            R"j("values":[["1970-01-01T00:00:00Z",15]]})j"));
}

TEST_CASE("influxql WHERE combines tag and field conditions with OR",
          "[query][influxql]") {
  Fixture f;
  CHECK(f.Query("SELECT value FROM cpu WHERE value > 4 AND (host = 'b' OR "
                "region =~ /^e/)",
                {{"epoch", "s"}}) ==
        One(R"j({"name":"cpu","columns":["time","value"],"values":[)j"
            R"j([1704067200,10],[1704067320,20],[1704067500,5]]})j"));
  CHECK(
      f.Query("SELECT count(value) FROM cpu WHERE host !~ /a/ OR value < 2") ==
      One(R"j({"name":"cpu","columns":["time","count"],)j"
          R"j("values":[["1970-01-01T00:00:00Z",3]]})j"));
  CHECK(f.Query("SELECT value FROM cpu WHERE host = $h",
                {{"params", R"j({"h":"b"})j"}, {"epoch", "s"}}) ==
        One(R"j({"name":"cpu","columns":["time","value"],"values":[)j"
            R"j([1704067200,10],[1704067320,20]]})j"));
}

TEST_CASE("influxql SELECT * and regex FROM list fields and tags",
          "[query][influxql]") {
  Fixture f;
  CHECK(
      f.Query("SELECT * FROM /^m.m$/") ==
      One(R"j({"name":"mem","columns":["time","host","used"],"values":[)j"
          R"j(["2024-01-01T00:00:00Z","a",100],["2024-01-01T00:01:00Z","a",200]]})j"));
  CHECK(
      f.Query("SELECT * FROM cpu WHERE time > '2024-01-01T00:01:00Z' GROUP "
              "BY host") ==
      R"j({"results":[{"statement_id":0,"series":[)j"
      R"j({"name":"cpu","tags":{"host":"a"},"columns":["time","idle","region","value"],)j"
      R"j("values":[["2024-01-01T00:05:00Z",null,"eu",5]]},)j"
      R"j({"name":"cpu","tags":{"host":"b"},"columns":["time","idle","region","value"],)j"
      R"j("values":[["2024-01-01T00:02:00Z",null,"us",20]]}]}]})j");
}

TEST_CASE("influxql SHOW statements describe the catalog",
          "[query][influxql]") {
  Fixture f;
  CHECK(
      f.Query("SHOW DATABASES") ==
      One(R"j({"name":"databases","columns":["name"],"values":[["citynexus"]]})j"));
  CHECK(
      f.Query("SHOW MEASUREMENTS") ==
      One(R"j({"name":"measurements","columns":["name"],"values":[["cpu"],["mem"]]})j"));
  CHECK(
      f.Query("SHOW MEASUREMENTS WITH MEASUREMENT =~ /^c/") ==
      One(R"j({"name":"measurements","columns":["name"],"values":[["cpu"]]})j"));
  CHECK(f.Query("SHOW MEASUREMENTS WHERE region = 'nowhere'") ==
        R"j({"results":[{"statement_id":0}]})j");
  CHECK(
      f.Query("SHOW TAG KEYS FROM cpu") ==
      One(R"j({"name":"cpu","columns":["tagKey"],"values":[["host"],["region"]]})j"));
  CHECK(
      f.Query("SHOW TAG VALUES WITH KEY = \"host\"") ==
      One(R"j({"name":"cpu","columns":["key","value"],"values":[["host","a"],)j"
          R"j(["host","b"]]},{"name":"mem","columns":["key","value"],)j"
          R"j("values":[["host","a"]]})j"));
  CHECK(
      f.Query("SHOW TAG VALUES FROM cpu WITH KEY IN (\"region\") WHERE "
              "host = 'b'") ==
      One(R"j({"name":"cpu","columns":["key","value"],"values":[["region","us"]]})j"));
  CHECK(f.Query("SHOW FIELD KEYS") ==
        One(R"j({"name":"cpu","columns":["fieldKey","fieldType"],"values":[)j"
            R"j(["idle","float"],["value","float"]]},{"name":"mem","columns":)j"
            R"j(["fieldKey","fieldType"],"values":[["used","integer"]]})j"));
  CHECK(f.Query("SHOW SERIES") ==
        One(R"j({"columns":["key"],"values":[["cpu,host=a,region=eu"],)j"
            R"j(["cpu,host=b,region=us"],["mem,host=a"]]})j"));
  CHECK(
      f.Query("SHOW RETENTION POLICIES ON citynexus") ==
      One(R"j({"columns":["name","duration","shardGroupDuration","replicaN",)j"
          R"j("default"],"values":[["autogen","0s","168h0m0s",1,true]]})j"));
  CHECK(f.Query("CREATE DATABASE telegraf") ==
        R"j({"results":[{"statement_id":0}]})j");
}

TEST_CASE("influxql runs several statements and reports errors per statement",
          "[query][influxql]") {
  Fixture f;
  CHECK(f.Query("SHOW DATABASES; SELECT holt_winters(mean(value), 2, 1) FROM "
                "cpu GROUP BY time(1m); SELECT "
                "mean(value), value FROM cpu; SELECT mean(value) FROM cpu "
                "GROUP BY time(1m, now()); SELECT nothing FROM cpu") ==
        R"j({"results":[{"statement_id":0,"series":[{"name":"databases",)j"
        R"j("columns":["name"],"values":[["citynexus"]]}]},)j"
        R"j({"statement_id":1,"error":"not supported: function )j"
        R"j(holt_winters()"},)j"
        R"j({"statement_id":2,"error":"mixing aggregate and non-aggregate )j"
        R"j(queries is not supported"},)j"
        R"j({"statement_id":3,"error":"not supported: GROUP BY time )j"
        R"j(offset now()"},)j"
        R"j({"statement_id":4}]})j");
}

TEST_CASE("influxql answers HTTP 400 for parse errors and a missing q",
          "[query][influxql]") {
  Fixture f;
  net::Request req;
  req.access = net::Access::Internal();  // not about access
  req.method = "GET";
  req.path = "/query";
  req.query = {{"q", "SELECT value"}};
  net::Response r = f.Send(req);
  CHECK(r.status == 400);
  CHECK(r.body ==
        "{\"error\":\"error parsing query: found EOF, expected FROM at line 1, "
        "char 14\"}\n");
  req.query = {{"db", "x"}};
  r = f.Send(req);
  CHECK(r.status == 400);
  CHECK(r.body == "{\"error\":\"missing required parameter \\\"q\\\"\"}\n");
  // Without db, a SELECT fails as in InfluxDB.
  req.query = {{"q", "SELECT value FROM cpu"}};
  r = f.Send(req);
  CHECK(r.status == 200);
  CHECK(r.body ==
        "{\"results\":[{\"statement_id\":0,\"error\":\"database name "
        "required\"}]}\n");
}

TEST_CASE("influxql accepts a form-encoded POST and pretty output",
          "[query][influxql]") {
  Fixture f;
  net::Request req;
  req.access = net::Access::Internal();  // not about access
  req.method = "POST";
  req.path = "/query";
  req.headers["content-type"] = "application/x-www-form-urlencoded";
  req.query = {{"pretty", "true"}};
  req.body = "db=citynexus&q=SHOW+MEASUREMENTS+WITH+MEASUREMENT+%3D+mem";
  net::Response r = f.Send(req);
  CHECK(r.status == 200);
  CHECK(r.body ==
        "{\n    \"results\": [\n        {\n            \"statement_id\": 0,\n"
        "            \"series\": [\n                {\n"
        "                    \"name\": \"measurements\",\n"
        "                    \"columns\": [\n"
        "                        \"name\"\n                    ],\n"
        "                    \"values\": [\n                        [\n"
        "                            \"mem\"\n                        ]\n"
        "                    ]\n                }\n            ]\n"
        "        }\n    ]\n}\n");
}

TEST_CASE("influxql engine-bucket aggregates equal the raw-point computation",
          "[query][influxql]") {
  Fixture f;
  REQUIRE(f.store->Flush().ok());  // sealed blocks and rollups
  // A field condition that always holds forces the raw-point path.
  const std::vector<std::string> ranges = {
      "time >= '2024-01-01T00:00:30Z' AND time < '2024-01-01T00:05:30Z' "
      "GROUP BY time(2m)",
      "time < '2024-01-01T00:07:00Z' GROUP BY time(90s, 15s), host",
      "time >= '2023-12-31T00:00:00Z' AND time < '2024-01-02T00:00:00Z' "
      "GROUP BY time(1h) fill(none)",
  };
  for (const std::string fn :
       {"count", "sum", "mean", "min", "max", "first", "last", "spread"}) {
    for (const auto& range : ranges) {
      for (const auto& [m, field] :
           std::vector<std::pair<std::string, std::string>>{{"cpu", "value"},
                                                            {"mem", "used"}}) {
        const std::string select =
            "SELECT " + fn + "(" + field + ") FROM " + m + " WHERE ";
        const std::string fast = f.Query(select + range);
        const std::string slow =
            f.Query(select + field + " > -1000000 AND " + range);
        INFO(select + range);
        CHECK(fast == slow);
        CHECK(fast.find("\"values\"") != std::string::npos);
      }
    }
  }
  // Integer fields keep integer results on both paths.
  CHECK(
      f.Query("SELECT sum(used), max(used) FROM mem WHERE time >= "
              "'2024-01-01T00:00:00Z' AND time < '2024-01-01T00:02:00Z' "
              "GROUP BY time(1m)") ==
      One(R"j({"name":"mem","columns":["time","sum","max"],"values":[)j"
          R"j(["2024-01-01T00:00:00Z",100,100],["2024-01-01T00:01:00Z",200,200]]})j"));
}

TEST_CASE("influxql bounds the number of GROUP BY time buckets",
          "[query][influxql]") {
  Fixture f;
  const std::string limit =
      "query would return more than 1000000 buckets; the limit is "
      "query.max_buckets";
  CHECK(f.Query("SELECT mean(value) FROM cpu WHERE time >= 0 GROUP BY "
                "time(1s)") ==
        R"j({"results":[{"statement_id":0,"error":")j" + limit + "\"}]}");
  // Extreme bounds must not overflow the bucket arithmetic.
  CHECK(f.Query("SELECT count(value) FROM cpu WHERE time >= "
                "-9223372036854775806 AND time <= 9223372036854775805 GROUP "
                "BY time(1h)") ==
        R"j({"results":[{"statement_id":0,"error":")j" + limit + "\"}]}");
  // An empty time range returns nothing.
  CHECK(f.Query("SELECT count(value) FROM cpu WHERE time > now() AND time < "
                "now() - 1h GROUP BY time(1m)") ==
        R"j({"results":[{"statement_id":0}]})j");
}

TEST_CASE("influxql ORDER BY time DESC also reverses the series order",
          "[query][influxql]") {
  Fixture f;
  CHECK(f.Query("SELECT value FROM cpu GROUP BY host ORDER BY time DESC "
                "LIMIT 1",
                {{"epoch", "s"}}) ==
        One(R"j({"name":"cpu","tags":{"host":"b"},"columns":["time","value"],)j"
            R"j("values":[[1704067320,20]]},)j"
            R"j({"name":"cpu","tags":{"host":"a"},"columns":["time","value"],)j"
            R"j("values":[[1704067500,5]]})j"));
}

TEST_CASE("influxql breaks same-time ties between series like InfluxDB",
          "[query][influxql]") {
  Fixture f;
  // Without GROUP BY time the last series (key order) wins first() and
  // last() (measured on InfluxDB 1.6.7); with it, the greater value.
  f.Write({{f.Series("cpu", {{"host", "c"}, {"region", "us"}}, "value"), kT0,
            2.0}});
  CHECK(f.Query("SELECT first(value) FROM cpu WHERE time <= "
                "'2024-01-01T00:00:00Z'") ==
        One(R"j({"name":"cpu","columns":["time","first"],)j"
            R"j("values":[["2024-01-01T00:00:00Z",2]]})j"));
  CHECK(f.Query("SELECT last(value) FROM cpu WHERE time <= "
                "'2024-01-01T00:00:00Z'") ==
        One(R"j({"name":"cpu","columns":["time","last"],)j"
            R"j("values":[["2024-01-01T00:00:00Z",2]]})j"));
  CHECK(f.Query("SELECT first(value) FROM cpu WHERE time >= "
                "'2024-01-01T00:00:00Z' AND time < '2024-01-01T00:01:00Z' "
                "GROUP BY time(1m)") ==
        One(R"j({"name":"cpu","columns":["time","first"],)j"
            R"j("values":[["2024-01-01T00:00:00Z",10]]})j"));
  // Raw rows in descending order reverse the series order at equal times.
  CHECK(f.Query("SELECT value FROM cpu WHERE time <= '2024-01-01T00:00:00Z' "
                "ORDER BY time DESC") ==
        One(R"j({"name":"cpu","columns":["time","value"],"values":[)j"
            R"j(["2024-01-01T00:00:00Z",2],["2024-01-01T00:00:00Z",10],)j"
            R"j(["2024-01-01T00:00:00Z",1]]})j"));
  // integral() keeps time 0 next to another function: two rows.
  CHECK(f.Query("SELECT mean(value), integral(value) FROM cpu WHERE host = "
                "'a' AND time >= '2024-01-01T00:00:00Z'") ==
        One(R"j({"name":"cpu","columns":["time","mean","integral"],"values":[)j"
            R"j(["1970-01-01T00:00:00Z",null,1080],)j"
            R"j(["2024-01-01T00:00:00Z",3,null]]})j"));
}
