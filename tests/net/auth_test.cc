// Credential extraction and log scrubbing (net/auth.h).
#include "net/auth.h"

#include <catch2/catch.hpp>

#include "net/net.h"

namespace citynexus::net {
namespace {

Request WithHeader(const std::string& value) {
  Request r;
  r.headers["authorization"] = value;
  return r;
}

std::optional<std::string> Secret(const Request& r, bool params = true) {
  auto s = ExtractSecret(r, params);
  REQUIRE(s.has_value());
  return *s;
}

}  // namespace

TEST_CASE("every credential form yields the secret", "[net][auth]") {
  CHECK(Secret(WithHeader("Bearer cnx_abc")) == "cnx_abc");
  CHECK(Secret(WithHeader("Token cnx_abc")) == "cnx_abc");
  CHECK(Secret(WithHeader("token user:cnx_abc")) == "cnx_abc");
  // base64("x:cnx_abc")
  CHECK(Secret(WithHeader("Basic eDpjbnhfYWJj")) == "cnx_abc");
  Request q;
  q.query = {{"u", "x"}, {"p", "cnx_abc"}};
  CHECK(Secret(q) == "cnx_abc");
  CHECK(Secret(q, /*params=*/false) == std::nullopt);
  CHECK(Secret(Request{}) == std::nullopt);
}

TEST_CASE("malformed credentials are 401, never a crash", "[net][auth]") {
  for (const char* bad : {"Bearer", "Digest abc", "Basic !!!!", "Basic eDp",
                          "Basic Y25", "Bearer ", "Token user:"}) {
    INFO(bad);
    auto s = ExtractSecret(WithHeader(bad), true);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().code() == StatusCode::kUnauthenticated);
  }
  auto huge =
      ExtractSecret(WithHeader("Bearer " + std::string(100000, 'a')), true);
  CHECK_FALSE(huge.has_value());
}

TEST_CASE("the access log never sees p=", "[net][auth]") {
  CHECK(ScrubTargetForLog("/query?db=x&u=me&p=cnx_secret&q=SHOW") ==
        "/query?db=x&u=me&p=[redacted]&q=SHOW");
  CHECK(ScrubTargetForLog("/query?p=s") == "/query?p=[redacted]");
  CHECK(ScrubTargetForLog("/write?db=x&pp=1") == "/write?db=x&pp=1");
  CHECK(ScrubTargetForLog("/healthz") == "/healthz");
}

TEST_CASE("failed credentials are anonymous on open routes only",
          "[net][auth]") {
  Authenticator auth(
      AuthOptions{{"pub_*"}, true, true},
      [](std::string_view s) -> Result<std::shared_ptr<const Access>> {
        if (s == "good") {
          return Access::ForToken("id1", "t", {}, {"pub_*"});
        }
        return Status::Unauthenticated("invalid token");
      });
  auto ok = auth.Authenticate(WithHeader("Bearer good"), false);
  REQUIRE(ok.has_value());
  CHECK((*ok)->authenticated());
  auto bad = auth.Authenticate(WithHeader("Bearer nope"), false);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code() == StatusCode::kUnauthenticated);
  auto open = auth.Authenticate(WithHeader("Bearer nope"), true);
  REQUIRE(open.has_value());
  CHECK_FALSE((*open)->authenticated());
  auto anon = auth.Authenticate(Request{}, false);
  REQUIRE(anon.has_value());
  CHECK((*anon)->CanRead("pub_x"));
  CHECK_FALSE((*anon)->CanRead("priv"));
  CHECK(IsOpenRoute("/metrics", true));
  CHECK_FALSE(IsOpenRoute("/metrics", false));
  CHECK_FALSE(IsOpenRoute("/write", true));
  CHECK(IsOpenRoute("/", false));
  CHECK(IsOpenRoute("/assets/{name}", false));
  CHECK(IsOpenRoute("/api/v1/openapi.json", false));
  CHECK_FALSE(IsOpenRoute("/v1.1", true));
}

}  // namespace citynexus::net
