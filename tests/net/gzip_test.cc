// Unit tests for net/gzip.{h,cc}.
#include "net/gzip.h"

#include <catch2/catch.hpp>
#include <random>

namespace citynexus::net {
namespace {

TEST_CASE("gzip round-trips empty, small and large bodies", "[net][gzip]") {
  std::mt19937 rng(42);
  std::string big(300000, '\0');
  for (char& c : big) {
    c = static_cast<char>('a' + rng() % 4);
  }
  for (const std::string& in :
       {std::string(), std::string("weather,city=x t=1 1\n"), big}) {
    const std::string z = GzipDeflate(in);
    REQUIRE_FALSE(z.empty());
    auto out = GzipInflate(z, 1 << 20);
    REQUIRE(out.has_value());
    CHECK(*out == in);
  }
}

TEST_CASE("gzip inflate enforces the output bound", "[net][gzip]") {
  const std::string zeros(100000, '0');
  const std::string z = GzipDeflate(zeros);
  CHECK(z.size() < 1000);  // highly compressible: a small "bomb"
  auto out = GzipInflate(z, 99999);
  REQUIRE_FALSE(out.has_value());
  CHECK(out.error().code() == StatusCode::kResourceExhausted);
  CHECK(GzipInflate(z, 100000).has_value());
}

TEST_CASE("gzip inflate rejects garbage and truncated data", "[net][gzip]") {
  auto bad = GzipInflate("this is not gzip", 1000);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code() == StatusCode::kInvalidArgument);
  const std::string z = GzipDeflate(std::string(5000, 'x') + "tail");
  auto truncated =
      GzipInflate(std::string_view(z).substr(0, z.size() / 2), 100000);
  REQUIRE_FALSE(truncated.has_value());
  CHECK(truncated.error().code() == StatusCode::kInvalidArgument);
  auto empty = GzipInflate("", 1000);
  CHECK_FALSE(empty.has_value());
}

TEST_CASE("gzip inflate accepts concatenated members", "[net][gzip]") {
  const std::string z = GzipDeflate("first,") + GzipDeflate("second");
  auto out = GzipInflate(z, 1000);
  REQUIRE(out.has_value());
  CHECK(*out == "first,second");
}

}  // namespace
}  // namespace citynexus::net
