// The sealer's cost per seal (RocksStore::Flush) in steady ingest: 1000
// float series at 10 s, each iteration appends one more hour of every
// series (untimed) and seals it (timed). Every seal merges into the open
// day's chunk and rewrites its rollups, at the coarsest resolution the span
// record holding that day (a Get, a decode and an encode per series).
// Arg 1 first seals 60 days of hourly points (untimed), so that the span
// being rewritten holds 60 daily buckets (the worst case is 64).
//
//   build/bench/seal_bench --benchmark_min_time=5
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "engine/rocks_store.h"

namespace {

using citynexus::engine::Point;
using citynexus::engine::RocksStore;
using citynexus::engine::SeriesId;
using citynexus::engine::SeriesKey;
using citynexus::engine::StoreOptions;
using citynexus::engine::ValueType;

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kHour = 3600 * kSecond;
constexpr int64_t kT0 = 1717200000LL * kSecond;  // 2024-06-01
constexpr int kSeries = 1000;

void BM_SealHour(benchmark::State& state) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "cn-seal-bench-XXXXXX")
          .string();
  const std::string dir = mkdtemp(tmpl.data());
  {
    StoreOptions options;
    options.data_dir = dir;
    auto opened = RocksStore::Open(options);
    if (!opened) {
      state.SkipWithError(opened.error().ToString().c_str());
      return;
    }
    auto store = std::move(opened.value());
    std::vector<SeriesId> ids;
    for (int i = 0; i < kSeries; ++i) {
      SeriesKey key;
      key.measurement = "seal";
      std::string sensor = "S";
      sensor += std::to_string(i);
      key.tags = {{"sensor", sensor}};
      key.field = "value";
      ids.push_back(store->GetOrCreateSeries(key, ValueType::kFloat)->id);
    }
    std::mt19937_64 rng(7);
    std::normal_distribution<double> noise(0.0, 0.08);
    std::vector<double> temp(ids.size(), 15.0);
    std::vector<Point> batch;
    // Day 19840 since the epoch starts a 64-day span.
    constexpr int64_t kSpanStart = 19840LL * 24 * kHour;
    int64_t hour = kT0;
    if (state.range(0) == 1) {
      for (int64_t t = kSpanStart; t < kSpanStart + 60 * 24 * kHour;
           t += kHour) {
        for (size_t s = 0; s < ids.size(); ++s) {
          batch.push_back({ids[s], t, 15.0 + static_cast<double>(s % 7)});
        }
        if (batch.size() >= 5000) {
          if (!store->Append(batch)) std::abort();
          batch.clear();
        }
      }
      if (!store->Append(batch)) std::abort();
      batch.clear();
      if (!store->Flush().ok()) std::abort();
      hour = kSpanStart + 60 * 24 * kHour;
    }
    uint64_t points = 0;
    for (auto _ : state) {
      state.PauseTiming();
      for (int64_t t = hour; t < hour + kHour; t += 10 * kSecond) {
        for (size_t s = 0; s < ids.size(); ++s) {
          temp[s] = 0.95 * temp[s] + 0.05 * 15.0 + noise(rng);
          batch.push_back({ids[s], t, std::round(temp[s] * 10) / 10});
        }
        if (batch.size() >= 5000) {
          if (!store->Append(batch)) std::abort();
          points += batch.size();
          batch.clear();
        }
      }
      if (!batch.empty()) {
        if (!store->Append(batch)) std::abort();
        points += batch.size();
        batch.clear();
      }
      hour += kHour;
      state.ResumeTiming();
      if (!store->Flush().ok()) std::abort();
    }
    state.counters["points_per_seal"] =
        static_cast<double>(points) / static_cast<double>(state.iterations());
    state.counters["hours"] = static_cast<double>(state.iterations());
    (void)store->Close();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_SealHour)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
