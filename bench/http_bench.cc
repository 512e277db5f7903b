// net/ throughput: route lookup, metrics rendering, gzip inflation of an
// ingest body, and keep-alive request round trips against the real server
// on loopback (one blocking client, so this is latency-bound: it measures
// per-request server overhead, not peak concurrency).
#include <benchmark/benchmark.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <random>
#include <string>

#include "common/log.h"
#include "net/gzip.h"
#include "net/net.h"

namespace citynexus::net {
namespace {
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;

// The citynexus API surface (DESIGN.md), so lookups scan a realistic table.
Router ApiRouter() {
  Router r;
  auto h = [](const Request&) { return Response::Text(200, "ok"); };
  for (const char* p : {"/write", "/api/v2/write", "/api/v1/senml",
                        "/api/v1/ingest/{source}"}) {
    r.Add("POST", p, h);
  }
  for (const char* p :
       {"/api/v1/series", "/api/v1/query", "/query", "/api/v1/indicators",
        "/api/v1/indicators/{id}", "/api/v1/stream", "/api/v1/openapi.json",
        "/", "/dashboard/{file}", "/api/v1/echo"}) {
    r.Add("GET", p, h);
  }
  return r;
}

void BM_Http_RouterFind(benchmark::State& state, const char* path) {
  const Router r = ApiRouter();
  for (auto _ : state) {
    Router::Match m = r.Find("GET", path);
    benchmark::DoNotOptimize(m.handler);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Http_RouterFind, literal, "/api/v1/query");
BENCHMARK_CAPTURE(BM_Http_RouterFind, capture, "/api/v1/indicators/water_use");
BENCHMARK_CAPTURE(BM_Http_RouterFind, miss, "/api/v1/nothing/here");

void BM_Http_MetricsRender(benchmark::State& state) {
  MetricsRegistry reg;
  // 20 routes x 3 statuses of counters plus a histogram per route.
  for (int route = 0; route < 20; ++route) {
    const std::string r = "/api/v1/route" + std::to_string(route);
    for (const char* status : {"200", "400", "503"}) {
      reg.GetCounter("citynexus_http_requests_total", "Requests.",
                     {{"route", r}, {"method", "GET"}, {"status", status}})
          ->Inc(route);
    }
    reg.GetHistogram("citynexus_http_request_duration_seconds", "Latency.",
                     {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
                     {{"route", r}})
        ->Observe(0.01 * route);
  }
  size_t bytes = 0;
  for (auto _ : state) {
    std::string text = reg.Render();
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
}
BENCHMARK(BM_Http_MetricsRender);

void BM_Http_GzipInflate(benchmark::State& state) {
  // A 5000-line traffic batch as a gateway would gzip it.
  std::mt19937 rng(7);
  std::string body;
  for (int i = 0; i < 5000; ++i) {
    body += "traffic,sensor=K" + std::to_string(i % 200) +
            ",district=Mitte vehicles=" + std::to_string(rng() % 60) +
            "i,speed=" + std::to_string(30 + rng() % 30) + ".5 " +
            std::to_string(1704067200000000000LL + i * 10'000'000'000LL) + "\n";
  }
  const std::string z = GzipDeflate(body);
  for (auto _ : state) {
    auto out = GzipInflate(z, 64u << 20);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(body.size()) *
                          state.iterations());
  state.counters["compression_ratio"] =
      static_cast<double>(body.size()) / static_cast<double>(z.size());
}
BENCHMARK(BM_Http_GzipInflate);

void BM_Http_KeepAliveRoundTrip(benchmark::State& state) {
  SetLogLevel(LogLevel::kWarn);  // the access log would dominate
  const Router router = ApiRouter();
  MetricsRegistry metrics;
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.threads = 2;
  HttpServer server(o, router, metrics);
  if (!server.Start().ok()) {
    state.SkipWithError("server did not start");
    return;
  }
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(
      asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), server.port()));
  const std::string body(static_cast<size_t>(state.range(0)), 'x');
  http::request<http::string_body> req{
      body.empty() ? http::verb::get : http::verb::post,
      body.empty() ? "/api/v1/echo" : "/api/v1/ingest/bench", 11};
  req.set(http::field::host, "127.0.0.1");
  req.body() = body;
  req.prepare_payload();
  beast::flat_buffer buffer;
  for (auto _ : state) {
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    if (res.result_int() != 200) {
      state.SkipWithError("unexpected status");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(body.size()) *
                          state.iterations());
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  server.Stop();
  SetLogLevel(LogLevel::kInfo);
}
BENCHMARK(BM_Http_KeepAliveRoundTrip)
    ->Arg(0)
    ->Arg(64 << 10)
    ->ArgName("body_bytes")
    ->UseRealTime();

}  // namespace
}  // namespace citynexus::net

BENCHMARK_MAIN();
