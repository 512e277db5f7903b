// SensorThings API handlers (query/sta/) on a real RocksDB store, called
// without sockets (the per-request HTTP cost is bench/http_bench.cc's):
//   BM_Sta_CreateObservations      dataArray ingest, rows/s (durable appends)
//   BM_Sta_LatestOf1000Datastreams the map view's latest value per Datastream
//   BM_Sta_DayChartRaw / _Aggregate one day of 1-minute data, raw vs
//                                  $aggregate=mean&$interval=PT15M (bytes)
//   BM_Sta_CountYear / _CountByScan $count of a year of 1-minute data from
//                                  rollups vs a filter that forces a scan
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/log.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/sta/sensorthings.h"

namespace citynexus::query::sta {
namespace {

constexpr int64_t kMinute = 60'000'000'000;
constexpr int64_t kStart = 1704067200'000'000'000;  // 2024-01-01T00:00:00Z

struct Fixture {
  std::string dir;
  std::unique_ptr<engine::Store> store;
  std::unique_ptr<SensorThingsService> service;
  uint64_t year_series = 0;

  Fixture() {
    SetLogLevel(LogLevel::kWarn);
    dir = (std::filesystem::temp_directory_path() / "citynexus_sta_bench")
              .string();
    std::filesystem::remove_all(dir);
    engine::StoreOptions o;
    o.data_dir = dir;
    store = engine::OpenStore(o).value();
    // 1000 Datastreams with one day of 1-minute data each.
    std::vector<engine::Point> batch;
    for (int s = 0; s < 1000; ++s) {
      engine::SeriesKey key{
          "traffic", {{"sensor", "S" + std::to_string(s)}}, "vehicles"};
      const uint64_t id =
          store->GetOrCreateSeries(key, engine::ValueType::kFloat).value().id;
      for (int i = 0; i < 1440; ++i) {
        batch.push_back({id, kStart + i * kMinute, double((i * 7 + s) % 100)});
      }
      if (batch.size() > 100000) {
        (void)store->Append(batch).value();
        batch.clear();
      }
    }
    // One Datastream with a year of 1-minute data.
    year_series = store
                      ->GetOrCreateSeries({"energy", {{"meter", "M1"}}, "kw"},
                                          engine::ValueType::kFloat)
                      .value()
                      .id;
    for (int64_t i = 0; i < 366 * 1440; ++i) {
      batch.push_back({year_series, kStart + i * kMinute, double(i % 97)});
      if (batch.size() > 100000) {
        (void)store->Append(batch).value();
        batch.clear();
      }
    }
    (void)store->Append(batch).value();
    (void)store->Flush();
    service = std::make_unique<SensorThingsService>(
        *store, StaOptions{}, [](std::function<void()> job) {
          job();  // inline: the benchmark measures the durable append itself
          return true;
        });
  }
  ~Fixture() {
    (void)store->Close();
    std::filesystem::remove_all(dir);
  }

  net::Response Get(const std::string& path,
                    std::vector<std::pair<std::string, std::string>> query) {
    net::Request req;
    req.method = "GET";
    req.path = path;
    req.query = std::move(query);
    req.access = net::Access::Internal();
    return service->Get(req);
  }
};

Fixture& F() {
  static Fixture fixture;
  return fixture;
}

const char* kDay =
    "phenomenonTime ge 2024-01-01T00:00:00Z and phenomenonTime lt "
    "2024-01-02T00:00:00Z";

void BM_Sta_CreateObservations(benchmark::State& state) {
  Fixture& f = F();
  const int rows = static_cast<int>(state.range(0));
  int64_t t = kStart + 400LL * 1440 * kMinute;  // after the fixture's data
  for (auto _ : state) {
    std::string body =
        R"([{"Datastream":{"@iot.id":1},"components":["phenomenonTime","result"],"dataArray":[)";
    for (int i = 0; i < rows; ++i) {
      t += 1'000'000'000;
      const int64_t sec = t / 1'000'000'000;
      char ts[40];
      std::snprintf(ts, sizeof ts, "\"%lld\"", static_cast<long long>(sec));
      // ISO time from seconds.
      const std::time_t tt = static_cast<std::time_t>(sec);
      std::tm tm{};
      gmtime_r(&tt, &tm);
      std::strftime(ts, sizeof ts, "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
      body += (i ? "," : "") + std::string("[") + ts + "," +
              std::to_string(i % 50) + "]";
    }
    body += "]}]";
    net::Request req;
    req.method = "POST";
    req.path = "/v1.1/CreateObservations";
    req.body = std::move(body);
    req.access = net::Access::Internal();
    int status = 0;
    f.service->Write(std::move(req),
                     [&status](net::Response r) { status = r.status; });
    if (status != 201) state.SkipWithError("CreateObservations failed");
  }
  state.SetItemsProcessed(state.iterations() * rows);
}
BENCHMARK(BM_Sta_CreateObservations)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_Sta_LatestOf1000Datastreams(benchmark::State& state) {
  Fixture& f = F();
  size_t bytes = 0;
  for (auto _ : state) {
    net::Response r = f.Get("/v1.1/Datastreams",
                            {{"$top", "1000"},
                             {"$filter", "properties/measurement eq 'traffic'"},
                             {"$select", "id"},
                             {"$expand",
                              "Observations($orderby=phenomenonTime "
                              "desc;$top=1;$select=result,phenomenonTime)"}});
    if (r.status != 200) state.SkipWithError(r.body.c_str());
    bytes = r.body.size();
  }
  state.counters["response_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Sta_LatestOf1000Datastreams)->Unit(benchmark::kMillisecond);

void DayChart(benchmark::State& state, bool aggregate) {
  Fixture& f = F();
  size_t bytes = 0;
  std::vector<std::pair<std::string, std::string>> q = {
      {"$filter", kDay},
      {"$top", "1440"},
      {"$select", "phenomenonTime,result"}};
  if (aggregate) {
    q.push_back({"$aggregate", "mean"});
    q.push_back({"$interval", "PT15M"});
  }
  for (auto _ : state) {
    net::Response r = f.Get("/v1.1/Datastreams(1)/Observations", q);
    if (r.status != 200) state.SkipWithError(r.body.c_str());
    bytes = r.body.size();
  }
  state.counters["response_bytes"] = static_cast<double>(bytes);
}
void BM_Sta_DayChartRaw(benchmark::State& state) { DayChart(state, false); }
void BM_Sta_DayChartAggregate(benchmark::State& state) {
  DayChart(state, true);
}
BENCHMARK(BM_Sta_DayChartRaw)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sta_DayChartAggregate)->Unit(benchmark::kMillisecond);

void Count(benchmark::State& state, const char* filter) {
  Fixture& f = F();
  const std::string path =
      "/v1.1/Datastreams(" + std::to_string(f.year_series) + ")/Observations";
  std::vector<std::pair<std::string, std::string>> q = {{"$count", "true"},
                                                        {"$top", "0"}};
  if (filter) q.push_back({"$filter", filter});
  for (auto _ : state) {
    net::Response r = f.Get(path, q);
    if (r.status != 200 ||
        r.body.find("\"@iot.count\":527040") == std::string::npos) {
      state.SkipWithError(r.body.c_str());
    }
  }
  state.counters["points"] = 527040;
}
void BM_Sta_CountYear(benchmark::State& state) { Count(state, nullptr); }
void BM_Sta_CountByScan(benchmark::State& state) {
  Count(state, "result ge 0");
}
BENCHMARK(BM_Sta_CountYear)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sta_CountByScan)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace citynexus::query::sta

BENCHMARK_MAIN();
