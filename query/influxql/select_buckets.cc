// Engine buckets of a group's member series, merged into the group's
// buckets (FromEngineBuckets): read one series at a time on the requesting
// thread, or, for groups of many series, in tasks of consecutive members on
// QueryWorkers' threads. Either way the merge runs on the requesting thread
// in member order, so sums of floats add up in the same order and the answer
// is the same for every query.parallelism.
#include <algorithm>
#include <atomic>
#include <thread>

#include "query/bucket_math.h"
#include "query/influxql/select_run.h"

namespace citynexus::query::influxql::detail {

namespace {

// Below this many members a group is read on the requesting thread: the
// hand-off would cost more than it saves.
constexpr size_t kParallelMinMembers = 256;
// Buckets one task holds before the requesting thread merges them (bounds
// the memory of tasks run ahead: ~72 bytes each).
constexpr size_t kTaskBuckets = 16384;
// Small enough that a stopped query (deadline, client gone) stops soon: the
// guard is checked between tasks, and between members on the requesting
// thread.
constexpr size_t kMaxTaskMembers = 64;

}  // namespace

Status SelectRun::ReadMemberBuckets(engine::SeriesReader& reader,
                                    const SeriesInfo& si,
                                    std::vector<engine::Bucket>* buckets,
                                    uint64_t* points) const {
  buckets->clear();
  *points = 0;
  int64_t start = range_.min_ns;
  if (!range_.has_min()) {
    std::optional<int64_t> first;
    CITYNEXUS_RETURN_IF_ERROR(store_.Scan(si.id, kMinTime, EndExclusive(),
                                          [&](const engine::Sample& p) {
                                            first = p.timestamp_ns;
                                            return false;
                                          }));
    if (!first) return Status::Ok();
    start = *first;
  }
  if (start >= EndExclusive()) return Status::Ok();
  engine::AggregateRequest req{si.id, start, EndExclusive(), s_.interval_ns,
                               s_.interval_offset_ns};
  engine::AggregateStats stats;
  auto read = reader.Aggregate(req, &stats);
  if (!read) return read.error();
  *buckets = std::move(*read);
  *points = stats.points_read;
  return Status::Ok();
}

void SelectRun::MergeMemberBuckets(
    std::span<const engine::Bucket> buckets,
    std::map<int64_t, engine::Bucket>* merged) const {
  const int64_t interval = s_.interval_ns;
  const int64_t offset = s_.interval_offset_ns;
  // A member's buckets ascend: the next one is usually right after the
  // last one's place (dense windows), else a lookup finds it.
  auto hint = merged->begin();
  for (const auto& b : buckets) {
    if (b.count == 0) continue;
    const int64_t key = BucketStart(b.start_ns, interval, offset);
    if (hint != merged->end() && hint->first < key) ++hint;
    if (hint != merged->end() && hint->first < key) {
      hint = merged->lower_bound(key);
    }
    if (hint == merged->end() || hint->first != key) {
      hint = merged->emplace_hint(hint, key, b);
      continue;
    }
    engine::Bucket& into = hint->second;
    into.count += b.count;
    into.sum += b.sum;
    into.min = std::min(into.min, b.min);
    into.max = std::max(into.max, b.max);
    // Ties between series go to the greater value, as in InfluxDB.
    if (b.first_ns < into.first_ns ||
        (b.first_ns == into.first_ns && b.first > into.first)) {
      into.first_ns = b.first_ns;
      into.first = b.first;
    }
    if (b.last_ns > into.last_ns ||
        (b.last_ns == into.last_ns && b.last > into.last)) {
      into.last_ns = b.last_ns;
      into.last = b.last;
    }
  }
}

Status SelectRun::MergeMembers(const std::vector<const SeriesInfo*>& members,
                               std::map<int64_t, engine::Bucket>* merged) {
  const size_t threads = workers_ == nullptr ? 1 : workers_->threads() + 1;
  if (threads <= 1 || members.size() < kParallelMinMembers) {
    std::vector<engine::Bucket> buckets;
    auto reader = store_.NewSeriesReader();
    for (const SeriesInfo* si : members) {
      uint64_t points = 0;
      CITYNEXUS_RETURN_IF_ERROR(
          ReadMemberBuckets(*reader, *si, &buckets, &points));
      CITYNEXUS_RETURN_IF_ERROR(CountPoints(points));
      MergeMemberBuckets(buckets, merged);
    }
    return Status::Ok();
  }
  // Tasks of consecutive members, sized so one task holds about
  // kTaskBuckets buckets (the range's windows per member; unknown without
  // a lower time bound: small tasks).
  size_t per_member = kTaskBuckets;
  if (range_.has_min() && s_.interval_ns > 0) {
    const uint64_t span = static_cast<uint64_t>(EndExclusive()) -
                          static_cast<uint64_t>(range_.min_ns);
    per_member = static_cast<size_t>(std::min<uint64_t>(
        span / static_cast<uint64_t>(s_.interval_ns) + 2, kTaskBuckets));
  }
  const size_t per_task =
      std::clamp<size_t>(kTaskBuckets / per_member, 1, kMaxTaskMembers);
  const size_t tasks = (members.size() + per_task - 1) / per_task;
  // What one task read: members [first, first + ends.size()), their buckets
  // back to back, and the status of the member that stopped it (the members
  // before it are merged first, as a sequential read would).
  struct TaskOut {
    std::vector<engine::Bucket> buckets;
    std::vector<size_t> ends;
    std::vector<uint64_t> points;
    Status error;
  };
  std::vector<TaskOut> outs(tasks);
  // Set once the statement fails (the guard, the point limit): tasks then
  // stop between members, and their partial results are never merged.
  std::atomic<bool> stopping{false};
  const std::thread::id requester = std::this_thread::get_id();
  auto produce = [&](size_t t) -> Status {
    TaskOut& out = outs[t];
    const size_t first = t * per_task;
    const size_t last = std::min(members.size(), first + per_task);
    std::vector<engine::Bucket> buckets;
    auto reader = store_.NewSeriesReader();
    for (size_t m = first; m < last; ++m) {
      if (stopping.load(std::memory_order_relaxed)) break;
      // The guard is single-threaded: only the requesting thread checks it.
      if (guard_ != nullptr && std::this_thread::get_id() == requester) {
        if (Status st = guard_->Check(); !st.ok()) {
          stopping = true;
          out.error = std::move(st);
          break;
        }
      }
      uint64_t points = 0;
      Status st = ReadMemberBuckets(*reader, *members[m], &buckets, &points);
      if (!st.ok()) {
        out.error = std::move(st);
        break;
      }
      out.buckets.insert(out.buckets.end(), buckets.begin(), buckets.end());
      out.ends.push_back(out.buckets.size());
      out.points.push_back(points);
    }
    return Status::Ok();
  };
  auto consume = [&](size_t t) -> Status {
    TaskOut& out = outs[t];
    size_t begin = 0;
    for (size_t k = 0; k < out.ends.size(); ++k) {
      if (Status st = CountPoints(out.points[k]); !st.ok()) {
        stopping = true;
        return st;
      }
      MergeMemberBuckets(std::span<const engine::Bucket>(out.buckets)
                             .subspan(begin, out.ends[k] - begin),
                         merged);
      begin = out.ends[k];
    }
    Status error = std::move(out.error);
    out = TaskOut{};  // frees the task's buckets
    if (!error.ok()) stopping = true;
    return error;
  };
  auto poll = [&]() -> Status {
    Status st = guard_ != nullptr ? guard_->Check() : Status::Ok();
    if (!st.ok()) stopping = true;
    return st;
  };
  return workers_->RunOrdered(tasks, 4 * threads, produce, consume, poll);
}

}  // namespace citynexus::query::influxql::detail
