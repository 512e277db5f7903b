// URL handling of the HTTP client (net/http_client.cc), without sockets.
#include "net/http_client.h"

#include <catch2/catch.hpp>

#include "net/net.h"

namespace citynexus::net {
namespace {

TEST_CASE("ParseHttpUrl splits scheme, host, port and target",
          "[net][client][url]") {
  auto u = ParseHttpUrl(
      "HTTPS://Data.City.example:8443/gbfs/en/status.json?x=1#top");
  REQUIRE(u.has_value());
  CHECK(u->scheme == "https");
  CHECK(u->host == "data.city.example");
  CHECK(u->port == 8443);
  CHECK(u->target == "/gbfs/en/status.json?x=1");
  CHECK(u->tls());
  CHECK(u->ToString() ==
        "https://data.city.example:8443/gbfs/en/status.json?x=1");

  auto plain = ParseHttpUrl("http://example.org");
  REQUIRE(plain.has_value());
  CHECK(plain->port == 80);
  CHECK(plain->target == "/");
  CHECK_FALSE(plain->tls());
  CHECK(plain->ToString() == "http://example.org/");

  auto query_only = ParseHttpUrl("http://example.org?a=b");
  REQUIRE(query_only.has_value());
  CHECK(query_only->target == "/?a=b");

  auto v6 = ParseHttpUrl("http://[::1]:8080/x");
  REQUIRE(v6.has_value());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8080);
  CHECK(v6->ToString() == "http://[::1]:8080/x");

  auto default_port = ParseHttpUrl("https://h:/p");
  REQUIRE(default_port.has_value());
  CHECK(default_port->port == 443);
}

TEST_CASE("ParseHttpUrl rejects what it cannot fetch, naming the problem",
          "[net][client][url]") {
  struct Case {
    const char* url;
    const char* reason;
  };
  const Case cases[] = {
      {"ftp://example.org/x", "scheme must be http or https"},
      {"example.org/x", "absolute"},
      {"http:///x", "empty host"},
      {"http://h:0/", "port must be 1..65535"},
      {"http://h:70000/", "port"},
      {"http://h:8a/", "bad port"},
      {"http://user:pw@h/", "user names"},
      {"http://h/a b", "percent-encoded"},
      {"http://[::1/", "unclosed"},
  };
  for (const Case& c : cases) {
    INFO(c.url);
    auto u = ParseHttpUrl(c.url);
    REQUIRE_FALSE(u.has_value());
    CHECK(u.error().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(u.error().message(), Catch::Contains(c.reason));
  }
}

TEST_CASE("RemoveDotSegments follows RFC 3986 section 5.2.4",
          "[net][client][url]") {
  CHECK(RemoveDotSegments("/") == "/");
  CHECK(RemoveDotSegments("/a/b/c/./../../g") == "/a/g");
  CHECK(RemoveDotSegments("/a/b/..") == "/a/");
  CHECK(RemoveDotSegments("/a/b/.") == "/a/b/");
  CHECK(RemoveDotSegments("/../../x") == "/x");
  CHECK(RemoveDotSegments("/a//b/") == "/a//b/");
}

TEST_CASE("ResolveHttpUrl resolves the reference forms of RFC 3986 5.4",
          "[net][client][url]") {
  auto base = ParseHttpUrl("http://a/b/c/d;p?q");
  REQUIRE(base.has_value());
  const std::pair<const char*, const char*> cases[] = {
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g/"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"g#s", "http://a/b/c/g"},
      {"..", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../../../g", "http://a/g"},
      {"", "http://a/b/c/d;p?q"},
      {"https://other.example:444/x", "https://other.example:444/x"},
  };
  for (const auto& [ref, expected] : cases) {
    INFO(ref);
    auto r = ResolveHttpUrl(*base, ref);
    REQUIRE(r.has_value());
    CHECK(r->ToString() == expected);
  }
  auto bad = ResolveHttpUrl(*base, "mailto:x@y");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("only 301, 302, 303, 307 and 308 are followed",
          "[net][client][url]") {
  for (int s : {301, 302, 303, 307, 308}) CHECK(IsFollowedRedirect(s));
  for (int s : {200, 300, 304, 305, 400}) CHECK_FALSE(IsFollowedRedirect(s));
}

}  // namespace
}  // namespace citynexus::net
