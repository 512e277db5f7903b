// Indicator evaluation over a city-sized data set (issue #6 target: any
// built-in indicator, 1 year at daily steps over ~2000 series, < 50 ms).
//
// Data set (fixed seed): `water.system_input` in 2000 series (tag `zone`),
// one year of hourly values (8784 points each, 17.6 M points), sealed and
// compacted, so reads come from the 1 h / 1 d rollups. Built once per run in
// a temp dir (about a minute on 2 cores), or kept in $INDICATOR_BENCH_DIR
// when that is set (built there on the first run, reused afterwards: handy
// when profiling).
//
//   build/bench/indicator_bench --benchmark_min_time=2
//   INDICATOR_BENCH_DIR=/tmp/cn-ib build/bench/indicator_bench
//
// Benchmarks: the expression through IndicatorService (cold = first
// evaluation after opening the store, warm = repeated), and the bare loop of
// Store::Aggregate calls the evaluation is built on, for comparison.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/rocks_store.h"
#include "query/indicators.h"

namespace {

using citynexus::engine::AggregateRequest;
using citynexus::engine::AggregateStats;
using citynexus::engine::Point;
using citynexus::engine::RocksStore;
using citynexus::engine::SeriesId;
using citynexus::engine::SeriesKey;
using citynexus::engine::StoreOptions;
using citynexus::engine::ValueType;

constexpr int64_t kHour = 3600LL * 1'000'000'000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kYearStart = 1704067200LL * 1'000'000'000;  // 2024-01-01
constexpr int64_t kYearEnd = kYearStart + 366 * kDay;         // leap year
constexpr int kSeries = 2000;

struct DataSet {
  std::string dir;
  std::vector<SeriesId> ids;
  bool keep = false;  // $INDICATOR_BENCH_DIR: reused by the next run
  ~DataSet() {
    if (keep) return;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

std::unique_ptr<RocksStore> OpenStore(const std::string& dir) {
  StoreOptions options;
  options.data_dir = dir;
  auto store = RocksStore::Open(options);
  if (!store) return nullptr;
  return std::move(store.value());
}

// Writes the data set once; later calls return it.
DataSet* Data() {
  static std::unique_ptr<DataSet> data = [] {
    auto d = std::make_unique<DataSet>();
    bool reuse = false;
    if (const char* keep = getenv("INDICATOR_BENCH_DIR"); keep && *keep) {
      d->dir = keep;
      d->keep = true;
      reuse = std::filesystem::exists(d->dir + "/complete");
      std::filesystem::create_directories(d->dir + "/data");
    } else {
      std::string tmpl =
          (std::filesystem::temp_directory_path() / "cn-indicator-bench-XXXXXX")
              .string();
      d->dir = mkdtemp(tmpl.data());
    }
    auto store = OpenStore(d->dir + "/data");
    if (!store) return d;
    for (int i = 0; i < kSeries; ++i) {
      SeriesKey key;
      key.measurement = "water";
      key.field = "system_input";
      key.tags = {{"zone", "z" + std::to_string(i)}};
      d->ids.push_back(store->GetOrCreateSeries(key, ValueType::kFloat)->id);
    }
    if (reuse) return d;
    std::mt19937_64 rng(20240101);
    std::uniform_int_distribution<int> m3(100, 900);
    std::vector<Point> batch;
    for (int64_t t = kYearStart; t < kYearEnd; t += kHour) {
      for (SeriesId id : d->ids) {
        batch.push_back({id, t, m3(rng) / 10.0});
      }
      if (batch.size() >= 200000) {
        (void)store->Append(batch);
        batch.clear();
      }
    }
    (void)store->Append(batch);
    (void)store->Compact();
    (void)store->Close();
    if (d->keep) std::ofstream(d->dir + "/complete") << "ok\n";
    return d;
  }();
  return data.get();
}

const char* kExpr =
    "1000 * sum(sum_over_time(water.system_input[1d])) / fact(\"population\")";

citynexus::query::IndicatorService MakeService(RocksStore& store) {
  citynexus::query::Facts facts;
  facts.Set("population", {{INT64_MIN, 250000}});
  return citynexus::query::IndicatorService(
      store, citynexus::query::IndicatorCatalog{}, std::move(facts));
}

// Cold iterations: closes and reopens the store outside the timing, so the
// next read starts with empty caches.
void ReopenUntimed(benchmark::State& state, const std::string& dir,
                   std::unique_ptr<RocksStore>* store) {
  state.PauseTiming();
  store->reset();
  *store = OpenStore(dir);
  state.ResumeTiming();
}

void Evaluate(benchmark::State& state, bool cold) {
  DataSet* data = Data();
  citynexus::query::EvaluationRequest request;
  request.start_ns = kYearStart;
  request.end_ns = kYearEnd;
  request.step = "1d";
  std::unique_ptr<RocksStore> store;
  if (!cold) {
    // Warm means repeated: one untimed evaluation first fills the caches,
    // so the first iteration does not carry the cold cost into the mean.
    store = OpenStore(data->dir + "/data");
    if (store) (void)MakeService(*store).EvaluateExpression(kExpr, request);
  }
  for (auto _ : state) {
    if (cold) ReopenUntimed(state, data->dir + "/data", &store);
    if (!store) {
      state.SkipWithError("cannot open the store");
      return;
    }
    auto service = MakeService(*store);
    auto result = service.EvaluateExpression(kExpr, request);
    if (!result) {
      state.SkipWithError(result.error().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(result->series);
    state.counters["buckets"] = static_cast<double>(result->buckets_read);
  }
  state.counters["series"] = kSeries;
}

void BM_IndicatorYearDailyWarm(benchmark::State& state) {
  Evaluate(state, false);
}
BENCHMARK(BM_IndicatorYearDailyWarm)->Unit(benchmark::kMillisecond);

void BM_IndicatorYearDailyCold(benchmark::State& state) {
  Evaluate(state, true);
}
BENCHMARK(BM_IndicatorYearDailyCold)->Unit(benchmark::kMillisecond);

// The bare Store::Aggregate loop; cold reopens the store before each
// iteration, which shows the engine's share of the cold evaluation (decoding
// each series' daily rollup records into the rollup cache).
void AggregateLoop(benchmark::State& state, bool cold) {
  DataSet* data = Data();
  auto store = OpenStore(data->dir + "/data");
  if (!store) {
    state.SkipWithError("cannot open the store");
    return;
  }
  for (auto _ : state) {
    if (cold) {
      ReopenUntimed(state, data->dir + "/data", &store);
      if (!store) {
        state.SkipWithError("cannot open the store");
        return;
      }
    }
    uint64_t buckets = 0;
    for (SeriesId id : data->ids) {
      AggregateStats stats;
      auto got = store->Aggregate({id, kYearStart, kYearEnd, kDay, 0}, &stats);
      if (got) buckets += got->size();
    }
    state.counters["buckets"] = static_cast<double>(buckets);
  }
}

void BM_AggregateLoopYearDaily(benchmark::State& state) {
  AggregateLoop(state, false);
}
BENCHMARK(BM_AggregateLoopYearDaily)->Unit(benchmark::kMillisecond);

void BM_AggregateLoopYearDailyCold(benchmark::State& state) {
  AggregateLoop(state, true);
}
BENCHMARK(BM_AggregateLoopYearDailyCold)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
