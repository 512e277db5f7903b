// Unit tests for net/url.{h,cc}: percent-decoding, query parsing, target
// splitting.
#include "net/url.h"

#include <catch2/catch.hpp>

namespace citynexus::net {
namespace {

TEST_CASE("percent decoding turns escapes into bytes and keeps plain text",
          "[net][url]") {
  CHECK(PercentDecode("", false).value() == "");
  CHECK(PercentDecode("abc", false).value() == "abc");
  CHECK(PercentDecode("a%20b", false).value() == "a b");
  CHECK(PercentDecode("%2f%2F", false).value() == "//");
  CHECK(PercentDecode("%C3%BC", false).value() == "\xC3\xBC");
  CHECK(PercentDecode("%00", false).value() == std::string(1, '\0'));
}

TEST_CASE("percent decoding treats plus as space only when asked",
          "[net][url]") {
  CHECK(PercentDecode("a+b", true).value() == "a b");
  CHECK(PercentDecode("a+b", false).value() == "a+b");
  CHECK(PercentDecode("a%2Bb", true).value() == "a+b");
}

TEST_CASE("percent decoding rejects malformed escapes", "[net][url]") {
  CHECK_FALSE(PercentDecode("%", false).has_value());
  CHECK_FALSE(PercentDecode("abc%4", false).has_value());
  CHECK_FALSE(PercentDecode("%zz", false).has_value());
  CHECK_FALSE(PercentDecode("%g0", true).has_value());
}

TEST_CASE("query parsing keeps order, duplicates and empty values",
          "[net][url]") {
  auto q = ParseQuery("b=2&a=x+y&b=3&flag&&e=&%41=%42");
  REQUIRE(q.has_value());
  using P = std::pair<std::string, std::string>;
  std::vector<P> want = {{"b", "2"},   {"a", "x y"}, {"b", "3"},
                         {"flag", ""}, {"e", ""},    {"A", "B"}};
  CHECK(*q == want);
  CHECK(ParseQuery("")->empty());
  CHECK_FALSE(ParseQuery("a=%zz").has_value());
}

TEST_CASE("query values may contain equals signs", "[net][url]") {
  auto q = ParseQuery("expr=a%3Db=c");
  REQUIRE(q.has_value());
  REQUIRE(q->size() == 1);
  CHECK((*q)[0].first == "expr");
  CHECK((*q)[0].second == "a=b=c");
}

TEST_CASE("targets split into path and query without the fragment",
          "[net][url]") {
  auto p = SplitTarget("/api/v1/query?x=1&y=2");
  CHECK(p.path == "/api/v1/query");
  CHECK(p.query == "x=1&y=2");
  p = SplitTarget("/plain");
  CHECK(p.path == "/plain");
  CHECK(p.query.empty());
  p = SplitTarget("/a?b=1#frag");
  CHECK(p.path == "/a");
  CHECK(p.query == "b=1");
  p = SplitTarget("http://example.org:8080/write?db=x");
  CHECK(p.path == "/write");
  CHECK(p.query == "db=x");
  p = SplitTarget("http://example.org");
  CHECK(p.path == "/");
  CHECK(p.query.empty());
}

TEST_CASE("paths split into raw segments, keeping a trailing slash",
          "[net][url]") {
  CHECK(SplitPathSegments("/").empty());
  CHECK(SplitPathSegments("").empty());
  using V = std::vector<std::string_view>;
  CHECK(SplitPathSegments("/a/b%2Fc") == V{"a", "b%2Fc"});
  CHECK(SplitPathSegments("/a/") == V{"a", ""});
  CHECK(SplitPathSegments("/a//b") == V{"a", "", "b"});
}

}  // namespace
}  // namespace citynexus::net
