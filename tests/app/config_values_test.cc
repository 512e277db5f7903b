// Tests of the value syntaxes (app/config/values.h).
#include "app/config/values.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace citynexus::app {
namespace {

using std::chrono::seconds;

TEST_CASE("durations parse in every unit and print in the largest exact one",
          "[app][config]") {
  CHECK(ParseDuration("90s") == seconds(90));
  CHECK(ParseDuration("15m") == seconds(900));
  CHECK(ParseDuration("1h") == seconds(3600));
  CHECK(ParseDuration("7d") == seconds(7 * 86400));
  CHECK(ParseDuration("2w") == seconds(14 * 86400));
  CHECK(ParseDuration("0s") == seconds(0));
  for (const char* bad : {"", "s", "1", "1.5h", "-1h", "1 h", "1H", "1hh", "1y",
                          " 1h", "99999999999999999999s"}) {
    INFO(bad);
    CHECK_FALSE(ParseDuration(bad).has_value());
  }
  // Largest count that still fits in int64 seconds, and one past it.
  CHECK(ParseDuration("15250284452471w").has_value());
  CHECK_FALSE(ParseDuration("15250284452472w").has_value());

  CHECK(FormatDuration(seconds(86400)) == "1d");
  CHECK(FormatDuration(seconds(5400)) == "90m");
  CHECK(FormatDuration(seconds(90)) == "90s");
  CHECK(FormatDuration(seconds(14 * 86400)) == "2w");
  CHECK(FormatDuration(seconds(0)) == "0s");
}

TEST_CASE("listen addresses parse with IPv4, names and bracketed IPv6",
          "[app][config]") {
  auto v4 = ParseHostPort("127.0.0.1:8080");
  REQUIRE(v4.has_value());
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 8080);
  auto v6 = ParseHostPort("[::1]:0");
  REQUIRE(v6.has_value());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 0);
  auto name = ParseHostPort("localhost:65535");
  REQUIRE(name.has_value());
  CHECK(name->port == 65535);
  for (const char* bad :
       {"", "8080", ":8080", "host:", "host:65536", "host:80x", "::1:80",
        "[::1]", "[]:80", "a b:80", "host:-1", "host:000080"}) {
    INFO(bad);
    CHECK_FALSE(ParseHostPort(bad).has_value());
  }
  CHECK(FormatHostPort("::1", 9) == "[::1]:9");
  CHECK(FormatHostPort("0.0.0.0", 80) == "0.0.0.0:80");
}

TEST_CASE("did-you-mean picks a close name and ignores distant ones",
          "[app][config]") {
  CHECK(EditDistance("http", "htp") == 1);
  CHECK(EditDistance("threads", "thraeds") == 1);  // adjacent swap
  CHECK(EditDistance("", "abc") == 3);
  CHECK(EditDistance("LOG_LEVEL", "log_level") == 0);
  const std::vector<std::string> names = {"data_dir", "log_level", "http",
                                          "storage"};
  CHECK(ClosestName("htp", names) == "http");
  CHECK(ClosestName("loglevel", names) == "log_level");
  CHECK(ClosestName("storag", names) == "storage");
  CHECK_FALSE(ClosestName("mqtt", names).has_value());
  CHECK_FALSE(ClosestName("x", names).has_value());
}

}  // namespace
}  // namespace citynexus::app
