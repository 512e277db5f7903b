// The series catalog's inverted tag index at 100,000 series (smart meters,
// tags meter (unique) and district (12 values), one field): memory per
// series with and without the tag postings, and the latency of the catalog
// calls the query paths make (one tag lookup, a district, the schema and
// SHOW TAG VALUES summary). In memory, no RocksDB.
//
// Memory is measured with glibc's mallinfo2 (bytes in use) around building
// the catalog, and reported as counters next to the catalog's own estimate.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdio>
#include <memory>
#include <string>

#include "engine/series_catalog.h"

namespace {

using citynexus::Status;
using citynexus::engine::SeriesCatalog;
using citynexus::engine::SeriesFilter;
using citynexus::engine::SeriesKey;
using citynexus::engine::TagMatcher;
using citynexus::engine::ValueType;

constexpr int kMeters = 100000;

SeriesKey MeterKey(int i) {
  char meter[16];
  std::snprintf(meter, sizeof(meter), "m%06d", i);
  char district[16];
  std::snprintf(district, sizeof(district), "d%02d", i % 12 + 1);
  SeriesKey key;
  key.measurement = "meters";
  key.tags = {{"district", district}, {"meter", meter}};
  key.field = "kwh";
  return key;
}

size_t HeapInUse() { return mallinfo2().uordblks; }

std::unique_ptr<SeriesCatalog> Build() {
  auto catalog = std::make_unique<SeriesCatalog>();
  for (int i = 0; i < kMeters; ++i) {
    auto r = catalog->GetOrCreate(
        MeterKey(i), ValueType::kFloat,
        [](uint64_t, std::string_view) { return Status::Ok(); });
    if (!r) std::abort();
  }
  return catalog;
}

SeriesCatalog& Shared() {
  static std::unique_ptr<SeriesCatalog> catalog = Build();
  return *catalog;
}

void BM_CatalogMemory100k(benchmark::State& state) {
  for (auto _ : state) {
    const size_t before = HeapInUse();
    auto catalog = Build();
    const size_t after = HeapInUse();
    state.counters["heap_bytes_per_series"] =
        static_cast<double>(after - before) / kMeters;
    state.counters["estimated_bytes_per_series"] =
        static_cast<double>(catalog->MemoryBytes()) / kMeters;
  }
}
BENCHMARK(BM_CatalogMemory100k)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_FindOneMeter(benchmark::State& state) {
  SeriesCatalog& catalog = Shared();
  SeriesFilter f;
  f.measurement = "meters";
  f.matchers = {{"meter", TagMatcher::Op::kEqual, "m054321", {}}};
  for (auto _ : state) {
    auto found = catalog.Find(f);
    if (found.size() != 1) std::abort();
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(BM_FindOneMeter)->Unit(benchmark::kMicrosecond);

void BM_FindMeterInDistrict(benchmark::State& state) {
  SeriesCatalog& catalog = Shared();
  SeriesFilter f;
  f.measurement = "meters";
  f.matchers = {{"district", TagMatcher::Op::kEqual, "d07", {}},
                {"meter", TagMatcher::Op::kNotEqual, "m000006", {}}};
  for (auto _ : state) {
    auto found = catalog.Find(f);
    benchmark::DoNotOptimize(found);
  }
}
BENCHMARK(BM_FindMeterInDistrict)->Unit(benchmark::kMillisecond);

void BM_SummarizeDistrictValues(benchmark::State& state) {
  SeriesCatalog& catalog = Shared();
  SeriesFilter f;
  f.measurement = "meters";
  for (auto _ : state) {
    auto summary = catalog.Summarize(
        f, [](std::string_view k) { return k == "district"; });
    if (!summary || summary->tags.at("district").size() != 12) std::abort();
    benchmark::DoNotOptimize(summary);
  }
}
BENCHMARK(BM_SummarizeDistrictValues)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
