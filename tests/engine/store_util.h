// Helpers for store tests: opening a RocksStore in a temp dir, building
// points, and reading a series back into a map.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/rocks_store.h"

namespace citynexus::testing {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
// 2024-06-01T00:00:00Z: a day boundary.
constexpr int64_t kT0 = 1717200000LL * kSecond;

engine::StoreOptions TestOptions(const std::string& dir);

// Opens a RocksStore or fails the current test.
std::unique_ptr<engine::RocksStore> OpenOrFail(
    const engine::StoreOptions& options,
    const engine::RocksStoreTuning& tuning = {});

engine::SeriesId MakeSeries(engine::Store& store,
                            const std::string& measurement,
                            const std::string& field, engine::ValueType type,
                            const std::string& sensor = "s1");

// All points of `id` in [start, end) as timestamp -> value.
std::map<int64_t, engine::Value> ReadAll(engine::Store& store,
                                         engine::SeriesId id,
                                         int64_t start = INT64_MIN / 4,
                                         int64_t end = INT64_MAX / 4);

// The buckets of `req` computed from a scan of the store: the reference
// every aggregate path must equal.
std::vector<engine::Bucket> BucketsFromScan(
    engine::Store& store, const engine::AggregateRequest& req);

// Whether two bucket lists are equal (sums within 1e-9 relative).
bool SameBuckets(const std::vector<engine::Bucket>& got,
                 const std::vector<engine::Bucket>& want);

}  // namespace citynexus::testing
