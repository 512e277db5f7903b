// GET /api/v1/stream through the real HTTP server on loopback, with the real
// write path (POST /write into RocksDB through engine::PublishingStore) and
// the real indicator evaluator: point events after the write is
// acknowledged, selectors, heartbeats, the slow-client notice and indicator
// events at step completion.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "connectors/connectors.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/indicators.h"
#include "query/stream.h"
#include "support/http_client.h"
#include "support/sse_client.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;
using testing::HttpRequest;
using testing::SseClient;

// A test indicator: the sum of flow.m3 per step.
constexpr const char* kFlowTotal = R"json({
  "id": "flow_total", "version": 1, "name": "Flow per step",
  "domains": ["water"],
  "reference": {"standard": "test", "code": null, "status": "own"},
  "unit": "m3", "step": "1d", "min_coverage": 0,
  "expr": "sum(sum_over_time(flow.m3[1d]))"
})json";

// Store, write endpoints, indicators, streams and the server, wired as
// `citynexus serve` wires them (app/cmd/serve.cc).
struct StreamStack {
  testing::TempDir dir;
  engine::PointFeed feed;
  std::unique_ptr<engine::Store> store;
  net::MetricsRegistry metrics;
  net::Router router;
  std::unique_ptr<connectors::HttpIngest> ingest;
  std::unique_ptr<query::IndicatorService> indicators;
  std::unique_ptr<query::StreamService> streams;
  std::unique_ptr<net::HttpServer> server;

  explicit StreamStack(query::StreamOptions options = {}) {
    engine::StoreOptions store_options;
    store_options.data_dir = dir.str() + "/data";
    auto opened = engine::OpenStore(store_options);
    REQUIRE(opened.has_value());
    store = engine::PublishingStore(std::move(*opened), feed);
    ingest = std::make_unique<connectors::HttpIngest>(
        *store, metrics, connectors::HttpIngestOptions{});
    ingest->RegisterRoutes(router);
    const std::string catalog_dir = dir.str() + "/indicators";
    std::filesystem::create_directories(catalog_dir);
    std::ofstream(catalog_dir + "/flow_total.json") << kFlowTotal;
    auto catalog =
        query::LoadIndicatorCatalog({catalog_dir}, query::Facts{}, nullptr);
    REQUIRE(catalog.has_value());
    indicators = std::make_unique<query::IndicatorService>(
        *store, std::move(*catalog), query::Facts{});
    streams = std::make_unique<query::StreamService>(*store, feed, *indicators,
                                                     options, metrics);
    streams->RegisterRoutes(router);
    net::ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 2;
    server = std::make_unique<net::HttpServer>(server_options, router, metrics);
    // Deny by default (issue #10): requests carry "Bearer test-admin", which
    // this verifier maps to full access.
    server->SetAuthenticator(std::make_shared<net::Authenticator>(
        net::AuthOptions{},
        [](std::string_view secret)
            -> Result<std::shared_ptr<const net::Access>> {
          if (secret == "test-admin") return net::Access::Internal();
          return Status::Unauthenticated("invalid token");
        }));
    testing::SetDefaultAuthorization("Bearer test-admin");
    REQUIRE(server->Start().ok());
    REQUIRE(streams->Start().ok());
  }
  ~StreamStack() {
    streams->Stop();
    server->Stop();
    ingest->Stop();
    (void)store->Close();
  }
  uint16_t port() const { return server->port(); }
  int Write(const std::string& lines) {
    return HttpRequest(port(), "POST", "/write", lines).status;
  }
  // The value of an unlabelled metric line in /metrics, or -1.
  double Metric(const std::string& name) {
    const std::string text = HttpRequest(port(), "GET", "/metrics").body;
    const size_t at = text.find("\n" + name + " ");
    return at == std::string::npos
               ? -1
               : std::stod(text.substr(at + name.size() + 2));
  }
};

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_CASE(
    "a point stream gets each matching point after its write is "
    "acknowledged, and nothing else",
    "[app][stream][integration]") {
  StreamStack stack;
  auto client = SseClient::Open(
      stack.port(), "/api/v1/stream?measurement=flow&field=m3&tag.site=a");
  REQUIRE(client->status() == 200);
  CHECK(client->headers().at("content-type").starts_with("text/event-stream"));
  auto subscribed = client->NextNamed("subscribed", 5s);
  REQUIRE(subscribed.has_value());
  CHECK(json::parse(subscribed->data) == json({{"stream", "points"},
                                               {"measurement", "flow"},
                                               {"field", "m3"},
                                               {"tags", {{"site", "a"}}}}));

  // Other site, other field, other measurement: not delivered.
  REQUIRE(stack.Write("flow,site=b m3=1 1000000000\n"
                      "flow,site=a litres=5 1000000000\n"
                      "power,site=a m3=7 1000000000\n"
                      "flow,site=a,pump=p1 m3=2.5 2000000000\n"
                      "flow,site=a m3=3i 3000000000\n") == 204);
  auto first = client->NextNamed("point", 5s);
  REQUIRE(first.has_value());
  const json a = json::parse(first->data);
  CHECK(a["series"] == "flow{pump=p1,site=a}#m3");
  CHECK(a["measurement"] == "flow");
  CHECK(a["field"] == "m3");
  CHECK(a["tags"] == json({{"pump", "p1"}, {"site", "a"}}));
  CHECK(a["time"] == 2000);  // epoch ms by default
  CHECK(a["value"] == 2.5);
  auto second = client->NextNamed("point", 5s);
  REQUIRE(second.has_value());
  const json b = json::parse(second->data);
  CHECK(b["series"] == "flow{site=a}#m3");
  CHECK(b["value"] == 3);
  CHECK(b["value"].is_number_integer());

  // A later write to a non-matching series, then a matching one: the next
  // event is the matching one (the other was never sent).
  REQUIRE(stack.Write("flow,site=b m3=9 4000000000\n") == 204);
  REQUIRE(stack.Write("flow,site=a m3=4i 5000000000\n") == 204);
  auto third = client->NextNamed("point", 5s);
  REQUIRE(third.has_value());
  CHECK(json::parse(third->data)["time"] == 5000);
}

TEST_CASE("stream parameters are checked before the stream opens",
          "[app][stream][integration]") {
  StreamStack stack;
  CHECK(HttpRequest(stack.port(), "GET", "/api/v1/stream?indicator=nope")
            .status == 404);
  CHECK(HttpRequest(stack.port(), "GET",
                    "/api/v1/stream?indicator=flow_total&measurement=flow")
            .status == 400);
  CHECK(HttpRequest(stack.port(), "GET",
                    "/api/v1/stream?indicator=flow_total&step=banana")
            .status == 400);
  CHECK(HttpRequest(stack.port(), "GET",
                    "/api/v1/stream?indicator=flow_total&step=100ms")
            .status == 400);
  CHECK(HttpRequest(stack.port(), "GET", "/api/v1/stream?epoch=days").status ==
        400);
  CHECK(HttpRequest(stack.port(), "GET", "/api/v1/stream?tag.=x").status ==
        400);
}

TEST_CASE("the write path feeds the fan-out only while a point stream is open",
          "[app][stream][integration]") {
  query::StreamOptions options;
  options.heartbeat_interval = 20ms;  // the fan-out thread looks this often
  StreamStack stack(options);
  CHECK_FALSE(stack.feed.active());  // no stream: writes skip the fan-out
  auto indicator =
      SseClient::Open(stack.port(), "/api/v1/stream?indicator=flow_total");
  REQUIRE(indicator->NextNamed("subscribed", 5s).has_value());
  CHECK_FALSE(stack.feed.active());  // indicator streams need no points

  auto points = SseClient::Open(stack.port(), "/api/v1/stream?measurement=x");
  REQUIRE(points->NextNamed("subscribed", 5s).has_value());
  CHECK(stack.feed.active());
  points->Close();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (stack.feed.active() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  CHECK_FALSE(stack.feed.active());
}

TEST_CASE("open streams get heartbeat comments", "[app][stream][integration]") {
  query::StreamOptions options;
  options.heartbeat_interval = 50ms;
  StreamStack stack(options);
  auto client = SseClient::Open(stack.port(), "/api/v1/stream?measurement=x");
  REQUIRE(client->status() == 200);
  REQUIRE(client->NextNamed("subscribed", 5s).has_value());
  auto beat = client->Next(5s);
  REQUIRE(beat.has_value());
  CHECK(beat->name.empty());
  CHECK(beat->comment == "heartbeat");
}

TEST_CASE(
    "a client that does not read gets a notice and is disconnected, and "
    "ingest goes on",
    "[app][stream][integration]") {
  query::StreamOptions options;
  options.client_buffer_bytes = 8192;
  StreamStack stack(options);
  auto slow =
      SseClient::Open(stack.port(), "/api/v1/stream?measurement=flow", 4096);
  REQUIRE(slow->status() == 200);
  REQUIRE(slow->NextNamed("subscribed", 5s).has_value());

  // Keep writing until the server gives up on the client; every write is
  // acknowledged meanwhile.
  int64_t t = 1;
  int batches = 0;
  while (stack.Metric("citynexus_stream_slow_clients_total") < 1) {
    std::string lines;
    for (int i = 0; i < 1000; ++i, ++t) {
      lines += "flow,site=a m3=" + std::to_string(t) + " " + std::to_string(t) +
               "\n";
    }
    REQUIRE(stack.Write(lines) == 204);
    REQUIRE(++batches < 500);
  }
  // What was queued before the notice arrives, then the notice, then the
  // end of the body.
  std::optional<testing::SseEvent> event;
  int64_t points = 0;
  while ((event = slow->Next(5s)) && event->name != "notice") {
    if (event->name == "point") ++points;
  }
  REQUIRE(event.has_value());
  CHECK(json::parse(event->data)["code"] == "slow_client");
  CHECK(points < t - 1);
  CHECK_FALSE(slow->Next(5s).has_value());
  CHECK(slow->clean_end());
  CHECK(stack.Write("flow,site=a m3=1 1\n") == 204);
}

TEST_CASE(
    "points beyond the fan-out queue close point streams with a "
    "notice instead of slowing ingest",
    "[app][stream][integration]") {
  query::StreamOptions options;
  options.max_queued_points = 5;
  StreamStack stack(options);
  auto client = SseClient::Open(stack.port(), "/api/v1/stream");
  REQUIRE(client->status() == 200);
  REQUIRE(client->NextNamed("subscribed", 5s).has_value());
  std::string lines;
  for (int i = 1; i <= 10; ++i) {
    lines +=
        "flow,site=a m3=" + std::to_string(i) + " " + std::to_string(i) + "\n";
  }
  REQUIRE(stack.Write(lines) == 204);  // one batch of 10 > 5: not queued
  auto notice = client->NextNamed("notice", 5s);
  REQUIRE(notice.has_value());
  CHECK(json::parse(notice->data)["code"] == "overloaded");
  CHECK_FALSE(client->Next(5s).has_value());
  CHECK(client->clean_end());
}

TEST_CASE("streams beyond stream.max_clients get 503",
          "[app][stream][integration]") {
  query::StreamOptions options;
  options.max_clients = 1;
  StreamStack stack(options);
  auto first = SseClient::Open(stack.port(), "/api/v1/stream?measurement=a");
  REQUIRE(first->status() == 200);
  REQUIRE(first->NextNamed("subscribed", 5s).has_value());
  const auto refused =
      HttpRequest(stack.port(), "GET", "/api/v1/stream?measurement=b");
  CHECK(refused.status == 503);
  CHECK(refused.body.find("stream.max_clients") != std::string::npos);
  // Once the first stream is gone, a new one is accepted.
  first->Close();
  std::unique_ptr<SseClient> second;
  for (int attempt = 0; attempt < 100; ++attempt) {
    second = SseClient::Open(stack.port(), "/api/v1/stream?measurement=b");
    if (second->status() == 200) break;
    std::this_thread::sleep_for(20ms);
  }
  CHECK(second->status() == 200);
}

TEST_CASE("stopping the stream service ends open streams with a notice",
          "[app][stream][integration]") {
  StreamStack stack;
  auto client = SseClient::Open(stack.port(), "/api/v1/stream?measurement=a");
  REQUIRE(client->status() == 200);
  REQUIRE(client->NextNamed("subscribed", 5s).has_value());
  stack.streams->Stop();
  auto notice = client->NextNamed("notice", 5s);
  REQUIRE(notice.has_value());
  CHECK(json::parse(notice->data)["code"] == "shutting_down");
  CHECK_FALSE(client->Next(5s).has_value());
  CHECK(client->clean_end());
  // New streams are refused while the rest of the server still runs.
  CHECK(
      HttpRequest(stack.port(), "GET", "/api/v1/stream?measurement=a").status ==
      503);
}

TEST_CASE(
    "an indicator stream gets one event per series when a step "
    "completes (step override)",
    "[app][stream][integration]") {
  query::StreamOptions options;
  options.indicator_delay = 100ms;
  StreamStack stack(options);
  auto client = SseClient::Open(
      stack.port(), "/api/v1/stream?indicator=flow_total&step=1s&epoch=ns");
  REQUIRE(client->status() == 200);
  auto subscribed = client->NextNamed("subscribed", 5s);
  REQUIRE(subscribed.has_value());
  CHECK(json::parse(subscribed->data) ==
        json({{"stream", "indicator"}, {"id", "flow_total"}, {"step", "1s"}}));

  // Points in the next step: written at least a second before it completes.
  const int64_t step = 1000000000;
  const int64_t target = (NowNs() / step + 1) * step;
  REQUIRE(stack.Write("flow,site=a m3=1.5 " + std::to_string(target) + "\n" +
                      "flow,site=b m3=2 " + std::to_string(target + 1) + "\n" +
                      "flow,site=a m3=4 " + std::to_string(target + step) +
                      "\n") == 204);
  std::optional<testing::SseEvent> event;
  json value;
  while ((event = client->NextNamed("indicator", 10s))) {
    value = json::parse(event->data);
    if (value["time"] == target) break;
  }
  REQUIRE(event.has_value());
  CHECK(value["id"] == "flow_total");
  CHECK(value["step"] == "1s");
  CHECK(value["unit"] == "m3");
  CHECK(value["labels"] == json::object());
  CHECK(value["value"] == 3.5);  // 1.5 + 2; the 4 is in the next step
  CHECK(value["quality"] == "ok");
}

}  // namespace
}  // namespace citynexus::app
