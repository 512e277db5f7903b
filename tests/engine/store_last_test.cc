// Store::Last against the last point of a full Scan, over sealed chunks,
// head points, overwrites of sealed points and empty ranges.
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
using testing::kMinute;
using testing::kT0;
using testing::MakeSeries;
using testing::OpenOrFail;
using testing::ReadAll;
using testing::TempDir;
using testing::TestOptions;

// Last() of every range in `ranges` equals the last point ReadAll() sees.
void CheckAgainstScan(Store& store, SeriesId id,
                      const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  for (const auto& [start, end] : ranges) {
    INFO("series " << id << " range [" << start << ", " << end << ")");
    auto got = store.Last(id, start, end);
    REQUIRE(got.has_value());
    auto all = ReadAll(store, id, start, end);
    if (all.empty()) {
      CHECK_FALSE(got->has_value());
      continue;
    }
    REQUIRE(got->has_value());
    CHECK((*got)->timestamp_ns == all.rbegin()->first);
    CHECK((*got)->value == all.rbegin()->second);
  }
}

TEST_CASE("Last equals the last point of a scan over chunks and heads",
          "[engine][store]") {
  uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  SeriesId f = MakeSeries(*store, "env", "temp", ValueType::kFloat);
  SeriesId s = MakeSeries(*store, "env", "state", ValueType::kString);
  SeriesId n = MakeSeries(*store, "env", "count", ValueType::kInt);
  std::uniform_int_distribution<int> values(0, 1000);
  auto write = [&](int64_t from, int64_t to, int64_t every) {
    std::vector<Point> points;
    for (int64_t t = from; t < to; t += every) {
      int v = values(rng);
      points.push_back({f, t, v / 10.0});
      points.push_back({s, t, "s" + std::to_string(v)});
      points.push_back({n, t, int64_t{v} * 1000003});
    }
    REQUIRE(store->Append(points).has_value());
  };
  std::uniform_int_distribution<int64_t> offsets(-3 * kDay, 4 * kDay);
  std::vector<std::pair<int64_t, int64_t>> ranges = {
      {INT64_MIN, INT64_MAX},
      {kT0 - 10 * kDay, kT0 - 5 * kDay},   // before all data
      {kT0 + 10 * kDay, kT0 + 11 * kDay},  // after all data
      {kT0, kT0},                          // empty
  };
  for (int i = 0; i < 40; ++i) {
    int64_t a = kT0 + offsets(rng), b = kT0 + offsets(rng);
    ranges.emplace_back(std::min(a, b), std::max(a, b) + 1);
  }

  write(kT0 - 2 * kDay, kT0 + 2 * kDay, 7 * kMinute);
  SECTION("all in the head") {
    for (SeriesId id : {f, s, n}) CheckAgainstScan(*store, id, ranges);
  }
  SECTION("all sealed") {
    REQUIRE(store->Flush().ok());
    for (SeriesId id : {f, s, n}) CheckAgainstScan(*store, id, ranges);
  }
  SECTION("sealed, then newer, older and overwriting points in the head") {
    REQUIRE(store->Flush().ok());
    write(kT0 + 2 * kDay, kT0 + 3 * kDay, 13 * kMinute);       // newer
    write(kT0 - 3 * kDay, kT0 - 2 * kDay, 11 * kMinute);       // older
    write(kT0 - 2 * kDay, kT0 + 2 * kDay, 7 * kMinute * 24);   // overwrites
    write(kT0 + kDay - 7 * kMinute, kT0 + kDay, 7 * kMinute);  // overwrite
    for (SeriesId id : {f, s, n}) CheckAgainstScan(*store, id, ranges);
  }
}

TEST_CASE("Last reports unknown series", "[engine][store]") {
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  auto got = store->Last(12345, 0, kHour);
  REQUIRE_FALSE(got.has_value());
  CHECK(got.error().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace citynexus::engine
