// Retention: rule matching and expiry of chunks, rollups and head points.
#include "engine/retention.h"

#include <catch2/catch.hpp>

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

TEST_CASE("the first matching retention rule applies, by glob or domain",
          "[engine][retention]") {
  RetentionRule by_glob, by_domain, fallback;
  by_glob.measurement_glob = "traffic*";
  by_domain.domain = "water";
  fallback.measurement_glob.push_back(
      '*');  // "= \"*\"" trips g++ 12 -Wrestrict
  std::vector<RetentionRule> rules = {by_glob, by_domain, fallback};
  SeriesInfo s;
  s.key.measurement = "traffic";
  CHECK(MatchRetentionRule(rules, s) == &rules[0]);
  s.key.measurement = "level";
  s.meta.domain = "water";
  CHECK(MatchRetentionRule(rules, s) == &rules[1]);
  s.meta.domain = "energy";
  CHECK(MatchRetentionRule(rules, s) == &rules[2]);
  rules.pop_back();
  CHECK(MatchRetentionRule(rules, s) == nullptr);
}

TEST_CASE(
    "retention expires old chunks, rollups and head points and "
    "compaction shrinks the store",
    "[engine][retention][store]") {
  TempDir dir;
  auto options = TestOptions(dir.str());
  RetentionRule rule;
  rule.measurement_glob = "traffic*";
  rule.raw_max_age = std::chrono::hours(24 * 3);
  rule.rollup_max_age = std::chrono::hours(24 * 6);
  options.retention = {rule};
  auto store = OpenOrFail(options);
  SeriesId t = MakeSeries(*store, "traffic", "vehicles", ValueType::kFloat);
  SeriesId e = MakeSeries(*store, "env", "temp", ValueType::kFloat);
  std::vector<Point> points;
  for (int64_t ts = kT0; ts < kT0 + 10 * kDay; ts += kMinute) {
    points.push_back({t, ts, (ts / kMinute % 1000) * 0.1});
    points.push_back({e, ts, 1.0});
  }
  REQUIRE(store->Append(points).has_value());
  REQUIRE(store->Flush().ok());
  // Late head points in an old window of the traffic series.
  std::vector<Point> late = {{t, kT0 + 30 * kMinute + 1, 5.0}};
  REQUIRE(store->Append(late).has_value());
  REQUIRE(store->Compact().ok());
  auto before = store->Stats();
  REQUIRE(before.has_value());

  int64_t now = kT0 + 10 * kDay;  // raw cutoff kT0+7d, rollup cutoff kT0+4d
  REQUIRE(store->RunRetention(now).ok());
  auto raw = ReadAll(*store, t);
  REQUIRE_FALSE(raw.empty());
  CHECK(raw.begin()->first == kT0 + 7 * kDay);
  CHECK(raw.size() == static_cast<size_t>(3 * kDay / kMinute));
  CHECK(ReadAll(*store, e).size() == static_cast<size_t>(10 * kDay / kMinute));

  AggregateStats stats;
  auto daily = store->Aggregate({t, kT0, kT0 + 10 * kDay, kDay, 0}, &stats);
  REQUIRE(daily.has_value());
  CHECK(stats.used_rollups);
  REQUIRE(daily->size() == 6);  // rollups of days 4..9 remain
  CHECK(daily->front().start_ns == kT0 + 4 * kDay);
  CHECK(daily->front().count == static_cast<uint64_t>(kDay / kMinute));

  REQUIRE(store->Compact().ok());
  auto after = store->Stats();
  REQUIRE(after.has_value());
  CHECK(after->points < before->points);
  uint64_t chunks_before = 0, chunks_after = 0;
  for (auto& [name, bytes] : before->column_family_bytes) {
    if (name == "chunks") chunks_before = bytes;
  }
  for (auto& [name, bytes] : after->column_family_bytes) {
    if (name == "chunks") chunks_after = bytes;
  }
  CHECK(chunks_after < chunks_before);
}

}  // namespace
}  // namespace citynexus::engine
