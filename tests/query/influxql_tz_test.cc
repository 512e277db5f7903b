// InfluxQL tz(): GROUP BY time windows aligned to local time across both
// DST switches of Europe/Berlin (2024-03-31 01:00Z and 2024-10-27 01:00Z),
// local time literals in WHERE, and RFC 3339 times with the zone's offset.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "net/net.h"
#include "query/influxql/response.h"
#include "query/influxql/window.h"
#include "query/query.h"
#include "query/time_parse.h"
#include "query/time_zone.h"
#include "support/temp_dir.h"

using namespace citynexus;
using citynexus::query::influxql::FormatRfc3339Nano;
using citynexus::query::influxql::TimeWindows;
using citynexus::testing::TempDir;

namespace {

constexpr int64_t kSec = 1000000000;
constexpr int64_t kHour = 3600 * kSec;
constexpr int64_t kDay = 24 * kHour;

int64_t At(const char* rfc3339) {
  auto t = query::ParseTimeNs(rfc3339, 0);
  REQUIRE(t.has_value());
  return *t;
}

std::shared_ptr<const query::TimeZone> Zone(const char* name) {
  auto zone = query::TimeZone::Load(name);
  REQUIRE(zone.has_value());
  return std::make_shared<const query::TimeZone>(std::move(*zone));
}

struct Fixture {
  TempDir dir;
  std::unique_ptr<engine::Store> store;
  net::Router router;
  engine::SeriesId id = 0;

  Fixture() {
    engine::StoreOptions options;
    options.data_dir = dir.str();
    auto opened = engine::OpenStore(options);
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    query::RegisterInfluxQlRoutes(router, *store, {});
    engine::SeriesKey key{"m", {{"host", "a"}}, "value"};
    auto info = store->GetOrCreateSeries(key, engine::ValueType::kFloat);
    REQUIRE(info.has_value());
    id = info->id;
  }
  ~Fixture() { (void)store->Close(); }

  // One point every `step_ns` in [from, to], values 1, 2, 3, ...
  void WriteEvery(int64_t from, int64_t to, int64_t step_ns) {
    std::vector<engine::Point> points;
    double v = 1;
    for (int64_t t = from; t <= to; t += step_ns) {
      points.push_back({id, t, v});
      v += 1;
    }
    auto r = store->Append(points);
    REQUIRE(r.has_value());
    REQUIRE(r->rejected.empty());
  }

  net::Response Send(const std::string& q,
                     std::vector<std::pair<std::string, std::string>> extra) {
    net::Request req;
    req.access = net::Access::Internal();  // not about access
    req.method = "GET";
    req.path = "/query";
    req.query = {{"db", "citynexus"}, {"q", q}};
    for (auto& p : extra) req.query.push_back(std::move(p));
    auto match = router.Find(req.method, "/query");
    REQUIRE(match.handler != nullptr);
    std::optional<net::Response> out;
    (*match.handler)(std::move(req), [&](net::Response r) { out = r; });
    REQUIRE(out.has_value());
    return *out;
  }

  // The response body without its newline, requiring HTTP 200.
  std::string Query(
      const std::string& q,
      std::vector<std::pair<std::string, std::string>> extra = {}) {
    net::Response r = Send(q, std::move(extra));
    INFO(q << " -> " << r.body);
    CHECK(r.status == 200);
    REQUIRE(!r.body.empty());
    return r.body.substr(0, r.body.size() - 1);
  }
};

std::string One(const std::string& series) {
  return R"j({"results":[{"statement_id":0,"series":[)j" + series + "]}]}";
}

}  // namespace

TEST_CASE("tz time(1d) windows start at Berlin midnight across spring DST",
          "[query][influxql][tz]") {
  const TimeWindows w(kDay, 0, Zone("Europe/Berlin"));
  // A normal winter day: 24 hours from 23:00Z.
  CHECK(w.Start(At("2024-03-30T12:00:00Z")) == At("2024-03-29T23:00:00Z"));
  CHECK(w.End(At("2024-03-30T12:00:00Z")) == At("2024-03-30T23:00:00Z"));
  // The switch day has 23 hours, before and after the switch instant.
  for (const char* t : {"2024-03-30T23:00:00Z", "2024-03-31T00:30:00Z",
                        "2024-03-31T01:00:00Z", "2024-03-31T21:59:59Z"}) {
    INFO(t);
    CHECK(w.Start(At(t)) == At("2024-03-30T23:00:00Z"));
    CHECK(w.End(At(t)) == At("2024-03-31T22:00:00Z"));
  }
  // The first summer day starts at 22:00Z.
  CHECK(w.Start(At("2024-03-31T22:00:00Z")) == At("2024-03-31T22:00:00Z"));
  CHECK(w.End(At("2024-04-01T05:00:00Z")) == At("2024-04-01T22:00:00Z"));

  auto grid =
      w.Grid(At("2024-03-29T12:00:00Z"), At("2024-04-01T12:00:00Z"), 100);
  REQUIRE(grid.has_value());
  CHECK(*grid == std::vector<int64_t>{
                     At("2024-03-28T23:00:00Z"), At("2024-03-29T23:00:00Z"),
                     At("2024-03-30T23:00:00Z"), At("2024-03-31T22:00:00Z")});
}

TEST_CASE("tz time(1d) windows start at Berlin midnight across autumn DST",
          "[query][influxql][tz]") {
  const TimeWindows w(kDay, 0, Zone("Europe/Berlin"));
  // The switch day has 25 hours: local 02:00-03:00 happens twice.
  for (const char* t : {"2024-10-26T22:00:00Z", "2024-10-27T00:30:00Z",
                        "2024-10-27T01:30:00Z", "2024-10-27T22:59:59Z"}) {
    INFO(t);
    CHECK(w.Start(At(t)) == At("2024-10-26T22:00:00Z"));
    CHECK(w.End(At(t)) == At("2024-10-27T23:00:00Z"));
  }
  CHECK(w.Start(At("2024-10-28T00:00:00Z")) == At("2024-10-27T23:00:00Z"));
  CHECK(w.End(At("2024-10-28T00:00:00Z")) == At("2024-10-28T23:00:00Z"));

  auto grid =
      w.Grid(At("2024-10-26T12:00:00Z"), At("2024-10-28T12:00:00Z"), 100);
  REQUIRE(grid.has_value());
  CHECK(*grid == std::vector<int64_t>{At("2024-10-25T22:00:00Z"),
                                      At("2024-10-26T22:00:00Z"),
                                      At("2024-10-27T23:00:00Z")});
  // The walk is bounded like any bucket grid.
  auto big = w.Grid(At("2024-01-01T00:00:00Z"), At("2024-12-31T00:00:00Z"), 30);
  REQUIRE_FALSE(big.has_value());
  CHECK(big.error().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("tz time(1h) windows keep one hour across both Berlin switches",
          "[query][influxql][tz]") {
  // A one-hour offset change is not smaller than the interval, so InfluxDB
  // does not move hourly windows: they stay on UTC hours.
  const TimeWindows w(kHour, 0, Zone("Europe/Berlin"));
  for (const char* day : {"2024-03-31", "2024-10-27"}) {
    for (int h = 0; h < 4; ++h) {
      const int64_t hour =
          At((std::string(day) + "T00:00:00Z").c_str()) + h * kHour;
      INFO(day << " +" << h << "h");
      CHECK(w.Start(hour + 30 * 60 * kSec) == hour);
      CHECK(w.End(hour + 30 * 60 * kSec) == hour + kHour);
    }
    const int64_t midnight = At((std::string(day) + "T00:00:00Z").c_str());
    auto grid = w.Grid(midnight, midnight + 3 * kHour, 100);
    REQUIRE(grid.has_value());
    CHECK(*grid == std::vector<int64_t>{midnight, midnight + kHour,
                                        midnight + 2 * kHour,
                                        midnight + 3 * kHour});
  }
  // Half-hour zones shift hourly windows to :30 UTC.
  const TimeWindows kolkata(kHour, 0, Zone("Asia/Kolkata"));
  CHECK(kolkata.Start(At("2024-01-01T00:10:00Z")) ==
        At("2023-12-31T23:30:00Z"));
  CHECK(kolkata.End(At("2024-01-01T00:10:00Z")) == At("2024-01-01T00:30:00Z"));
}

TEST_CASE("tz windows apply the GROUP BY time offset after local alignment",
          "[query][influxql][tz]") {
  const TimeWindows w(kDay, 6 * kHour, Zone("Europe/Berlin"));
  // Local 06:00 (+01:00) is 05:00Z.
  CHECK(w.Start(At("2024-01-10T12:00:00Z")) == At("2024-01-10T05:00:00Z"));
  CHECK(w.Start(At("2024-01-10T04:00:00Z")) == At("2024-01-09T05:00:00Z"));
  // Without a zone the windows stay epoch-aligned.
  const TimeWindows utc(kDay, 6 * kHour, nullptr);
  CHECK(utc.Start(At("2024-01-10T12:00:00Z")) == At("2024-01-10T06:00:00Z"));
  CHECK(utc.End(At("2024-01-10T12:00:00Z")) == At("2024-01-11T06:00:00Z"));
}

TEST_CASE("RFC 3339 times carry the zone offset like Go's RFC3339Nano",
          "[query][influxql][tz]") {
  CHECK(FormatRfc3339Nano(At("2024-03-30T23:00:00Z"), 3600) ==
        "2024-03-31T00:00:00+01:00");
  CHECK(FormatRfc3339Nano(At("2024-03-31T22:00:00Z"), 7200) ==
        "2024-04-01T00:00:00+02:00");
  CHECK(FormatRfc3339Nano(At("2024-01-01T05:00:00Z"), -5 * 3600) ==
        "2024-01-01T00:00:00-05:00");
  CHECK(FormatRfc3339Nano(At("2024-01-01T00:00:00Z"), 19800) ==
        "2024-01-01T05:30:00+05:30");
  CHECK(FormatRfc3339Nano(At("2024-01-01T00:00:01.5Z"), 3600) ==
        "2024-01-01T01:00:01.5+01:00");
  // A zero offset (Europe/London in winter) is "Z", as in Go.
  CHECK(FormatRfc3339Nano(At("2024-01-01T00:00:00Z"), 0) ==
        "2024-01-01T00:00:00Z");
  CHECK(FormatRfc3339Nano(-1, 3600) == "1970-01-01T00:59:59.999999999+01:00");
}

TEST_CASE("influxql GROUP BY time(1d) tz() counts Berlin days across DST",
          "[query][influxql][tz]") {
  Fixture f;
  f.WriteEvery(At("2024-03-29T00:00:00Z"), At("2024-04-02T00:00:00Z"),
               6 * kHour);
  CHECK(f.Query("SELECT count(value) FROM m WHERE time >= "
                "'2024-03-29T00:00:00Z' AND time <= '2024-04-02T00:00:00Z' "
                "GROUP BY time(1d) tz('Europe/Berlin')") ==
        One(R"j({"name":"m","columns":["time","count"],"values":[)j"
            R"j(["2024-03-29T00:00:00+01:00",4],)j"
            R"j(["2024-03-30T00:00:00+01:00",4],)j"
            R"j(["2024-03-31T00:00:00+01:00",4],)j"
            R"j(["2024-04-01T00:00:00+02:00",4],)j"
            R"j(["2024-04-02T00:00:00+02:00",1]]})j"));
  // The same windows as epoch numbers: a UTC day touches two local days.
  CHECK(f.Query("SELECT count(value) FROM m WHERE time >= "
                "'2024-03-31T00:00:00Z' AND time < '2024-04-01T00:00:00Z' "
                "GROUP BY time(1d) tz('Europe/Berlin')",
                {{"epoch", "s"}}) ==
        One(R"j({"name":"m","columns":["time","count"],"values":[)j"
            R"j([1711839600,4],[1711922400,0]]})j"));
}

TEST_CASE("influxql tz() fills hourly buckets through the autumn switch",
          "[query][influxql][tz]") {
  Fixture f;
  f.WriteEvery(At("2024-10-27T00:00:00Z"), At("2024-10-27T03:00:00Z"),
               3 * kHour);
  // Local 02:00 twice: first at +02:00, then at +01:00.
  CHECK(f.Query("SELECT sum(value) FROM m WHERE time >= "
                "'2024-10-27T00:00:00Z' AND time < '2024-10-27T04:00:00Z' "
                "GROUP BY time(1h) fill(0) tz('Europe/Berlin')") ==
        One(R"j({"name":"m","columns":["time","sum"],"values":[)j"
            R"j(["2024-10-27T02:00:00+02:00",1],)j"
            R"j(["2024-10-27T02:00:00+01:00",0],)j"
            R"j(["2024-10-27T03:00:00+01:00",0],)j"
            R"j(["2024-10-27T04:00:00+01:00",2]]})j"));
}

TEST_CASE("influxql tz() reads time literals without offset as local time",
          "[query][influxql][tz]") {
  Fixture f;
  f.WriteEvery(At("2024-03-30T00:00:00Z"), At("2024-04-01T18:00:00Z"),
               6 * kHour);
  // Local 2024-03-31 is [23:00Z, 22:00Z): four points, shown in local time.
  CHECK(f.Query("SELECT value FROM m WHERE time >= '2024-03-31 00:00:00' AND "
                "time < '2024-04-01' tz('Europe/Berlin')") ==
        One(R"j({"name":"m","columns":["time","value"],"values":[)j"
            R"j(["2024-03-31T01:00:00+01:00",5],)j"
            R"j(["2024-03-31T08:00:00+02:00",6],)j"
            R"j(["2024-03-31T14:00:00+02:00",7],)j"
            R"j(["2024-03-31T20:00:00+02:00",8]]})j"));
  // Explicit offsets keep their meaning; tz('UTC') writes "Z".
  CHECK(f.Query("SELECT value FROM m WHERE time = '2024-03-31T06:00:00Z' "
                "tz('UTC')") ==
        One(R"j({"name":"m","columns":["time","value"],"values":[)j"
            R"j(["2024-03-31T06:00:00Z",6]]})j"));
}

TEST_CASE("influxql rejects an unknown tz() zone while parsing",
          "[query][influxql][tz]") {
  Fixture f;
  net::Response r = f.Send("SELECT count(value) FROM m tz('Mars/Base')", {});
  CHECK(r.status == 400);
  CHECK(r.body ==
        "{\"error\":\"error parsing query: unable to find time zone "
        "Mars/Base\"}\n");
}

// Found by the influxql fuzzer: a zone name naming a directory of the zone
// database made the file read throw and abort the process.
TEST_CASE("a tz() zone naming a directory of the zone database is an error",
          "[query][influxql][tz]") {
  CHECK_FALSE(query::TimeZone::Load("Europe/").has_value());
  CHECK_FALSE(query::TimeZone::Load("Europe").has_value());
  Fixture f;
  net::Response r = f.Send("SELECT count(value) FROM m tz('Europe/')", {});
  CHECK(r.status == 400);
  CHECK(r.body.find("Europe/") != std::string::npos);
}
