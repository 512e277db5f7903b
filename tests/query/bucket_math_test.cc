#include "query/bucket_math.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

using namespace citynexus::query;
using citynexus::engine::Bucket;

TEST_CASE("bucket starts are epoch-aligned with offset, also before 1970",
          "[query][buckets]") {
  CHECK(BucketStart(3599, 3600, 0) == 0);
  CHECK(BucketStart(3600, 3600, 0) == 3600);
  CHECK(BucketStart(-1, 3600, 0) == -3600);
  CHECK(BucketStart(-3600, 3600, 0) == -3600);
  CHECK(BucketStart(100, 3600, 900) == -2700);
  CHECK(BucketStart(1000, 3600, 900) == 900);
}

TEST_CASE("merged buckets keep count, sum, extremes and first/last by time",
          "[query][buckets]") {
  Bucket a{0, 2, 10, 3, 7, 3, 7, 10, 20};
  Bucket b{0, 3, 6, 1, 4, 4, 1, 5, 25};
  MergeBucket(a, b);
  CHECK(a.count == 5);
  CHECK(a.sum == 16);
  CHECK(a.min == 1);
  CHECK(a.max == 7);
  CHECK(a.first == 4);  // b's first is earlier (5 < 10)
  CHECK(a.last == 1);   // b's last is later (25 > 20)
  CHECK(BucketValue(AggFunction::kMean, a) == Approx(3.2));
  CHECK(BucketValue(AggFunction::kSpread, a) == 6);
}

TEST_CASE("percentile interpolates between ranks and stddev is the sample one",
          "[query][buckets]") {
  std::vector<double> v{4, 1, 3, 2};
  CHECK(Percentile(v, 50) == Approx(2.5));
  CHECK(Percentile(v, 0) == 1);
  CHECK(Percentile(v, 100) == 4);
  std::vector<double> one{7};
  CHECK(Percentile(one, 90) == 7);
  CHECK(SampleStddev({2, 4, 4, 4, 5, 5, 7, 9}) ==
        Approx(std::sqrt(32.0 / 7.0)));
  CHECK(std::isnan(SampleStddev({1})));
}

TEST_CASE("counter increase counts a reset as a restart from zero",
          "[query][buckets]") {
  std::vector<std::pair<int64_t, double>> p{{1, 10}, {2, 15}, {3, 3}, {4, 5}};
  // 10->15: +5, reset to 3: +3, 3->5: +2
  CHECK(CounterIncrease(p, std::nullopt) == 10);
  // With a previous point of 8: +2 more before the first.
  CHECK(CounterIncrease(p, 8.0) == 12);
}

TEST_CASE("trapezoid integral is value x time per unit", "[query][buckets]") {
  // 2 kW for one hour then 4 kW: trapezoids (2+2)/2*1h + (2+4)/2*1h = 5 kWh.
  const int64_t h = 3600LL * 1000000000;
  std::vector<std::pair<int64_t, double>> p{{0, 2}, {h, 2}, {2 * h, 4}};
  CHECK(TrapezoidIntegral(p, h) == Approx(5));
}

TEST_CASE("fill modes fill the gaps between first and last bucket",
          "[query][buckets]") {
  std::vector<std::pair<int64_t, double>> sparse{{0, 1}, {30, 4}};
  const std::vector<int64_t> starts{0, 10, 20, 30, 40};
  auto none = ApplyFill(sparse, starts, FillMode::kNone, 0);
  CHECK(none.size() == 2);
  auto null = ApplyFill(sparse, starts, FillMode::kNull, 0);
  REQUIRE(null.size() == 5);
  CHECK_FALSE(null[1].second.has_value());
  auto prev = ApplyFill(sparse, starts, FillMode::kPrevious, 0);
  CHECK(*prev[2].second == 1);
  CHECK(*prev[4].second == 4);
  auto lin = ApplyFill(sparse, starts, FillMode::kLinear, 0);
  CHECK(*lin[1].second == Approx(2));
  CHECK(*lin[2].second == Approx(3));
  CHECK_FALSE(lin[4].second.has_value());  // nothing after to interpolate to
  auto val = ApplyFill(sparse, starts, FillMode::kValue, -1);
  CHECK(*val[1].second == -1);
}

TEST_CASE("aggregation names parse, including percentiles", "[query][agg]") {
  CHECK(ParseAggFunction("mean")->first == AggFunction::kMean);
  CHECK(ParseAggFunction("avg")->first == AggFunction::kMean);
  auto p = ParseAggFunction("percentile(95)");
  REQUIRE(p.has_value());
  CHECK(p->first == AggFunction::kPercentile);
  CHECK(p->second == 95);
  CHECK(ParseAggFunction("p99")->second == 99);
  CHECK(ParseAggFunction("median")->second == 50);
  CHECK_FALSE(ParseAggFunction("percentile(101)").has_value());
  CHECK_FALSE(ParseAggFunction("average").has_value());
}

TEST_CASE("percentile by selection equals the sorted definition",
          "[query][buckets]") {
  // Random sizes, duplicates and signs from a logged seed; the reference is
  // the textbook computation on a sorted copy.
  const uint64_t seed = 20261206;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> size(1, 300);
  std::uniform_int_distribution<int> value(-50, 50);  // many duplicates
  for (int round = 0; round < 200; ++round) {
    std::vector<double> v(static_cast<size_t>(size(rng)));
    for (double& x : v) x = value(rng) / 4.0;
    for (double p : {0.0, 1.0, 15.0, 50.0, 90.0, 99.9, 100.0}) {
      std::vector<double> sorted = v;
      std::sort(sorted.begin(), sorted.end());
      const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
      const size_t lo = static_cast<size_t>(std::floor(rank));
      const size_t hi = std::min(lo + 1, sorted.size() - 1);
      const double want =
          sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - std::floor(rank));
      std::vector<double> work = v;
      CHECK(Percentile(work, p) == want);  // exact, not approximate
    }
  }
  // With NaN the full sort still decides (as before selection was used).
  std::vector<double> with_nan{3, std::nan(""), 1, 2};
  std::vector<double> sorted = with_nan;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> work = with_nan;
  const double got = Percentile(work, 0);
  CHECK((got == sorted[0] || (std::isnan(got) && std::isnan(sorted[0]))));
}
