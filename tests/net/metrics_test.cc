// Unit tests for Counter, Histogram and MetricsRegistry rendering
// (net/metrics.cc) against the Prometheus text format 0.0.4.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "net/net.h"

namespace citynexus::net {
namespace {

TEST_CASE("metrics render counters with HELP, TYPE and sorted labels",
          "[net][metrics]") {
  MetricsRegistry reg;
  Counter* a = reg.GetCounter("req_total", "Requests.",
                              {{"route", "/b"}, {"method", "GET"}});
  Counter* b = reg.GetCounter("req_total", "Requests.", {{"route", "/a"}});
  a->Inc();
  a->Inc(2);
  b->Inc();
  // Same name and labels (in any order) is the same counter.
  CHECK(reg.GetCounter("req_total", "Requests.",
                       {{"method", "GET"}, {"route", "/b"}}) == a);
  CHECK(reg.Render() ==
        "# HELP req_total Requests.\n"
        "# TYPE req_total counter\n"
        "req_total{method=\"GET\",route=\"/b\"} 3\n"
        "req_total{route=\"/a\"} 1\n");
}

TEST_CASE("metrics escape label values and help text", "[net][metrics]") {
  MetricsRegistry reg;
  reg.GetGauge("g", "line1\nback\\slash \"q\"", {{"v", "a\"b\\c\nd"}})
      ->Set(1.5);
  CHECK(reg.Render() ==
        "# HELP g line1\\nback\\\\slash \"q\"\n"
        "# TYPE g gauge\n"
        "g{v=\"a\\\"b\\\\c\\nd\"} 1.5\n");
}

TEST_CASE("metrics render special float values", "[net][metrics]") {
  MetricsRegistry reg;
  reg.GetGauge("a", "h", {{"k", "nan"}})
      ->Set(std::numeric_limits<double>::quiet_NaN());
  reg.GetGauge("a", "h", {{"k", "pinf"}})
      ->Set(std::numeric_limits<double>::infinity());
  reg.GetGauge("a", "h", {{"k", "ninf"}})
      ->Set(-std::numeric_limits<double>::infinity());
  reg.GetGauge("a", "h", {{"k", "small"}})->Set(0.1);
  const std::string text = reg.Render();
  CHECK(text.find("a{k=\"nan\"} NaN\n") != std::string::npos);
  CHECK(text.find("a{k=\"pinf\"} +Inf\n") != std::string::npos);
  CHECK(text.find("a{k=\"ninf\"} -Inf\n") != std::string::npos);
  CHECK(text.find("a{k=\"small\"} 0.1\n") != std::string::npos);
}

TEST_CASE("histograms render cumulative buckets, +Inf, sum and count",
          "[net][metrics]") {
  MetricsRegistry reg;
  Histogram* h =
      reg.GetHistogram("lat_seconds", "Latency.", {0.1, 1, 0.5}, {{"r", "x"}});
  h->Observe(0.05);
  h->Observe(0.1);  // le is inclusive
  h->Observe(0.7);
  h->Observe(3);
  CHECK(reg.Render() ==
        "# HELP lat_seconds Latency.\n"
        "# TYPE lat_seconds histogram\n"
        "lat_seconds_bucket{r=\"x\",le=\"0.1\"} 2\n"
        "lat_seconds_bucket{r=\"x\",le=\"0.5\"} 2\n"
        "lat_seconds_bucket{r=\"x\",le=\"1\"} 3\n"
        "lat_seconds_bucket{r=\"x\",le=\"+Inf\"} 4\n"
        "lat_seconds_sum{r=\"x\"} 3.85\n"
        "lat_seconds_count{r=\"x\"} 4\n");
  const Histogram::Snapshot s = h->Read();
  CHECK(s.bounds == std::vector<double>{0.1, 0.5, 1});
  CHECK(s.cumulative == std::vector<uint64_t>{2, 2, 3, 4});
  CHECK(s.count == 4);
}

TEST_CASE("histograms without labels render le as the only label",
          "[net][metrics]") {
  MetricsRegistry reg;
  reg.GetHistogram("h", "H.", {1})->Observe(2);
  CHECK(reg.Render() ==
        "# HELP h H.\n# TYPE h histogram\n"
        "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\n"
        "h_sum 2\nh_count 1\n");
}

TEST_CASE("callback gauges are read at render time", "[net][metrics]") {
  MetricsRegistry reg;
  double level = 4;
  reg.AddCallbackGauge("queue_depth", "Depth.", [&] { return level; });
  CHECK(reg.Render().find("queue_depth 4\n") != std::string::npos);
  level = 9;
  CHECK(reg.Render().find("queue_depth 9\n") != std::string::npos);
}

TEST_CASE("metric families render in registration order", "[net][metrics]") {
  MetricsRegistry reg;
  reg.GetCounter("zzz_total", "Z.")->Inc();
  reg.GetGauge("aaa", "A.")->Set(-2);
  const std::string text = reg.Render();
  CHECK(text ==
        "# HELP zzz_total Z.\n# TYPE zzz_total counter\nzzz_total 1\n"
        "# HELP aaa A.\n# TYPE aaa gauge\naaa -2\n");
}

}  // namespace
}  // namespace citynexus::net
