// Helpers for store tests (see store_util.h).
#include "engine/store_util.h"

#include <catch2/catch.hpp>

namespace citynexus::testing {

engine::StoreOptions TestOptions(const std::string& dir) {
  engine::StoreOptions options;
  options.data_dir = dir;
  options.sync = engine::SyncMode::kInterval;
  options.sync_interval = std::chrono::milliseconds(200);
  return options;
}

std::unique_ptr<engine::RocksStore> OpenOrFail(
    const engine::StoreOptions& options,
    const engine::RocksStoreTuning& tuning) {
  auto store = engine::RocksStore::Open(options, tuning);
  if (!store) FAIL("OpenStore: " << store.error().ToString());
  return std::move(store.value());
}

engine::SeriesId MakeSeries(engine::Store& store,
                            const std::string& measurement,
                            const std::string& field, engine::ValueType type,
                            const std::string& sensor) {
  engine::SeriesKey key;
  key.measurement = measurement;
  key.field = field;
  key.tags = {{"sensor", sensor}};
  auto info = store.GetOrCreateSeries(key, type);
  if (!info) FAIL("GetOrCreateSeries: " << info.error().ToString());
  return info->id;
}

std::map<int64_t, engine::Value> ReadAll(engine::Store& store,
                                         engine::SeriesId id, int64_t start,
                                         int64_t end) {
  std::map<int64_t, engine::Value> out;
  int64_t prev = INT64_MIN;
  Status s = store.Scan(id, start, end, [&](const engine::Sample& sample) {
    CHECK(sample.timestamp_ns > prev);  // ascending and unique
    prev = sample.timestamp_ns;
    out[sample.timestamp_ns] = sample.value;
    return true;
  });
  if (!s.ok()) FAIL("Scan: " << s.ToString());
  return out;
}

}  // namespace citynexus::testing
