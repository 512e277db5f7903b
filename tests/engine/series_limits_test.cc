// Cardinality limits of the store (StoreOptions::max_series*): new series
// past a limit are refused with kResourceExhausted, exactly, also with many
// threads creating series at once; existing series keep taking points; the
// limits survive a reopen (they count the loaded catalog).
#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "store_util.h"
#include "support/temp_dir.h"

namespace citynexus::engine {
namespace {

using testing::kT0;

SeriesKey Key(const std::string& measurement, int sensor) {
  SeriesKey key;
  key.measurement = measurement;
  key.tags = {{"sensor", "s" + std::to_string(sensor)}};
  key.field = "v";
  return key;
}

TEST_CASE("max_series is exact under concurrent creators", "[engine][limits]") {
  ::citynexus::testing::TempDir dir;
  StoreOptions options = testing::TestOptions(dir.str());
  options.max_series = 500;
  options.max_series_per_measurement = 0;
  auto store = testing::OpenOrFail(options);

  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;  // 1600 attempts for 500 slots
  std::atomic<int> created{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = store->GetOrCreateSeries(
            Key("m" + std::to_string(i % 7), t * kPerThread + i),
            ValueType::kFloat);
        if (r) {
          ++created;
        } else if (r.error().code() == StatusCode::kResourceExhausted) {
          ++refused;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(other == 0);
  CHECK(created == 500);
  CHECK(refused == kThreads * kPerThread - 500);
  CHECK(store->SeriesRefused() == static_cast<uint64_t>(refused.load()));
  auto stats = store->Stats();
  REQUIRE(stats.has_value());
  CHECK(stats->series == 500);

  // An existing series still resolves and takes points.
  auto existing = store->FindSeries({});
  REQUIRE(!existing.empty());
  auto again =
      store->GetOrCreateSeries(existing.front().key, ValueType::kFloat);
  REQUIRE(again.has_value());
  Point p{again->id, kT0, 1.5};
  auto appended = store->Append(std::span<const Point>(&p, 1));
  REQUIRE(appended.has_value());
  CHECK(appended->written == 1);
  auto refused_new =
      store->GetOrCreateSeries(Key("m0", 99999), ValueType::kFloat);
  REQUIRE_FALSE(refused_new.has_value());
  CHECK(refused_new.error().message().find("max_series limit of 500") !=
        std::string::npos);
}

TEST_CASE("max_series_per_measurement limits one measurement, not others",
          "[engine][limits]") {
  ::citynexus::testing::TempDir dir;
  StoreOptions options = testing::TestOptions(dir.str());
  options.max_series = 0;
  options.max_series_per_measurement = 3;
  {
    auto store = testing::OpenOrFail(options);
    for (int i = 0; i < 3; ++i) {
      REQUIRE(store->GetOrCreateSeries(Key("busy", i), ValueType::kFloat));
    }
    auto fourth = store->GetOrCreateSeries(Key("busy", 3), ValueType::kFloat);
    REQUIRE_FALSE(fourth.has_value());
    CHECK(fourth.error().code() == StatusCode::kResourceExhausted);
    CHECK(fourth.error().message().find("measurement \"busy\"") !=
          std::string::npos);
    CHECK(store->GetOrCreateSeries(Key("quiet", 0), ValueType::kFloat));
    REQUIRE(store->Close().ok());
  }
  // After a reopen the loaded series count toward the limit.
  auto store = testing::OpenOrFail(options);
  CHECK_FALSE(store->GetOrCreateSeries(Key("busy", 4), ValueType::kFloat));
  CHECK(store->GetOrCreateSeries(Key("busy", 1), ValueType::kFloat));
}

}  // namespace
}  // namespace citynexus::engine
