// RollupCache on its own (bounds, LRU, generations), and the store serving
// aggregates from it that stay equal to raw aggregates across seals.
#include "engine/rollup_cache.h"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <vector>

#include "engine/store_util.h"
#include "support/temp_dir.h"

namespace citynexus::engine {
namespace {

using testing::kDay;
using testing::kHour;
using testing::kT0;
using testing::MakeSeries;
using testing::OpenOrFail;
using testing::TempDir;
using testing::TestOptions;

std::shared_ptr<const RollupCache::Buckets> Days(int n) {
  auto b = std::make_shared<RollupCache::Buckets>(n);
  for (int i = 0; i < n; ++i) (*b)[i].start_ns = i * kDay;
  return b;
}

TEST_CASE("rollup cache evicts the least recently used entry",
          "[engine][rollup_cache]") {
  const size_t one = 128 + 10 * sizeof(Bucket);  // an entry of 10 buckets
  RollupCache cache(3 * one);
  for (SeriesId id = 1; id <= 3; ++id) {
    cache.Put(id, cache.generation(), Days(10));
  }
  CHECK(cache.entries() == 3);
  CHECK(cache.Get(1) != nullptr);  // 1 is now the most recent
  cache.Put(4, cache.generation(), Days(10));
  CHECK(cache.entries() == 3);
  CHECK(cache.Get(2) == nullptr);  // the least recent went
  CHECK(cache.Get(1) != nullptr);
  CHECK(cache.Get(4) != nullptr);
  CHECK(cache.bytes() <= 3 * one);
  cache.Put(5, cache.generation(), Days(1000));  // larger than the bound
  CHECK(cache.Get(5) == nullptr);
}

TEST_CASE("rollup cache drops loads that raced an invalidation",
          "[engine][rollup_cache]") {
  RollupCache cache(1 << 20);
  const uint64_t before = cache.generation();
  cache.Invalidate(7);  // a seal committed while we were loading
  cache.Put(7, before, Days(3));
  CHECK(cache.Get(7) == nullptr);
  cache.Put(7, cache.generation(), Days(3));
  REQUIRE(cache.Get(7) != nullptr);
  CHECK(cache.Get(7)->size() == 3);
  cache.Invalidate(7);
  CHECK(cache.Get(7) == nullptr);
  cache.Put(8, cache.generation(), Days(3));
  cache.Clear();
  CHECK(cache.entries() == 0);
  CHECK(cache.bytes() == 0);
  RollupCache off(0);
  off.Put(1, off.generation(), Days(3));
  CHECK(off.Get(1) == nullptr);
}

TEST_CASE("rollup cache writes sealed windows through into cached entries",
          "[engine][rollup_cache]") {
  RollupCache cache(1 << 20);
  cache.Put(1, cache.generation(), Days(5));  // days 0..4, sum 0
  const uint64_t before = cache.generation();
  // Day 2 rewritten with a new sum, day 7 added; nothing else changes.
  std::vector<RollupCache::Window> windows(2);
  windows[0].start_ns = 2 * kDay;
  windows[0].buckets.resize(1);
  windows[0].buckets[0].start_ns = 2 * kDay;
  windows[0].buckets[0].sum = 42;
  windows[1].start_ns = 7 * kDay;
  windows[1].buckets.resize(1);
  windows[1].buckets[0].start_ns = 7 * kDay;
  cache.Update(1, kDay, windows);
  auto got = cache.Get(1);
  REQUIRE(got != nullptr);
  std::vector<int64_t> starts;
  for (const auto& b : *got) starts.push_back(b.start_ns / kDay);
  CHECK(starts == std::vector<int64_t>{0, 1, 2, 3, 4, 7});
  CHECK((*got)[2].sum == 42);
  cache.Update(2, kDay, windows);  // not cached: stays absent
  CHECK(cache.Get(2) == nullptr);
  cache.Put(3, before, Days(1));  // loaded before the update: dropped
  CHECK(cache.Get(3) == nullptr);
}

// Sum of the values in [start, end) per day, computed from the points.
std::map<int64_t, double> DailySums(const std::map<int64_t, double>& points,
                                    int64_t start, int64_t end) {
  std::map<int64_t, double> sums;
  for (const auto& [t, v] : points) {
    if (t >= start && t < end) sums[t - (t % kDay + kDay) % kDay] += v;
  }
  return sums;
}

TEST_CASE("daily aggregates from the rollup cache follow seals and late points",
          "[engine][rollup_cache][store]") {
  uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  SeriesId id = MakeSeries(*store, "water", "m3", ValueType::kFloat);
  std::map<int64_t, double> points;
  std::uniform_int_distribution<int> value(0, 1000);
  auto write = [&](int64_t from, int64_t to, int64_t every) {
    std::vector<Point> batch;
    for (int64_t t = from; t < to; t += every) {
      double v = value(rng) / 10.0;
      batch.push_back({id, t, v});
      points[t] = v;
    }
    REQUIRE(store->Append(batch).has_value());
  };
  const int64_t start = kT0 - 10 * kDay, end = kT0 + 10 * kDay;
  auto check = [&](bool expect_rollups) {
    AggregateStats stats;
    auto got = store->Aggregate({id, start, end, kDay, 0}, &stats);
    REQUIRE(got.has_value());
    CHECK(stats.used_rollups == expect_rollups);
    auto want = DailySums(points, start, end);
    REQUIRE(got->size() == want.size());
    for (const auto& b : *got) {
      INFO("day " << b.start_ns);
      REQUIRE(want.count(b.start_ns) == 1);
      CHECK(b.sum == Approx(want[b.start_ns]).epsilon(1e-12));
    }
  };
  write(kT0 - 8 * kDay, kT0 + 5 * kDay, kHour);
  REQUIRE(store->Flush().ok());
  check(true);  // loads the cache
  check(true);  // served from it
  // Late points into sealed days, still in the head: rollups stop before
  // them; then sealed: the cache entry must not be stale.
  write(kT0 - 6 * kDay + 30 * 60 * 1'000'000'000LL, kT0, 7 * kHour);
  check(true);
  REQUIRE(store->Flush().ok());
  CHECK(store->RollupCacheEntries() == 1);  // written through, not dropped
  check(true);
  // Overwrites of sealed points, then sealed.
  write(kT0 - 8 * kDay, kT0 - 7 * kDay, kHour);
  REQUIRE(store->Flush().ok());
  check(true);
}

}  // namespace
}  // namespace citynexus::engine
