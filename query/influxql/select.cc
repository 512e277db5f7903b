// SELECT execution: resolves measurements and series, groups series into
// output series by GROUP BY tags, and produces raw rows or bucketed
// aggregates with fill, ordering and limits as InfluxDB 1.x does. See
// select_run.h for how the work is split into files.
#include <algorithm>
#include <set>

#include "query/influxql/exec.h"
#include "query/influxql/select_expr.h"
#include "query/influxql/select_run.h"
#include "query/influxql/series_matchers.h"

namespace citynexus::query::influxql {
namespace detail {

Status SelectRun::Prepare(const ExecContext& ctx) {
  workers_ = ctx.workers;
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
  if (s_.extend_start_ns > 0 && range_.has_min()) {
    // Saturating: a lower bound near the start of time stays in range.
    range_.min_ns = range_.min_ns > kMinTime + s_.extend_start_ns
                        ? range_.min_ns - s_.extend_start_ns
                        : kMinTime;
  }
  // GROUP BY time without an upper bound ends at now(), as in InfluxDB.
  if (aggregate_ && s_.interval_ns > 0 && !range_.has_max()) {
    range_.max_ns = ctx.now_ns;
  }
  return Status::Ok();
}

Result<std::vector<std::string>> SelectRun::Measurements() {
  std::set<std::string> names;
  std::vector<std::string> all;
  bool loaded = false;
  for (const auto& src : s_.sources) {
    if (!src.regex) {
      names.insert(src.name);
      continue;
    }
    auto re = CompileRegex(*src.regex);
    if (!re) return re.error();
    if (!loaded) {
      all = store_.MeasurementNames();
      loaded = true;
    }
    for (const auto& m : all) {
      if ((*re)->Search(m)) names.insert(m);
    }
  }
  return std::vector<std::string>(names.begin(), names.end());
}

// Tag keys and fields (with types) of `measurement`, from the catalog index.
Result<const engine::SeriesSummary*> SelectRun::SchemaOf(
    const std::string& measurement) {
  auto it = schemas_.find(measurement);
  if (it == schemas_.end()) {
    engine::SeriesFilter filter;
    filter.measurement = measurement;
    auto summary = store_.SummarizeSeries(filter, nullptr);
    if (!summary) return summary.error();
    it = schemas_.emplace(measurement, std::move(*summary)).first;
  }
  return &it->second;
}

Status SelectRun::CollectSchema(const std::vector<std::string>& measurements) {
  for (const auto& m : measurements) {
    auto schema = SchemaOf(m);
    if (!schema) return schema.error();
    for (const auto& [field, type] : (*schema)->fields) {
      all_fields_.emplace(field, type);
    }
    for (const auto& [k, values] : (*schema)->tags) all_tags_.insert(k);
  }
  return Status::Ok();
}

// Appends the output series of `measurement` to `out`.
Status SelectRun::RunMeasurement(const std::string& measurement,
                                 std::vector<ResultRows>* out) {
  auto schema = SchemaOf(measurement);
  if (!schema) return schema.error();
  std::set<std::string> tag_keys;
  std::set<std::string> field_keys;
  for (const auto& [k, values] : (*schema)->tags) tag_keys.insert(k);
  for (const auto& [f, type] : (*schema)->fields) field_keys.insert(f);
  // The tag conditions of WHERE select the series through the catalog's
  // inverted index; the row filter below still checks every condition.
  bool complete = false;
  auto matchers =
      TagMatchersOf(filters_, tag_keys, /*only_tags=*/false, &complete);
  if (!matchers) return matchers.error();
  engine::SeriesFilter filter;
  filter.measurement = measurement;
  filter.matchers = std::move(*matchers);
  series_ = store_.FindSeries(filter);
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
      const bool numeric =
          type == engine::ValueType::kFloat || type == engine::ValueType::kInt;
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

  // Tag sets passing the tag-only conditions (checked per series first, so
  // a selective WHERE builds only the tag sets it needs).
  std::map<std::string, TagSet> tagsets;
  for (const auto& si : series_) {
    if (!row_filter_.MatchesTags(si.key.tags)) continue;
    std::string key;
    for (const auto& [k, v] : si.key.tags) key += k + "\x1f" + v + "\x1e";
    TagSet& ts = tagsets[key];
    ts.tags = si.key.tags;
    ts.fields[si.key.field] = &si;
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
  // query.max_series bounds the output series (and so the rows and memory
  // of the answer), not the input: an aggregate over 100k series grouped by
  // district has one output series per district, and reads its members one
  // at a time (FromEngineBuckets merges each into the group's buckets).
  if (groups.size() > limits_.max_series) {
    return Status::ResourceExhausted(
        "query returns " + std::to_string(groups.size()) + " series (from " +
        std::to_string(tagsets.size()) +
        " selected); the limit of output series (query.max_series) is " +
        std::to_string(limits_.max_series) +
        ": narrow WHERE or GROUP BY fewer tags");
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

// A SELECT of fields, tags and plain aggregates. Every other form (math,
// transformations, multi-point selectors, subqueries) ends here, so this is
// where a named measurement the caller may not read is refused; FROM /regex/
// only expands to readable measurements (Measurements()).
Result<std::vector<ResultRows>> RunPlainSelect(engine::Store& store,
                                               const QueryOptions& limits,
                                               const SelectStatement& s,
                                               const ExecContext& context) {
  for (const auto& src : s.sources) {
    if (!src.regex && !src.subquery && !context.access->CanRead(src.name)) {
      return context.access->DenyStatus("read on measurement \"" + src.name +
                                        "\"");
    }
  }
  SelectRun run(store, limits, s, context.guard);
  CITYNEXUS_RETURN_IF_ERROR(run.Prepare(context));
  auto names = run.Measurements();
  if (!names) return names.error();
  // FROM /regex/ expands to readable measurements only (issue #10).
  std::erase_if(*names, [&](const std::string& m) {
    return !context.access->CanRead(m);
  });
  CITYNEXUS_RETURN_IF_ERROR(run.CollectSchema(*names));
  std::vector<ResultRows> out;
  if (s.descending) std::reverse(names->begin(), names->end());
  for (const auto& m : *names) {
    CITYNEXUS_RETURN_IF_ERROR(run.RunMeasurement(m, &out));
  }
  return out;
}

}  // namespace detail

Result<std::vector<ResultRows>> Executor::Select(
    const SelectStatement& s, const ExecContext& context) const {
  if (detail::HasSubquery(s)) {
    return detail::SelectFromSubquery(
        s, context,
        [&](const SelectStatement& inner) { return Select(inner, context); },
        [&](engine::Store& answer, const SelectStatement& outer) {
          return Executor(answer, limits_).Select(outer, context);
        });
  }
  const detail::PlainSelect plain = [&](const SelectStatement& inner) {
    return detail::RunPlainSelect(store_, limits_, inner, context);
  };
  if (detail::IsMultiPointSelect(s)) {
    return detail::SelectMultiPoint(s, context, plain);
  }
  if (detail::NeedsExpressionLayer(s)) {
    return detail::SelectWithExpressions(s, context, plain);
  }
  return detail::RunPlainSelect(store_, limits_, s, context);
}
}  // namespace citynexus::query::influxql
