// The fast paths of the indicator window functions against their plain
// definitions on random series (logged seed): bucket windows found in one
// sweep, time_share from prefix sums of state durations, and the key that
// lets a repeated range call be evaluated once.
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "query/indicators/evaluator.h"
#include "query/indicators/expr_parser.h"
#include "query/indicators/range_functions.h"
#include "query/indicators/series_data.h"

using namespace citynexus::query::indicators;

namespace {

constexpr int64_t kMinute = 60LL * 1000000000;

// Points every 5 min with jitter and, now and then, a gap of hours.
RawData RandomSeries(std::mt19937_64& rng, size_t n) {
  RawData d;
  std::uniform_int_distribution<int> jitter(-30, 30);
  std::uniform_int_distribution<int> gap(0, 40);
  std::uniform_int_distribution<int> state(0, 3);
  int64_t t = 0;
  for (size_t i = 0; i < n; ++i) {
    t += 5 * kMinute + jitter(rng) * 1000000000LL;
    if (gap(rng) == 0) t += 180 * kMinute;
    d.times.push_back(t);
    d.texts.push_back(state(rng) == 0 ? "Faulted" : "Available");
  }
  d.is_string = true;
  d.interval_ns = 5 * kMinute;
  return d;
}

bool SameCell(const Cell& a, const Cell& b) {
  return a.state == b.state && a.value == b.value && a.coverage == b.coverage;
}

}  // namespace

TEST_CASE("time_share from prefix sums equals the walk over every point",
          "[query][indicators][window]") {
  const uint64_t seed = 61206;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 20; ++round) {
    const RawData d = RandomSeries(rng, 2000);
    std::vector<uint8_t> holds(d.texts.size());
    for (size_t i = 0; i < holds.size(); ++i) {
      holds[i] = d.texts[i] == "Faulted";
    }
    const TimeShareSpans spans(d, holds);
    REQUIRE(spans.ready());
    std::uniform_int_distribution<int64_t> edge(-kMinute * 60,
                                                d.times.back() + kMinute * 60);
    for (int w = 0; w < 300; ++w) {
      int64_t a = edge(rng);
      int64_t b = edge(rng);
      if (a == b) continue;
      if (a > b) std::swap(a, b);
      const Cell slow = TimeShareWindow(
          d, a, b, [&](size_t i) { return d.texts[i] == "Faulted"; });
      const Cell fast = TimeShareWindow(d, a, b, holds, spans);
      INFO("window [" << a << ", " << b << ")");
      CHECK(SameCell(slow, fast));
    }
  }
  // An unknown interval (one point) takes the walk: the state's tail is
  // then the window's length.
  RawData one;
  one.times = {10 * kMinute};
  one.texts = {"Faulted"};
  one.is_string = true;
  const std::vector<uint8_t> yes{1};
  const TimeShareSpans none(one, yes);
  CHECK_FALSE(none.ready());
  const Cell c = TimeShareWindow(one, 0, 60 * kMinute, yes, none);
  CHECK(c.state == CellState::kValue);
  CHECK(c.value == 1);
}

TEST_CASE("bucket windows in one sweep equal one search per window",
          "[query][indicators][window]") {
  const uint64_t seed = 1206;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> skip(0, 4);
  std::uniform_real_distribution<double> value(-10, 10);
  BucketData d;
  const int64_t hour = 60 * kMinute;
  for (int64_t h = 0; h < 2000; ++h) {
    if (skip(rng) == 0) continue;  // empty buckets are omitted
    citynexus::engine::Bucket b;
    b.start_ns = h * hour;
    b.count = 4;
    b.sum = value(rng);
    b.min = b.sum - 1;
    b.max = b.sum + 1;
    b.last = value(rng);
    b.first_ns = b.start_ns;
    b.last_ns = b.start_ns + 45 * kMinute;
    d.buckets.push_back(b);
  }
  d.prefix_sum.assign(d.buckets.size() + 1, 0);
  d.prefix_count.assign(d.buckets.size() + 1, 0);
  for (size_t i = 0; i < d.buckets.size(); ++i) {
    d.prefix_sum[i + 1] = d.prefix_sum[i] + d.buckets[i].sum;
    d.prefix_count[i + 1] = d.prefix_count[i] + d.buckets[i].count;
  }
  d.interval_ns = 15 * kMinute;
  for (int64_t range : {int64_t{0}, 24 * hour, 7 * 24 * hour}) {
    std::vector<int64_t> a, b;
    for (int64_t k = 0; k < 90; ++k) {
      const int64_t end = (k + 1) * 24 * hour;
      b.push_back(end);
      a.push_back(end - (range == 0 ? 24 * hour : range));
    }
    // One window out of order: the sweep must fall back to searching.
    std::swap(a[40], a[41]);
    std::swap(b[40], b[41]);
    for (RangeFn fn : {RangeFn::kSum, RangeFn::kAvg, RangeFn::kMin,
                       RangeFn::kMax, RangeFn::kCount, RangeFn::kLast}) {
      std::vector<Cell> swept;
      BucketWindows(fn, d, a, b, &swept);
      REQUIRE(swept.size() == a.size());
      for (size_t k = 0; k < a.size(); ++k) {
        INFO("range " << range << " window " << k);
        CHECK(SameCell(swept[k], BucketWindow(fn, d, a[k], b[k])));
      }
    }
  }
}

TEST_CASE("expression keys are equal exactly for nodes that evaluate alike",
          "[query][indicators][window]") {
  auto key = [](const char* text) {
    auto e = ParseExpr(text);
    REQUIRE(e);
    return ExprKey(**e);
  };
  CHECK(key("quantile_over_time(0.5, t.tt[1d])") ==
        key("quantile_over_time(0.5,  t.tt[1d])"));
  CHECK(key("quantile_over_time(0.5, t.tt[1d])") !=
        key("quantile_over_time(0.15, t.tt[1d])"));
  CHECK(key("sum_over_time(t.tt[1d])") != key("sum_over_time(t.tt[28d])"));
  CHECK(key("sum_over_time(t.tt[1d])") !=
        key("sum_over_time(t.tt[1d] offset 1d)"));
  CHECK(key("sum_over_time(t.tt{seg=\"a\"}[1d])") !=
        key("sum_over_time(t.tt{seg=~\"a\"}[1d])"));
  CHECK(key("sum_over_time(t.tt{seg=\"a\"}[1d])") !=
        key("sum_over_time(t.tt{seg=\"b\"}[1d])"));
  CHECK(key("sum_over_time(a.b[1d])") != key("sum_over_time(a.c[1d])"));
  CHECK(key("max_over_time(a.b[1d])") != key("min_over_time(a.b[1d])"));
}
