// Aggregates of a SELECT: per column and time window, from engine buckets
// (rollups) when the function allows it or from raw points otherwise;
// the window grid, ordering and LIMIT/OFFSET of bucket rows, and the rows of
// aggregates without GROUP BY time.
#include <algorithm>
#include <span>

#include "query/bucket_math.h"
#include "query/influxql/select_run.h"

namespace citynexus::query::influxql::detail {

Status SelectRun::CheckTypes(const Group& g, const Column& c) const {
  if (AcceptsAnyType(c.fn)) return Status::Ok();
  for (const TagSet* ts : g.members) {
    auto it = ts->fields.find(c.field);
    if (it == ts->fields.end()) continue;
    const auto type = it->second->type;
    if (type != engine::ValueType::kFloat && type != engine::ValueType::kInt) {
      return Status::InvalidArgument(
          "unsupported " + c.name +
          " iterator type: " + std::string(engine::ValueTypeName(type)) +
          " field \"" + c.field + "\"");
    }
  }
  return Status::Ok();
}

// GROUP BY time of a function that engine buckets can answer (count sum
// mean min max first last spread) without field conditions: reads
// Store::Aggregate, and so rollups, instead of every raw point. Returns
// false, touching nothing, when the column does not qualify.
Result<bool> SelectRun::FromEngineBuckets(const Group& g, const Column& c,
                                          ColumnValues* values,
                                          int64_t* first_data) {
  // Zoned windows are not fixed-length buckets: read raw points instead.
  if (s_.interval_ns <= 0 || row_filter_.uses_fields() || windows_.zoned()) {
    return false;
  }
  switch (c.fn) {
    case Fn::kCount:
    case Fn::kSum:
    case Fn::kMean:
    case Fn::kMin:
    case Fn::kMax:
    case Fn::kFirst:
    case Fn::kLast:
    case Fn::kSpread:
      break;
    default:
      return false;
  }
  std::vector<const SeriesInfo*> members;
  bool all_int = true;
  for (const TagSet* ts : g.members) {
    auto it = ts->fields.find(c.field);
    if (it == ts->fields.end()) continue;
    const auto type = it->second->type;
    if (type != engine::ValueType::kFloat && type != engine::ValueType::kInt) {
      return false;  // count/first/last of strings and booleans
    }
    all_int = all_int && type == engine::ValueType::kInt;
    members.push_back(it->second);
  }
  std::map<int64_t, engine::Bucket> merged;
  CITYNEXUS_RETURN_IF_ERROR(MergeMembers(members, &merged));
  auto typed = [&](double v) -> Cell {
    if (all_int) return static_cast<int64_t>(v);
    return v;
  };
  for (const auto& [t, b] : merged) {
    Cell v;
    switch (c.fn) {
      case Fn::kCount:
        v = static_cast<int64_t>(b.count);
        break;
      case Fn::kSum:
        v = typed(b.sum);
        break;
      case Fn::kMean:
        v = b.sum / static_cast<double>(b.count);
        break;
      case Fn::kMin:
        v = typed(b.min);
        break;
      case Fn::kMax:
        v = typed(b.max);
        break;
      case Fn::kFirst:
        v = typed(b.first);
        break;
      case Fn::kLast:
        v = typed(b.last);
        break;
      default:
        v = typed(b.max - b.min);
        break;
    }
    (*values)[t] = Reduced{0, std::move(v)};
    *first_data = std::min(*first_data, t);
  }
  return true;
}

Result<bool> SelectRun::FromNewestPoints(const Group& g, const Column& c,
                                         ColumnValues* values) {
  if (s_.interval_ns > 0 || c.fn != Fn::kLast || row_filter_.uses_fields()) {
    return false;
  }
  std::optional<TimedValue> newest;
  for (const TagSet* ts : g.members) {
    auto it = ts->fields.find(c.field);
    if (it == ts->fields.end()) continue;
    auto last = store_.Last(it->second->id, range_.min_ns, EndExclusive());
    if (!last) return last.error();
    if (!last->has_value()) continue;
    CITYNEXUS_RETURN_IF_ERROR(CountPoints(1));
    // On equal times the later member wins, as in Reduce without GROUP BY
    // time (InfluxDB 1.6 returns the last series' point).
    if (!newest || (*last)->timestamp_ns >= newest->time_ns) {
      newest = TimedValue{(*last)->timestamp_ns, std::move((*last)->value)};
    }
  }
  if (newest) {
    (*values)[0] = Reduced{newest->time_ns, ToCell(newest->value)};
  }
  return true;
}

Status SelectRun::Aggregate(const Group& g, const std::vector<Column>& cols,
                            ResultRows* out) {
  const int64_t interval = s_.interval_ns;
  std::vector<ColumnValues> values(cols.size());
  std::vector<bool> integer_column(cols.size(), false);
  int64_t first_data = INT64_MAX;
  bool any = false;
  for (size_t ci = 0; ci < cols.size(); ++ci) {
    const Column& c = cols[ci];
    CITYNEXUS_RETURN_IF_ERROR(CheckTypes(g, c));
    auto newest = FromNewestPoints(g, c, &values[ci]);
    if (!newest) return newest.error();
    if (*newest) {
      any = any || !values[ci].empty();
      if (!values[ci].empty() &&
          std::holds_alternative<int64_t>(values[ci].begin()->second.value)) {
        integer_column[ci] = true;
      }
      continue;
    }
    auto fast = FromEngineBuckets(g, c, &values[ci], &first_data);
    if (!fast) return fast.error();
    if (*fast) {
      any = any || !values[ci].empty();
      for (const auto& [t, r] : values[ci]) {
        if (std::holds_alternative<int64_t>(r.value)) integer_column[ci] = true;
      }
      continue;
    }
    std::vector<TimedValue> points;
    CITYNEXUS_RETURN_IF_ERROR(GroupPoints(g, c.field, &points));
    if (points.empty()) continue;
    any = true;
    first_data = std::min(first_data, points.front().time_ns);
    if (c.fn == Fn::kIntegral) {
      for (const auto& [t, area] :
           IntegralByWindow(points, static_cast<int64_t>(c.param), windows_)) {
        values[ci][t] = Reduced{0, area};
      }
      continue;
    }
    size_t i = 0;
    while (i < points.size()) {
      const int64_t t = points[i].time_ns;
      const int64_t b = interval > 0 ? windows_.Start(t) : 0;
      const int64_t end = interval > 0 ? windows_.End(t) : 0;
      size_t j = i;
      while (j < points.size() && (interval == 0 || points[j].time_ns < end)) {
        ++j;
      }
      auto r = Reduce(c.fn, c.param,
                      std::span<const TimedValue>(points).subspan(i, j - i),
                      /*greater_on_tie=*/interval > 0);
      if (r) {
        if (std::holds_alternative<int64_t>(r->value)) {
          integer_column[ci] = true;
        }
        values[ci][b] = std::move(*r);
      }
      i = j;
    }
  }
  if (!any) return Status::Ok();

  if (interval == 0) return SingleRows(cols, values, out);

  // Bucket grid and row times.
  auto grid_times = windows_.Grid(range_.has_min() ? range_.min_ns : first_data,
                                  range_.max_ns, limits_.max_buckets);
  if (!grid_times) return grid_times.error();
  const std::vector<int64_t>& times = *grid_times;

  // Fill, column by column.
  const size_t n = times.size();
  std::vector<std::vector<Cell>> grid(n, std::vector<Cell>(cols.size()));
  std::vector<bool> present(n, false);
  for (size_t ci = 0; ci < cols.size(); ++ci) {
    std::vector<bool> known(n, false);
    for (size_t r = 0; r < n; ++r) {
      auto it = values[ci].find(times[r]);
      if (it == values[ci].end()) continue;
      grid[r][ci] = it->second.value;
      known[r] = true;
      present[r] = true;
    }
    FillColumn(cols[ci], integer_column[ci], times, known, &grid, ci);
  }

  std::vector<size_t> order(n);
  for (size_t r = 0; r < n; ++r) order[r] = s_.descending ? n - 1 - r : r;
  int64_t skipped = 0;
  for (size_t r : order) {
    if (s_.fill == FillKind::kNone && !present[r]) continue;
    if (skipped++ < s_.offset) continue;
    if (s_.limit > 0 && out->values.size() >= static_cast<size_t>(s_.limit)) {
      break;
    }
    std::vector<Cell> row;
    row.push_back(times[r]);
    for (auto& cell : grid[r]) row.push_back(std::move(cell));
    out->values.push_back(std::move(row));
  }
  return Status::Ok();
}

// Rows of an aggregate without GROUP BY time. Each column reports its own
// time, as InfluxDB does: integral() its window start (0), a lone selector
// its point's time, everything else the lower time bound (0 when none).
// Columns with the same time share a row.
Status SelectRun::SingleRows(const std::vector<Column>& cols,
                             const std::vector<ColumnValues>& values,
                             ResultRows* out) const {
  const int64_t lower = range_.has_min() ? range_.min_ns : 0;
  const bool lone_selector = cols.size() == 1 && IsSelector(cols[0].fn);
  std::map<int64_t, std::vector<Cell>> rows;
  for (size_t ci = 0; ci < cols.size(); ++ci) {
    auto it = values[ci].find(0);
    if (it == values[ci].end()) continue;
    int64_t t = lower;
    if (cols[ci].fn == Fn::kIntegral) {
      t = 0;
    } else if (lone_selector) {
      t = it->second.time_ns;
    }
    auto& row = rows[t];
    row.resize(cols.size());
    row[ci] = it->second.value;
  }
  std::vector<std::vector<Cell>> ordered;
  for (auto& [t, cells] : rows) {
    std::vector<Cell> row{t};
    for (auto& c : cells) row.push_back(std::move(c));
    ordered.push_back(std::move(row));
  }
  if (s_.descending) std::reverse(ordered.begin(), ordered.end());
  for (size_t i = static_cast<size_t>(s_.offset); i < ordered.size(); ++i) {
    if (s_.limit > 0 && out->values.size() >= static_cast<size_t>(s_.limit)) {
      break;
    }
    out->values.push_back(std::move(ordered[i]));
  }
  return Status::Ok();
}

}  // namespace citynexus::query::influxql::detail
