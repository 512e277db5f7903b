// Benchmarks of the RocksDB-backed store: append throughput, bytes per point
// on disk, scan throughput, aggregate latency (raw vs rollups) and catalog
// open time / memory for 1M series (opt-in: CITYNEXUS_BENCH_1M=1).
//
// Datasets (fixed seeds):
//   sensor10s: 1000 series, 10 s interval with ±1 s whole-second jitter,
//              1-decimal temperatures (the codec bench's sensor60s model)
//   sensor60s: 1000 series × 1 week, the same at 60 s
//   year1m:    one series, 1 year of 1-minute data
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/rocks_store.h"

namespace {

using citynexus::engine::AggregateRequest;
using citynexus::engine::AggregateStats;
using citynexus::engine::Point;
using citynexus::engine::RocksStore;
using citynexus::engine::RocksStoreTuning;
using citynexus::engine::SeriesId;
using citynexus::engine::SeriesKey;
using citynexus::engine::StoreOptions;
using citynexus::engine::SyncMode;
using citynexus::engine::ValueType;

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kT0 = 1717200000LL * kSecond;

class BenchDir {
 public:
  BenchDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "cn-store-bench-XXXXXX")
            .string();
    path_ = mkdtemp(tmpl.data());
  }
  ~BenchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& str() const { return path_; }

 private:
  std::string path_;
};

std::unique_ptr<RocksStore> Open(const std::string& dir, SyncMode mode,
                                 benchmark::State& state) {
  StoreOptions options;
  options.data_dir = dir;
  options.sync = mode;
  auto store = RocksStore::Open(options);
  if (!store) {
    state.SkipWithError(store.error().ToString().c_str());
    return nullptr;
  }
  return std::move(store.value());
}

std::vector<SeriesId> MakeSeries(RocksStore& store, int count,
                                 const std::string& measurement) {
  std::vector<SeriesId> ids;
  for (int i = 0; i < count; ++i) {
    SeriesKey key;
    key.measurement = measurement;
    // Built with += : `"d" + std::to_string()` trips g++ 12 -Wrestrict.
    std::string district = "d", sensor = "S";
    district += std::to_string(i % 12);
    sensor += std::to_string(i);
    key.tags = {{"district", district}, {"sensor", sensor}};
    key.field = "value";
    ids.push_back(store.GetOrCreateSeries(key, ValueType::kFloat)->id);
  }
  return ids;
}

// Points of `series` at a regular interval with whole-second jitter
// (±jitter_s), round-robin across series. Values follow the chunk codec
// bench's sensor60s model per series: a temperature relaxing towards a daily
// cycle (AR(1), noise σ 0.08 °C per step), rounded to 1 decimal.
std::vector<Point> SensorPoints(const std::vector<SeriesId>& series,
                                int64_t start, int64_t interval,
                                int64_t jitter_s, size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> jit(-jitter_s, jitter_s);
  std::normal_distribution<double> noise(0.0, 0.08);
  std::vector<double> temp(series.size(), 15.0);
  std::vector<Point> points;
  points.reserve(count);
  for (size_t n = 0; n < count; ++n) {
    size_t s = n % series.size();
    int64_t slot = static_cast<int64_t>(n / series.size());
    int64_t ts = start + slot * interval;
    double daily = 7.0 * std::sin(2 * M_PI * static_cast<double>(ts % kDay) /
                                      static_cast<double>(kDay) -
                                  M_PI / 2);
    double base = 15.0 + static_cast<double>(s % 7);
    temp[s] = 0.95 * temp[s] + 0.05 * (base + daily) + noise(rng);
    points.push_back(Point{series[s], ts + jit(rng) * kSecond,
                           std::round(temp[s] * 10) / 10});
  }
  return points;
}

// Args: batch size, sync (0 interval, 1 always), writer threads.
void BM_Store_Append(benchmark::State& state) {
  size_t batch = static_cast<size_t>(state.range(0));
  SyncMode mode = state.range(1) == 0 ? SyncMode::kInterval : SyncMode::kAlways;
  int threads = static_cast<int>(state.range(2));
  BenchDir dir;
  auto store = Open(dir.str(), mode, state);
  if (!store) return;
  auto series = MakeSeries(*store, 1000, "sensor10s");
  // Points per thread per iteration: enough batches to amortize, fewer for
  // small synced batches (each costs an fsync).
  size_t per_thread =
      batch >= 100 ? 200'000 : (mode == SyncMode::kAlways ? 500 : 20'000);
  std::vector<std::vector<Point>> data;
  for (int t = 0; t < threads; ++t) {
    data.push_back(SensorPoints(series, kT0 + t * 7 * kDay, 10 * kSecond, 1,
                                per_thread, 42 + t));
  }
  int64_t offset = 0;
  for (auto _ : state) {
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        std::vector<Point> chunk;
        for (size_t i = 0; i < per_thread; i += batch) {
          size_t n = std::min(batch, per_thread - i);
          chunk.assign(data[t].begin() + i, data[t].begin() + i + n);
          for (auto& p : chunk) p.timestamp_ns += offset;
          auto r = store->Append(chunk);
          if (!r || r->written != n) std::abort();
        }
      });
    }
    for (auto& w : workers) w.join();
    offset += 14 * kDay;  // next iteration writes new timestamps
  }
  state.SetItemsProcessed(state.iterations() * per_thread * threads);
  if (store->Close().ok()) {
  }
}
BENCHMARK(BM_Store_Append)
    ->ArgNames({"batch", "sync_always", "threads"})
    ->Args({1, 0, 1})
    ->Args({100, 0, 1})
    ->Args({5000, 0, 1})
    ->Args({1, 1, 1})
    ->Args({100, 1, 1})
    ->Args({5000, 1, 1})
    ->Args({5000, 0, 2})
    ->Args({5000, 1, 2})
    ->Args({100, 1, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The 60 s sensor dataset: 1000 series × 1 week, written, compacted, sized.
struct Sensor60s {
  BenchDir dir;
  std::unique_ptr<RocksStore> store;
  std::vector<SeriesId> series;
  uint64_t points = 0;
};

Sensor60s* GetSensor60s(benchmark::State& state) {
  static Sensor60s* data = nullptr;
  if (data != nullptr) return data;
  data = new Sensor60s;
  data->store = Open(data->dir.str(), SyncMode::kInterval, state);
  if (!data->store) return nullptr;
  data->series = MakeSeries(*data->store, 1000, "sensor60s");
  size_t total = 1000 * static_cast<size_t>(7 * kDay / kMinute);
  auto points = SensorPoints(data->series, kT0, kMinute, 1, total, 7);
  for (size_t i = 0; i < points.size(); i += 5000) {
    std::span<const Point> batch(points.data() + i,
                                 std::min<size_t>(5000, points.size() - i));
    if (!data->store->Append(batch)) std::abort();
  }
  data->points = points.size();
  if (!data->store->Compact().ok()) std::abort();
  return data;
}

void BM_Store_DiskBytes(benchmark::State& state) {
  Sensor60s* data = GetSensor60s(state);
  if (data == nullptr) return;
  uint64_t bytes = 0;
  for (auto _ : state) {
    auto stats = data->store->Stats();
    if (!stats) std::abort();
    bytes = stats->bytes_on_disk;
    for (auto& [name, size] : stats->column_family_bytes) {
      state.counters["cf_" + name + "_bytes"] = static_cast<double>(size);
    }
  }
  state.counters["bytes_per_point"] =
      static_cast<double>(bytes) / static_cast<double>(data->points);
  state.counters["points"] = static_cast<double>(data->points);
}
BENCHMARK(BM_Store_DiskBytes)
    ->Name("BM_Store_DiskBytes/sensor60s")
    ->Iterations(1);

void BM_Store_Scan(benchmark::State& state) {
  Sensor60s* data = GetSensor60s(state);
  if (data == nullptr) return;
  uint64_t points = 0;
  size_t s = 0;
  for (auto _ : state) {
    SeriesId id = data->series[s++ % data->series.size()];
    double sum = 0;
    if (!data->store
             ->Scan(id, kT0 - kDay, kT0 + 8 * kDay,
                    [&](const citynexus::engine::Sample& sample) {
                      sum += std::get<double>(sample.value);
                      ++points;
                      return true;
                    })
             .ok()) {
      std::abort();
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(points));
}
BENCHMARK(BM_Store_Scan)->Name("BM_Store_Scan/sensor60s");

// One series, 1 year of 1-minute data; `rollups` selects a store with the
// default 1h/1d rollups or one without any (raw computation).
struct Year1m {
  BenchDir dir;
  std::unique_ptr<RocksStore> store;
  SeriesId id = 0;
};

Year1m* GetYear1m(bool rollups, benchmark::State& state) {
  static Year1m* cache[2] = {nullptr, nullptr};
  Year1m*& data = cache[rollups ? 1 : 0];
  if (data != nullptr) return data;
  data = new Year1m;
  StoreOptions options;
  options.data_dir = data->dir.str();
  if (!rollups) options.rollup_resolutions.clear();
  auto store = RocksStore::Open(options);
  if (!store) {
    state.SkipWithError(store.error().ToString().c_str());
    return nullptr;
  }
  data->store = std::move(store.value());
  data->id = MakeSeries(*data->store, 1, "year1m")[0];
  auto points = SensorPoints({data->id}, kT0, kMinute, 0, 365 * 1440, 11);
  for (size_t i = 0; i < points.size(); i += 5000) {
    std::span<const Point> batch(points.data() + i,
                                 std::min<size_t>(5000, points.size() - i));
    if (!data->store->Append(batch)) std::abort();
  }
  if (!data->store->Compact().ok()) std::abort();
  return data;
}

// Args: step (0 = 1h, 1 = 1d), rollups (0/1).
void BM_Store_Aggregate(benchmark::State& state) {
  int64_t step = state.range(0) == 0 ? kHour : kDay;
  bool rollups = state.range(1) != 0;
  Year1m* data = GetYear1m(rollups, state);
  if (data == nullptr) return;
  AggregateRequest req{data->id, kT0, kT0 + 365 * kDay, step, 0};
  AggregateStats stats;
  size_t buckets = 0;
  for (auto _ : state) {
    auto r = data->store->Aggregate(req, &stats);
    if (!r) std::abort();
    buckets = r->size();
  }
  if (stats.used_rollups != rollups) state.SkipWithError("rollup use differs");
  state.counters["buckets"] = static_cast<double>(buckets);
  state.counters["points_read"] = static_cast<double>(stats.points_read);
  state.counters["rollups_read"] = static_cast<double>(stats.rollups_read);
}
BENCHMARK(BM_Store_Aggregate)
    ->Name("BM_Store_Aggregate/year1m")
    ->ArgNames({"step_1d", "rollups"})
    ->Args({0, 0})
    ->Args({0, 1})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Unit(benchmark::kMicrosecond);

uint64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// Opt-in: creating 1M series takes a while.
void BM_Store_CatalogOpen(benchmark::State& state) {
  const char* enabled = getenv("CITYNEXUS_BENCH_1M");
  if (enabled == nullptr || std::string(enabled) != "1") {
    state.SkipWithError("set CITYNEXUS_BENCH_1M=1 to run");
    return;
  }
  const int kCount = 1'000'000;
  BenchDir dir;
  {
    auto store = Open(dir.str(), SyncMode::kInterval, state);
    if (!store) return;
    MakeSeries(*store, kCount, "city_sensor_readings");
    if (!store->Compact().ok()) std::abort();
  }
  double open_s = 0, catalog_bytes = 0, rss_delta = 0;
  for (auto _ : state) {
    uint64_t rss_before = RssBytes();
    auto start = std::chrono::steady_clock::now();
    auto store = Open(dir.str(), SyncMode::kInterval, state);
    open_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    rss_delta = static_cast<double>(RssBytes() - rss_before);
    catalog_bytes = static_cast<double>(store->CatalogMemoryBytes());
    if (!store->Close().ok()) std::abort();
  }
  state.counters["open_seconds"] = open_s;
  state.counters["catalog_bytes_per_series"] = catalog_bytes / kCount;
  state.counters["rss_bytes_per_series"] = rss_delta / kCount;
}
BENCHMARK(BM_Store_CatalogOpen)
    ->Name("BM_Store_CatalogOpen/1M")
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
