// Timestamps of recently sealed windows as runs (see sealed_stamps.h).
#include "engine/sealed_stamps.h"

#include <algorithm>

namespace citynexus::engine {

namespace {

// Map node, vector header and window bookkeeping beyond the runs.
constexpr size_t kWindowOverhead = 64;

}  // namespace

size_t SealedStamps::BytesOf(const Window& w) {
  return kWindowOverhead + w.runs.capacity() * sizeof(Run);
}

SealedStamps::Window SealedStamps::MakeWindow(
    int64_t start_ns, std::span<const int64_t> timestamps) {
  Window out{start_ns, {}, false};
  for (size_t i = 0; i < timestamps.size();) {
    Run run{timestamps[i], 0, 1};
    if (i + 1 < timestamps.size()) {
      run.step = timestamps[i + 1] - timestamps[i];
      size_t j = i + 1;
      while (j + 1 < timestamps.size() &&
             timestamps[j + 1] - timestamps[j] == run.step) {
        ++j;
      }
      run.count = j - i + 1;
      i = j + 1;
    } else {
      ++i;
    }
    if (out.runs.size() == kMaxRunsPerWindow) {
      out.irregular = true;
      std::vector<Run>().swap(out.runs);
      break;
    }
    out.runs.push_back(run);
  }
  out.runs.shrink_to_fit();
  return out;
}

void SealedStamps::Update(SeriesId id, Window fresh) {
  const int64_t window_start_ns = fresh.start_ns;
  const bool keep = !fresh.irregular;
  Shard& shard = shards_[id % kShards];
  MutexLock lock(&shard.mu);
  std::vector<Window>& windows = shard.series[id];
  auto it = std::find_if(windows.begin(), windows.end(), [&](const Window& w) {
    return w.start_ns == window_start_ns;
  });
  if (it != windows.end()) {
    bytes_.fetch_sub(BytesOf(*it));
    windows.erase(it);
  }
  // Unknown from now on unless kept: never stale.
  if (!keep || bytes_.load() + BytesOf(fresh) > max_bytes_) {
    if (windows.empty()) shard.series.erase(id);
    return;
  }
  bytes_.fetch_add(BytesOf(fresh));
  windows.push_back(std::move(fresh));
  std::sort(
      windows.begin(), windows.end(),
      [](const Window& a, const Window& b) { return a.start_ns < b.start_ns; });
  if (windows.size() > kWindowsPerSeries) {
    bytes_.fetch_sub(BytesOf(windows.front()));
    windows.erase(windows.begin());
  }
}

void SealedStamps::Forget(SeriesId id) {
  Shard& shard = shards_[id % kShards];
  MutexLock lock(&shard.mu);
  auto it = shard.series.find(id);
  if (it == shard.series.end()) return;
  for (const Window& w : it->second) bytes_.fetch_sub(BytesOf(w));
  shard.series.erase(it);
}

SealedStamps::Overlap SealedStamps::Check(
    SeriesId id, int64_t window_start_ns,
    std::span<const int64_t> timestamps) const {
  const Shard& shard = shards_[id % kShards];
  MutexLock lock(&shard.mu);
  auto it = shard.series.find(id);
  if (it == shard.series.end()) return Overlap::kUnknown;
  const Window* window = nullptr;
  for (const Window& w : it->second) {
    if (w.start_ns == window_start_ns) window = &w;
  }
  if (window == nullptr) return Overlap::kUnknown;
  const std::vector<Run>& runs = window->runs;
  auto last_of = [](const Run& run) {
    return run.first + run.step * static_cast<int64_t>(run.count - 1);
  };
  // Runs are ascending and disjoint: start at the first that ends at or
  // after the first timestamp, then walk both lists.
  size_t r = 0;
  if (!timestamps.empty()) {
    r = static_cast<size_t>(std::partition_point(runs.begin(), runs.end(),
                                                 [&](const Run& run) {
                                                   return last_of(run) <
                                                          timestamps.front();
                                                 }) -
                            runs.begin());
  }
  for (int64_t ts : timestamps) {
    while (r < runs.size() && last_of(runs[r]) < ts) ++r;
    if (r == runs.size()) break;
    const Run& run = runs[r];
    if (ts < run.first) continue;
    if (run.count == 1 || (ts - run.first) % run.step == 0) {
      return Overlap::kShared;
    }
  }
  return Overlap::kNone;
}

size_t SealedStamps::bytes() const { return bytes_.load(); }

}  // namespace citynexus::engine
