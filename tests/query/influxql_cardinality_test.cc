// InfluxQL over many series through the catalog's inverted tag index:
// tag conditions select the same series as a full scan (each index-path
// statement is compared with an equivalent one the index cannot answer,
// which evaluates WHERE on every series), `!=` / `!~` include series
// lacking the tag, SHOW statements answer from the index, and
// query.max_series bounds output series, not the input of an aggregate.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/engine.h"
#include "net/net.h"
#include "query/query.h"
#include "query/query_fixture_util.h"

namespace citynexus::testing {
namespace {

constexpr int kMeters = 60;
constexpr int64_t kHour = 60 * kMin;

std::string MeterName(int i) {
  return (i < 10 ? "m0" : "m") + std::to_string(i);
}
// Meters in districts d0..d5; every 7th has no district tag.
std::string DistrictOf(int i) {
  return i % 7 == 0 ? "" : "d" + std::to_string(i % 6);
}

struct MetersFixture : StoreFixture {
  net::Router router;

  explicit MetersFixture(size_t max_series) {
    query::QueryOptions options;
    options.max_series = max_series;
    query::RegisterInfluxQlRoutes(router, *store, options);
    std::vector<engine::Point> points;
    for (int i = 0; i < kMeters; ++i) {
      std::vector<std::pair<std::string, std::string>> tags = {
          {"meter", MeterName(i)}};
      if (!DistrictOf(i).empty()) tags.emplace_back("district", DistrictOf(i));
      const auto id = Series("meters", tags, "kwh");
      for (int h = 0; h < 3; ++h) {
        points.push_back({id, kT0 + h * kHour, static_cast<double>(i)});
      }
    }
    Write(points);
  }

  // The statement's answer (status 200 required) as JSON.
  nlohmann::json Run(const std::string& q) {
    net::Request req;
    req.method = "GET";
    req.path = "/query";
    req.query = {{"db", "citynexus"}, {"q", q}, {"epoch", "s"}};
    req.access = net::Access::Internal();
    auto match = router.Find("GET", "/query");
    REQUIRE(match.handler != nullptr);
    std::optional<net::Response> out;
    (*match.handler)(std::move(req), [&](net::Response r) { out = r; });
    REQUIRE(out.has_value());
    INFO(q << " -> " << out->body);
    REQUIRE(out->status == 200);
    return nlohmann::json::parse(out->body)["results"][0];
  }
};

// sum(kwh) of the meters `keep` accepts, over the 3 hours.
double ExpectedSum(const std::function<bool(int)>& keep) {
  double sum = 0;
  for (int i = 0; i < kMeters; ++i) {
    if (keep(i)) sum += 3.0 * i;
  }
  return sum;
}

double SumOf(const nlohmann::json& result) {
  if (!result.contains("series")) return 0;
  return result["series"][0]["values"][0][1].get<double>();
}

TEST_CASE("influxql tag conditions select through the index like a scan",
          "[query][influxql][cardinality]") {
  MetersFixture f(10000);
  // Each pair: a condition the index answers, and the same condition
  // wrapped so that only the row filter can (OR is never a matcher).
  struct Case {
    std::string where;
    std::function<bool(int)> keep;
  };
  const std::vector<Case> cases = {
      {"meter = 'm05'", [](int i) { return i == 5; }},
      {"district = 'd2'", [](int i) { return DistrictOf(i) == "d2"; }},
      {"district != 'd2'", [](int i) { return DistrictOf(i) != "d2"; }},
      {"district = ''", [](int i) { return DistrictOf(i).empty(); }},
      {"district =~ /d[12]/",
       [](int i) { return DistrictOf(i) == "d1" || DistrictOf(i) == "d2"; }},
      {"district !~ /d[12]/",
       [](int i) { return DistrictOf(i) != "d1" && DistrictOf(i) != "d2"; }},
      {"district = 'd3' AND meter =~ /^m[0-2]/",
       [](int i) { return DistrictOf(i) == "d3" && i < 30; }},
      {"nosuchtag::tag != 'x'", [](int) { return true; }},
      {"nosuchtag::tag = 'x'", [](int) { return false; }},
  };
  for (const auto& c : cases) {
    INFO("WHERE " << c.where);
    const double indexed = SumOf(f.Run("SELECT sum(kwh) FROM meters WHERE " +
                                       c.where + " AND time >= 0"));
    const double scanned =
        SumOf(f.Run("SELECT sum(kwh) FROM meters WHERE (" + c.where +
                    " OR meter = 'no such meter') AND time >= 0"));
    CHECK(indexed == ExpectedSum(c.keep));
    CHECK(scanned == indexed);
  }
  // The lookup returns the series' own points.
  auto one = f.Run("SELECT kwh FROM meters WHERE meter = 'm42'");
  REQUIRE(one["series"].size() == 1);
  CHECK(one["series"][0]["values"].size() == 3);
  CHECK(one["series"][0]["values"][0][1] == 42.0);
}

TEST_CASE("influxql max_series bounds output series, not aggregate input",
          "[query][influxql][cardinality]") {
  MetersFixture f(10);  // 60 input series, 7 districts (one is "")
  auto by_district = f.Run(
      "SELECT sum(kwh) FROM meters WHERE time >= '2024-01-01T00:00:00Z' AND "
      "time < '2024-01-01T03:00:00Z' "
      "GROUP BY time(1h), district");
  REQUIRE(!by_district.contains("error"));
  REQUIRE(by_district["series"].size() == 7);
  double total = 0;
  for (const auto& s : by_district["series"]) {
    const std::string district = s["tags"]["district"];
    double sum = 0;
    for (const auto& row : s["values"]) sum += row[1].get<double>();
    CHECK(sum == ExpectedSum([&](int i) { return DistrictOf(i) == district; }));
    total += sum;
  }
  CHECK(total == ExpectedSum([](int) { return true; }));
  // Raw points of all series merged into one output series: allowed too.
  auto raw = f.Run("SELECT kwh FROM meters WHERE time >= 0");
  REQUIRE(raw["series"].size() == 1);
  CHECK(!raw["series"][0]["values"].empty());

  auto per_meter = f.Run(
      "SELECT sum(kwh) FROM meters WHERE time >= '2024-01-01T00:00:00Z' AND "
      "time < '2024-01-01T03:00:00Z' "
      "GROUP BY time(1h), meter");
  REQUIRE(per_meter.contains("error"));
  const std::string message = per_meter["error"];
  CHECK_THAT(message, Catch::Contains("60 series"));
  CHECK_THAT(message, Catch::Contains("query.max_series"));
  CHECK_THAT(message, Catch::Contains("output series"));
  // Narrowed by WHERE below the limit: answered.
  auto few = f.Run(
      "SELECT sum(kwh) FROM meters WHERE district = 'd1' AND time >= 0 "
      "GROUP BY meter");
  REQUIRE(!few.contains("error"));
  CHECK(few["series"].size() == 8);  // i % 6 == 1, except 7 and 49
}

TEST_CASE("influxql SHOW statements answer from the index like a scan",
          "[query][influxql][cardinality]") {
  MetersFixture f(10000);
  const std::vector<std::string> statements = {
      "SHOW TAG VALUES FROM meters WITH KEY = \"district\"",
      "SHOW TAG VALUES FROM meters WITH KEY = \"district\" WHERE meter =~ "
      "/^m1/",
      "SHOW TAG VALUES FROM meters WITH KEY =~ /./ WHERE district = 'd4'",
      "SHOW TAG VALUES WITH KEY = \"meter\" WHERE district = ''",
      "SHOW TAG KEYS FROM meters WHERE district = ''",
      "SHOW TAG KEYS WHERE district != 'd0'",
      "SHOW FIELD KEYS FROM meters WHERE meter = 'm03'",
      "SHOW MEASUREMENTS WHERE district = 'd5'",
      "SHOW MEASUREMENTS WHERE district = 'nowhere'",
      "SHOW SERIES FROM meters WHERE district = 'd2'",
      "SHOW SERIES WHERE district !~ /d/",
  };
  for (const auto& s : statements) {
    INFO(s);
    const bool has_where = s.find(" WHERE ") != std::string::npos;
    const auto indexed = f.Run(s);
    CHECK(!indexed.contains("error"));
    if (!has_where) continue;
    const std::string scanned_q = s.substr(0, s.find(" WHERE ") + 7) + "(" +
                                  s.substr(s.find(" WHERE ") + 7) +
                                  " OR meter = 'no such meter')";
    CHECK(f.Run(scanned_q) == indexed);
  }
  auto values = f.Run("SHOW TAG VALUES FROM meters WITH KEY = \"district\"");
  REQUIRE(values["series"].size() == 1);
  CHECK(values["series"][0]["values"].size() == 6);  // d0..d5, not ""
  auto lacking = f.Run("SHOW TAG KEYS FROM meters WHERE district = ''");
  CHECK(lacking["series"][0]["values"] ==
        nlohmann::json::parse(R"([["meter"]])"));
  auto series = f.Run("SHOW SERIES WHERE district !~ /d/");
  CHECK(series["series"][0]["values"].size() == 9);  // m00, m07, ... m56
}

}  // namespace
}  // namespace citynexus::testing
