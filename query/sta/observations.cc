// Reading Observations: time bounds from $filter pushed into store scans,
// ascending scans that stop once the page is full, descending pages from
// repeated Store::Last() (the "latest value of every Datastream" query reads
// one point per Datastream), $count from Aggregate() (rollups where the range
// allows), and $aggregate buckets.
#include <algorithm>

#include "query/bucket_math.h"
#include "query/civil_time.h"
#include "query/sta/reader.h"
#include "query/time_zone.h"

namespace citynexus::query::sta {
namespace {

constexpr int64_t kNsPerDay = 86'400'000'000'000;
// The range $count covers when a filter has no bounds: about 1933..2043
// (one Aggregate bucket may span at most 2^62 ns).
constexpr int64_t kCountFrom = -(int64_t{1} << 60);
constexpr int64_t kCountTo = int64_t{1} << 61;

enum class TimeOrder { kAscending, kDescending, kOther };

TimeOrder OrderOf(const QueryOptions& o) {
  if (o.orderby.empty()) return TimeOrder::kAscending;
  if (o.orderby.size() != 1) return TimeOrder::kOther;
  const Expr& e = *o.orderby[0].expr;
  if (e.kind != Expr::Kind::kPath || e.path.size() != 1)
    return TimeOrder::kOther;
  const std::string& p = e.path[0];
  if (p != "phenomenonTime" && p != "resultTime" && p != "id" &&
      p != "@iot.id") {
    return TimeOrder::kOther;
  }
  return o.orderby[0].descending ? TimeOrder::kDescending
                                 : TimeOrder::kAscending;
}

Status TooManyPoints(uint64_t max_points) {
  return Status::InvalidArgument(
      "this request would read more than " + std::to_string(max_points) +
      " points; narrow it with a phenomenonTime range in $filter");
}

}  // namespace

Result<uint64_t> Reader::CountObservations(size_t ds, int64_t start_ns,
                                           int64_t end_ns, const Expr* residual,
                                           uint64_t* budget) const {
  const engine::SeriesInfo& s = model_->datastreams[ds].series;
  start_ns = std::max(start_ns, kCountFrom);
  end_ns = std::min(end_ns, kCountTo);
  if (start_ns >= end_ns) return uint64_t{0};
  const bool numeric =
      s.type == engine::ValueType::kFloat || s.type == engine::ValueType::kInt;
  if (residual == nullptr && numeric) {
    // One bucket covering the range; its step and offset are whole days so
    // the engine reads day rollups for the aligned middle part.
    const int64_t first_day = FloorDiv(start_ns, kNsPerDay) * kNsPerDay;
    const int64_t last_day = (FloorDiv(end_ns - 1, kNsPerDay) + 1) * kNsPerDay;
    engine::AggregateRequest req;
    req.series = s.id;
    req.start_ns = start_ns;
    req.end_ns = end_ns;
    req.step_ns = last_day - first_day;
    req.offset_ns = first_day - FloorDiv(first_day, req.step_ns) * req.step_ns;
    engine::AggregateStats stats;
    auto buckets = store_.Aggregate(req, &stats);
    if (!buckets) return buckets.error();
    uint64_t n = 0;
    for (const auto& b : *buckets) n += b.count;
    return n;
  }
  uint64_t n = 0;
  bool over = false;
  Status st = store_.Scan(s.id, start_ns, end_ns, [&](const engine::Sample& p) {
    if ((*budget)-- == 0) {
      over = true;
      return false;
    }
    if (residual != nullptr) {
      EntityRef ref{EntityType::kObservation,
                    0,
                    {ds, p.timestamp_ns, p.value, std::nullopt}};
      if (!Matches(
              *residual,
              [&](const std::vector<std::string>& path) {
                return Resolve(ref, path);
              },
              now_ns_)) {
        return true;
      }
    }
    ++n;
    return true;
  });
  if (!st.ok()) return st;
  if (over) return TooManyPoints(options_.max_points);
  return n;
}

Result<Page> Reader::ObservationPage(const std::vector<size_t>& datastreams,
                                     const QueryOptions& o) const {
  if (!o.aggregate.empty()) {
    if (datastreams.size() != 1) {
      return Status::NotSupported(
          "$aggregate applies to the Observations of one Datastream "
          "(/v1.1/Datastreams(id)/Observations)");
    }
    return AggregatePage(datastreams[0], o);
  }
  const TimeBounds bounds = ExtractTimeBounds(o.filter.get());
  const Expr* residual = bounds.exact ? nullptr : o.filter.get();
  const uint64_t top = TopOf(o);
  uint64_t budget = options_.max_points;
  Page page;
  if (bounds.start_ns >= bounds.end_ns) {
    if (o.count) page.count = 0;
    return page;
  }
  auto matches = [&](const EntityRef& ref) {
    return residual == nullptr || Matches(
                                      *residual,
                                      [&](const std::vector<std::string>& p) {
                                        return Resolve(ref, p);
                                      },
                                      now_ns_);
  };
  const TimeOrder order = OrderOf(o);
  // Streamed pages: one Datastream in time order, or several in their
  // default order (by Datastream, then time), stopping once the page (and
  // one more row, for nextLink) is complete.
  if ((datastreams.size() == 1 && order != TimeOrder::kOther) ||
      o.orderby.empty()) {
    uint64_t matched = 0;
    bool over = false;
    bool full = false;
    for (size_t ds : datastreams) {
      const uint64_t id = model_->datastreams[ds].series.id;
      // Takes one point; false once the page is complete.
      auto take = [&](const engine::Sample& p) {
        if (budget-- == 0) {
          over = true;
          return false;
        }
        EntityRef ref{EntityType::kObservation,
                      0,
                      {ds, p.timestamp_ns, p.value, std::nullopt}};
        if (!matches(ref)) return true;
        ++matched;
        if (matched <= o.skip) return true;
        if (page.items.size() == top) {
          page.more = true;
          full = true;
          return false;
        }
        page.items.push_back(std::move(ref));
        return true;
      };
      if (order != TimeOrder::kDescending) {
        Status st = store_.Scan(id, bounds.start_ns, bounds.end_ns, take);
        if (!st.ok()) return st;
      } else {
        int64_t end = bounds.end_ns;
        while (end > bounds.start_ns) {
          auto last = store_.Last(id, bounds.start_ns, end);
          if (!last) return last.error();
          if (!*last) break;
          end = (*last)->timestamp_ns;
          if (!take(**last)) break;
        }
      }
      if (over) return TooManyPoints(options_.max_points);
      if (full) break;
    }
    if (o.count) {
      uint64_t total = 0;
      for (size_t ds : datastreams) {
        auto n = CountObservations(ds, bounds.start_ns, bounds.end_ns, residual,
                                   &budget);
        if (!n) return n.error();
        total += *n;
      }
      page.count = total;
    }
    return page;
  }
  // Another order: read the matching rows (bounded), then sort and slice.
  std::vector<EntityRef> rows;
  for (size_t ds : datastreams) {
    bool over = false;
    Status st = store_.Scan(model_->datastreams[ds].series.id, bounds.start_ns,
                            bounds.end_ns, [&](const engine::Sample& p) {
                              if (budget-- == 0) {
                                over = true;
                                return false;
                              }
                              EntityRef ref{
                                  EntityType::kObservation,
                                  0,
                                  {ds, p.timestamp_ns, p.value, std::nullopt}};
                              if (matches(ref)) rows.push_back(std::move(ref));
                              return true;
                            });
    if (!st.ok()) return st;
    if (over) return TooManyPoints(options_.max_points);
  }
  return PageOf(std::move(rows), o, /*apply_filter=*/false);
}

Result<Page> Reader::AggregatePage(size_t ds, const QueryOptions& o) const {
  const TimeBounds bounds = ExtractTimeBounds(o.filter.get());
  if (!bounds.exact) {
    return Status::NotSupported(
        "with $aggregate, $filter may only bound phenomenonTime "
        "(phenomenonTime ge ... and phenomenonTime lt ...)");
  }
  if (bounds.start_ns == INT64_MIN) {
    return Status::InvalidArgument(
        "$aggregate needs a start: $filter=phenomenonTime ge <time>");
  }
  const int64_t start = bounds.start_ns;
  const int64_t end = std::min(bounds.end_ns, now_ns_ + 1);
  if (start >= end) return Page{};
  auto fn = ParseAggFunction(o.aggregate);
  if (!fn) return fn.error();
  int months = 0, days = 0;
  auto step = ParseIsoDuration(o.interval, &months, &days);
  if (!step) return step.error();
  const engine::SeriesInfo& s = model_->datastreams[ds].series;

  // Bucket edges: calendar (months, or whole days/weeks in $tz), else fixed
  // epoch-aligned steps.
  std::vector<int64_t> edges;
  const bool calendar = months > 0 || (!o.tz.empty() && *step % kNsPerDay == 0);
  if (calendar) {
    auto zone =
        o.tz.empty() ? Result<TimeZone>(TimeZone::Utc()) : TimeZone::Load(o.tz);
    if (!zone) return zone.error().WithContext("$tz");
    CalendarUnit unit = CalendarUnit::kDay;
    int count = static_cast<int>(*step / kNsPerDay);
    if (months > 0) {
      unit = CalendarUnit::kMonth;
      count = months;
    } else if (days % 7 == 0) {
      unit = CalendarUnit::kWeek;
      count = days / 7;
    }
    auto e = CalendarBucketEdges(start, end, unit, count, *zone,
                                 options_.max_buckets);
    if (!e) return e.error();
    edges = std::move(*e);
  } else {
    const int64_t first = BucketStart(start, *step, 0);
    const uint64_t n = static_cast<uint64_t>((end - first - 1) / *step) + 1;
    if (n > options_.max_buckets) {
      return Status::InvalidArgument("$aggregate: " + std::to_string(n) +
                                     " buckets; at most " +
                                     std::to_string(options_.max_buckets) +
                                     " (widen $interval or narrow the range)");
    }
    for (uint64_t i = 0; i <= n; ++i)
      edges.push_back(first + static_cast<int64_t>(i) * *step);
  }

  std::vector<EntityRef> rows;
  auto emit = [&](const engine::Bucket& b, int64_t bucket_start,
                  int64_t bucket_end) {
    const double v = BucketValue(fn->first, b);
    engine::Value value = v;
    if (fn->first == AggFunction::kCount) value = static_cast<int64_t>(b.count);
    rows.push_back(
        {EntityType::kObservation, 0, {ds, bucket_start, value, bucket_end}});
  };
  if (calendar) {
    // One Aggregate per local bucket (their widths differ across DST and
    // months); whole-hour edges keep the hourly rollups usable.
    for (size_t i = 0; i + 1 < edges.size(); ++i) {
      engine::AggregateRequest req;
      req.series = s.id;
      req.start_ns = std::max(edges[i], start);
      req.end_ns = std::min(edges[i + 1], end);
      req.step_ns = edges[i + 1] - edges[i];
      req.offset_ns = edges[i] - FloorDiv(edges[i], req.step_ns) * req.step_ns;
      engine::AggregateStats stats;
      auto buckets = store_.Aggregate(req, &stats);
      if (!buckets) return buckets.error();
      for (const auto& b : *buckets) emit(b, edges[i], edges[i + 1]);
    }
  } else {
    engine::AggregateRequest req;
    req.series = s.id;
    req.start_ns = start;
    req.end_ns = end;
    req.step_ns = *step;
    engine::AggregateStats stats;
    auto buckets = store_.Aggregate(req, &stats);
    if (!buckets) return buckets.error();
    for (const auto& b : *buckets) emit(b, b.start_ns, b.start_ns + *step);
  }
  return PageOf(std::move(rows), o, /*apply_filter=*/false);
}

}  // namespace citynexus::query::sta
