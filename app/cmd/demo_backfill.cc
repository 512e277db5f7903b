#include "app/cmd/demo_backfill.h"

#include <chrono>
#include <cstdio>
#include <deque>
#include <future>
#include <string>

#include "app/cmd/demo_lines.h"
#include "app/cmd/demo_signals.h"

namespace citynexus::app::demo {
namespace {

constexpr size_t kMaxInFlight = 2;

void DrawProgress(std::ostream& out, double fraction,
                  const BackfillStats& stats, double seconds, bool bar) {
  if (bar) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    char line[160];
    std::snprintf(line, sizeof line,
                  "\rbackfill [%-*s] %3d%%  %.1fM lines  %.1f s ", kWidth,
                  std::string(static_cast<size_t>(filled), '#').c_str(),
                  static_cast<int>(fraction * 100), stats.lines / 1e6, seconds);
    out << line << std::flush;
  } else {
    char line[120];
    std::snprintf(line, sizeof line, "backfill: %3d%%  %.1fM lines  %.1f s\n",
                  static_cast<int>(fraction * 100), stats.lines / 1e6, seconds);
    out << line << std::flush;
  }
}

}  // namespace

Result<BackfillStats> Backfill(const DemoCity& city, DemoHttp& http,
                               const BackfillOptions& options,
                               std::ostream& progress) {
  const auto started = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         started)
        .count();
  };
  BackfillStats stats;
  const int64_t first = (options.start_s / kBackfillStepS + 1) * kBackfillStepS;
  const int64_t last = options.end_s / kBackfillStepS * kBackfillStepS;
  if (last < first) return stats;

  std::deque<std::future<Status>> in_flight;
  Status failure;
  const auto drain_one = [&] {
    Status s = in_flight.front().get();
    in_flight.pop_front();
    if (!s.ok() && failure.ok()) failure = s;
  };
  const auto submit = [&](std::string batch) {
    while (in_flight.size() >= kMaxInFlight) drain_one();
    stats.bytes += static_cast<int64_t>(batch.size());
    ++stats.batches;
    in_flight.push_back(
        std::async(std::launch::async, [&http, b = std::move(batch)] {
          return http.WriteLines(b, /*gzip=*/true);
        }));
  };

  std::string batch;
  batch.reserve(options.batch_bytes + (1u << 20));
  int last_percent = -1;
  for (int64_t t = first; t <= last; t += kBackfillStepS) {
    if (options.stop != nullptr && options.stop->load()) {
      stats.stopped = true;
      break;
    }
    const size_t before = batch.size();
    for (Feed feed : kAllFeeds)
      AppendFeedLines(city, feed, t, kBackfillStepS, &batch);
    const LocalTime lt = LocalTimeAt(t);
    if (lt.hour == 0)
      AppendFeedLines(city, Feed::kDaily, t, kBackfillStepS, &batch);
    for (size_t i = before; i < batch.size(); ++i)
      stats.lines += batch[i] == '\n';
    if (batch.size() >= options.batch_bytes) {
      submit(std::move(batch));
      batch = std::string();
      batch.reserve(options.batch_bytes + (1u << 20));
      if (!failure.ok()) break;
    }
    const double fraction = static_cast<double>(t - first + kBackfillStepS) /
                            static_cast<double>(last - first + kBackfillStepS);
    const int percent = static_cast<int>(fraction * 100);
    if (percent != last_percent &&
        (options.progress_bar || percent % 25 == 0)) {
      last_percent = percent;
      DrawProgress(progress, fraction, stats, elapsed(), options.progress_bar);
    }
  }
  if (!batch.empty() && failure.ok()) submit(std::move(batch));
  while (!in_flight.empty()) drain_one();
  stats.seconds = elapsed();
  if (options.progress_bar) progress << "\n";
  if (!failure.ok()) return failure.WithContext("backfill");
  return stats;
}

}  // namespace citynexus::app::demo
