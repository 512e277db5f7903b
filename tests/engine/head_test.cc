// The head's sorted buffers and partial aggregates (engine/head.h) against
// a reference map, with points in order, out of order and rewritten.
#include "engine/head.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "engine/columns.h"
#include "engine/rollups.h"

namespace citynexus::engine {
namespace {

constexpr int64_t kBucket = 3600;  // head bucket width in these tests

// Checks every read of `head` for series `id` over [start, end) against
// `want` (timestamp -> last written value).
void CheckReads(const Head& head, SeriesId id,
                const std::map<int64_t, double>& want, int64_t start,
                int64_t end) {
  INFO("range [" << start << ", " << end << ")");
  auto lo = want.lower_bound(start);
  auto hi = want.lower_bound(end);
  ChunkColumns c;
  head.Collect(id, start, end, &c);
  std::vector<int64_t> ts;
  std::vector<double> values;
  for (auto it = lo; it != hi; ++it) {
    ts.push_back(it->first);
    values.push_back(it->second);
  }
  CHECK(c.timestamps == ts);
  CHECK(c.floats == values);
  auto earliest = head.EarliestIn(id, start, end);
  auto latest = head.LatestIn(id, start, end);
  auto last = head.LastIn(id, start, end);
  if (ts.empty()) {
    CHECK_FALSE(earliest.has_value());
    CHECK_FALSE(latest.has_value());
    CHECK_FALSE(last.has_value());
  } else {
    CHECK(earliest == ts.front());
    CHECK(latest == ts.back());
    REQUIRE(last.has_value());
    CHECK(last->timestamp_ns == ts.back());
    CHECK(std::get<double>(last->value) == values.back());
  }
  // Partial aggregates over whole buckets equal the rollup of the points.
  const int64_t a = start - (((start % kBucket) + kBucket) % kBucket);
  const int64_t b = a + ((end - a + kBucket - 1) / kBucket) * kBucket;
  std::vector<Bucket> got;
  REQUIRE(head.BucketsIn(id, a, b, &got));
  ChunkColumns all;
  head.Collect(id, a, b, &all);
  std::vector<Bucket> expect = ComputeRollup(all, kBucket);
  REQUIRE(got.size() == expect.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].start_ns == expect[i].start_ns);
    CHECK(got[i].count == expect[i].count);
    CHECK(got[i].sum == Approx(expect[i].sum));
    CHECK(got[i].min == expect[i].min);
    CHECK(got[i].max == expect[i].max);
    CHECK(got[i].first == expect[i].first);
    CHECK(got[i].last == expect[i].last);
    CHECK(got[i].first_ns == expect[i].first_ns);
    CHECK(got[i].last_ns == expect[i].last_ns);
  }
}

void InsertOne(Head* head, SeriesId id, int64_t ts, double v) {
  Point p{id, ts, v};
  uint32_t index = 0;
  head->Insert(std::span<const Point>(&p, 1),
               std::span<const uint32_t>(&index, 1));
}

TEST_CASE(
    "head reads equal a reference under in-order, out-of-order and "
    "rewritten points",
    "[engine][head]") {
  uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  Head head(kBucket);
  std::map<int64_t, double> want;
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<int> value(-1000, 1000);
  int64_t next = -5 * kBucket;  // negative timestamps too
  for (int round = 0; round < 40; ++round) {
    for (int k = 0; k < 50; ++k) {
      int64_t ts;
      const int what = kind(rng);
      if (what < 6 || want.empty()) {
        ts = next;  // in order (the common case)
        next += 1 + static_cast<int64_t>(rng() % 120);
      } else if (what < 8) {
        ts = want.rbegin()->first;  // rewrite of the newest
      } else {
        ts = next - 1 - static_cast<int64_t>(rng() % (20 * kBucket));
      }
      const double v = value(rng) / 10.0;
      InsertOne(&head, 7, ts, v);
      want[ts] = v;
    }
    const int64_t lo = -6 * kBucket + static_cast<int64_t>(rng() % kBucket);
    CheckReads(head, 7, want, lo, next + 1);
    const int64_t mid = lo + static_cast<int64_t>(rng() % (next - lo + 1));
    CheckReads(head, 7, want, lo, mid);
    CheckReads(head, 7, want, mid, next + 1);
    CheckReads(head, 7, want, mid, mid);
  }
  CHECK(head.points() == want.size());
}

TEST_CASE("head keeps no aggregates for sparse series and says so",
          "[engine][head]") {
  Head head(kBucket);
  // One point per bucket: the buckets would outweigh the points.
  for (int64_t i = 0; i < 200; ++i) InsertOne(&head, 3, i * kBucket, 1.0);
  std::vector<Bucket> got;
  CHECK_FALSE(head.BucketsIn(3, 0, 200 * kBucket, &got));
  CHECK(got.empty());
  // No points in the range: nothing to read raw either.
  CHECK(head.BucketsIn(3, 300 * kBucket, 301 * kBucket, &got));
  CHECK(head.BucketsIn(99, 0, kBucket, &got));  // unknown series
  CHECK(got.empty());
  // Strings keep none, a head without a bucket width neither.
  Point s{5, 10, std::string("on")};
  uint32_t index = 0;
  head.Insert(std::span<const Point>(&s, 1),
              std::span<const uint32_t>(&index, 1));
  CHECK_FALSE(head.BucketsIn(5, 0, kBucket, &got));
  Head plain;
  InsertOne(&plain, 1, 10, 2.0);
  CHECK_FALSE(plain.BucketsIn(1, 0, kBucket, &got));
}

TEST_CASE("a head moved into another stays readable there in full",
          "[engine][head]") {
  Head live(kBucket);
  std::map<int64_t, double> want;
  for (int64_t t = 0; t < 5000; t += 7) {
    InsertOne(&live, 2, t, static_cast<double>(t % 13));
    want[t] = static_cast<double>(t % 13);
  }
  InsertOne(&live, 2, 700, -1.0);  // out of order, a rewrite
  want[700] = -1.0;
  Head frozen(kBucket);
  live.MoveInto(&frozen);
  CHECK(live.points() == 0);
  ChunkColumns c;
  CHECK_FALSE(live.Collect(2, 0, 5000, &c));
  CheckReads(frozen, 2, want, 0, 5000);
  CHECK(frozen.points() == want.size());
}

}  // namespace
}  // namespace citynexus::engine
