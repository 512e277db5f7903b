// Crash test: a child process appends batches and reports each acknowledged
// batch number through a pipe; the parent SIGKILLs it at random moments,
// reopens the store and checks that every acknowledged point is present with
// its exact value.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <vector>

#include "engine/store_util.h"
#include "support/temp_dir.h"

namespace citynexus::engine {
namespace {

using testing::kSecond;
using testing::kT0;
using testing::TempDir;
using testing::TestOptions;

constexpr int kSeries = 4;
constexpr int kPointsPerBatch = 500;

SeriesKey KeyOf(int s) {
  SeriesKey key;
  key.measurement = "crash";
  std::string sensor = "s";
  sensor += std::to_string(s);  // not "s" + ...: g++ 12 -Wrestrict false alarm
  key.tags = {{"sensor", sensor}};
  key.field = "value";
  return key;
}

// Deterministic content of batch `b`: each point's timestamp and value.
int64_t TimestampOf(uint64_t b, int k) {
  return kT0 + static_cast<int64_t>(b) * kSecond + k;
}
double ValueOf(uint64_t b, int k) { return static_cast<double>(b) * 0.5 + k; }

[[noreturn]] void RunChild(const std::string& dir, uint64_t first_batch,
                           int write_fd, SyncMode mode) {
  auto options = TestOptions(dir);
  options.sync = mode;
  RocksStoreTuning tuning;
  tuning.head_max_points = 20'000;  // seal often, so kills hit seals too
  auto opened = RocksStore::Open(options, tuning);
  if (!opened) _exit(2);
  auto& store = *opened.value();
  SeriesId ids[kSeries];
  for (int s = 0; s < kSeries; ++s) {
    auto info = store.GetOrCreateSeries(KeyOf(s), ValueType::kFloat);
    if (!info) _exit(3);
    ids[s] = info->id;
  }
  std::vector<Point> points(kPointsPerBatch);
  for (uint64_t b = first_batch;; ++b) {
    for (int k = 0; k < kPointsPerBatch; ++k) {
      points[k] = Point{ids[k % kSeries], TimestampOf(b, k), ValueOf(b, k)};
    }
    auto r = store.Append(points);
    if (!r || r->written != points.size()) _exit(4);
    if (write(write_fd, &b, sizeof(b)) != sizeof(b)) _exit(5);
  }
}

TEST_CASE("acknowledged points survive SIGKILL at random moments",
          "[engine][store][crash][integration]") {
  uint32_t seed = 20261126;
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  TempDir dir;
  uint64_t next_batch = 1;
  for (int round = 0; round < 6; ++round) {
    SyncMode mode = round % 2 == 0 ? SyncMode::kInterval : SyncMode::kAlways;
    INFO("round " << round);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    uint64_t first = next_batch;
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      RunChild(dir.str(), first, fds[1], mode);
    }
    close(fds[1]);
    // Let the child run for a random time while draining the pipe.
    int run_ms = std::uniform_int_distribution<int>(150, 900)(rng);
    auto kill_at =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
    std::vector<char> received;
    char buf[4096];
    while (std::chrono::steady_clock::now() < kill_at) {
      pollfd pfd{fds[0], POLLIN, 0};
      if (poll(&pfd, 1, 5) > 0) {
        ssize_t n = read(fds[0], buf, sizeof(buf));
        if (n <= 0) break;
        received.insert(received.end(), buf, buf + n);
      }
    }
    kill(pid, SIGKILL);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));  // died from our kill, not an error exit
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
      received.insert(received.end(), buf, buf + n);
    }
    close(fds[0]);
    size_t acked = received.size() / sizeof(uint64_t);
    uint64_t last = first - 1;
    if (acked > 0) {
      std::memcpy(&last, received.data() + (acked - 1) * sizeof(uint64_t),
                  sizeof(uint64_t));
    }
    WARN("round " << round << ": killed after " << run_ms << " ms, "
                  << (last + 1 - first) << " batches acknowledged");

    auto opened = RocksStore::Open(TestOptions(dir.str()));
    REQUIRE(opened.has_value());
    auto& store = *opened.value();
    std::map<int64_t, double> got[kSeries];
    for (int s = 0; s < kSeries; ++s) {
      auto info = store.LookupSeries(KeyOf(s).Canonical());
      if (last < first && !info) continue;  // killed before creating it
      REQUIRE(info.has_value());
      REQUIRE(store
                  .Scan(info->id, INT64_MIN / 4, INT64_MAX / 4,
                        [&](const Sample& sample) {
                          got[s][sample.timestamp_ns] =
                              std::get<double>(sample.value);
                          return true;
                        })
                  .ok());
    }
    uint64_t missing = 0, wrong = 0;
    for (uint64_t b = 1; b <= last; ++b) {
      for (int k = 0; k < kPointsPerBatch; ++k) {
        auto& m = got[k % kSeries];
        auto it = m.find(TimestampOf(b, k));
        if (it == m.end()) {
          ++missing;
        } else if (it->second != ValueOf(b, k)) {
          ++wrong;
        }
      }
    }
    CHECK(missing == 0);
    CHECK(wrong == 0);
    // Unacknowledged batches may or may not be there; next round starts after
    // everything that might be.
    uint64_t max_seen = last;
    for (auto& m : got) {
      if (!m.empty()) {
        max_seen = std::max<uint64_t>(
            max_seen,
            static_cast<uint64_t>((m.rbegin()->first - kT0) / kSecond));
      }
    }
    next_batch = max_seen + 1;
    REQUIRE(store.Close().ok());
  }
}

}  // namespace
}  // namespace citynexus::engine
