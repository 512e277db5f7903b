// Line protocol decoder throughput: realistic urban write batches of 5000
// lines decoded into a reused DecodedBatch (the HTTP ingest steady state).
//
// items/s = fields/s (each field becomes one point); counters report lines/s
// and fields/s as rates, bytes/s comes from SetBytesProcessed.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>

#include "connectors/decoders/line_protocol.h"

namespace citynexus::connectors {
namespace {

constexpr int kLines = 5000;
constexpr int64_t kStartNs = 1704067200000000000;  // 2024-01-01T00:00:00Z

const char* const kDistricts[] = {"Mitte",     "Pankow",   "Neukoelln",
                                  "Kreuzberg", "Spandau",  "Lichtenberg",
                                  "Wedding",   "Tempelhof"};

// traffic,sensor=K12,district=Mitte vehicles=14i,speed=43.5 <ts>
// 200 counters reporting every 10 s with jitter, fixed seed.
std::string UrbanBatch() {
  std::mt19937_64 rng(20240101);
  std::uniform_int_distribution<int> vehicles(0, 60);
  std::normal_distribution<double> speed(42.0, 8.0);
  std::uniform_int_distribution<int> jitter_ms(-300, 300);
  std::string body;
  for (int i = 0; i < kLines; ++i) {
    const int sensor = i % 200;
    const int64_t ts = kStartNs + int64_t{i / 200} * 10'000'000'000 +
                       int64_t{jitter_ms(rng)} * 1'000'000;
    char line[160];
    std::snprintf(line, sizeof line,
                  "traffic,sensor=K%d,district=%s vehicles=%di,speed=%.1f "
                  "%lld\n",
                  sensor, kDistricts[sensor % 8], vehicles(rng), speed(rng),
                  static_cast<long long>(ts));
    body += line;
  }
  return body;
}

// Smart meters: 6 fields per line incl. a string status and a boolean.
// energy,meter=M0042,feeder=F\ 7 kwh=1234.567,kw=3.25,...,status="ok"
std::string EnergyBatch() {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> kwh(0, 100000);
  std::uniform_real_distribution<double> kw(0, 40);
  std::string body;
  for (int i = 0; i < kLines; ++i) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "energy,meter=M%04d,feeder=F\\ %d kwh=%.3f,kw=%.2f,"
                  "voltage=%.1f,phase=%du,online=%s,status=\"%s\" %lld\n",
                  i % 500, i % 9, kwh(rng), kw(rng), 228.0 + (i % 50) * 0.1,
                  1 + i % 3, (i % 17) ? "true" : "false",
                  (i % 23) ? "ok" : "check \\\"meter\\\"",
                  static_cast<long long>(kStartNs + int64_t{i} * 1'000'000));
    body += line;
  }
  return body;
}

void RunDecode(benchmark::State& state, const std::string& body) {
  DecodedBatch batch;
  LineProtocolOptions options;
  options.default_time_ns = kStartNs;
  size_t lines = 0, fields = 0;
  for (auto _ : state) {
    DecodeLineProtocol(body, options, &batch);
    benchmark::DoNotOptimize(batch.lines.data());
    lines += batch.lines.size();
    fields += batch.fields.size();
  }
  if (!batch.errors.empty() || batch.lines.size() != kLines) {
    state.SkipWithError("benchmark batch did not decode cleanly");
    return;
  }
  state.SetItemsProcessed(static_cast<int64_t>(fields));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(body.size()));
  state.counters["lines_per_second"] = benchmark::Counter(
      static_cast<double>(lines), benchmark::Counter::kIsRate);
  state.counters["fields_per_second"] = benchmark::Counter(
      static_cast<double>(fields), benchmark::Counter::kIsRate);
  state.counters["bytes_per_line"] =
      static_cast<double>(body.size()) / static_cast<double>(kLines);
}

void BM_LineProtocol_Decode_Urban(benchmark::State& state) {
  static const std::string body = UrbanBatch();
  RunDecode(state, body);
}
BENCHMARK(BM_LineProtocol_Decode_Urban)->Name("BM_LineProtocol_Decode/urban");

void BM_LineProtocol_Decode_Energy(benchmark::State& state) {
  static const std::string body = EnergyBatch();
  RunDecode(state, body);
}
BENCHMARK(BM_LineProtocol_Decode_Energy)->Name("BM_LineProtocol_Decode/energy");

}  // namespace
}  // namespace citynexus::connectors

BENCHMARK_MAIN();
