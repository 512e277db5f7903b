// Aggregates over many series split over QueryWorkers (query.parallelism):
// the same answers with 1 and N threads on sealed data mixed with recent
// unsealed points and rewrites; the guard stopping a parallel query with no
// read left running; RunOrdered's order, errors and bounds.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/engine.h"
#include "net/access.h"
#include "query/influxql/exec.h"
#include "query/influxql/parser.h"
#include "query/influxql/response.h"
#include "query/query_workers.h"
#include "support/temp_dir.h"

using namespace citynexus;
using namespace std::chrono_literals;

namespace {

constexpr int64_t kT0 = 1704067200000000000;  // 2024-01-01T00:00:00Z
constexpr int64_t kQuarter = 900000000000;    // 15 min
constexpr int kMeters = 1200;                 // 400 per district

std::unique_ptr<engine::Store> OpenTemp(const testing::TempDir& dir) {
  engine::StoreOptions options;
  options.data_dir = dir.str();
  auto opened = engine::OpenStore(options);
  REQUIRE(opened.has_value());
  return std::move(*opened);
}

// meters,district=dN,meter=mNNNN kwh=<float> every 15 min over 8 h, sealed;
// then 2 h more in the head, and rewrites of sealed points of every 7th
// meter (the newest write must win). Every 5th meter also has an integer
// field `pulses`.
void Load(engine::Store& store) {
  std::vector<engine::SeriesId> kwh, pulses;
  for (int m = 0; m < kMeters; ++m) {
    std::vector<std::pair<std::string, std::string>> tags = {
        {"district", "d" + std::to_string(m % 3)},
        {"meter", "m" + std::to_string(10000 + m)}};
    auto k = store.GetOrCreateSeries({"meters", tags, "kwh"},
                                     engine::ValueType::kFloat);
    REQUIRE(k.has_value());
    kwh.push_back(k->id);
    if (m % 5 == 0) {
      auto p = store.GetOrCreateSeries({"meters", tags, "pulses"},
                                       engine::ValueType::kInt);
      REQUIRE(p.has_value());
      pulses.push_back(p->id);
    }
  }
  auto value = [](int m, int k) { return 100.0 + m * 0.137 + k / 3.0; };
  auto append = [&](int from, int to, int bump) {
    std::vector<engine::Point> points;
    for (int m = 0; m < kMeters; ++m) {
      if (bump != 0 && m % 7 != 0) continue;
      for (int k = from; k < to; ++k) {
        points.push_back({kwh[m], kT0 + k * kQuarter, value(m, k) + bump});
      }
    }
    for (size_t p = 0; p < pulses.size(); ++p) {
      for (int k = from; k < to; ++k) {
        points.push_back({pulses[p], kT0 + k * kQuarter,
                          int64_t{1000} * static_cast<int64_t>(p) + k + bump});
      }
    }
    REQUIRE(store.Append(points).has_value());
  };
  append(0, 32, 0);
  REQUIRE(store.Flush().ok());
  append(32, 40, 0);  // recent: in the head
  append(20, 24, 5);  // rewrites of sealed points, in the head
}

std::string Run(engine::Store& store, size_t parallelism,
                const std::string& q) {
  query::QueryOptions options;
  options.parallelism = parallelism;
  query::influxql::Executor executor(store, options);
  auto statements = query::influxql::ParseQuery(q, {});
  REQUIRE(statements.has_value());
  auto access = net::Access::Internal();
  query::influxql::ExecContext ctx;
  ctx.access = access.get();
  ctx.database = "db";
  std::vector<query::influxql::StatementResult> results;
  for (const auto& s : *statements) results.push_back(executor.Execute(s, ctx));
  for (const auto& r : results) {
    INFO(r.error);
    REQUIRE(r.error.empty());
  }
  return query::influxql::WriteResults(results, {});
}

// Forwards to a store; Aggregate sleeps 1 ms (a slow disk) and counts the
// calls running and made.
class SlowStore final : public engine::Store {
 public:
  explicit SlowStore(engine::Store& inner) : inner_(inner) {}
  std::atomic<int> running{0};
  std::atomic<int> calls{0};

  Result<engine::SeriesInfo> GetOrCreateSeries(
      const engine::SeriesKey& key, engine::ValueType type) override {
    return inner_.GetOrCreateSeries(key, type);
  }
  Result<engine::SeriesInfo> LookupSeries(std::string_view c) override {
    return inner_.LookupSeries(c);
  }
  Result<engine::SeriesInfo> GetSeries(engine::SeriesId id) override {
    return inner_.GetSeries(id);
  }
  std::vector<engine::SeriesInfo> FindSeries(
      const engine::SeriesFilter& filter) override {
    return inner_.FindSeries(filter);
  }
  Result<engine::SeriesSummary> SummarizeSeries(
      const engine::SeriesFilter& filter,
      const std::function<bool(std::string_view key)>& values_of) override {
    return inner_.SummarizeSeries(filter, values_of);
  }
  Status SetSeriesMeta(engine::SeriesId id,
                       const engine::SeriesMeta& meta) override {
    return inner_.SetSeriesMeta(id, meta);
  }
  Result<engine::AppendResult> Append(
      std::span<const engine::Point> points) override {
    return inner_.Append(points);
  }
  Status Scan(
      engine::SeriesId series, int64_t start_ns, int64_t end_ns,
      const std::function<bool(const engine::Sample&)>& visit) override {
    return inner_.Scan(series, start_ns, end_ns, visit);
  }
  Result<std::optional<engine::Sample>> Last(engine::SeriesId series,
                                             int64_t start_ns,
                                             int64_t end_ns) override {
    return inner_.Last(series, start_ns, end_ns);
  }
  Result<std::vector<engine::Bucket>> Aggregate(
      const engine::AggregateRequest& request,
      engine::AggregateStats* stats) override {
    ++running;
    ++calls;
    std::this_thread::sleep_for(1ms);
    auto out = inner_.Aggregate(request, stats);
    --running;
    return out;
  }
  Status Flush() override { return inner_.Flush(); }
  Status Compact() override { return inner_.Compact(); }
  Result<engine::StoreStats> Stats() override { return inner_.Stats(); }
  Status Backup(const std::string& dir) override { return inner_.Backup(dir); }
  Status Close() override { return inner_.Close(); }

 private:
  engine::Store& inner_;
};

}  // namespace

TEST_CASE(
    "influxql aggregates over many series answer the same at every "
    "parallelism",
    "[query][influxql][parallel]") {
  testing::TempDir dir;
  auto store = OpenTemp(dir);
  Load(*store);
  const std::string range =
      " FROM meters WHERE time >= '2024-01-01T00:00:00Z' AND time < "
      "'2024-01-01T10:00:00Z' ";
  const std::vector<std::string> queries = {
      "SELECT sum(kwh), count(kwh), min(kwh), max(kwh), mean(kwh), "
      "first(kwh), last(kwh), spread(kwh)" +
          range + "GROUP BY time(1h), district fill(0)",
      "SELECT sum(kwh)" + range + "GROUP BY time(30m) fill(previous)",
      "SELECT mean(kwh), sum(pulses), max(pulses)" + range +
          "GROUP BY time(2h), district fill(null)",
      "SELECT sum(kwh) FROM meters WHERE time < '2024-01-01T10:00:00Z' "
      "GROUP BY time(1h), district",
      "SELECT sum(kwh)" + range + "GROUP BY time(1h) fill(none) LIMIT 3",
      "SELECT count(kwh)" + range +
          "AND district = 'd1' GROUP BY time(1h), meter SLIMIT 5",
  };
  for (const auto& q : queries) {
    INFO(q);
    const std::string one = Run(*store, 1, q);
    CHECK(Run(*store, 2, q) == one);
    CHECK(Run(*store, 4, q) == one);
  }
  // Not vacuous: every point of the first statement is counted, and the
  // rewrites replaced (not added to) the sealed points.
  auto j = nlohmann::json::parse(Run(*store, 4, queries[0]));
  const auto& series = j["results"][0]["series"];
  REQUIRE(series.size() == 3);
  int64_t total = 0;
  for (const auto& s : series) {
    for (const auto& row : s["values"]) total += row[2].get<int64_t>();
  }
  CHECK(total == int64_t{kMeters} * 40);
  REQUIRE(store->Close().ok());
}

TEST_CASE("the query guard's deadline stops a parallel aggregate",
          "[query][influxql][parallel]") {
  testing::TempDir dir;
  auto inner = OpenTemp(dir);
  Load(*inner);
  SlowStore store(*inner);
  query::QueryOptions options;
  options.parallelism = 4;
  options.timeout = 30ms;
  query::influxql::Executor executor(store, options);
  auto statements = query::influxql::ParseQuery(
      "SELECT sum(kwh) FROM meters WHERE time >= '2024-01-01T00:00:00Z' AND "
      "time < '2024-01-01T10:00:00Z' GROUP BY time(1h)",
      {});
  REQUIRE(statements.has_value());
  auto access = net::Access::Internal();
  const query::QueryGuard guard(options.timeout, nullptr);
  query::influxql::ExecContext ctx;
  ctx.access = access.get();
  ctx.database = "db";
  ctx.guard = &guard;
  auto result = executor.Execute(statements->at(0), ctx);
  // Stopped with the guard's error, before reading every member, and no
  // read outlives the statement.
  CHECK(result.code == StatusCode::kDeadlineExceeded);
  CHECK_FALSE(result.error.empty());
  CHECK(store.running.load() == 0);
  CHECK(store.calls.load() < kMeters);
  REQUIRE(inner->Close().ok());
}

TEST_CASE("QueryWorkers::RunOrdered consumes in order and stops on errors",
          "[query][parallel]") {
  query::QueryWorkers workers(3);
  const size_t n = 500;
  std::vector<size_t> produced(n, 0);
  std::vector<size_t> consumed;
  auto produce = [&](size_t i) -> Status {
    produced[i] = i * i;
    return Status::Ok();
  };
  auto consume = [&](size_t i) -> Status {
    CHECK(produced[i] == i * i);
    consumed.push_back(i);
    return Status::Ok();
  };
  auto ok = [] { return Status::Ok(); };
  REQUIRE(workers.RunOrdered(n, 8, produce, consume, ok).ok());
  REQUIRE(consumed.size() == n);
  for (size_t i = 0; i < n; ++i) CHECK(consumed[i] == i);

  // A task's error: the tasks before it are consumed, none after.
  consumed.clear();
  auto failing = [&](size_t i) -> Status {
    if (i == 137) return Status::Corruption("task 137");
    return produce(i);
  };
  Status st = workers.RunOrdered(n, 8, failing, consume, ok);
  CHECK(st.code() == StatusCode::kCorruption);
  CHECK(st.message() == "task 137");
  CHECK(consumed.size() == 137);

  // The caller's poll stops the job; no task starts afterwards.
  consumed.clear();
  std::atomic<size_t> started{0};
  auto counting = [&](size_t i) -> Status {
    ++started;
    return produce(i);
  };
  auto stop_after_10 = [&]() -> Status {
    if (consumed.size() >= 10) return Status::Cancelled("client gone");
    return Status::Ok();
  };
  st = workers.RunOrdered(n, 8, counting, consume, stop_after_10);
  CHECK(st.code() == StatusCode::kCancelled);
  CHECK(consumed.size() == 10);
  const size_t at_return = started.load();
  CHECK(at_return <= 10 + 8);  // the window bounds the work done ahead
  std::this_thread::sleep_for(5ms);
  CHECK(started.load() == at_return);
}
