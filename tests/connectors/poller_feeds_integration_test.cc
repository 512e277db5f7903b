// Pollers against a real local HTTP server (citynexus' own net::HttpServer
// on port 0) serving GBFS, JSON and CSV payloads, storing into a real store
// in a temp dir. The routes count requests and check conditional headers.
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "connectors/pollers.h"
#include "engine/engine.h"
#include "net/net.h"
#include "support/temp_dir.h"
#include "support/wait_until.h"

namespace citynexus::connectors {
namespace {

using std::chrono::milliseconds;

using citynexus::testing::WaitUntil;

constexpr const char* kStatus = R"({"last_updated": 1714564800, "ttl": 60,
  "version": "2.3", "data": {"stations": [
  {"station_id": "st-1", "num_bikes_available": 7, "num_docks_available": 12,
   "is_installed": true, "is_renting": true, "is_returning": true,
   "last_reported": 1714564790},
  {"station_id": "st-2", "num_bikes_available": 0, "num_docks_available": 20,
   "is_installed": true, "is_renting": false, "is_returning": true,
   "last_reported": 1714564780}]}})";

constexpr const char* kInformation = R"({"last_updated": 1714500000,
  "ttl": 86400, "version": "2.3", "data": {"stations": [
  {"station_id": "st-1", "name": "Rathausplatz", "lat": 52.52, "lon": 13.405,
   "capacity": 20},
  {"station_id": "st-2", "name": "Hauptbahnhof", "lat": 52.5251,
   "lon": 13.3694}]}})";

// A store in a temp dir, an HTTP server with test routes, and counters.
struct Fixture {
  citynexus::testing::TempDir dir;
  std::unique_ptr<engine::Store> store;
  net::MetricsRegistry metrics;  // the pollers' metrics
  net::MetricsRegistry server_metrics;
  net::Router router;
  std::unique_ptr<net::HttpServer> server;
  std::mutex mu;
  std::map<std::string, int> requests;     // path -> count
  std::map<std::string, int> conditional;  // path -> requests with a match
  int fail_first = 0;                      // /flaky: 500 this many times

  Fixture() {
    engine::StoreOptions store_options;
    store_options.data_dir = dir.str();
    auto opened = engine::OpenStore(store_options);
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    // An ETag-served document: 304 when the client sends it back.
    auto serve = [this](std::string path, std::string body,
                        std::string content_type) {
      router.Add(
          "GET", path, [this, path, body, content_type](const net::Request& r) {
            std::lock_guard lock(mu);
            ++requests[path];
            if (r.Header("if-none-match") ==
                std::optional<std::string>("\"v1\"")) {
              ++conditional[path];
              return net::Response::Text(304, "");
            }
            net::Response out = net::Response::Text(200, body, content_type);
            out.headers.emplace_back("ETag", "\"v1\"");
            return out;
          });
    };
    serve("/gbfs/en/station_status.json", kStatus, "application/json");
    serve("/gbfs/en/station_information.json", kInformation,
          "application/json");
    router.Add("GET", "/gbfs/gbfs.json", [this](const net::Request& r) {
      std::lock_guard lock(mu);
      ++requests["/gbfs/gbfs.json"];
      const std::string base = "http://" + r.Header("host").value_or("");
      return net::Response::Json(
          200, R"({"last_updated": 1714564800, "ttl": 3600, "version": "2.3",
          "data": {"de": {"feeds": [{"name": "station_status", "url": "/nope"}]},
                   "en": {"feeds": [
            {"name": "system_information", "url": ")" +
                   base + R"(/gbfs/en/system_information.json"},
            {"name": "station_information", "url": ")" +
                   base + R"(/gbfs/en/station_information.json"},
            {"name": "station_status", "url": ")" +
                   base + R"(/gbfs/en/station_status.json"}]}}})");
    });
    serve("/open/counts.json",
          R"({"sensors": [
            {"id": "K12", "ts": 1714564800000, "counts": {"vehicles": 14}},
            {"id": "K13", "ts": 1714564800000, "counts": {"vehicles": "x"}},
            {"id": "K14", "ts": 1714564860000, "counts": {"vehicles": 9}}]})",
          "application/json");
    serve("/open/air.csv",
          "zeit;station;pm10\n"
          "2024-05-01T12:00:00Z;Mitte;\"18,5\"\n"
          "2024-05-01T13:00:00Z;Mitte;21\n",
          "text/csv");
    router.Add("GET", "/flaky.csv", [this](const net::Request&) {
      std::lock_guard lock(mu);
      if (++requests["/flaky.csv"] <= fail_first) {
        return net::Response::Text(500, "down");
      }
      return net::Response::Text(200, "t,v\n1714564800,1\n1714564860,2\n",
                                 "text/csv");
    });
    net::ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 1;
    server = std::make_unique<net::HttpServer>(server_options, router,
                                               server_metrics);
    REQUIRE(server->Start().ok());
  }
  ~Fixture() {
    server->Stop();
    (void)store->Close();
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + path;
  }
  int Requests(const std::string& path) {
    std::lock_guard lock(mu);
    return requests[path];
  }
  int Conditional(const std::string& path) {
    std::lock_guard lock(mu);
    return conditional[path];
  }

  // The points of one series as (timestamp_ns, value as double).
  std::vector<std::pair<int64_t, double>> Points(const engine::SeriesKey& key) {
    std::vector<std::pair<int64_t, double>> out;
    auto info = store->LookupSeries(key.Canonical());
    if (!info) return out;
    Status s = store->Scan(
        info->id, INT64_MIN, INT64_MAX, [&](const engine::Sample& sample) {
          double v = 0;
          if (auto* i = std::get_if<int64_t>(&sample.value)) {
            v = static_cast<double>(*i);
          } else if (auto* d = std::get_if<double>(&sample.value)) {
            v = *d;
          }
          out.emplace_back(sample.timestamp_ns, v);
          return true;
        });
    REQUIRE(s.ok());
    return out;
  }
};

PollerOptions Options(std::string name, std::string url, PollerFormat format) {
  PollerOptions o;
  o.name = std::move(name);
  o.url = std::move(url);
  o.format = format;
  o.interval = milliseconds(30);
  o.timeout = milliseconds(5000);
  o.backoff_max = milliseconds(200);
  return o;
}

engine::SeriesKey Key(std::string measurement,
                      std::vector<std::pair<std::string, std::string>> tags,
                      std::string field) {
  engine::SeriesKey key;
  key.measurement = std::move(measurement);
  key.tags = std::move(tags);
  key.field = std::move(field);
  return key;
}

TEST_CASE(
    "a GBFS poller discovers feeds, stores stations and sends "
    "conditional requests",
    "[connectors][pollers][integration]") {
  Fixture f;
  PollerOptions o =
      Options("bikes", f.Url("/gbfs/gbfs.json"), PollerFormat::kGbfs);
  o.language = "en";
  o.information_every = 3;
  o.domain = "mobility";
  Pollers pollers(*f.store, f.metrics, {o});
  REQUIRE(pollers.Start().ok());
  // The second and later polls of station_status get 304s.
  REQUIRE(WaitUntil(
      [&] { return f.Conditional("/gbfs/en/station_status.json") >= 3; }));
  REQUIRE(WaitUntil(
      [&] { return f.Requests("/gbfs/en/station_information.json") >= 2; }));
  pollers.Stop();

  CHECK(f.Requests("/gbfs/gbfs.json") == 1);  // discovered once
  const auto bikes = f.Points(
      Key("gbfs_station", {{"station_id", "st-1"}}, "num_bikes_available"));
  REQUIRE(bikes.size() == 1);
  CHECK(bikes[0].first == int64_t{1714564790} * 1000000000);
  CHECK(bikes[0].second == 7);
  const auto capacity =
      f.Points(Key("gbfs_station", {{"station_id", "st-1"}}, "capacity"));
  REQUIRE(capacity.size() == 1);
  CHECK(capacity[0].second == 20);
  auto info = f.store->LookupSeries(
      Key("gbfs_station", {{"station_id", "st-2"}}, "num_docks_available")
          .Canonical());
  REQUIRE(info.has_value());
  CHECK(info->meta.source == "poller:bikes");
  CHECK(info->meta.domain == "mobility");
  CHECK(info->meta.description == "Hauptbahnhof");

  // station_information is fetched every 3 polls, not on each one.
  const int status_requests = f.Requests("/gbfs/en/station_status.json");
  const int info_requests = f.Requests("/gbfs/en/station_information.json");
  CHECK(info_requests < status_requests);
  const std::vector<PollerState> states = pollers.States();
  REQUIRE(states.size() == 1);
  CHECK(states[0].errors == 0);
  CHECK(states[0].points == 11);  // 5 fields per station + st-1 capacity
  CHECK(states[0].not_modified >= 3);
  CHECK(pollers.Health().ok());
  const std::string text = f.metrics.Render();
  CHECK_THAT(text, Catch::Contains("citynexus_poller_up{poller=\"bikes\"} 1"));
  CHECK_THAT(text, Catch::Contains(
                       "citynexus_poller_points_total{poller=\"bikes\"} 11"));
  CHECK_THAT(
      text, Catch::Contains("citynexus_poller_last_success_timestamp_seconds"));
}

TEST_CASE("a JSON poller maps records and reports rejected ones",
          "[connectors][pollers][integration]") {
  Fixture f;
  PollerOptions o =
      Options("traffic", f.Url("/open/counts.json"), PollerFormat::kJson);
  o.json.records = "/sensors";
  o.json.time = "/ts";
  o.json.time_format = TimeFormat::kEpochMillis;
  o.measurement = "traffic";
  o.json.fields = {{"vehicles", "/counts/vehicles", MappedType::kInt}};
  o.json.tags = {{"sensor", "/id"}};
  Pollers pollers(*f.store, f.metrics, {o});
  REQUIRE(pollers.Start().ok());
  REQUIRE(WaitUntil([&] { return f.Conditional("/open/counts.json") >= 1; }));
  pollers.Stop();
  const auto k12 = f.Points(Key("traffic", {{"sensor", "K12"}}, "vehicles"));
  REQUIRE(k12.size() == 1);
  CHECK(k12[0] == std::make_pair(int64_t{1714564800000} * 1000000, 14.0));
  CHECK(f.Points(Key("traffic", {{"sensor", "K14"}}, "vehicles")).size() == 1);
  CHECK(f.Points(Key("traffic", {{"sensor", "K13"}}, "vehicles")).empty());
  const PollerState state = pollers.States().at(0);
  CHECK(state.points == 2);
  CHECK(state.rejected == 1);  // only the first poll decoded anything
  CHECK(state.errors == 0);
}

TEST_CASE("a CSV poller backs off while the server fails and recovers",
          "[connectors][pollers][integration]") {
  Fixture f;
  f.fail_first = 3;
  PollerOptions o = Options("flaky", f.Url("/flaky.csv"), PollerFormat::kCsv);
  o.measurement = "counter";
  o.csv.time_column = "t";
  o.csv.time_format = TimeFormat::kEpochSeconds;
  o.csv.fields = {{"v", "v", MappedType::kInt}};
  Pollers pollers(*f.store, f.metrics, {o});
  REQUIRE(pollers.Start().ok());
  // After 3 failures in a row /healthz would say unavailable.
  REQUIRE(WaitUntil([&] { return pollers.States().at(0).errors >= 3; }));
  REQUIRE(WaitUntil([&] { return pollers.States().at(0).points == 2; }));
  pollers.Stop();
  const PollerState state = pollers.States().at(0);
  CHECK(state.errors == 3);
  CHECK(state.consecutive_errors == 0);  // reset by the success
  CHECK(state.last_error.empty());
  CHECK(state.next_delay == o.interval);
  CHECK(state.last_success_ns > 0);
  CHECK(pollers.Health().ok());
  CHECK(f.Points(Key("counter", {}, "v")).size() == 2);
  CHECK_THAT(
      f.metrics.Render(),
      Catch::Contains("citynexus_poller_errors_total{poller=\"flaky\"} 3"));
}

TEST_CASE("a failing poller turns Health() unavailable and stops promptly",
          "[connectors][pollers][integration]") {
  Fixture f;
  f.fail_first = 1000000;
  PollerOptions o = Options("down", f.Url("/flaky.csv"), PollerFormat::kCsv);
  o.measurement = "counter";
  o.csv.fields = {{"v", "v", MappedType::kInt}};
  o.backoff_max = milliseconds(60000);  // long sleeps: Stop must wake them
  Pollers pollers(*f.store, f.metrics, {o});
  REQUIRE(pollers.Start().ok());
  REQUIRE(WaitUntil([&] {
    return pollers.States().at(0).errors >= Pollers::kUnhealthyAfter;
  }));
  const Status health = pollers.Health();
  CHECK(health.code() == StatusCode::kUnavailable);
  CHECK_THAT(health.message(), Catch::Contains("down"));
  CHECK_THAT(health.message(), Catch::Contains("HTTP 500"));
  CHECK(pollers.States().at(0).next_delay >= milliseconds(240));
  const auto before = std::chrono::steady_clock::now();
  pollers.Stop();
  // Not a timing threshold on the poller's speed: the sleep it was in is
  // up to 60 s, so returning well before that shows it was woken.
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(30));
  CHECK_THAT(f.metrics.Render(),
             Catch::Contains("citynexus_poller_up{poller=\"down\"} 0"));
}

TEST_CASE("Pollers::Start refuses invalid options and names each problem",
          "[connectors][pollers][integration]") {
  Fixture f;
  PollerOptions a = Options("a", "ftp://x/", PollerFormat::kGbfs);
  PollerOptions b = Options("a", f.Url("/x"), PollerFormat::kJson);  // no rule
  Pollers pollers(*f.store, f.metrics, {a, b});
  const Status s = pollers.Start();
  REQUIRE(s.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(s.message(), Catch::Contains("pollers[0] \"a\": url"));
  CHECK_THAT(s.message(), Catch::Contains("pollers[1] \"a\": mapping"));
  CHECK_THAT(s.message(), Catch::Contains("used by an earlier poller"));
  CHECK(pollers.States().empty());
}

}  // namespace
}  // namespace citynexus::connectors
