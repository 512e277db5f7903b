// Aggregation over raw points and rollups must give the same buckets as a
// reference computed in the test from the written points.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <vector>

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
using testing::TempDir;
using testing::TestOptions;

int64_t FloorMod(int64_t a, int64_t m) {
  int64_t r = a % m;
  return r < 0 ? r + m : r;
}

std::vector<Bucket> Reference(const std::map<int64_t, double>& points,
                              const AggregateRequest& req) {
  std::map<int64_t, Bucket> buckets;
  for (const auto& [ts, v] : points) {
    if (ts < req.start_ns || ts >= req.end_ns) continue;
    int64_t start = ts - FloorMod(ts - req.offset_ns, req.step_ns);
    Bucket& b = buckets[start];
    if (b.count == 0) {
      b.start_ns = start;
      b.min = b.max = b.first = b.last = v;
      b.first_ns = ts;
    }
    ++b.count;
    b.sum += v;
    b.min = std::min(b.min, v);
    b.max = std::max(b.max, v);
    b.last = v;
    b.last_ns = ts;
  }
  std::vector<Bucket> out;
  for (auto& [start, b] : buckets) out.push_back(b);
  return out;
}

void CheckEqual(const std::vector<Bucket>& got,
                const std::vector<Bucket>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("bucket " << i << " start " << want[i].start_ns);
    CHECK(got[i].start_ns == want[i].start_ns);
    CHECK(got[i].count == want[i].count);
    CHECK(got[i].min == want[i].min);
    CHECK(got[i].max == want[i].max);
    CHECK(got[i].first == want[i].first);
    CHECK(got[i].last == want[i].last);
    CHECK(got[i].first_ns == want[i].first_ns);
    CHECK(got[i].last_ns == want[i].last_ns);
    double tol = 1e-9 * std::max(1.0, std::abs(want[i].sum));
    CHECK(std::abs(got[i].sum - want[i].sum) <= tol);
  }
}

TEST_CASE("aggregates from rollups equal raw aggregates on random data",
          "[engine][store][rollups]") {
  uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  SeriesId f = MakeSeries(*store, "env", "temp", ValueType::kFloat);
  SeriesId n = MakeSeries(*store, "traffic", "vehicles", ValueType::kInt);
  std::map<int64_t, double> fexp, nexp;
  std::uniform_int_distribution<int64_t> jitter(-20 * kSecond, 20 * kSecond);
  std::uniform_int_distribution<int> decimals(-500, 4000);
  std::uniform_int_distribution<int64_t> counts(0, 50);
  auto write = [&](int64_t from, int64_t to, int64_t every) {
    std::vector<Point> points;
    for (int64_t t = from; t < to; t += every) {
      int64_t ts = t + jitter(rng);
      double v = decimals(rng) / 100.0;
      int64_t c = counts(rng);
      points.push_back({f, ts, v});
      points.push_back({n, ts, c});
      fexp[ts] = v;
      nexp[ts] = static_cast<double>(c);
    }
    std::shuffle(points.begin(), points.end(), rng);
    REQUIRE(store->Append(points).has_value());
  };
  write(kT0 - 2 * kDay, kT0 + 3 * kDay, kMinute);
  REQUIRE(store->Flush().ok());
  // Late points into sealed windows, then sealed again.
  write(kT0 - kDay + 30 * kSecond, kT0 + kDay, 17 * kMinute);
  REQUIRE(store->Flush().ok());

  struct Case {
    int64_t start, end, step, offset;
    bool expect_rollups;
  };
  std::vector<Case> cases = {
      {kT0 - 2 * kDay, kT0 + 3 * kDay, kHour, 0, true},
      {kT0 - 2 * kDay, kT0 + 3 * kDay, kDay, 0, true},
      {kT0 - 2 * kDay, kT0 + 3 * kDay, 6 * kHour, 2 * kHour, true},
      {kT0 - kDay + 7 * kMinute, kT0 + kDay + 13 * kMinute, 3 * kHour, 0, true},
      {kT0 - kDay, kT0 + kDay, 15 * kMinute, 0, false},
      {kT0 - kDay, kT0 + kDay, kHour, 30 * kMinute, false},
      {kT0, kT0 + 30 * kMinute, kHour, 0, false},
      {kT0 - 2 * kDay, kT0 + 3 * kDay, 7 * kDay, -3 * kDay, true},
  };
  for (const auto& c : cases) {
    INFO("start " << c.start << " end " << c.end << " step " << c.step
                  << " offset " << c.offset);
    for (SeriesId id : {f, n}) {
      AggregateRequest req{id, c.start, c.end, c.step, c.offset};
      AggregateStats stats;
      auto got = store->Aggregate(req, &stats);
      REQUIRE(got.has_value());
      CHECK(stats.used_rollups == c.expect_rollups);
      CheckEqual(*got, Reference(id == f ? fexp : nexp, req));
    }
  }

  // Unsealed points in range, interleaving sealed ones (jittered: no
  // timestamp in common): rollups serve every hour, combined with the
  // head's partial aggregates, as the sealed timestamps prove no overlap.
  const std::map<int64_t, double> sealed_f = fexp;
  write(kT0 + 5 * kMinute, kT0 + 3 * kHour, 11 * kMinute);
  AggregateRequest req{f, kT0 - kDay, kT0 + kDay, kHour, 0};
  AggregateStats stats;
  auto got = store->Aggregate(req, &stats);
  REQUIRE(got.has_value());
  CHECK(stats.used_rollups);
  CHECK(stats.rollups_read == 48);  // every sealed hour
  CHECK(stats.points_read == 0);
  CheckEqual(*got, Reference(fexp, req));
  // A rewrite of one sealed timestamp: its hour is read raw (merging the
  // head, newest write wins); still equal to raw.
  auto rewritten = fexp.lower_bound(kT0 + 2 * kHour + 30 * kMinute);
  REQUIRE(rewritten != fexp.end());
  rewritten->second += 100.0;
  REQUIRE(
      store
          ->Append(std::vector<Point>{{f, rewritten->first, rewritten->second}})
          .has_value());
  got = store->Aggregate(req, &stats);
  REQUIRE(got.has_value());
  CHECK(stats.rollups_read == 48);
  CHECK(stats.points_read > 0);  // the hour of the rewrite
  CHECK(stats.points_read < 2 * 60);
  CheckEqual(*got, Reference(fexp, req));
  AggregateRequest from_head{f, kT0, kT0 + kDay, kHour, 0};
  got = store->Aggregate(from_head, &stats);
  REQUIRE(got.has_value());
  CHECK(stats.used_rollups);
  CheckEqual(*got, Reference(fexp, from_head));
  REQUIRE(store->Flush().ok());
  got = store->Aggregate(req, &stats);
  REQUIRE(got.has_value());
  CHECK(stats.used_rollups);
  CHECK(stats.rollups_read > 0);
  CheckEqual(*got, Reference(fexp, req));
}

TEST_CASE("aggregate rejects non-numeric series and bad steps",
          "[engine][store][rollups]") {
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  SeriesId s = MakeSeries(*store, "pump", "state", ValueType::kString);
  SeriesId b = MakeSeries(*store, "door", "open", ValueType::kBool);
  SeriesId f = MakeSeries(*store, "env", "temp", ValueType::kFloat);
  AggregateStats stats;
  CHECK(store->Aggregate({s, 0, kDay, kHour, 0}, &stats).error().code() ==
        StatusCode::kInvalidArgument);
  CHECK(store->Aggregate({b, 0, kDay, kHour, 0}, &stats).error().code() ==
        StatusCode::kInvalidArgument);
  CHECK(store->Aggregate({f, 0, kDay, 0, 0}, &stats).error().code() ==
        StatusCode::kInvalidArgument);
  CHECK(store->Aggregate({999, 0, kDay, kHour, 0}, &stats).error().code() ==
        StatusCode::kNotFound);
  auto empty = store->Aggregate({f, 0, kDay, kHour, 0}, &stats);
  REQUIRE(empty.has_value());
  CHECK(empty->empty());

  // Unbounded ranges (INT64_MIN/MAX) work for scans and aggregates.
  std::vector<Point> points = {{f, kT0 + 5, 1.0}, {f, -kDay - 5, 2.0}};
  REQUIRE(store->Append(points).has_value());
  REQUIRE(store->Flush().ok());
  int n = 0;
  REQUIRE(store
              ->Scan(f, INT64_MIN, INT64_MAX,
                     [&](const Sample&) {
                       ++n;
                       return true;
                     })
              .ok());
  CHECK(n == 2);
  auto all = store->Aggregate({f, INT64_MIN, INT64_MAX, kDay, 0}, &stats);
  REQUIRE(all.has_value());
  REQUIRE(all->size() == 2);
  CHECK(all->at(0).start_ns == -2 * kDay);
  CHECK(all->at(1).start_ns == kT0);
  CHECK(stats.used_rollups);
  auto shifted =
      store->Aggregate({f, INT64_MIN, INT64_MAX, kDay, -kHour}, &stats);
  REQUIRE(shifted.has_value());
  REQUIRE(shifted->size() == 2);
  CHECK(shifted->at(1).start_ns == kT0 - kHour);
}

}  // namespace
}  // namespace citynexus::engine
