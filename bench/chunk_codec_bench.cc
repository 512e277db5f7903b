// Chunk codec micro-benchmarks: encode and decode one block per dataset and
// report points/s (items_per_second) and storage efficiency
// (bytes_per_point, and ratio_vs_raw against 16 bytes per point: an 8-byte
// timestamp plus an 8-byte value).
//
// Datasets (fixed seeds, one day per block):
//   sensor60s          temperature, daily cycle + noise, 1 decimal,
//                      60 s with +-1 s whole-second jitter (1440 points)
//   sensor60s_regular  the same values on an exact 60 s grid
//   sensor60s_msjitter the same values, 60 s with +-500 ms jitter
//   noisy10s           full-precision random-walk floats every 10 s (8640)
//   counter_int        monotonic energy meter counter (Wh), int, 60 s
//   counter_3dec       the same meter in kWh with 3 decimals, float
//   onoff              pump state, bools changing a few times a day, 60 s
//   events             irregular door events (exponential gaps, ms
//                      timestamps), string states
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/chunk_codec.h"

namespace citynexus::engine {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSecond = 1'000 * kMs;
constexpr int64_t kT0 = 1'717'200'000 * kSecond;
constexpr double kPi = 3.14159265358979323846;

// n timestamps every `step` ns, each moved by a whole number of `unit`s in
// [-jitter_units, +jitter_units] (clocks of real devices tick in s or ms).
std::vector<int64_t> Grid(size_t n, int64_t step, int64_t jitter_units,
                          int64_t unit, std::mt19937_64& rng) {
  std::uniform_int_distribution<int64_t> j(-jitter_units, jitter_units);
  std::vector<int64_t> ts;
  for (size_t i = 0; i < n; ++i) {
    ts.push_back(kT0 + static_cast<int64_t>(i) * step +
                 (jitter_units ? j(rng) * unit : 0));
  }
  return ts;
}

ChunkColumns Sensor60s(int64_t jitter_units, int64_t unit) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> noise(0.0, 0.08);
  ChunkColumns c;
  c.type = ValueType::kFloat;
  c.timestamps = Grid(1440, 60 * kSecond, jitter_units, unit, rng);
  double temp = 15.0;
  for (size_t i = 0; i < c.size(); ++i) {
    const double daily = 7.0 * std::sin(2 * kPi * (i - 360.0) / 1440.0);
    temp = 0.95 * temp + 0.05 * (15.0 + daily) + noise(rng);
    c.floats.push_back(std::round(temp * 10.0) / 10.0);
  }
  return c;
}

ChunkColumns Noisy10s() {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> step(0.0, 0.37);
  ChunkColumns c;
  c.type = ValueType::kFloat;
  c.timestamps = Grid(8640, 10 * kSecond, 0, kSecond, rng);
  double v = 230.0;
  for (size_t i = 0; i < c.size(); ++i) {
    v += step(rng);
    c.floats.push_back(v);
  }
  return c;
}

ChunkColumns Counter(bool as_float) {
  std::mt19937_64 rng(11);
  std::gamma_distribution<double> usage(2.0, 6.0);  // Wh per minute
  ChunkColumns c;
  c.type = as_float ? ValueType::kFloat : ValueType::kInt;
  c.timestamps = Grid(1440, 60 * kSecond, 0, kSecond, rng);
  int64_t wh = 12'345'678;
  for (size_t i = 0; i < c.size(); ++i) {
    wh += static_cast<int64_t>(usage(rng));
    if (as_float) {
      c.floats.push_back(static_cast<double>(wh) / 1000.0);
    } else {
      c.ints.push_back(wh);
    }
  }
  return c;
}

ChunkColumns OnOff() {
  std::mt19937_64 rng(13);
  ChunkColumns c;
  c.type = ValueType::kBool;
  c.timestamps = Grid(1440, 60 * kSecond, 0, kSecond, rng);
  uint8_t state = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    if (rng() % 120 == 0) state ^= 1;
    c.bools.push_back(state);
  }
  return c;
}

ChunkColumns Events() {
  std::mt19937_64 rng(17);
  std::exponential_distribution<double> gap_s(1.0 / 300.0);
  const std::string states[] = {"closed", "open", "open", "alarm"};
  ChunkColumns c;
  c.type = ValueType::kString;
  int64_t t = kT0;
  for (int i = 0; i < 500; ++i) {
    t += 1 + static_cast<int64_t>(gap_s(rng) * 1000.0) * kMs;
    c.timestamps.push_back(t);
    c.strings.push_back(i % 2 ? states[0] : states[1 + rng() % 3]);
  }
  return c;
}

std::vector<std::pair<std::string, ChunkColumns>> Datasets() {
  std::vector<std::pair<std::string, ChunkColumns>> d;
  d.emplace_back("sensor60s", Sensor60s(1, kSecond));
  d.emplace_back("sensor60s_regular", Sensor60s(0, kSecond));
  d.emplace_back("sensor60s_msjitter", Sensor60s(500, kMs));
  d.emplace_back("noisy10s", Noisy10s());
  d.emplace_back("counter_int", Counter(false));
  d.emplace_back("counter_3dec", Counter(true));
  d.emplace_back("onoff", OnOff());
  d.emplace_back("events", Events());
  return d;
}

void SetCounters(benchmark::State& state, size_t points, size_t bytes) {
  const double bpp = static_cast<double>(bytes) / static_cast<double>(points);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * points));
  state.counters["bytes_per_point"] = bpp;
  state.counters["ratio_vs_raw"] = 16.0 / bpp;
}

void BM_Encode(benchmark::State& state, const ChunkColumns* c) {
  std::string block;
  for (auto _ : state) {
    block.clear();
    if (!EncodeChunk(*c, &block).ok()) {
      state.SkipWithError("encode failed");
      return;
    }
    benchmark::DoNotOptimize(block.data());
  }
  SetCounters(state, c->size(), block.size());
}

void BM_Decode(benchmark::State& state, const ChunkColumns* c) {
  std::string block;
  if (!EncodeChunk(*c, &block).ok()) {
    state.SkipWithError("encode failed");
    return;
  }
  ChunkColumns out;  // reused, as a scan would
  for (auto _ : state) {
    if (!DecodeChunk(block, &out).ok()) {
      state.SkipWithError("decode failed");
      return;
    }
    benchmark::DoNotOptimize(out.timestamps.data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, c->size(), block.size());
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * block.size()));
}

void BM_DecodeHeader(benchmark::State& state, const ChunkColumns* c) {
  std::string block;
  if (!EncodeChunk(*c, &block).ok()) {
    state.SkipWithError("encode failed");
    return;
  }
  ChunkHeader header;
  for (auto _ : state) {
    benchmark::DoNotOptimize(DecodeChunkHeader(block, &header).ok());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

}  // namespace
}  // namespace citynexus::engine

int main(int argc, char** argv) {
  using namespace citynexus::engine;  // NOLINT: benchmark main only
  static const auto datasets = Datasets();
  for (const auto& [name, columns] : datasets) {
    benchmark::RegisterBenchmark(("BM_ChunkCodec_Encode/" + name).c_str(),
                                 BM_Encode, &columns);
    benchmark::RegisterBenchmark(("BM_ChunkCodec_Decode/" + name).c_str(),
                                 BM_Decode, &columns);
  }
  benchmark::RegisterBenchmark("BM_ChunkCodec_DecodeHeader/sensor60s",
                               BM_DecodeHeader, &datasets[0].second);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
