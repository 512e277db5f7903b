// Helpers for store tests (see store_util.h).
#include "engine/store_util.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

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

std::vector<engine::Bucket> BucketsFromScan(
    engine::Store& store, const engine::AggregateRequest& req) {
  auto floor_mod = [](int64_t a, int64_t m) {
    const int64_t r = a % m;
    return r < 0 ? r + m : r;
  };
  std::map<int64_t, engine::Bucket> buckets;
  for (const auto& [ts, value] :
       ReadAll(store, req.series, req.start_ns, req.end_ns)) {
    const double v = value.index() == 0
                         ? std::get<double>(value)
                         : static_cast<double>(std::get<int64_t>(value));
    const int64_t start = ts - floor_mod(ts - req.offset_ns, req.step_ns);
    engine::Bucket& b = buckets[start];
    if (b.count == 0) {
      b.start_ns = start;
      b.min = b.max = b.first = v;
      b.first_ns = ts;
    }
    ++b.count;
    b.sum += v;
    b.min = std::min(b.min, v);
    b.max = std::max(b.max, v);
    b.last = v;
    b.last_ns = ts;
  }
  std::vector<engine::Bucket> out;
  for (auto& [start, b] : buckets) out.push_back(b);
  return out;
}

bool SameBuckets(const std::vector<engine::Bucket>& got,
                 const std::vector<engine::Bucket>& want) {
  if (got.size() != want.size()) return false;
  for (size_t i = 0; i < got.size(); ++i) {
    const engine::Bucket& g = got[i];
    const engine::Bucket& w = want[i];
    if (g.start_ns != w.start_ns || g.count != w.count || g.min != w.min ||
        g.max != w.max || g.first != w.first || g.last != w.last ||
        g.first_ns != w.first_ns || g.last_ns != w.last_ns ||
        std::abs(g.sum - w.sum) > 1e-9 * std::max(1.0, std::abs(w.sum))) {
      return false;
    }
  }
  return true;
}

}  // namespace citynexus::testing
