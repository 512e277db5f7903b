// Unit tests for the built-in route helpers (net/builtin_routes.cc) and the
// method label bound (net/server_context.cc), without sockets.
#include "net/builtin_routes.h"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "net/server_context.h"

namespace citynexus::net {
namespace {

using Checks = std::vector<std::pair<std::string, std::function<Status()>>>;

TEST_CASE("health response is ok with no checks", "[net][health]") {
  Response r = HealthResponse({});
  CHECK(r.status == 200);
  CHECK(r.body == "{\"status\":\"ok\",\"checks\":{}}");
}

TEST_CASE("health response fails when any check fails or throws",
          "[net][health]") {
  Checks checks = {
      {"store", [] { return Status::Ok(); }},
      {"mqtt", [] { return Status::Unavailable("broker \"m\" down"); }},
      {"boom", []() -> Status { throw std::runtime_error("x"); }},
  };
  Response r = HealthResponse(checks);
  CHECK(r.status == 503);
  CHECK(r.body ==
        "{\"status\":\"fail\",\"checks\":{"
        "\"store\":{\"status\":\"ok\"},"
        "\"mqtt\":{\"status\":\"fail\",\"code\":\"unavailable\","
        "\"message\":\"broker \\\"m\\\" down\"},"
        "\"boom\":{\"status\":\"fail\",\"code\":\"unavailable\","
        "\"message\":\"health check threw: x\"}}}");
}

TEST_CASE("builtin routes answer version and metrics without a server",
          "[net][health]") {
  ServerContext ctx;
  MetricsRegistry metrics;
  metrics.GetCounter("c_total", "C.")->Inc(2);
  ctx.metrics = &metrics;
  ctx.options.version = "9.9";
  AddBuiltinRoutes(&ctx);
  Response got;
  auto call = [&](const char* path) {
    auto m = ctx.builtin_router.Find("GET", path);
    REQUIRE(m.handler != nullptr);
    (*m.handler)(Request{}, [&](Response r) { got = std::move(r); });
  };
  call("/api/v1/version");
  CHECK(got.body == "{\"name\":\"citynexus\",\"version\":\"9.9\"}");
  call("/metrics");
  CHECK(got.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(got.body.find("c_total 2\n") != std::string::npos);
}

TEST_CASE(
    "route lookup prefers built-ins, falls back HEAD to GET and "
    "lists allowed methods",
    "[net][router]") {
  ServerContext ctx;
  MetricsRegistry metrics;
  ctx.metrics = &metrics;
  AddBuiltinRoutes(&ctx);
  Router user;
  user.Add("GET", "/metrics", [](const Request&) { return Response{}; });
  user.Add("POST", "/w", [](const Request&) { return Response{}; });
  user.Add("GET", "/r", [](const Request&) { return Response{}; });
  ctx.user_router = &user;
  bool head = false;
  auto m = ctx.FindRoute("GET", "/metrics", &head);
  REQUIRE(m.handler != nullptr);
  CHECK(m.handler == ctx.builtin_router.Find("GET", "/metrics").handler);
  m = ctx.FindRoute("HEAD", "/r", &head);
  CHECK(m.handler != nullptr);
  CHECK(head);
  m = ctx.FindRoute("GET", "/w", &head);
  CHECK(m.handler == nullptr);
  CHECK(m.allowed_methods == std::vector<std::string>{"POST"});
  m = ctx.FindRoute("DELETE", "/r", &head);
  CHECK(m.allowed_methods == std::vector<std::string>{"GET", "HEAD"});
  m = ctx.FindRoute("GET", "/none", &head);
  CHECK(m.handler == nullptr);
  CHECK(m.allowed_methods.empty());
}

TEST_CASE("method labels are bounded", "[net][metrics]") {
  CHECK(MethodLabel("GET") == "GET");
  CHECK(MethodLabel("DELETE") == "DELETE");
  CHECK(MethodLabel("BREW") == "OTHER");
  CHECK(MethodLabel("-") == "OTHER");
}

}  // namespace
}  // namespace citynexus::net
