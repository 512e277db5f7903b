// In-memory head buffers (see head.h).
#include "engine/head.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "engine/keys.h"
#include "engine/rollups.h"

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

double NumberOf(ValueType type, uint64_t bits) {
  if (type == ValueType::kInt) {
    return static_cast<double>(static_cast<int64_t>(bits));
  }
  double v;
  std::memcpy(&v, &bits, 8);
  return v;
}

bool Numeric(ValueType type) {
  return type == ValueType::kFloat || type == ValueType::kInt;
}

// Whether `buckets` buckets are too many for `points` points to keep.
bool Sparse(size_t buckets, size_t points) {
  return buckets * Head::kMinPointsPerBucket > points + 64;
}

}  // namespace

Head::SeriesHead* Head::SlotFor(Shard& shard, SeriesId id, ValueType type) {
  size_t slot = id / kShards;
  if (slot >= shard.series.size()) shard.series.resize(slot + 1);
  auto& s = shard.series[slot];
  if (!s) {
    s = std::make_unique<SeriesHead>();
    s->type = type;
    if (bucket_ns_ > 0 && Numeric(type)) s->aggregates = Aggregates::kKept;
  }
  return s.get();
}

void Head::AddToBuckets(SeriesHead* h, int64_t ts, uint64_t bits) const {
  const int64_t start = WindowStart(ts, bucket_ns_);
  if (h->buckets.empty() || h->buckets.back().start_ns != start) {
    if (Sparse(h->buckets.size() + 1, h->points.size())) {
      h->aggregates = Aggregates::kOff;
      std::vector<Bucket>().swap(h->buckets);
      return;
    }
    h->buckets.emplace_back();
    h->buckets.back().start_ns = start;
  }
  AddToBucket(&h->buckets.back(), ts, NumberOf(h->type, bits));
}

void Head::AppendLocked(SeriesHead* h, int64_t ts, uint64_t bits) const {
  if (h->points.empty() || ts > h->points.back().ts) {
    h->points.push_back({ts, bits});
    points_.fetch_add(1, std::memory_order_relaxed);
    if (h->aggregates == Aggregates::kKept) AddToBuckets(h, ts, bits);
    return;
  }
  if (h->aggregates == Aggregates::kKept) h->aggregates = Aggregates::kStale;
  if (h->sorted && ts == h->points.back().ts) {
    h->points.back().bits = bits;  // a rewrite of the newest: last wins
    return;
  }
  h->points.push_back({ts, bits});
  points_.fetch_add(1, std::memory_order_relaxed);
  h->sorted = false;
}

void Head::RecomputeBuckets(SeriesHead* h) const {
  h->buckets.clear();
  for (const HeadPoint& p : h->points) {
    const int64_t start = WindowStart(p.ts, bucket_ns_);
    if (h->buckets.empty() || h->buckets.back().start_ns != start) {
      h->buckets.emplace_back();
      h->buckets.back().start_ns = start;
    }
    AddToBucket(&h->buckets.back(), p.ts, NumberOf(h->type, p.bits));
  }
  if (Sparse(h->buckets.size(), h->points.size())) {
    h->aggregates = Aggregates::kOff;
    std::vector<Bucket>().swap(h->buckets);
  } else {
    h->aggregates = Aggregates::kKept;
  }
}

Head::SeriesHead* Head::FindNormalized(const Shard& shard, SeriesId id) const {
  size_t slot = id / kShards;
  if (slot >= shard.series.size()) return nullptr;
  SeriesHead* h = shard.series[slot].get();
  if (h == nullptr) return nullptr;
  if (!h->sorted) {
    auto& pts = h->points;
    std::stable_sort(
        pts.begin(), pts.end(),
        [](const HeadPoint& a, const HeadPoint& b) { return a.ts < b.ts; });
    // Within a run of equal timestamps keep only the last (latest write).
    size_t out = 0;
    for (size_t i = 0; i < pts.size(); ++i) {
      if (i + 1 < pts.size() && pts[i + 1].ts == pts[i].ts) continue;
      pts[out++] = pts[i];
    }
    points_.fetch_sub(pts.size() - out, std::memory_order_relaxed);
    pts.resize(out);
    h->sorted = true;
  }
  if (h->aggregates == Aggregates::kStale) RecomputeBuckets(h);
  return h;
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
      AppendLocked(head, p.timestamp_ns, bits);
    }
  }
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
  AppendLocked(head, p.timestamp_ns, bits);
}

namespace {

// [first, last) of the points with start_ns <= ts < end_ns (sorted input).
template <typename Points>
std::pair<size_t, size_t> RangeOf(const Points& pts, int64_t start_ns,
                                  int64_t end_ns) {
  auto by_ts = [](const auto& p, int64_t t) { return p.ts < t; };
  auto lo = std::lower_bound(pts.begin(), pts.end(), start_ns, by_ts);
  auto hi = std::lower_bound(lo, pts.end(), end_ns, by_ts);
  return {static_cast<size_t>(lo - pts.begin()),
          static_cast<size_t>(hi - pts.begin())};
}

}  // namespace

bool Head::Collect(SeriesId id, int64_t start_ns, int64_t end_ns,
                   ChunkColumns* out) const {
  out->Clear();
  const Shard& shard = shards_[id % kShards];
  MutexLock lock(&shard.mu);
  const SeriesHead* head = FindNormalized(shard, id);
  if (head == nullptr || head->points.empty()) return false;
  out->type = head->type;
  if (start_ns >= end_ns) return true;
  auto [lo, hi] = RangeOf(head->points, start_ns, end_ns);
  const size_t n = hi - lo;
  out->timestamps.resize(n);
  for (size_t i = 0; i < n; ++i) out->timestamps[i] = head->points[lo + i].ts;
  switch (out->type) {
    case ValueType::kFloat:
      out->floats.resize(n);
      for (size_t i = 0; i < n; ++i) {
        std::memcpy(&out->floats[i], &head->points[lo + i].bits, 8);
      }
      break;
    case ValueType::kInt:
      out->ints.resize(n);
      for (size_t i = 0; i < n; ++i) {
        out->ints[i] = static_cast<int64_t>(head->points[lo + i].bits);
      }
      break;
    case ValueType::kBool:
      out->bools.resize(n);
      for (size_t i = 0; i < n; ++i) {
        out->bools[i] = head->points[lo + i].bits != 0;
      }
      break;
    case ValueType::kString:
      out->strings.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        out->strings.push_back(head->strings[head->points[lo + i].bits]);
      }
      break;
  }
  return true;
}

const Head::HeadPoint* Head::EdgePointIn(const Shard& shard, SeriesId id,
                                         int64_t start_ns, int64_t end_ns,
                                         bool latest,
                                         const SeriesHead** head) const {
  *head = FindNormalized(shard, id);
  if (*head == nullptr || start_ns >= end_ns) return nullptr;
  const auto& pts = (*head)->points;
  if (pts.empty()) return nullptr;
  // The common asks (the newest point of all, the oldest after a cutoff)
  // need no search.
  if (latest && pts.back().ts < end_ns) {
    return pts.back().ts >= start_ns ? &pts.back() : nullptr;
  }
  if (!latest && pts.front().ts >= start_ns) {
    return pts.front().ts < end_ns ? &pts.front() : nullptr;
  }
  auto [lo, hi] = RangeOf(pts, start_ns, end_ns);
  if (lo == hi) return nullptr;
  return &pts[latest ? hi - 1 : lo];
}

std::optional<int64_t> Head::EdgeTimestampIn(SeriesId id, int64_t start_ns,
                                             int64_t end_ns,
                                             bool latest) const {
  const Shard& shard = shards_[id % kShards];
  MutexLock lock(&shard.mu);
  const SeriesHead* head;
  const HeadPoint* p = EdgePointIn(shard, id, start_ns, end_ns, latest, &head);
  if (p == nullptr) return std::nullopt;
  return p->ts;
}

std::optional<int64_t> Head::EarliestIn(SeriesId id, int64_t start_ns,
                                        int64_t end_ns) const {
  return EdgeTimestampIn(id, start_ns, end_ns, /*latest=*/false);
}

std::optional<int64_t> Head::LatestIn(SeriesId id, int64_t start_ns,
                                      int64_t end_ns) const {
  return EdgeTimestampIn(id, start_ns, end_ns, /*latest=*/true);
}

std::optional<Sample> Head::LastIn(SeriesId id, int64_t start_ns,
                                   int64_t end_ns) const {
  const Shard& shard = shards_[id % kShards];
  MutexLock lock(&shard.mu);
  const SeriesHead* head;
  const HeadPoint* last = EdgePointIn(shard, id, start_ns, end_ns, true, &head);
  if (last == nullptr) return std::nullopt;
  const HeadPoint& p = *last;
  Sample s;
  s.timestamp_ns = p.ts;
  switch (head->type) {
    case ValueType::kFloat:
      s.value = NumberOf(ValueType::kFloat, p.bits);
      break;
    case ValueType::kInt:
      s.value = static_cast<int64_t>(p.bits);
      break;
    case ValueType::kBool:
      s.value = p.bits != 0;
      break;
    case ValueType::kString:
      s.value = head->strings[p.bits];
      break;
  }
  return s;
}

void Head::TimestampsIn(SeriesId id, int64_t start_ns, int64_t end_ns,
                        std::vector<int64_t>* out) const {
  const Shard& shard = shards_[id % kShards];
  MutexLock lock(&shard.mu);
  const SeriesHead* head = FindNormalized(shard, id);
  if (head == nullptr || start_ns >= end_ns) return;
  auto [lo, hi] = RangeOf(head->points, start_ns, end_ns);
  for (size_t i = lo; i < hi; ++i) out->push_back(head->points[i].ts);
}

bool Head::BucketsIn(SeriesId id, int64_t start_ns, int64_t end_ns,
                     std::vector<Bucket>* out) const {
  const Shard& shard = shards_[id % kShards];
  MutexLock lock(&shard.mu);
  const SeriesHead* head = FindNormalized(shard, id);
  if (head == nullptr || start_ns >= end_ns) return true;
  if (head->aggregates != Aggregates::kKept) {
    auto [lo, hi] = RangeOf(head->points, start_ns, end_ns);
    return lo == hi;
  }
  auto by_start = [](const Bucket& b, int64_t t) { return b.start_ns < t; };
  auto lo = std::lower_bound(head->buckets.begin(), head->buckets.end(),
                             start_ns, by_start);
  auto hi = std::lower_bound(lo, head->buckets.end(), end_ns, by_start);
  out->insert(out->end(), lo, hi);
  return true;
}

void Head::MoveInto(Head* target) {
  uint64_t moved = 0;
  for (size_t s = 0; s < kShards; ++s) {
    MutexLock lock(&shards_[s].mu);
    MutexLock target_lock(&target->shards_[s].mu);
    target->shards_[s].series.swap(shards_[s].series);
    for (const auto& head : target->shards_[s].series) {
      if (head) moved += head->points.size();
    }
  }
  points_.fetch_sub(moved, std::memory_order_relaxed);
  target->points_.fetch_add(moved, std::memory_order_relaxed);
}

std::unique_ptr<Head> Head::SwapOut() {
  auto frozen = std::make_unique<Head>(bucket_ns_);
  MoveInto(frozen.get());
  return frozen;
}

void Head::ForEachSeries(const std::function<void(SeriesId)>& visit) const {
  std::vector<SeriesId> ids;
  for (size_t s = 0; s < kShards; ++s) {
    const Shard& shard = shards_[s];
    MutexLock lock(&shard.mu);
    for (size_t slot = 0; slot < shard.series.size(); ++slot) {
      const SeriesHead* head = shard.series[slot].get();
      if (head != nullptr && !head->points.empty()) {
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
  SeriesHead* head = FindNormalized(shard, id);
  if (head == nullptr) return 0;
  auto& points = head->points;
  // Sorted: the dropped points are a prefix. String payloads of dropped
  // points stay until the series is sealed.
  auto [lo, keep] = RangeOf(points, INT64_MIN, cutoff_ns);
  (void)lo;
  points.erase(points.begin(), points.begin() + static_cast<long>(keep));
  if (keep > 0 && head->aggregates == Aggregates::kKept) {
    head->aggregates = Aggregates::kStale;
  }
  points_.fetch_sub(keep, std::memory_order_relaxed);
  return keep;
}

bool Head::TimeRange(int64_t* min_ns, int64_t* max_ns) const {
  bool any = false;
  auto widen = [&](int64_t ts) {
    if (!any || ts < *min_ns) *min_ns = ts;
    if (!any || ts > *max_ns) *max_ns = ts;
    any = true;
  };
  for (size_t s = 0; s < kShards; ++s) {
    MutexLock lock(&shards_[s].mu);
    for (const auto& head : shards_[s].series) {
      if (!head || head->points.empty()) continue;
      if (head->sorted) {
        widen(head->points.front().ts);
        widen(head->points.back().ts);
      } else {
        for (const HeadPoint& p : head->points) widen(p.ts);
      }
    }
  }
  return any;
}

}  // namespace citynexus::engine
