// Unit tests for Router (net/router.cc): literal and captured segments,
// specificity, 404/405 information.
#include <catch2/catch.hpp>

#include "net/net.h"

namespace citynexus::net {
namespace {

// Runs the matched handler synchronously and returns its response body.
std::string Call(const Router::Match& m, const Request& base = {}) {
  Request req = base;
  REQUIRE(m.handler != nullptr);
  std::string body;
  req.path_params = m.params;
  (*m.handler)(std::move(req), [&](Response r) { body = r.body; });
  return body;
}

Handler Fixed(const std::string& body) {
  return [body](const Request&) { return Response::Json(200, body); };
}

TEST_CASE("router matches literal paths by method", "[net][router]") {
  Router r;
  r.Add("GET", "/a/b", Fixed("get"));
  r.Add("POST", "/a/b", Fixed("post"));
  CHECK(Call(r.Find("GET", "/a/b")) == "get");
  CHECK(Call(r.Find("POST", "/a/b")) == "post");
  CHECK(r.Find("GET", "/a/b").pattern == "/a/b");
}

TEST_CASE("router captures named segments, percent-decoded", "[net][router]") {
  Router r;
  r.Add("GET", "/api/v1/indicators/{id}/values/{step}", Fixed("x"));
  auto m = r.Find("GET", "/api/v1/indicators/water%20use/values/1h");
  REQUIRE(m.handler != nullptr);
  CHECK(m.pattern == "/api/v1/indicators/{id}/values/{step}");
  CHECK(m.params.at("id") == "water use");
  CHECK(m.params.at("step") == "1h");
  // An encoded slash stays inside the captured segment.
  m = r.Find("GET", "/api/v1/indicators/a%2Fb/values/1d");
  REQUIRE(m.handler != nullptr);
  CHECK(m.params.at("id") == "a/b");
}

TEST_CASE("router does not match empty captures or other segment counts",
          "[net][router]") {
  Router r;
  r.Add("GET", "/items/{id}", Fixed("x"));
  CHECK(r.Find("GET", "/items/").handler == nullptr);
  CHECK(r.Find("GET", "/items").handler == nullptr);
  CHECK(r.Find("GET", "/items/1/2").handler == nullptr);
  CHECK(r.Find("GET", "/items/1").handler != nullptr);
}

TEST_CASE("router prefers literal segments over captures", "[net][router]") {
  Router r;
  r.Add("GET", "/x/{id}", Fixed("capture"));
  r.Add("GET", "/x/summary", Fixed("literal"));
  r.Add("GET", "/{a}/{b}", Fixed("both"));
  CHECK(Call(r.Find("GET", "/x/summary")) == "literal");
  CHECK(Call(r.Find("GET", "/x/7")) == "capture");
  CHECK(Call(r.Find("GET", "/y/7")) == "both");
}

TEST_CASE("router reports no match with empty allowed methods for 404",
          "[net][router]") {
  Router r;
  r.Add("GET", "/a", Fixed("x"));
  auto m = r.Find("GET", "/nope");
  CHECK(m.handler == nullptr);
  CHECK(m.allowed_methods.empty());
  // A malformed escape in the path matches nothing.
  CHECK(r.Find("GET", "/a%zz").handler == nullptr);
}

TEST_CASE("router lists the allowed methods when only the path matches",
          "[net][router]") {
  Router r;
  r.Add("POST", "/write", Fixed("x"));
  r.Add("PUT", "/write", Fixed("x"));
  r.Add("GET", "/other", Fixed("x"));
  auto m = r.Find("GET", "/write");
  CHECK(m.handler == nullptr);
  CHECK(m.allowed_methods == std::vector<std::string>{"POST", "PUT"});
}

TEST_CASE("router re-registration replaces the handler", "[net][router]") {
  Router r;
  r.Add("GET", "/a", Fixed("old"));
  r.Add("GET", "/a", Fixed("new"));
  CHECK(Call(r.Find("GET", "/a")) == "new");
}

TEST_CASE("router root path and trailing slash are distinct routes",
          "[net][router]") {
  Router r;
  r.Add("GET", "/", Fixed("root"));
  r.Add("GET", "/a", Fixed("a"));
  CHECK(Call(r.Find("GET", "/")) == "root");
  CHECK(Call(r.Find("GET", "/a")) == "a");
  CHECK(r.Find("GET", "/a/").handler == nullptr);
}

TEST_CASE("router async handlers receive a responder", "[net][router]") {
  Router r;
  r.AddAsync("POST", "/async/{n}",
             [](const Request& req, const Responder& respond) {
               respond(Response::Text(202, "n=" + req.path_params.at("n")));
             });
  auto m = r.Find("POST", "/async/5");
  CHECK(Call(m) == "n=5");
}

}  // namespace
}  // namespace citynexus::net
