// QueryEngine: selects series, groups them by tags, and computes bucketed
// aggregates — from engine buckets (and so rollups) where the function
// allows, from raw points otherwise.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <string>

#include "common/regex.h"
#include "query/bucket_math.h"
#include "query/query.h"
#include "query/query_guard.h"
#include "query/time_zone.h"

namespace citynexus::query {
namespace {

using engine::SeriesInfo;

struct CompiledPredicate {
  const TagPredicate* predicate;
  std::shared_ptr<const Regex> regex;
};

Result<std::vector<CompiledPredicate>> Compile(
    const std::vector<TagPredicate>& tags) {
  std::vector<CompiledPredicate> out;
  for (const auto& p : tags) {
    CompiledPredicate c{&p, nullptr};
    if (p.op == TagOp::kRegexMatch || p.op == TagOp::kRegexNotMatch) {
      auto re = CompileRegex(p.value);
      if (!re) {
        return Status::InvalidArgument("tag." + p.key + ": " +
                                       re.error().message());
      }
      c.regex = std::move(*re);
    }
    out.push_back(std::move(c));
  }
  return out;
}

const std::string* TagValue(const SeriesInfo& s, const std::string& key) {
  for (const auto& [k, v] : s.key.tags) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool Matches(const SeriesInfo& s, const std::vector<CompiledPredicate>& preds) {
  for (const auto& c : preds) {
    const std::string* v = TagValue(s, c.predicate->key);
    // A missing tag behaves as the empty string, as in InfluxQL.
    const std::string value = v ? *v : std::string();
    switch (c.predicate->op) {
      case TagOp::kEqual:
        if (value != c.predicate->value) return false;
        break;
      case TagOp::kNotEqual:
        if (value == c.predicate->value) return false;
        break;
      case TagOp::kRegexMatch:
        if (!c.regex->Search(value)) return false;
        break;
      case TagOp::kRegexNotMatch:
        if (c.regex->Search(value)) return false;
        break;
    }
  }
  return true;
}

double AsDouble(const engine::Value& v) {
  switch (v.index()) {
    case 0:
      return std::get<double>(v);
    case 1:
      return static_cast<double>(std::get<int64_t>(v));
    case 2:
      return std::get<bool>(v) ? 1.0 : 0.0;
    default:
      return std::nan("");
  }
}

bool IsNumeric(engine::ValueType t) {
  return t == engine::ValueType::kFloat || t == engine::ValueType::kInt;
}

// One output series: the group's tags and its member series.
struct Group {
  std::map<std::string, std::string> tags;
  std::string field;
  std::string unit;
  std::vector<const SeriesInfo*> members;
};

}  // namespace

QueryEngine::QueryEngine(engine::Store& store, QueryOptions options)
    : store_(store), options_(options) {}

Result<std::vector<SeriesInfo>> QueryEngine::FindSeries(
    const std::string& measurement, const std::vector<TagPredicate>& tags,
    const std::string& domain) const {
  auto compiled = Compile(tags);
  if (!compiled) return compiled.error();
  engine::SeriesFilter filter;
  filter.measurement = measurement;
  filter.domain = domain;
  // Every predicate selects through the catalog's inverted index (same
  // semantics: a missing tag is ""); Matches() below re-checks each one.
  for (const CompiledPredicate& c : *compiled) {
    engine::TagMatcher m;
    m.key = c.predicate->key;
    m.value = c.predicate->value;
    switch (c.predicate->op) {
      case TagOp::kEqual:
        m.op = engine::TagMatcher::Op::kEqual;
        break;
      case TagOp::kNotEqual:
        m.op = engine::TagMatcher::Op::kNotEqual;
        break;
      case TagOp::kRegexMatch:
      case TagOp::kRegexNotMatch:
        m.op = c.predicate->op == TagOp::kRegexMatch
                   ? engine::TagMatcher::Op::kMatch
                   : engine::TagMatcher::Op::kNotMatch;
        m.matches = [re = c.regex](std::string_view v) {
          return re->Search(v);
        };
        break;
    }
    filter.matchers.push_back(std::move(m));
  }
  std::vector<SeriesInfo> out;
  for (auto& s : store_.FindSeries(filter)) {
    if (Matches(s, *compiled)) out.push_back(std::move(s));
  }
  return out;
}

// ---- the steps of QueryEngine::Run: plan, read (raw), group, aggregate,
// fill. Each reads the spec and limits of one run from RunContext. ----
namespace {

struct RunContext {
  engine::Store& store;
  const QueryOptions& options;
  const QuerySpec& spec;
  const QueryGuard* guard;
  QueryStats& stats;

  Status CheckGuard() const { return guard ? guard->Check() : Status::Ok(); }
};

// What to read: the series, and the bucket grid (bucket i is
// [edges[i], edges[i+1])). Fixed grids are epoch-aligned (k*step + offset);
// without a step, one bucket spans the whole range; calendar grids follow
// local midnights in a time zone.
struct QueryPlan {
  std::vector<SeriesInfo> series;
  bool calendar = false;
  int64_t step = 0;
  int64_t offset = 0;
  std::vector<int64_t> edges;  // empty for raw queries

  // Bucket [start, end) containing t (t within the query range).
  std::pair<int64_t, int64_t> BucketOf(int64_t t) const {
    const auto it = std::upper_bound(edges.begin(), edges.end(), t);
    const size_t i = static_cast<size_t>(it - edges.begin()) - 1;
    return {edges[i], edges[i + 1]};
  }
};

Status ValidateSpec(const QuerySpec& spec) {
  if (spec.measurement.empty()) {
    return Status::InvalidArgument("measurement: required");
  }
  if (spec.end_ns <= spec.start_ns) {
    return Status::InvalidArgument("end must be after start");
  }
  if (spec.step_ns < 0) return Status::InvalidArgument("step must be positive");
  if (spec.agg == AggFunction::kNone && !spec.group_by.empty()) {
    return Status::InvalidArgument("group_by needs an aggregation (agg)");
  }
  return Status::Ok();
}

Result<std::vector<int64_t>> BucketEdges(const RunContext& ctx,
                                         const QueryPlan& plan) {
  const QuerySpec& spec = ctx.spec;
  const size_t max_per_series =
      ctx.options.max_buckets / std::max<size_t>(1, plan.series.size());
  if (plan.calendar) {
    CITYNEXUS_ASSIGN_OR_RETURN(
        auto zone,
        TimeZone::Load(spec.time_zone.empty() ? "UTC" : spec.time_zone));
    return CalendarBucketEdges(spec.start_ns, spec.end_ns, spec.calendar_unit,
                               spec.calendar_count, zone, max_per_series);
  }
  const int64_t first_bucket =
      BucketStart(spec.start_ns, plan.step, plan.offset);
  const int64_t last_bucket =
      BucketStart(spec.end_ns - 1, plan.step, plan.offset);
  const uint64_t buckets =
      static_cast<uint64_t>((last_bucket - first_bucket) / plan.step) + 1;
  if (buckets > max_per_series) {
    return Status::ResourceExhausted(
        "query would return " + std::to_string(buckets) +
        " buckets for each of " + std::to_string(plan.series.size()) +
        " series; the limit (max_buckets) is " +
        std::to_string(ctx.options.max_buckets) + " values");
  }
  std::vector<int64_t> edges;
  for (uint64_t i = 0; i <= buckets; ++i) {
    edges.push_back(first_bucket + static_cast<int64_t>(i) * plan.step);
  }
  return edges;
}

// Plan: the series the spec selects (sorted, within max_series) and the grid.
Result<QueryPlan> Plan(const QueryEngine& engine, const RunContext& ctx) {
  const QuerySpec& spec = ctx.spec;
  CITYNEXUS_RETURN_IF_ERROR(ValidateSpec(spec));
  CITYNEXUS_ASSIGN_OR_RETURN(
      auto found, engine.FindSeries(spec.measurement, spec.tags, ""));
  QueryPlan plan;
  for (auto& s : found) {
    if (spec.field.empty() || s.key.field == spec.field) {
      plan.series.push_back(std::move(s));
    }
  }
  // An aggregate with group_by returns one series per group: max_series
  // bounds those (checked after grouping), not the series it reads, which
  // it merges one at a time into its group's buckets.
  const bool grouped = spec.agg != AggFunction::kNone && !spec.group_by.empty();
  if (!grouped && plan.series.size() > ctx.options.max_series) {
    return Status::ResourceExhausted("query selects " +
                                     std::to_string(plan.series.size()) +
                                     " series; the limit (max_series) is " +
                                     std::to_string(ctx.options.max_series));
  }
  std::sort(plan.series.begin(), plan.series.end(),
            [](const SeriesInfo& a, const SeriesInfo& b) {
              return a.key.Canonical() < b.key.Canonical();
            });
  plan.calendar = spec.calendar_count > 0;
  plan.step = spec.step_ns > 0 ? spec.step_ns : spec.end_ns - spec.start_ns;
  plan.offset = spec.step_ns > 0 ? spec.offset_ns : spec.start_ns;
  if (spec.agg != AggFunction::kNone) {
    CITYNEXUS_ASSIGN_OR_RETURN(plan.edges, BucketEdges(ctx, plan));
  }
  return plan;
}

Status PointLimitError(const QueryOptions& options) {
  return Status::ResourceExhausted("query reads more than " +
                                   std::to_string(options.max_points) +
                                   " points; the limit is max_points");
}

// Read: the raw points of every series (agg none), within max_points.
Result<std::vector<ResultSeries>> ReadRaw(const RunContext& ctx,
                                          const QueryPlan& plan) {
  std::vector<ResultSeries> all;
  for (const auto& s : plan.series) {
    ResultSeries out;
    out.measurement = s.key.measurement;
    out.field = s.key.field;
    for (const auto& [k, v] : s.key.tags) out.tags[k] = v;
    out.unit = s.meta.unit;
    out.agg = "raw";
    uint64_t budget = ctx.options.max_points - ctx.stats.points_read;
    bool over = false;
    CITYNEXUS_RETURN_IF_ERROR(ctx.CheckGuard());
    CITYNEXUS_RETURN_IF_ERROR(ctx.store.Scan(
        s.id, ctx.spec.start_ns, ctx.spec.end_ns, [&](const engine::Sample& p) {
          if (budget-- == 0) {
            over = true;
            return false;
          }
          out.values.emplace_back(p.timestamp_ns, p.value);
          return true;
        }));
    if (over) return PointLimitError(ctx.options);
    ctx.stats.points_read += out.values.size();
    all.push_back(std::move(out));
  }
  return all;
}

// Group: series by field and the group_by tags (each series its own group
// without group_by), ordered by group key. Only numeric fields aggregate.
Result<std::map<std::string, Group>> GroupSeries(const QuerySpec& spec,
                                                 const QueryPlan& plan) {
  std::map<std::string, Group> groups;
  for (const auto& s : plan.series) {
    if (!IsNumeric(s.type)) {
      return Status::InvalidArgument(
          "field \"" + s.key.field + "\" of " + s.key.Canonical() + " is " +
          std::string(engine::ValueTypeName(s.type)) +
          "; only numeric fields aggregate");
    }
    std::map<std::string, std::string> tags;
    if (spec.group_by.empty()) {
      for (const auto& [k, v] : s.key.tags) tags[k] = v;
    } else {
      for (const auto& key : spec.group_by) {
        if (key == "*") {
          for (const auto& [k, v] : s.key.tags) tags[k] = v;
          continue;
        }
        const std::string* v = TagValue(s, key);
        tags[key] = v ? *v : std::string();
      }
    }
    std::string group_key = s.key.field + "\x1f";
    if (spec.group_by.empty()) group_key += s.key.Canonical();
    for (const auto& [k, v] : tags) group_key += k + "=" + v + "\x1f";
    Group& g = groups[group_key];
    g.tags = std::move(tags);
    g.field = s.key.field;
    if (g.unit.empty()) g.unit = s.meta.unit;
    g.members.push_back(&s);
  }
  return groups;
}

using SparseValues = std::vector<std::pair<int64_t, double>>;

// Aggregate, bucket functions (count/sum/min/max/mean/first/last): merged
// engine buckets, which the engine may answer from rollups.
Result<SparseValues> AggregateBuckets(const RunContext& ctx,
                                      const QueryPlan& plan, const Group& g) {
  const QuerySpec& spec = ctx.spec;
  std::map<int64_t, engine::Bucket> merged;
  auto aggregate = [&](const engine::AggregateRequest& req) -> Status {
    engine::AggregateStats st;
    CITYNEXUS_RETURN_IF_ERROR(ctx.CheckGuard());
    CITYNEXUS_ASSIGN_OR_RETURN(auto buckets, ctx.store.Aggregate(req, &st));
    ctx.stats.points_read += st.points_read;
    ctx.stats.rollups_read += st.rollups_read;
    ctx.stats.rollups = ctx.stats.rollups || st.used_rollups;
    for (const auto& b : buckets) MergeBucket(merged[b.start_ns], b);
    return Status::Ok();
  };
  const std::vector<int64_t>& edges = plan.edges;
  for (const SeriesInfo* s : g.members) {
    if (!plan.calendar) {
      CITYNEXUS_RETURN_IF_ERROR(aggregate(
          {s->id, spec.start_ns, spec.end_ns, plan.step, plan.offset}));
      continue;
    }
    // Calendar buckets differ in width (DST days, months): one request
    // per bucket, each a single bucket of its own width.
    for (size_t i = 0; i + 1 < edges.size(); ++i) {
      const int64_t lo = std::max(edges[i], spec.start_ns);
      const int64_t hi = std::min(edges[i + 1], spec.end_ns);
      if (lo >= hi) continue;
      CITYNEXUS_RETURN_IF_ERROR(
          aggregate({s->id, lo, hi, edges[i + 1] - edges[i], edges[i]}));
    }
  }
  SparseValues sparse;
  for (const auto& [t, b] : merged) {
    if (b.count > 0) sparse.emplace_back(t, BucketValue(spec.agg, b));
  }
  return sparse;
}

// Aggregate, raw functions (median/percentile/stddev pool the members'
// points; increase/rate/integral sum per member): each member's points,
// plus the point before the range so a counter's first increase is not lost.
Result<SparseValues> AggregateRaw(const RunContext& ctx, const QueryPlan& plan,
                                  const Group& g) {
  const QuerySpec& spec = ctx.spec;
  std::map<int64_t, std::vector<double>> pooled;  // median/percentile/stddev
  std::map<int64_t, double> summed;               // increase/rate/integral
  for (const SeriesInfo* s : g.members) {
    std::vector<std::pair<int64_t, double>> points;
    std::optional<double> before;
    const bool counter =
        spec.agg == AggFunction::kIncrease || spec.agg == AggFunction::kRate;
    if (counter) {
      const int64_t lookback = plan.edges[1] - plan.edges[0];
      CITYNEXUS_RETURN_IF_ERROR(ctx.store.Scan(s->id, spec.start_ns - lookback,
                                               spec.start_ns,
                                               [&](const engine::Sample& p) {
                                                 before = AsDouble(p.value);
                                                 return true;
                                               }));
    }
    CITYNEXUS_RETURN_IF_ERROR(ctx.CheckGuard());
    CITYNEXUS_RETURN_IF_ERROR(ctx.store.Scan(
        s->id, spec.start_ns, spec.end_ns, [&](const engine::Sample& p) {
          points.emplace_back(p.timestamp_ns, AsDouble(p.value));
          return true;
        }));
    ctx.stats.points_read += points.size();
    if (ctx.stats.points_read > ctx.options.max_points) {
      return PointLimitError(ctx.options);
    }
    // Split into buckets.
    size_t i = 0;
    while (i < points.size()) {
      const auto [b, b_end] = plan.BucketOf(points[i].first);
      size_t j = i;
      while (j < points.size() && points[j].first < b_end) ++j;
      std::vector<std::pair<int64_t, double>> in(points.begin() + i,
                                                 points.begin() + j);
      switch (spec.agg) {
        case AggFunction::kMedian:
        case AggFunction::kPercentile:
        case AggFunction::kStddev: {
          auto& vec = pooled[b];
          for (const auto& [t, v] : in) vec.push_back(v);
          break;
        }
        case AggFunction::kIncrease:
        case AggFunction::kRate: {
          double inc = CounterIncrease(in, before);
          if (spec.agg == AggFunction::kRate) {
            inc /= static_cast<double>(b_end - b) / 1e9;
          }
          summed[b] += inc;
          break;
        }
        case AggFunction::kIntegral: {
          const int64_t unit = spec.agg_param > 0
                                   ? static_cast<int64_t>(spec.agg_param)
                                   : 1000000000;
          summed[b] += TrapezoidIntegral(in, unit);
          break;
        }
        default:
          break;
      }
      before = in.back().second;
      i = j;
    }
  }
  SparseValues sparse;
  for (auto& [t, vec] : pooled) {
    const double v = spec.agg == AggFunction::kStddev
                         ? SampleStddev(vec)
                         : Percentile(vec, spec.agg_param);
    sparse.emplace_back(t, v);
  }
  for (const auto& [t, v] : summed) sparse.emplace_back(t, v);
  return sparse;
}

// Fill: one value per bucket start, gaps filled as the spec says.
ResultSeries Fill(const QuerySpec& spec, const QueryPlan& plan, const Group& g,
                  const SparseValues& sparse) {
  ResultSeries out;
  out.measurement = spec.measurement;
  out.field = g.field;
  out.tags = g.tags;
  out.unit = g.unit;
  out.agg = AggFunctionName(spec.agg, spec.agg_param);
  const std::vector<int64_t> starts(plan.edges.begin(), plan.edges.end() - 1);
  for (auto& [t, v] : ApplyFill(sparse, starts, spec.fill, spec.fill_value)) {
    if (!v) {
      out.values.emplace_back(t, std::nullopt);
    } else if (spec.agg == AggFunction::kCount) {
      out.values.emplace_back(t, engine::Value(static_cast<int64_t>(*v)));
    } else {
      out.values.emplace_back(t, engine::Value(*v));
    }
  }
  return out;
}

}  // namespace

Result<QueryResult> QueryEngine::Run(const QuerySpec& spec,
                                     const QueryGuard* guard) const {
  const auto started = std::chrono::steady_clock::now();
  QueryResult result;
  const RunContext ctx{store_, options_, spec, guard, result.stats};
  CITYNEXUS_ASSIGN_OR_RETURN(auto plan, Plan(*this, ctx));
  result.stats.series = plan.series.size();
  if (spec.agg == AggFunction::kNone) {
    CITYNEXUS_ASSIGN_OR_RETURN(result.series, ReadRaw(ctx, plan));
  } else {
    CITYNEXUS_ASSIGN_OR_RETURN(auto groups, GroupSeries(spec, plan));
    if (groups.size() > options_.max_series) {
      return Status::ResourceExhausted(
          "query returns " + std::to_string(groups.size()) + " series (from " +
          std::to_string(plan.series.size()) +
          " selected); the limit of output series (max_series) is " +
          std::to_string(options_.max_series));
    }
    for (const auto& [group_key, g] : groups) {
      CITYNEXUS_ASSIGN_OR_RETURN(auto sparse,
                                 IsBucketFunction(spec.agg)
                                     ? AggregateBuckets(ctx, plan, g)
                                     : AggregateRaw(ctx, plan, g));
      result.series.push_back(Fill(spec, plan, g, sparse));
    }
  }
  result.stats.elapsed_ms = std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - started)
                                .count();
  return result;
}

}  // namespace citynexus::query
