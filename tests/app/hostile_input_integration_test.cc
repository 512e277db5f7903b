// Hostile input against the real `citynexus serve` process: each probe gets
// a clear error (or a correct answer), and the process stays up and healthy.
// The resident memory after each probe is printed ("[hostile] ...") for the
// hardening notes; it is not asserted (no machine-dependent thresholds).
#include <catch2/catch.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "app/serve_util.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace citynexus::app {
namespace {

using testing::HttpRequest;

std::string UrlEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

void Report(const testing::ServeProcess& serve, const std::string& probe,
            int status) {
  std::cerr << "[hostile] " << probe << " -> " << status
            << ", RSS after: " << serve.RssKiB() << " KiB\n";
}

TEST_CASE("a pathological regex over a 30 KB tag value answers, not crashes",
          "[app][hardening][regex][integration]") {
  testing::TempDir dir;
  testing::ServeProcess serve(dir.str());
  // 30 KB alternating a/b: libstdc++'s std::regex recursed per character
  // here and overflowed the stack.
  std::string long_value;
  for (int i = 0; i < 30000; ++i) long_value += (i % 2 ? 'b' : 'a');
  const std::string lines = "m,t=" + long_value +
                            " v=1 1700000000000000000\n"
                            "m,t=c v=2 1700000000000000000\n";
  REQUIRE(HttpRequest(serve.port(), "POST", "/write?db=city", lines).status ==
          204);

  const std::string query = "SELECT v FROM m WHERE t =~ /(a|b)*$/";
  auto reply =
      HttpRequest(serve.port(), "GET", "/query?db=city&q=" + UrlEncode(query));
  Report(serve, "InfluxQL =~ /(a|b)*$/ over a 30 KB tag", reply.status);
  REQUIRE(reply.status == 200);
  // (a|b)*$ matches every string (also at its end): both rows come back.
  const auto body = nlohmann::json::parse(reply.body);
  CHECK(body["results"][0]["series"][0]["values"].size() == 2);

  // Anchored: only the long value matches, and the answer says so.
  const std::string anchored = "SELECT v FROM m WHERE t =~ /^(a|b)*$/";
  reply = HttpRequest(serve.port(), "GET",
                      "/query?db=city&q=" + UrlEncode(anchored));
  REQUIRE(reply.status == 200);
  CHECK(nlohmann::json::parse(reply.body)["results"][0]["series"][0]["values"]
            .size() == 1);

  // Same pattern through SHOW ... WITH KEY and FROM /re/.
  reply = HttpRequest(
      serve.port(), "GET",
      "/query?db=city&q=" + UrlEncode("SHOW TAG VALUES FROM /(m|n)*/ WITH KEY "
                                      "=~ /(t|u)*$/ WHERE t =~ /(a|b)*c?$/"));
  Report(serve, "SHOW TAG VALUES with three regexes", reply.status);
  CHECK(reply.status == 200);
  CHECK(reply.body.find("\"c\"") != std::string::npos);
  CHECK(serve.Healthy());
}

TEST_CASE("unsupported regex syntax is a 400 naming the reason",
          "[app][hardening][regex][integration]") {
  testing::TempDir dir;
  testing::ServeProcess serve(dir.str());
  REQUIRE(HttpRequest(serve.port(), "POST", "/write?db=city",
                      "m,t=aa v=1 1700000000000000000\n")
              .status == 204);
  auto reply = HttpRequest(
      serve.port(), "GET",
      "/query?db=city&q=" + UrlEncode("SELECT v FROM m WHERE t =~ /(a)\\1/"));
  Report(serve, "InfluxQL backreference /(a)\\1/", reply.status);
  CHECK(reply.status == 400);
  CHECK(reply.body.find("backreferences") != std::string::npos);

  const std::string huge =
      "SELECT v FROM m WHERE t =~ /" + std::string(5000, 'a') + "/";
  reply =
      HttpRequest(serve.port(), "GET", "/query?db=city&q=" + UrlEncode(huge));
  Report(serve, "InfluxQL 5000-byte regex", reply.status);
  CHECK(reply.status == 400);
  CHECK(reply.body.find("longer than the limit") != std::string::npos);

  // The JSON query API's tag predicates use the same engine.
  reply = HttpRequest(serve.port(), "GET",
                      "/api/v1/query?measurement=m&field=v&tag.t=~" +
                          UrlEncode("(?=a)a") +
                          "&start=2023-01-01T00:00:00Z&end=2024-01-01T00:00:00Z"
                          "&agg=mean&step=1h");
  Report(serve, "JSON API lookahead tag regex", reply.status);
  CHECK(reply.status == 400);
  CHECK(reply.body.find("lookahead") != std::string::npos);
  CHECK(serve.Healthy());
}

std::string Nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

TEST_CASE("deeply nested JSON bodies are a 400 naming the depth limit",
          "[app][hardening][json][integration]") {
  testing::TempDir dir;
  testing::ServeProcess serve(dir.str());
  const std::string deep = Nested(100000);
  auto reply = HttpRequest(serve.port(), "POST", "/api/v1/senml", deep,
                           "Content-Type: application/senml+json\r\n");
  Report(serve, "SenML body nested 100000 deep", reply.status);
  CHECK(reply.status == 400);
  CHECK(reply.body.find("limit of 64 levels") != std::string::npos);

  // Nested inside a valid record: still refused, nothing stored.
  const std::string record =
      "[{\"n\":\"deep\",\"v\":1,\"t\":1700000000,\"x\":" + Nested(65) + "}]";
  reply = HttpRequest(serve.port(), "POST", "/api/v1/senml", record,
                      "Content-Type: application/senml+json\r\n");
  Report(serve, "SenML record with a member nested 65 deep", reply.status);
  CHECK(reply.status == 400);
  CHECK(reply.body.find("limit of 64 levels") != std::string::npos);
  auto series = HttpRequest(serve.port(), "GET", "/api/v1/series");
  CHECK(series.body.find("deep") == std::string::npos);

  reply = HttpRequest(serve.port(), "POST", "/api/v1/indicators/evaluate",
                      "{\"expr\":\"1\",\"x\":" + Nested(5000) + "}",
                      "Content-Type: application/json\r\n");
  Report(serve, "indicator evaluate body nested 5000 deep", reply.status);
  CHECK(reply.status == 400);
  CHECK(reply.body.find("limit of 64 levels") != std::string::npos);

  reply = HttpRequest(serve.port(), "GET",
                      "/query?db=city&q=" + UrlEncode("SELECT v FROM m") +
                          "&params=" + UrlEncode(Nested(1000)));
  Report(serve, "InfluxQL params nested 1000 deep", reply.status);
  CHECK(reply.body.find("limit of 64 levels") != std::string::npos);
  CHECK(serve.Healthy());
}

TEST_CASE("series past storage.max_series are a partial write, counted",
          "[app][hardening][limits][integration]") {
  testing::TempDir dir;
  testing::ServeProcess serve(
      dir.str(),
      {{"storage", {{"max_series", 100}, {"max_series_per_measurement", 0}}}});
  std::string lines;
  for (int i = 0; i < 150; ++i) {
    lines += "explode,id=" + std::to_string(i) + " v=1 1700000000000000000\n";
  }
  auto reply = HttpRequest(serve.port(), "POST", "/write?db=city", lines);
  Report(serve, "150 new series with storage.max_series 100", reply.status);
  REQUIRE(reply.status == 400);
  const auto body = nlohmann::json::parse(reply.body);
  const std::string message = body["error"]["message"];
  CHECK(message.find("max_series limit of 100") != std::string::npos);
  CHECK(message.find("dropped=50") != std::string::npos);
  CHECK(body["error"]["points_written"] == 100);
  CHECK(body["error"]["series_limit_dropped"] == 50);

  // Existing series keep taking points.
  reply = HttpRequest(serve.port(), "POST", "/write?db=city",
                      "explode,id=7 v=2 1700000001000000000\n");
  CHECK(reply.status == 204);
  auto metrics = HttpRequest(serve.port(), "GET", "/metrics");
  CHECK(metrics.body.find("citynexus_storage_series_refused 50") !=
        std::string::npos);
  CHECK(serve.Healthy());
}

TEST_CASE("200000 new series in one request cost one bounded answer",
          "[app][hardening][limits][integration]") {
  // The default limits: 100000 series per measurement.
  testing::TempDir dir;
  testing::ServeProcess serve(dir.str());
  std::string lines;
  for (int i = 0; i < 200000; ++i) {
    lines += "flood,id=" + std::to_string(i) + " v=1 1700000000000000000\n";
  }
  auto reply = HttpRequest(serve.port(), "POST", "/write?db=city", lines);
  Report(serve, "200000 new series in one measurement (defaults)",
         reply.status);
  REQUIRE(reply.status == 400);
  CHECK(reply.body.find("max_series_per_measurement limit of 100000") !=
        std::string::npos);
  CHECK(reply.body.find("dropped=100000") != std::string::npos);
  CHECK(serve.Healthy());
}

}  // namespace
}  // namespace citynexus::app
