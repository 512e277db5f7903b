// The MQTT connector's per-message work without Paho: what its receive
// callback does for one line-protocol message before it may return (and
// Paho may acknowledge): DecodeMqttMessage, then PointWriter::Write into a
// real RocksDB store (sync "interval"), i.e. points durable in the WAL.
//
// The stream is scripts/mqtt-bench.sh's: `air,district=dDD,station=SNNNN
// no2=V T`, point k on series k % 1000 at one minute per round, so every
// point has its own series and time. Ten (or 1000 single-point) distinct
// payloads cover one round; later rounds reuse them with the decoded
// timestamps shifted by one minute per round (100 integer adds per message,
// negligible), so nothing is re-written and no payload is built while timed.
//
// items/s = points/s. Variants:
//   BM_MqttMessage/decode_write/<points per message>  the whole callback
//   BM_MqttMessage/decode/<points per message>        DecodeMqttMessage only
//   BM_MqttMessage/write/<points per message>         PointWriter::Write only
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/log.h"
#include "connectors/mqtt_decode.h"
#include "connectors/point_writer.h"
#include "engine/engine.h"

namespace citynexus::connectors {
namespace {

constexpr long kSeries = 1000;
constexpr int64_t kStartNs = 1'767'571'200'000'000'000LL;  // 2026-01-05
constexpr int64_t kRoundNs = 60'000'000'000LL;

// One round of the stream (kSeries points) cut into messages of `lines`.
std::vector<std::string> RoundPayloads(long lines) {
  std::vector<std::string> payloads;
  for (long first = 0; first < kSeries; first += lines) {
    std::string body;
    for (long k = first; k < first + lines && k < kSeries; ++k) {
      char line[128];
      const int n =
          std::snprintf(line, sizeof line,
                        "air,district=d%02ld,station=S%04ld no2=%ld.%ld %lld\n",
                        k % 12 + 1, k, 10 + (k * 7919) % 40, (k * 31) % 10,
                        static_cast<long long>(kStartNs));
      body.append(line, static_cast<size_t>(n));
    }
    payloads.push_back(std::move(body));
  }
  return payloads;
}

struct TempStore {
  std::string dir;
  std::unique_ptr<engine::Store> store;

  TempStore() {
    SetLogLevel(LogLevel::kWarn);
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "cn-mqtt-msg-bench-XXXXXX")
            .string();
    dir = mkdtemp(tmpl.data());
    engine::StoreOptions options;
    options.data_dir = dir;
    options.sync = engine::SyncMode::kInterval;
    auto opened = engine::OpenStore(options);
    if (!opened) std::abort();
    store = std::move(*opened);
  }
  ~TempStore() {
    (void)store->Close();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

void ShiftTimes(int64_t offset_ns, DecodedBatch* batch) {
  for (DecodedLine& line : batch->lines) line.timestamp_ns += offset_ns;
}

enum class Part { kDecodeWrite, kDecode, kWrite };

void Run(benchmark::State& state, Part part) {
  const long lines = state.range(0);
  const std::vector<std::string> payloads = RoundPayloads(lines);
  MqttSubscription sub;
  sub.topic = "bench/lp/#";
  const std::string topic = "bench/lp/urban";
  TempStore temp;
  PointWriter writer(*temp.store, "mqtt:" + sub.topic);

  // For `write`: every payload decoded once, up front.
  std::vector<DecodedBatch> decoded(part == Part::kWrite ? payloads.size() : 0);
  for (size_t i = 0; i < decoded.size(); ++i) {
    if (!DecodeMqttMessage(sub, topic, payloads[i], kStartNs, &decoded[i])
             .ok()) {
      std::abort();
    }
  }

  DecodedBatch batch;
  size_t message = 0;
  int64_t points = 0;
  int64_t shift = 0;  // time offset of the current round
  for (auto _ : state) {
    const size_t i = message % payloads.size();
    if (i == 0 && message > 0) shift += kRoundNs;
    ++message;
    DecodedBatch* b = &batch;
    if (part == Part::kWrite) {
      b = &decoded[i];
      // Every payload carries kStartNs: set the round's time.
      for (DecodedLine& line : b->lines) line.timestamp_ns = kStartNs + shift;
    } else {
      if (!DecodeMqttMessage(sub, topic, payloads[i], kStartNs, &batch).ok()) {
        state.SkipWithError("decode failed");
        return;
      }
      ShiftTimes(shift, &batch);
    }
    if (part == Part::kDecode) {
      points += static_cast<int64_t>(batch.fields.size());
      benchmark::DoNotOptimize(batch.lines.data());
      continue;
    }
    auto written = writer.Write(*b);
    if (!written || !written->rejected.empty()) {
      state.SkipWithError("write failed or rejected points");
      return;
    }
    points += static_cast<int64_t>(written->points_written);
  }
  state.SetItemsProcessed(points);
  state.counters["messages_per_second"] = benchmark::Counter(
      static_cast<double>(message), benchmark::Counter::kIsRate);
}

void BM_DecodeWrite(benchmark::State& state) { Run(state, Part::kDecodeWrite); }
void BM_Decode(benchmark::State& state) { Run(state, Part::kDecode); }
void BM_Write(benchmark::State& state) { Run(state, Part::kWrite); }

BENCHMARK(BM_DecodeWrite)
    ->Name("BM_MqttMessage/decode_write")
    ->Arg(100)
    ->Arg(1)
    ->MinTime(2.0)
    ->UseRealTime();
BENCHMARK(BM_Decode)
    ->Name("BM_MqttMessage/decode")
    ->Arg(100)
    ->Arg(1)
    ->UseRealTime();
BENCHMARK(BM_Write)
    ->Name("BM_MqttMessage/write")
    ->Arg(100)
    ->Arg(1)
    ->MinTime(2.0)
    ->UseRealTime();

}  // namespace
}  // namespace citynexus::connectors

BENCHMARK_MAIN();
