// Aggregates and last() over recent data (engine/store_aggregate.cc): sealed
// chunks mixed with unsealed head points must give what a scan gives, with
// points out of order, rewrites of sealed timestamps, and seals running
// while queries read.
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "engine/rollups.h"
#include "engine/store_util.h"
#include "support/temp_dir.h"

namespace citynexus::engine {
namespace {

using testing::kDay;
using testing::kHour;
using testing::kMinute;
using testing::kSecond;
using testing::kT0;
using testing::MakeSeries;
using testing::OpenOrFail;
using testing::ReadAll;
using testing::SameBuckets;
using testing::TempDir;
using testing::TestOptions;

void CheckAgainstScan(Store& store, const AggregateRequest& req,
                      bool expect_rollups) {
  INFO("series " << req.series << " [" << req.start_ns << ", " << req.end_ns
                 << ") step " << req.step_ns << " offset " << req.offset_ns);
  AggregateStats stats;
  auto got = store.Aggregate(req, &stats);
  REQUIRE(got.has_value());
  CHECK(SameBuckets(*got, testing::BucketsFromScan(store, req)));
  if (expect_rollups) CHECK(stats.used_rollups);
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
}

TEST_CASE(
    "aggregates over sealed and unsealed data equal a scan's, with "
    "points out of order and rewrites of sealed points",
    "[engine][store][rollups][head]") {
  uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  SeriesId f = MakeSeries(*store, "env", "temp", ValueType::kFloat);
  SeriesId n = MakeSeries(*store, "traffic", "vehicles", ValueType::kInt);
  std::uniform_int_distribution<int> decimals(-500, 4000);
  std::uniform_int_distribution<int64_t> jitter(-20 * kSecond, 20 * kSecond);
  auto write = [&](int64_t from, int64_t to, int64_t every, bool shuffle) {
    std::vector<Point> points;
    for (int64_t t = from; t < to; t += every) {
      const int64_t ts = t + jitter(rng);
      points.push_back({f, ts, decimals(rng) / 100.0});
      points.push_back({n, ts, int64_t{decimals(rng)}});
    }
    if (shuffle) std::shuffle(points.begin(), points.end(), rng);
    REQUIRE(store->Append(points).has_value());
  };
  const std::vector<std::pair<int64_t, int64_t>> steps = {
      {kHour, 0},         {kDay, 0},         {6 * kHour, 2 * kHour},
      {kDay, -3 * kHour}, {15 * kMinute, 0}, {7 * kDay, -3 * kDay}};
  auto check_all = [&] {
    for (SeriesId id : {f, n}) {
      for (const auto& [step, offset] : steps) {
        CheckAgainstScan(
            *store, {id, kT0 - 2 * kDay, kT0 + 2 * kDay, step, offset}, false);
        CheckAgainstScan(*store,
                         {id, kT0 - kDay + 7 * kMinute,
                          kT0 + kDay + 13 * kMinute, step, offset},
                         false);
      }
      CheckAgainstScan(*store, {id, kT0 - 2 * kDay, kT0 + 2 * kDay, kDay, 0},
                       true);
    }
  };

  // Sealed: two days; then the head continues in time order across the
  // seal boundary (the common case: rollups and head buckets combine).
  write(kT0 - 2 * kDay, kT0 + 10 * kHour + 17 * kMinute, kMinute, false);
  REQUIRE(store->Flush().ok());
  write(kT0 + 10 * kHour + 18 * kMinute, kT0 + 30 * kHour, kMinute, false);
  check_all();
  // Out of order inside the head, points between sealed ones, and
  // rewrites of sealed timestamps with new values (the newest write wins).
  write(kT0 + 20 * kHour, kT0 + 40 * kHour, kMinute, true);
  write(kT0 - kDay, kT0 + 2 * kHour, 13 * kMinute, true);
  auto rewrite = [&](int64_t from, int64_t to, size_t every) {
    std::vector<Point> points;
    for (SeriesId id : {f, n}) {
      size_t k = 0;
      for (const auto& [ts, value] : ReadAll(*store, id, from, to)) {
        if (k++ % every != 0) continue;
        if (id == f) {
          points.push_back({id, ts, std::get<double>(value) + 1000.0});
        } else {
          points.push_back({id, ts, std::get<int64_t>(value) - 7000});
        }
      }
    }
    std::shuffle(points.begin(), points.end(), rng);
    REQUIRE(store->Append(points).has_value());
  };
  rewrite(kT0 - kDay + 3 * kHour, kT0 + 11 * kHour, 17);
  check_all();
  // Half of it sealed, more written: chunks, frozen-free head, both mixed.
  REQUIRE(store->Flush().ok());
  write(kT0 + 3 * kHour, kT0 + 44 * kHour, 7 * kMinute, true);
  rewrite(kT0 + 5 * kHour, kT0 + 6 * kHour, 1);  // a whole sealed hour
  check_all();
  REQUIRE(store->Flush().ok());
  check_all();
}

TEST_CASE(
    "aggregates crossing the seal boundary stay right while seals run "
    "concurrently",
    "[engine][store][rollups][head]") {
  TempDir dir;
  RocksStoreTuning tuning;
  tuning.head_max_points = 400;  // the sealer runs often by itself too
  auto store = OpenOrFail(TestOptions(dir.str()), tuning);
  SeriesId id = MakeSeries(*store, "env", "temp", ValueType::kFloat);
  // Values are a function of the timestamp, so any reader knows the truth.
  auto value_at = [](int64_t ts) {
    return static_cast<double>((ts / kMinute) % 97) / 4.0;
  };
  constexpr int kBatches = 300;
  constexpr int64_t kBatchSpan = 20 * kMinute;
  std::atomic<int64_t> written_until{kT0};  // all points below are written
  std::atomic<bool> done{false};

  std::thread writer([&] {
    std::mt19937_64 rng(7);
    for (int b = 0; b < kBatches; ++b) {
      const int64_t from = kT0 + b * kBatchSpan;
      std::vector<Point> points;
      for (int64_t t = from; t < from + kBatchSpan; t += kMinute) {
        points.push_back({id, t, value_at(t)});
      }
      std::shuffle(points.begin(), points.end(), rng);
      if (!store->Append(points).has_value()) break;
      written_until.store(from + kBatchSpan);
    }
    done.store(true);
  });
  std::thread sealer([&] {
    while (!done.load()) {
      if (!store->Flush().ok()) break;
    }
  });

  int checked = 0, wrong = 0;
  while (!done.load() || checked < 50) {
    const int64_t end = written_until.load();
    if (end == kT0) {
      std::this_thread::yield();
      continue;
    }
    // Whole days and hours from the start; the end (a multiple of 20 min)
    // cuts an hour. Later points are being written meanwhile.
    for (int64_t step : {kHour, kDay}) {
      AggregateRequest req{id, kT0, end, step, 0};
      auto got = store->Aggregate(req, nullptr);
      if (!got.has_value()) {
        ++wrong;
        continue;
      }
      std::map<int64_t, Bucket> want;
      for (int64_t t = kT0; t < end; t += kMinute) {
        Bucket& b = want[t - t % step];
        b.start_ns = t - t % step;
        AddToBucket(&b, t, value_at(t));
      }
      std::vector<Bucket> expect;
      for (auto& [s, b] : want) expect.push_back(b);
      if (!SameBuckets(*got, expect)) ++wrong;
    }
    auto last = store->Last(id, kT0, end);
    if (!last.has_value() || !last->has_value() ||
        (*last)->timestamp_ns != end - kMinute ||
        std::get<double>((*last)->value) != value_at(end - kMinute)) {
      ++wrong;
    }
    ++checked;
  }
  writer.join();
  sealer.join();
  CHECK(written_until.load() == kT0 + kBatches * kBatchSpan);
  CHECK(checked >= 50);
  CHECK(wrong == 0);
}

}  // namespace
}  // namespace citynexus::engine
