// In-memory head buffers (see head.h).
#include "engine/head.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace citynexus::engine {

namespace {

uint64_t BitsOf(const Value& value) {
  switch (value.index()) {
    case 0: {
      uint64_t bits;
      double v = std::get<double>(value);
      std::memcpy(&bits, &v, 8);
      return bits;
    }
    case 1:
      return static_cast<uint64_t>(std::get<int64_t>(value));
    case 2:
      return std::get<bool>(value) ? 1 : 0;
    default:
      return 0;
  }
}

}  // namespace

Head::SeriesHead* Head::SlotFor(Shard& shard, SeriesId id, ValueType type) {
  size_t slot = id / kShards;
  if (slot >= shard.series.size()) shard.series.resize(slot + 1);
  auto& s = shard.series[slot];
  if (!s) {
    s = std::make_unique<SeriesHead>();
    s->type = type;
  }
  return s.get();
}

const Head::SeriesHead* Head::Find(const Shard& shard, SeriesId id) const {
  size_t slot = id / kShards;
  if (slot >= shard.series.size()) return nullptr;
  return shard.series[slot].get();
}

void Head::Insert(std::span<const Point> points,
                  std::span<const uint32_t> indexes) {
  // Bucket the indexes by shard so each shard is locked once per batch.
  size_t counts[kShards + 1] = {};
  for (uint32_t i : indexes) ++counts[points[i].series % kShards + 1];
  for (size_t s = 1; s <= kShards; ++s) counts[s] += counts[s - 1];
  std::vector<uint32_t> order(indexes.size());
  size_t fill[kShards];
  std::memcpy(fill, counts, sizeof(fill));
  for (uint32_t i : indexes) order[fill[points[i].series % kShards]++] = i;

  for (size_t s = 0; s < kShards; ++s) {
    if (counts[s] == counts[s + 1]) continue;
    Shard& shard = shards_[s];
    MutexLock lock(&shard.mu);
    SeriesId last_id = 0;
    SeriesHead* head = nullptr;
    for (size_t k = counts[s]; k < counts[s + 1]; ++k) {
      const Point& p = points[order[k]];
      if (head == nullptr || p.series != last_id) {
        head = SlotFor(shard, p.series, TypeOf(p.value));
        last_id = p.series;
      }
      uint64_t bits;
      if (p.value.index() == 3) {
        bits = head->strings.size();
        head->strings.push_back(std::get<std::string>(p.value));
      } else {
        bits = BitsOf(p.value);
      }
      head->points.push_back({p.timestamp_ns, bits});
    }
  }
  points_.fetch_add(indexes.size(), std::memory_order_relaxed);
}

void Head::Insert(const LogPoint& p) {
  Shard& shard = shards_[p.series % kShards];
  MutexLock lock(&shard.mu);
  SeriesHead* head = SlotFor(shard, p.series, p.type);
  if (head->type != p.type) return;  // a type the series never had: skip
  uint64_t bits = p.bits;
  if (p.type == ValueType::kString) {
    bits = head->strings.size();
    head->strings.emplace_back(p.text);
  }
  head->points.push_back({p.timestamp_ns, bits});
  points_.fetch_add(1, std::memory_order_relaxed);
}

bool Head::Collect(SeriesId id, int64_t start_ns, int64_t end_ns,
                   ChunkColumns* out) const {
  out->Clear();
  const Shard& shard = shards_[id % kShards];
  std::vector<HeadPoint> selected;
  std::vector<std::string> strings;
  {
    MutexLock lock(&shard.mu);
    const SeriesHead* head = Find(shard, id);
    if (head == nullptr || head->points.empty()) return false;
    out->type = head->type;
    for (const HeadPoint& p : head->points) {
      if (p.ts >= start_ns && p.ts < end_ns) selected.push_back(p);
    }
    if (head->type == ValueType::kString) {
      for (HeadPoint& p : selected) {
        uint64_t idx = strings.size();
        strings.push_back(head->strings[p.bits]);
        p.bits = idx;
      }
    }
  }
  std::stable_sort(
      selected.begin(), selected.end(),
      [](const HeadPoint& a, const HeadPoint& b) { return a.ts < b.ts; });
  for (size_t i = 0; i < selected.size(); ++i) {
    // Within a run of equal timestamps keep only the last (latest write).
    if (i + 1 < selected.size() && selected[i + 1].ts == selected[i].ts) {
      continue;
    }
    const HeadPoint& p = selected[i];
    out->timestamps.push_back(p.ts);
    switch (out->type) {
      case ValueType::kFloat: {
        double v;
        std::memcpy(&v, &p.bits, 8);
        out->floats.push_back(v);
        break;
      }
      case ValueType::kInt:
        out->ints.push_back(static_cast<int64_t>(p.bits));
        break;
      case ValueType::kBool:
        out->bools.push_back(p.bits != 0);
        break;
      case ValueType::kString:
        out->strings.push_back(std::move(strings[p.bits]));
        break;
    }
  }
  return true;
}

template <typename Better>
std::optional<int64_t> Head::ExtremeIn(SeriesId id, int64_t start_ns,
                                       int64_t end_ns, Better better) const {
  const Shard& shard = shards_[id % kShards];
  MutexLock lock(&shard.mu);
  const SeriesHead* head = Find(shard, id);
  if (head == nullptr) return std::nullopt;
  std::optional<int64_t> best;
  for (const HeadPoint& p : head->points) {
    if (p.ts >= start_ns && p.ts < end_ns && (!best || better(p.ts, *best))) {
      best = p.ts;
    }
  }
  return best;
}

std::optional<int64_t> Head::EarliestIn(SeriesId id, int64_t start_ns,
                                        int64_t end_ns) const {
  return ExtremeIn(id, start_ns, end_ns, std::less<int64_t>());
}

std::optional<int64_t> Head::LatestIn(SeriesId id, int64_t start_ns,
                                      int64_t end_ns) const {
  return ExtremeIn(id, start_ns, end_ns, std::greater<int64_t>());
}

std::unique_ptr<Head> Head::SwapOut() {
  auto frozen = std::make_unique<Head>();
  uint64_t moved = 0;
  for (size_t s = 0; s < kShards; ++s) {
    MutexLock lock(&shards_[s].mu);
    // `frozen` is not shared yet; locked only so the analysis sees the
    // guarded member written under its lock (uncontended).
    MutexLock frozen_lock(&frozen->shards_[s].mu);
    frozen->shards_[s].series.swap(shards_[s].series);
    for (const auto& head : frozen->shards_[s].series) {
      if (head) moved += head->points.size();
    }
  }
  points_.fetch_sub(moved, std::memory_order_relaxed);
  frozen->points_.store(moved, std::memory_order_relaxed);
  return frozen;
}

void Head::ForEachSeries(const std::function<void(SeriesId)>& visit) const {
  std::vector<SeriesId> ids;
  for (size_t s = 0; s < kShards; ++s) {
    MutexLock lock(&shards_[s].mu);
    const auto& series = shards_[s].series;
    for (size_t slot = 0; slot < series.size(); ++slot) {
      if (series[slot] && !series[slot]->points.empty()) {
        ids.push_back(slot * kShards + s);
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  for (SeriesId id : ids) visit(id);
}

size_t Head::DropBefore(SeriesId id, int64_t cutoff_ns) {
  Shard& shard = shards_[id % kShards];
  MutexLock lock(&shard.mu);
  size_t slot = id / kShards;
  if (slot >= shard.series.size() || !shard.series[slot]) return 0;
  auto& points = shard.series[slot]->points;
  size_t before = points.size();
  // String payloads of dropped points stay until the series is sealed.
  std::erase_if(points, [&](const HeadPoint& p) { return p.ts < cutoff_ns; });
  size_t dropped = before - points.size();
  points_.fetch_sub(dropped, std::memory_order_relaxed);
  return dropped;
}

bool Head::TimeRange(int64_t* min_ns, int64_t* max_ns) const {
  bool any = false;
  for (size_t s = 0; s < kShards; ++s) {
    MutexLock lock(&shards_[s].mu);
    for (const auto& head : shards_[s].series) {
      if (!head) continue;
      for (const HeadPoint& p : head->points) {
        if (!any || p.ts < *min_ns) *min_ns = p.ts;
        if (!any || p.ts > *max_ns) *max_ns = p.ts;
        any = true;
      }
    }
  }
  return any;
}

}  // namespace citynexus::engine
