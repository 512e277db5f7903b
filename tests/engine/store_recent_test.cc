// Recent data written by writers that drift apart (engine/store_aggregate.cc,
// sealed_stamps.h): after a seal, head points older than the newest sealed
// point interleave with sealed ones over hours and across windows. Their
// aggregates must equal a scan's (out-of-order writes, rewrites of sealed
// and of head timestamps, last()), and must come from rollups and head
// aggregates instead of raw points unless a timestamp is really rewritten.
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "engine/store_util.h"
#include "support/temp_dir.h"

namespace citynexus::engine {
namespace {

using testing::BucketsFromScan;
using testing::kDay;
using testing::kHour;
using testing::kMinute;
using testing::kT0;
using testing::MakeSeries;
using testing::OpenOrFail;
using testing::ReadAll;
using testing::SameBuckets;
using testing::TempDir;
using testing::TestOptions;

constexpr int64_t kBlock = 5 * kMinute;

// Checks Aggregate and Last of `req` against a scan; returns the raw points
// the aggregate read.
uint64_t CheckAgainstScan(Store& store, const AggregateRequest& req) {
  INFO("series " << req.series << " [" << (req.start_ns - kT0) / kMinute
                 << " min, " << (req.end_ns - kT0) / kMinute << " min) step "
                 << req.step_ns / kMinute << " min");
  AggregateStats stats;
  auto got = store.Aggregate(req, &stats);
  REQUIRE(got.has_value());
  CHECK(SameBuckets(*got, BucketsFromScan(store, req)));
  auto last = store.Last(req.series, req.start_ns, req.end_ns);
  REQUIRE(last.has_value());
  auto all = ReadAll(store, req.series, req.start_ns, req.end_ns);
  if (all.empty()) {
    CHECK_FALSE(last->has_value());
  } else {
    REQUIRE(last->has_value());
    CHECK((*last)->timestamp_ns == all.rbegin()->first);
    CHECK((*last)->value == all.rbegin()->second);
  }
  return stats.points_read;
}

struct Drift {
  Store* store;
  SeriesId f, n;
  std::mt19937_64 rng{20260105};
  // One writer's 5-minute blocks (even or odd) in [from, to), a point a
  // minute, shuffled inside each batch.
  void Blocks(int parity, int64_t from, int64_t to) {
    std::uniform_int_distribution<int> value(-500, 4000);
    std::vector<Point> points;
    for (int64_t b = from; b < to; b += kBlock) {
      if (((b - kT0) / kBlock) % 2 != parity) continue;
      for (int64_t t = b; t < b + kBlock; t += kMinute) {
        points.push_back({f, t, value(rng) / 10.0});
        points.push_back({n, t, int64_t{value(rng)}});
      }
    }
    std::shuffle(points.begin(), points.end(), rng);
    REQUIRE(store->Append(points).has_value());
  }
};

TEST_CASE(
    "interleaved sealed and head points across windows aggregate exactly, "
    "from rollups and head aggregates unless a timestamp is rewritten",
    "[engine][store][rollups][head][recent]") {
  TempDir dir;
  RocksStoreTuning tuning;
  tuning.seal_on_close = false;  // the reopen below replays the head
  auto store = OpenOrFail(TestOptions(dir.str()), tuning);
  Drift w{store.get(), MakeSeries(*store, "env", "temp", ValueType::kFloat),
          MakeSeries(*store, "traffic", "vehicles", ValueType::kInt)};
  // Writer B (odd blocks) is 20 hours ahead of writer A (even blocks) when
  // the seal runs; then both go on. Day T0 + 1d is crossed by both.
  w.Blocks(1, kT0 - kDay, kT0 + 30 * kHour);
  w.Blocks(0, kT0 - kDay, kT0 + 10 * kHour);
  REQUIRE(store->Flush().ok());
  w.Blocks(0, kT0 + 10 * kHour, kT0 + 30 * kHour);
  w.Blocks(1, kT0 + 30 * kHour, kT0 + 40 * kHour);
  w.Blocks(0, kT0 + 30 * kHour, kT0 + 36 * kHour);

  const int64_t from = kT0 - kDay, to = kT0 + 2 * kDay;
  auto aligned = [&](SeriesId id) {
    uint64_t raw = 0;
    for (int64_t step : {kHour, 6 * kHour, kDay}) {
      raw += CheckAgainstScan(*store, {id, from, to, step, 0});
    }
    return raw;
  };
  for (SeriesId id : {w.f, w.n}) {
    // Every bucket is aligned to a rollup resolution and no head point
    // rewrites a sealed one: nothing is read raw.
    CHECK(aligned(id) == 0);
    // Unaligned edges: the whole hours (15 of the last day) come from 1 h
    // tiles, only the partial hours (13 + 47 minutes) are read raw.
    const uint64_t raw = CheckAgainstScan(
        *store,
        {id, from + 47 * kMinute, kT0 + 40 * kHour - 13 * kMinute, kDay, 0});
    CHECK(raw > 0);
    CHECK(raw <= 60);
    CheckAgainstScan(
        *store, {id, kT0 + 3 * kHour + 1, kT0 + 33 * kHour, 15 * kMinute, 0});
  }

  // Head rewrites of head points: the head keeps the last write, still no
  // raw read.
  w.Blocks(0, kT0 + 12 * kHour, kT0 + 14 * kHour);
  CHECK(aligned(w.f) == 0);

  // A rewrite of one sealed timestamp inside the interleaved hours: its
  // bucket is read raw (the newest write wins), the others are not.
  const int64_t sealed_ts = kT0 + 20 * kHour + kBlock + 2 * kMinute;
  REQUIRE(ReadAll(*store, w.f, sealed_ts, sealed_ts + 1).size() == 1);
  REQUIRE(
      store->Append(std::vector<Point>{{w.f, sealed_ts, 12345.5}}).has_value());
  AggregateStats stats;
  AggregateRequest hours{w.f, from, to, kHour, 0};
  auto got = store->Aggregate(hours, &stats);
  REQUIRE(got.has_value());
  CHECK(SameBuckets(*got, BucketsFromScan(*store, hours)));
  CHECK(stats.points_read > 0);
  CHECK(stats.points_read <= 60);
  aligned(w.f);

  // After a restart the sealed timestamps are unknown: the interleaved
  // buckets are read raw, and still right.
  store.reset();
  store = OpenOrFail(TestOptions(dir.str()), tuning);
  w.store = store.get();
  CHECK(aligned(w.f) > 0);
  CHECK(aligned(w.n) > 0);
  // Sealed again: all in chunks and rollups.
  REQUIRE(store->Flush().ok());
  CHECK(aligned(w.f) == 0);
  CHECK(aligned(w.n) == 0);
  // A second drift after the new seal: known again.
  w.Blocks(1, kT0 + 40 * kHour, kT0 + 46 * kHour);
  REQUIRE(store->Flush().ok());
  w.Blocks(0, kT0 + 36 * kHour, kT0 + 46 * kHour);
  CHECK(aligned(w.f) == 0);
  CHECK(aligned(w.n) == 0);
}

}  // namespace
}  // namespace citynexus::engine
