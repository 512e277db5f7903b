// The HTTP write path under load, on the real server and a real store:
// a saturated write path answers 503 + Retry-After (and stores nothing of
// the refused request), and concurrent writers lose and duplicate nothing.
//
// Saturation is made deterministic, not timed: a store decorator holds every
// Append back until the test opens its gate, so the test knows exactly when
// the one write thread is busy and the one queue slot is taken.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <latch>
#include <mutex>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "connectors/connectors.h"
#include "connectors/http_ingest_util.h"
#include "engine/engine.h"
#include "support/http_client.h"

using namespace citynexus;
using citynexus::testing::HttpReply;
using citynexus::testing::HttpRequest;
using citynexus::testing::IngestServer;

namespace {

// Only a guard against a hang when the code under test is broken; every
// wait below ends as soon as its condition holds.
constexpr std::chrono::seconds kHangGuard{20};

// Appends wait here until Open(); counts how many arrived.
class AppendGate {
 public:
  void Enter() {
    std::unique_lock lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool WaitUntilEntered(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kHangGuard, [&] { return entered_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;    // GUARDED_BY(mu_)
  bool open_ = false;  // GUARDED_BY(mu_)
};

// A real store whose Append first passes `gate`.
class GatedStore : public engine::Store {
 public:
  GatedStore(std::unique_ptr<engine::Store> inner, AppendGate& gate)
      : inner_(std::move(inner)), gate_(gate) {}

  Result<engine::SeriesInfo> GetOrCreateSeries(
      const engine::SeriesKey& key, engine::ValueType type) override {
    return inner_->GetOrCreateSeries(key, type);
  }
  Result<engine::SeriesInfo> LookupSeries(std::string_view canonical) override {
    return inner_->LookupSeries(canonical);
  }
  Result<engine::SeriesInfo> GetSeries(engine::SeriesId id) override {
    return inner_->GetSeries(id);
  }
  std::vector<engine::SeriesInfo> FindSeries(
      const engine::SeriesFilter& filter) override {
    return inner_->FindSeries(filter);
  }
  Status SetSeriesMeta(engine::SeriesId id,
                       const engine::SeriesMeta& meta) override {
    return inner_->SetSeriesMeta(id, meta);
  }
  Result<engine::AppendResult> Append(
      std::span<const engine::Point> points) override {
    gate_.Enter();
    return inner_->Append(points);
  }
  Status Scan(
      engine::SeriesId series, int64_t start_ns, int64_t end_ns,
      const std::function<bool(const engine::Sample&)>& visit) override {
    return inner_->Scan(series, start_ns, end_ns, visit);
  }
  Result<std::optional<engine::Sample>> Last(engine::SeriesId series,
                                             int64_t start_ns,
                                             int64_t end_ns) override {
    return inner_->Last(series, start_ns, end_ns);
  }
  Result<std::vector<engine::Bucket>> Aggregate(
      const engine::AggregateRequest& request,
      engine::AggregateStats* stats) override {
    return inner_->Aggregate(request, stats);
  }
  Status Flush() override { return inner_->Flush(); }
  Status Compact() override { return inner_->Compact(); }
  Result<engine::StoreStats> Stats() override { return inner_->Stats(); }
  Status Backup(const std::string& dir) override { return inner_->Backup(dir); }
  Status Close() override { return inner_->Close(); }

 private:
  std::unique_ptr<engine::Store> inner_;
  AppendGate& gate_;
};

// Opens the gate when the test leaves, before client threads are joined and
// the server drains its queue (a failed REQUIRE must not hang the test).
struct OpenOnExit {
  AppendGate& gate;
  ~OpenOnExit() { gate.Open(); }
};

// The value of an unlabelled sample `name` in Prometheus text, or -1.
double MetricValue(const std::string& text, const std::string& name) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name + " ", 0) == 0) {
      return std::stod(line.substr(name.size() + 1));
    }
  }
  return -1;
}

// (time, value) of every point of the series with `writer` tag `writer`.
std::vector<std::pair<int64_t, int64_t>> PointsOf(engine::Store& store,
                                                  const std::string& writer) {
  engine::SeriesFilter filter;
  filter.measurement = "load";
  std::vector<std::pair<int64_t, int64_t>> points;
  for (const engine::SeriesInfo& info : store.FindSeries(filter)) {
    if (info.key.tags !=
        std::vector<std::pair<std::string, std::string>>{{"writer", writer}})
      continue;
    REQUIRE(store
                .Scan(info.id, 0, INT64_MAX / 2,
                      [&](const engine::Sample& s) {
                        points.emplace_back(s.timestamp_ns,
                                            std::get<int64_t>(s.value));
                        return true;
                      })
                .ok());
  }
  return points;
}

}  // namespace

TEST_CASE(
    "a saturated write path answers 503 with Retry-After and stores nothing "
    "of the refused request",
    "[connectors][http][integration]") {
  AppendGate gate;
  connectors::HttpIngestOptions options;
  options.write_threads = 1;
  options.max_queued_requests = 1;
  IngestServer s(options, [&](std::unique_ptr<engine::Store> store) {
    return std::make_unique<GatedStore>(std::move(store), gate);
  });
  HttpReply first, second;
  std::vector<std::jthread> clients;
  OpenOnExit open_on_exit{gate};

  // The one write thread takes the first request and is held in Append.
  clients.emplace_back([&] {
    first = HttpRequest(s.port(), "POST", "/write", "load,writer=a v=1i 1\n");
  });
  REQUIRE(gate.WaitUntilEntered(1));
  // The second request takes the one queue slot.
  clients.emplace_back([&] {
    second = HttpRequest(s.port(), "POST", "/write", "load,writer=b v=2i 2\n");
  });
  const auto guard = std::chrono::steady_clock::now() + kHangGuard;
  while (MetricValue(s.metrics().Render(), "citynexus_ingest_queue_depth") !=
         1) {
    REQUIRE(std::chrono::steady_clock::now() < guard);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  // The third finds thread and queue full: refused at once, not queued. A
  // request that waits instead would never finish while the gate is shut.
  auto third = std::async(std::launch::async, [&] {
    return HttpRequest(s.port(), "POST", "/write", "load,writer=c v=3i 3\n");
  });
  if (third.wait_for(kHangGuard) != std::future_status::ready) {
    gate.Open();
    FAIL("the third request was queued behind the blocked write, not refused");
  }
  HttpReply refused = third.get();
  CHECK(refused.status == 503);
  CHECK(refused.headers["retry-after"] == "1");
  CHECK_THAT(refused.body, Catch::Contains("write path saturated"));
  CHECK(MetricValue(s.metrics().Render(), "citynexus_ingest_refused_total") ==
        1);

  gate.Open();
  for (auto& c : clients) c.join();
  CHECK(first.status == 204);
  CHECK(second.status == 204);
  CHECK(PointsOf(s.store(), "a") ==
        std::vector<std::pair<int64_t, int64_t>>{{1, 1}});
  CHECK(PointsOf(s.store(), "b") ==
        std::vector<std::pair<int64_t, int64_t>>{{2, 2}});
  CHECK(PointsOf(s.store(), "c").empty());

  // Once drained, the write path takes requests again.
  CHECK(HttpRequest(s.port(), "POST", "/write", "load,writer=c v=4i 4\n")
            .status == 204);
  CHECK(PointsOf(s.store(), "c") ==
        std::vector<std::pair<int64_t, int64_t>>{{4, 4}});
}

TEST_CASE(
    "concurrent writers: every point of every request is stored exactly once",
    "[connectors][http][integration]") {
  constexpr int kWriters = 8;
  constexpr int kRequests = 10;  // per writer
  constexpr int kLines = 50;     // per request, plus as many to a shared series
  IngestServer s;  // default write pool: 2 threads, 64 queued requests

  // Writer w, request r, line l: a point in the writer's own series and one
  // in the series every writer appends to, each with a time and value no
  // other point has.
  auto time_of = [](int w, int r, int l) {
    return int64_t{1'704'067'200'000'000'000} + w * 1'000'000 + r * 1000 + l;
  };
  auto value_of = [](int w, int r, int l) {
    return int64_t{w} * 1'000'000 + r * 1000 + l;
  };
  std::vector<int> statuses(kWriters * kRequests, 0);
  std::latch start(kWriters);
  {
    std::vector<std::jthread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        start.arrive_and_wait();  // all writers post at the same moment
        for (int r = 0; r < kRequests; ++r) {
          std::string body;
          for (int l = 0; l < kLines; ++l) {
            const std::string point =
                " v=" + std::to_string(value_of(w, r, l)) + "i " +
                std::to_string(time_of(w, r, l)) + "\n";
            body += "load,writer=w" + std::to_string(w) + point;
            body += "load,writer=all" + point;
          }
          statuses[w * kRequests + r] =
              HttpRequest(s.port(), "POST", "/write", body).status;
        }
      });
    }
  }
  CHECK(statuses == std::vector<int>(kWriters * kRequests, 204));

  std::vector<std::pair<int64_t, int64_t>> all;
  for (int w = 0; w < kWriters; ++w) {
    std::vector<std::pair<int64_t, int64_t>> expected;
    for (int r = 0; r < kRequests; ++r) {
      for (int l = 0; l < kLines; ++l) {
        expected.emplace_back(time_of(w, r, l), value_of(w, r, l));
      }
    }
    INFO("writer w" << w);
    CHECK(PointsOf(s.store(), "w" + std::to_string(w)) == expected);
    all.insert(all.end(), expected.begin(), expected.end());
  }
  std::sort(all.begin(), all.end());
  CHECK(PointsOf(s.store(), "all") == all);
  engine::SeriesFilter filter;
  filter.measurement = "load";
  CHECK(s.store().FindSeries(filter).size() == kWriters + 1);
  // Each point was appended once: a request retried or applied twice would
  // count its points again (a scan cannot see it: same time, last one wins).
  CHECK(MetricValue(s.metrics().Render(), "citynexus_ingest_points_total") ==
        2.0 * kWriters * kRequests * kLines);
}
