// SELECT execution: resolves measurements and series, groups series into
// output series by GROUP BY tags, and produces raw rows or bucketed
// aggregates with fill, ordering and limits as InfluxDB 1.x does.
#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "query/bucket_math.h"
#include "query/influxql_condition.h"
#include "query/influxql_exec.h"
#include "query/influxql_reduce.h"
#include "query/influxql_window.h"
#include "query/time_zone.h"

namespace citynexus::query::influxql {
namespace {

using engine::SeriesInfo;

// One selected column.
struct Column {
  std::string name;
  bool is_call = false;
  Fn fn = Fn::kCount;
  double param = 0;  // percentile p, or integral unit in ns
  std::string field;
  std::string cast;     // "field" / "tag" / ""
  bool expand = false;  // fn(*): one column per field, named fn_field
};

// Series of one measurement sharing a tag set (one per field).
struct TagSet {
  TagList tags;
  std::map<std::string, const SeriesInfo*> fields;
};

struct Group {
  std::map<std::string, std::string> tags;
  std::vector<const TagSet*> members;
};

// Column names with InfluxDB's conflict resolution (mean, mean_1, ...).
void ResolveNames(std::vector<Column>& cols,
                  const std::vector<std::string>& aliases) {
  std::map<std::string, int> used;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (!aliases[i].empty()) {
      cols[i].name = aliases[i];
      used[aliases[i]] = 1;
    }
  }
  for (size_t i = 0; i < cols.size(); ++i) {
    if (!aliases[i].empty()) continue;
    std::string name = cols[i].name;
    auto it = used.find(name);
    if (it != used.end()) {
      int count = it->second;
      while (used.count(name + "_" + std::to_string(count)) > 0) ++count;
      it->second = count + 1;
      name = name + "_" + std::to_string(count);
    }
    used[name]++;
    cols[i].name = name;
  }
}

Result<std::vector<Column>> PlanColumns(const SelectStatement& s,
                                        bool* aggregate, bool* wildcard) {
  std::vector<Column> cols;
  std::vector<std::string> aliases;
  bool calls = false, raw = false;
  *wildcard = false;
  for (const auto& f : s.fields) {
    const Expr& e = *f.expr;
    Column c;
    if (e.kind == ExprKind::kWildcard) {
      *wildcard = true;
      raw = true;
      continue;
    }
    if (e.kind == ExprKind::kVarRef) {
      if (e.name == "time") continue;  // time is always column 0
      c.name = e.name;
      c.field = e.name;
      c.cast = e.cast;
      raw = true;
    } else if (e.kind == ExprKind::kCall) {
      auto fn = FnByName(e.name);
      if (!fn) {
        return Status::NotSupported("not supported: function " + e.name + "()");
      }
      c.is_call = true;
      c.fn = *fn;
      c.name = e.name;
      calls = true;
      const size_t want = *fn == Fn::kPercentile ? 2
                          : *fn == Fn::kIntegral ? e.args.size()
                                                 : 1;
      if (e.args.empty() || e.args.size() != want ||
          (*fn == Fn::kIntegral && e.args.size() > 2)) {
        return Status::InvalidArgument("invalid number of arguments for " +
                                       e.name);
      }
      const Expr& arg = *e.args[0];
      if (arg.kind == ExprKind::kRegex) {
        return Status::NotSupported("not supported: " + e.name +
                                    "() over a regex; name the field");
      }
      if (arg.kind == ExprKind::kCall) {
        return Status::NotSupported("not supported: nested function calls");
      }
      if (arg.kind == ExprKind::kWildcard) {
        c.expand = true;
        c.field = "*";
      } else if (arg.kind != ExprKind::kVarRef) {
        return Status::InvalidArgument("expected field argument in " + e.name +
                                       "()");
      }
      c.field = arg.name;
      c.cast = arg.cast;
      if (*fn == Fn::kPercentile) {
        const Expr& p = *e.args[1];
        if (p.kind != ExprKind::kInteger && p.kind != ExprKind::kNumber) {
          return Status::InvalidArgument(
              "expected float argument in percentile()");
        }
        c.param = p.number;
      } else if (*fn == Fn::kIntegral) {
        c.param = 1e9;
        if (e.args.size() == 2) {
          if (e.args[1]->kind != ExprKind::kDuration ||
              e.args[1]->integer <= 0) {
            return Status::InvalidArgument(
                "second argument must be a duration");
          }
          c.param = static_cast<double>(e.args[1]->integer);
        }
      }
    } else if (e.kind == ExprKind::kBinary || e.kind == ExprKind::kParen) {
      return Status::NotSupported("not supported: math in SELECT fields");
    } else {
      return Status::NotSupported("not supported: literals in SELECT fields");
    }
    cols.push_back(std::move(c));
    aliases.push_back(f.alias);
  }
  if (calls && raw) {
    return Status::InvalidArgument(
        "mixing aggregate and non-aggregate queries is not supported");
  }
  if (!calls && !raw) {
    return Status::InvalidArgument("at least 1 non-time field must be queried");
  }
  *aggregate = calls;
  ResolveNames(cols, aliases);
  return cols;
}

// The statement-wide part of a SELECT; the per-group work is in SelectRun.
class SelectRun {
 public:
  SelectRun(engine::Store& store, const QueryOptions& limits,
            const SelectStatement& s)
      : store_(store), limits_(limits), s_(s) {}

  Status Prepare(const ExecContext& ctx) {
    // UTC needs no zone: epoch-aligned buckets and "Z" times are the same.
    if (!s_.tz.empty() && s_.tz != "UTC") {
      auto zone = TimeZone::Load(s_.tz);
      if (!zone) {
        return Status::InvalidArgument("unable to find time zone " + s_.tz);
      }
      zone_ = std::make_shared<const TimeZone>(std::move(*zone));
    }
    windows_ = TimeWindows(s_.interval_ns, s_.interval_offset_ns, zone_);
    for (const auto& src : s_.sources) {
      if (src.database.empty() && ctx.database.empty()) {
        return Status::InvalidArgument("database name required");
      }
    }
    auto cols = PlanColumns(s_, &aggregate_, &wildcard_);
    if (!cols) return cols.error();
    columns_ = std::move(*cols);
    if (!aggregate_ && s_.interval_ns > 0) {
      return Status::InvalidArgument(
          "GROUP BY requires at least one aggregate function");
    }
    CITYNEXUS_RETURN_IF_ERROR(SplitCondition(s_.condition.get(), ctx.now_ns,
                                             &range_, &filters_, zone_.get()));
    // GROUP BY time without an upper bound ends at now(), as in InfluxDB.
    if (aggregate_ && s_.interval_ns > 0 && !range_.has_max()) {
      range_.max_ns = ctx.now_ns;
    }
    return Status::Ok();
  }

  Result<std::vector<std::string>> Measurements() {
    std::set<std::string> names;
    std::vector<SeriesInfo> all;
    bool loaded = false;
    for (const auto& src : s_.sources) {
      if (!src.regex) {
        names.insert(src.name);
        continue;
      }
      auto re = CompileRegex(*src.regex);
      if (!re) return re.error();
      if (!loaded) {
        all = store_.FindSeries({});
        loaded = true;
      }
      for (const auto& si : all) {
        if (std::regex_search(si.key.measurement, **re)) {
          names.insert(si.key.measurement);
        }
      }
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  // The union of fields (with types) and tag keys of `measurements`.
  void CollectSchema(const std::vector<std::string>& measurements) {
    for (const auto& m : measurements) {
      engine::SeriesFilter filter;
      filter.measurement = m;
      for (const auto& si : store_.FindSeries(filter)) {
        all_fields_.emplace(si.key.field, si.type);
        for (const auto& [k, v] : si.key.tags) all_tags_.insert(k);
      }
    }
  }

  // Appends the output series of `measurement` to `out`.
  Status RunMeasurement(const std::string& measurement,
                        std::vector<ResultRows>* out) {
    engine::SeriesFilter filter;
    filter.measurement = measurement;
    series_ = store_.FindSeries(filter);
    std::set<std::string> tag_keys;
    std::set<std::string> field_keys;
    for (const auto& si : series_) {
      for (const auto& [k, v] : si.key.tags) tag_keys.insert(k);
      field_keys.insert(si.key.field);
    }
    auto compiled = RowFilter::Compile(filters_, tag_keys);
    if (!compiled) return compiled.error();
    row_filter_ = std::move(*compiled);

    // SELECT * and fn(*) expand over the fields and tags of all measurements
    // of the statement, as InfluxDB does (absent ones are null).
    std::vector<Column> cols = columns_;
    if (wildcard_) {
      std::set<std::string> grouped(s_.group_tags.begin(), s_.group_tags.end());
      std::set<std::string> names;
      for (const auto& [name, type] : all_fields_) names.insert(name);
      if (!s_.group_all_tags) {
        for (const auto& k : all_tags_) {
          if (grouped.count(k) == 0) names.insert(k);
        }
      }
      cols.clear();
      for (const auto& n : names) {
        Column c;
        c.name = n;
        c.field = n;
        c.cast = all_fields_.count(n) ? "field" : "tag";
        cols.push_back(std::move(c));
      }
    }
    // fn(*) becomes fn_<field> for every field the function accepts.
    const auto& field_types = all_fields_;
    std::vector<Column> expanded;
    for (const auto& c : cols) {
      if (!c.expand) {
        expanded.push_back(c);
        continue;
      }
      for (const auto& [name, type] : field_types) {
        const bool numeric = type == engine::ValueType::kFloat ||
                             type == engine::ValueType::kInt;
        if (!numeric && !AcceptsAnyType(c.fn)) continue;
        Column e = c;
        e.expand = false;
        e.field = name;
        e.cast = "field";
        e.name = c.name + "_" + name;
        expanded.push_back(std::move(e));
      }
    }
    cols = std::move(expanded);
    for (auto& c : cols) {
      if (c.cast.empty()) c.cast = tag_keys.count(c.field) ? "tag" : "field";
      if (c.is_call && c.cast == "tag") {
        return Status::InvalidArgument("cannot aggregate tag " + c.field);
      }
    }
    bool any_field = false;
    for (const auto& c : cols) {
      if (c.cast == "field" && field_keys.count(c.field)) any_field = true;
    }
    if (!any_field) return Status::Ok();  // nothing to return here

    // Tag sets passing the tag-only conditions.
    std::map<std::string, TagSet> tagsets;
    for (const auto& si : series_) {
      std::string key;
      for (const auto& [k, v] : si.key.tags) key += k + "\x1f" + v + "\x1e";
      TagSet& ts = tagsets[key];
      ts.tags = si.key.tags;
      ts.fields[si.key.field] = &si;
    }
    if (tagsets.size() > limits_.max_series) {
      return Status::ResourceExhausted(
          "query selects " + std::to_string(tagsets.size()) +
          " series; the limit (query.max_series) is " +
          std::to_string(limits_.max_series));
    }
    std::map<std::map<std::string, std::string>, Group> groups;
    for (const auto& [key, ts] : tagsets) {
      if (!row_filter_.MatchesTags(ts.tags)) continue;
      std::map<std::string, std::string> gtags;
      if (s_.group_all_tags) {
        for (const auto& k : tag_keys) gtags[k] = "";
      } else {
        for (const auto& k : s_.group_tags) gtags[k] = "";
      }
      for (const auto& [k, v] : ts.tags) {
        auto it = gtags.find(k);
        if (it != gtags.end()) it->second = v;
      }
      Group& g = groups[gtags];
      g.tags = gtags;
      g.members.push_back(&ts);
    }
    // ORDER BY time DESC also reverses the series order, as in InfluxDB.
    std::vector<const Group*> ordered;
    for (const auto& [gtags, g] : groups) ordered.push_back(&g);
    if (s_.descending) std::reverse(ordered.begin(), ordered.end());
    for (const Group* group : ordered) {
      const Group& g = *group;
      if (s_.slimit > 0 && emitted_ >= s_.slimit + s_.soffset) break;
      ResultRows rows;
      rows.name = measurement;
      rows.tags = g.tags;
      rows.time_column = true;
      rows.zone = zone_;
      rows.columns.push_back("time");
      for (const auto& c : cols) rows.columns.push_back(c.name);
      if (aggregate_) {
        CITYNEXUS_RETURN_IF_ERROR(Aggregate(g, cols, &rows));
      } else {
        CITYNEXUS_RETURN_IF_ERROR(Raw(g, cols, &rows));
      }
      if (rows.values.empty()) continue;
      if (emitted_++ < s_.soffset) continue;
      out->push_back(std::move(rows));
    }
    return Status::Ok();
  }

 private:
  Status CountPoints(size_t n) {
    points_read_ += n;
    if (points_read_ > limits_.max_points) {
      return Status::ResourceExhausted(
          "query reads more than " + std::to_string(limits_.max_points) +
          " points; the limit is query.max_points");
    }
    return Status::Ok();
  }

  // Field values of one tag set by timestamp, for the named fields.
  Status LoadRows(const TagSet& ts, const std::vector<std::string>& fields,
                  std::map<int64_t, std::vector<const engine::Value*>>* rows,
                  std::vector<std::vector<engine::Sample>>* storage) {
    storage->assign(fields.size(), {});
    for (size_t i = 0; i < fields.size(); ++i) {
      auto it = ts.fields.find(fields[i]);
      if (it == ts.fields.end()) continue;
      auto& samples = (*storage)[i];
      CITYNEXUS_RETURN_IF_ERROR(store_.Scan(it->second->id, range_.min_ns,
                                            EndExclusive(),
                                            [&](const engine::Sample& p) {
                                              samples.push_back(p);
                                              return true;
                                            }));
      CITYNEXUS_RETURN_IF_ERROR(CountPoints(samples.size()));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      for (const auto& p : (*storage)[i]) {
        auto& row = (*rows)[p.timestamp_ns];
        row.resize(fields.size(), nullptr);
        row[i] = &p.value;
      }
    }
    return Status::Ok();
  }

  int64_t EndExclusive() const {
    return range_.max_ns == INT64_MAX ? INT64_MAX : range_.max_ns + 1;
  }

  bool RowPasses(const TagSet& ts, const std::vector<std::string>& fields,
                 const std::vector<const engine::Value*>& row) const {
    if (row_filter_.empty()) return true;
    FieldLookup lookup = [&](const std::string& name) -> const engine::Value* {
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == name) return row[i];
      }
      return nullptr;
    };
    return row_filter_.MatchesRow(ts.tags, lookup);
  }

  Status Raw(const Group& g, const std::vector<Column>& cols, ResultRows* out) {
    // Fields to read: the selected ones, then those the filter needs.
    std::vector<std::string> fields;
    for (const auto& c : cols) {
      if (c.cast == "field") fields.push_back(c.field);
    }
    const size_t selected = fields.size();
    for (const auto& f : row_filter_.fields()) fields.push_back(f);
    struct Row {
      int64_t t;
      size_t member;
      std::vector<Cell> cells;
    };
    std::vector<Row> rows;
    for (size_t m = 0; m < g.members.size(); ++m) {
      const TagSet& ts = *g.members[m];
      std::map<int64_t, std::vector<const engine::Value*>> by_time;
      std::vector<std::vector<engine::Sample>> storage;
      CITYNEXUS_RETURN_IF_ERROR(LoadRows(ts, fields, &by_time, &storage));
      for (const auto& [t, values] : by_time) {
        bool any = false;
        for (size_t i = 0; i < selected; ++i) any = any || values[i];
        if (!any || !RowPasses(ts, fields, values)) continue;
        Row r{t, m, {}};
        r.cells.push_back(t);
        size_t fi = 0;
        for (const auto& c : cols) {
          if (c.cast == "field") {
            const engine::Value* v = values[fi++];
            r.cells.push_back(
                v ? std::visit([](const auto& x) -> Cell { return x; }, *v)
                  : Cell());
          } else {
            Cell tag;
            for (const auto& [k, v] : ts.tags) {
              if (k == c.field) tag = v;
            }
            r.cells.push_back(std::move(tag));
          }
        }
        rows.push_back(std::move(r));
      }
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row& a, const Row& b) { return a.t < b.t; });
    // Descending is the exact reverse: same-time rows of several series
    // come in reverse series order too, as in InfluxDB.
    if (s_.descending) std::reverse(rows.begin(), rows.end());
    for (size_t i = static_cast<size_t>(s_.offset); i < rows.size(); ++i) {
      if (s_.limit > 0 && out->values.size() >= static_cast<size_t>(s_.limit)) {
        break;
      }
      out->values.push_back(std::move(rows[i].cells));
    }
    return Status::Ok();
  }

  // Points of `field` over the group's members, ascending by time (stable
  // across members), with the row filter applied.
  Status GroupPoints(const Group& g, const std::string& field,
                     std::vector<TimedValue>* points) {
    for (const TagSet* ts : g.members) {
      auto it = ts->fields.find(field);
      if (it == ts->fields.end()) continue;
      if (!row_filter_.uses_fields()) {
        size_t before = points->size();
        CITYNEXUS_RETURN_IF_ERROR(
            store_.Scan(it->second->id, range_.min_ns, EndExclusive(),
                        [&](const engine::Sample& p) {
                          points->push_back({p.timestamp_ns, p.value});
                          return true;
                        }));
        CITYNEXUS_RETURN_IF_ERROR(CountPoints(points->size() - before));
        continue;
      }
      std::vector<std::string> fields{field};
      for (const auto& f : row_filter_.fields()) fields.push_back(f);
      std::map<int64_t, std::vector<const engine::Value*>> by_time;
      std::vector<std::vector<engine::Sample>> storage;
      CITYNEXUS_RETURN_IF_ERROR(LoadRows(*ts, fields, &by_time, &storage));
      for (const auto& [t, values] : by_time) {
        if (values[0] && RowPasses(*ts, fields, values)) {
          points->push_back({t, *values[0]});
        }
      }
    }
    std::stable_sort(points->begin(), points->end(),
                     [](const TimedValue& a, const TimedValue& b) {
                       return a.time_ns < b.time_ns;
                     });
    return Status::Ok();
  }

  Status CheckTypes(const Group& g, const Column& c) const {
    if (AcceptsAnyType(c.fn)) return Status::Ok();
    for (const TagSet* ts : g.members) {
      auto it = ts->fields.find(c.field);
      if (it == ts->fields.end()) continue;
      const auto type = it->second->type;
      if (type != engine::ValueType::kFloat &&
          type != engine::ValueType::kInt) {
        return Status::InvalidArgument(
            "unsupported " + c.name +
            " iterator type: " + std::string(engine::ValueTypeName(type)) +
            " field \"" + c.field + "\"");
      }
    }
    return Status::Ok();
  }

  // Per column: bucket start (or 0) -> reduced value.
  using ColumnValues = std::map<int64_t, Reduced>;

  // GROUP BY time of a function that engine buckets can answer (count sum
  // mean min max first last spread) without field conditions: reads
  // Store::Aggregate, and so rollups, instead of every raw point. Returns
  // false, touching nothing, when the column does not qualify.
  Result<bool> FromEngineBuckets(const Group& g, const Column& c,
                                 ColumnValues* values, int64_t* first_data) {
    const int64_t interval = s_.interval_ns;
    const int64_t offset = s_.interval_offset_ns;
    // Zoned windows are not fixed-length buckets: read raw points instead.
    if (interval <= 0 || row_filter_.uses_fields() || windows_.zoned()) {
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
      if (type != engine::ValueType::kFloat &&
          type != engine::ValueType::kInt) {
        return false;  // count/first/last of strings and booleans
      }
      all_int = all_int && type == engine::ValueType::kInt;
      members.push_back(it->second);
    }
    std::map<int64_t, engine::Bucket> merged;
    for (const SeriesInfo* si : members) {
      int64_t start = range_.min_ns;
      if (!range_.has_min()) {
        std::optional<int64_t> first;
        CITYNEXUS_RETURN_IF_ERROR(store_.Scan(si->id, kMinTime, EndExclusive(),
                                              [&](const engine::Sample& p) {
                                                first = p.timestamp_ns;
                                                return false;
                                              }));
        if (!first) continue;
        start = *first;
      }
      if (start >= EndExclusive()) continue;
      engine::AggregateRequest req{si->id, start, EndExclusive(), interval,
                                   offset};
      engine::AggregateStats stats;
      auto buckets = store_.Aggregate(req, &stats);
      if (!buckets) return buckets.error();
      CITYNEXUS_RETURN_IF_ERROR(CountPoints(stats.points_read));
      for (const auto& b : *buckets) {
        if (b.count == 0) continue;
        engine::Bucket& into =
            merged[BucketStart(b.start_ns, interval, offset)];
        if (into.count == 0) {
          into = b;
          continue;
        }
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

  Status Aggregate(const Group& g, const std::vector<Column>& cols,
                   ResultRows* out) {
    const int64_t interval = s_.interval_ns;
    std::vector<ColumnValues> values(cols.size());
    std::vector<bool> integer_column(cols.size(), false);
    int64_t first_data = INT64_MAX;
    bool any = false;
    for (size_t ci = 0; ci < cols.size(); ++ci) {
      const Column& c = cols[ci];
      CITYNEXUS_RETURN_IF_ERROR(CheckTypes(g, c));
      auto fast = FromEngineBuckets(g, c, &values[ci], &first_data);
      if (!fast) return fast.error();
      if (*fast) {
        any = any || !values[ci].empty();
        for (const auto& [t, r] : values[ci]) {
          if (std::holds_alternative<int64_t>(r.value))
            integer_column[ci] = true;
        }
        continue;
      }
      std::vector<TimedValue> points;
      CITYNEXUS_RETURN_IF_ERROR(GroupPoints(g, c.field, &points));
      if (points.empty()) continue;
      any = true;
      first_data = std::min(first_data, points.front().time_ns);
      if (c.fn == Fn::kIntegral) {
        for (const auto& [t, area] : IntegralByWindow(
                 points, static_cast<int64_t>(c.param), windows_)) {
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
        while (j < points.size() &&
               (interval == 0 || points[j].time_ns < end)) {
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
    auto grid_times =
        windows_.Grid(range_.has_min() ? range_.min_ns : first_data,
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
  Status SingleRows(const std::vector<Column>& cols,
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

  void FillColumn(const Column& c, bool integer,
                  const std::vector<int64_t>& times,
                  const std::vector<bool>& known,
                  std::vector<std::vector<Cell>>* grid, size_t ci) const {
    const size_t n = times.size();
    // A column without any value in this series (its field is absent) stays
    // null: InfluxDB fills per input series, and there is none.
    if (std::find(known.begin(), known.end(), true) == known.end()) return;
    switch (s_.fill) {
      case FillKind::kNone:
        return;
      case FillKind::kNull:
        // count() of an empty bucket is 0, not null.
        if (c.fn == Fn::kCount) {
          for (size_t r = 0; r < n; ++r) {
            if (!known[r]) (*grid)[r][ci] = int64_t{0};
          }
        }
        return;
      case FillKind::kNumber:
        for (size_t r = 0; r < n; ++r) {
          if (known[r]) continue;
          if (integer || c.fn == Fn::kCount) {
            (*grid)[r][ci] = static_cast<int64_t>(s_.fill_value);
          } else {
            (*grid)[r][ci] = s_.fill_value;
          }
        }
        return;
      case FillKind::kPrevious: {
        std::optional<size_t> prev;
        for (size_t r = 0; r < n; ++r) {
          if (known[r]) {
            prev = r;
          } else if (prev) {
            (*grid)[r][ci] = (*grid)[*prev][ci];
          }
        }
        return;
      }
      case FillKind::kLinear: {
        // As InfluxDB: from the previous real value to the next one, in
        // bucket units (time / interval, truncated), m * x + b.
        const int64_t interval = s_.interval_ns;
        auto num = [](const Cell& x) {
          if (const auto* d = std::get_if<double>(&x)) return *d;
          if (const auto* i = std::get_if<int64_t>(&x)) {
            return static_cast<double>(*i);
          }
          return std::nan("");
        };
        std::optional<size_t> prev;
        for (size_t r = 0; r < n; ++r) {
          if (known[r]) {
            prev = r;
            continue;
          }
          if (!prev) continue;
          size_t next = r + 1;
          while (next < n && !known[next]) ++next;
          if (next >= n) break;  // trailing gaps stay null
          const Cell& a = (*grid)[*prev][ci];
          const Cell& b = (*grid)[next][ci];
          const int64_t x0 = times[*prev] / interval;
          const int64_t x1 = times[next] / interval;
          const int64_t x = times[r] / interval;
          const auto* ia = std::get_if<int64_t>(&a);
          const auto* ib = std::get_if<int64_t>(&b);
          if (ia && ib) {
            const double m =
                static_cast<double>(*ib - *ia) / static_cast<double>(x1 - x0);
            (*grid)[r][ci] = static_cast<int64_t>(
                m * static_cast<double>(x - x0) + static_cast<double>(*ia));
          } else {
            const double va = num(a), vb = num(b);
            if (std::isnan(va) || std::isnan(vb)) continue;
            const double m = (vb - va) / static_cast<double>(x1 - x0);
            (*grid)[r][ci] = m * static_cast<double>(x - x0) + va;
          }
        }
        return;
      }
    }
  }

  engine::Store& store_;
  const QueryOptions& limits_;
  const SelectStatement& s_;
  bool aggregate_ = false;
  bool wildcard_ = false;
  std::vector<Column> columns_;
  std::shared_ptr<const TimeZone> zone_;  // tz(); null for UTC
  TimeWindows windows_;
  TimeRange range_;
  std::vector<const Expr*> filters_;
  RowFilter row_filter_;
  std::vector<SeriesInfo> series_;
  std::map<std::string, engine::ValueType> all_fields_;
  std::set<std::string> all_tags_;
  uint64_t points_read_ = 0;
  int64_t emitted_ = 0;  // non-empty output series, for SLIMIT/SOFFSET
};

}  // namespace

Result<std::vector<ResultRows>> Executor::Select(
    const SelectStatement& s, const ExecContext& context) const {
  SelectRun run(store_, limits_, s);
  CITYNEXUS_RETURN_IF_ERROR(run.Prepare(context));
  auto names = run.Measurements();
  if (!names) return names.error();
  run.CollectSchema(*names);
  std::vector<ResultRows> out;
  if (s.descending) std::reverse(names->begin(), names->end());
  for (const auto& m : *names) {
    CITYNEXUS_RETURN_IF_ERROR(run.RunMeasurement(m, &out));
  }
  return out;
}

}  // namespace citynexus::query::influxql
