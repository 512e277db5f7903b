// SHOW and CREATE DATABASE statements, and the per-statement dispatch.
// citynexus has one database, so any database name is accepted and
// SHOW DATABASES lists the requested one.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "query/influxql/condition.h"
#include "query/influxql/exec.h"
#include "query/influxql/series_matchers.h"
#include "query/influxql/show_cardinality.h"
#include "query/influxql/show_retention.h"

namespace citynexus::query::influxql {
namespace {

using engine::SeriesInfo;

// Line protocol escaping of a measurement or tag key/value in SHOW SERIES.
std::string Escape(const std::string& s, bool measurement) {
  std::string out;
  for (char c : s) {
    if (c == ',' || c == ' ' || (!measurement && c == '=')) out += '\\';
    out += c;
  }
  return out;
}

// The measurements named by `sources` (all when empty), sorted.
// `existing`: the measurements with series, sorted.
Result<std::set<std::string>> ResolveSources(
    const std::vector<Source>& sources,
    const std::vector<std::string>& existing) {
  std::set<std::string> names;
  if (sources.empty()) {
    names.insert(existing.begin(), existing.end());
    return names;
  }
  for (const auto& src : sources) {
    if (!src.regex) {
      if (std::binary_search(existing.begin(), existing.end(), src.name)) {
        names.insert(src.name);
      }
      continue;
    }
    auto re = CompileRegex(*src.regex);
    if (!re) return re.error();
    for (const auto& m : existing) {
      if ((*re)->Search(m)) names.insert(m);
    }
  }
  return names;
}

// What a SHOW statement needs of one measurement, over the series that
// pass WHERE: tag keys with the values of the selected keys, fields, and
// (SHOW SERIES only) the series themselves.
struct MeasurementView {
  uint64_t series = 0;
  std::map<std::string, std::vector<std::string>> tags;
  std::map<std::string, engine::ValueType> fields;
  std::vector<SeriesInfo> listed;  // SHOW SERIES
};

// Answers from the catalog's inverted index when every WHERE condition is a
// plain tag condition; otherwise reads the series the tag conditions
// select and checks the whole WHERE on each (as before the index).
Result<MeasurementView> Describe(
    engine::Store& store, const std::string& measurement,
    const std::vector<const Expr*>& filters, bool list_series,
    const std::function<bool(std::string_view)>& values_of) {
  engine::SeriesFilter filter;
  filter.measurement = measurement;
  std::set<std::string> no_keys;  // only_tags: every name is a tag
  bool complete = false;
  auto matchers =
      TagMatchersOf(filters, no_keys, /*only_tags=*/true, &complete);
  if (!matchers) return matchers.error();
  filter.matchers = std::move(*matchers);
  MeasurementView view;
  if (complete && !list_series) {
    auto summary = store.SummarizeSeries(filter, values_of);
    if (!summary) return summary.error();
    view.series = summary->series;
    view.tags = std::move(summary->tags);
    view.fields = std::move(summary->fields);
    return view;
  }
  auto row_filter = RowFilter::Compile(filters, no_keys, /*only_tags=*/true);
  if (!row_filter) return row_filter.error();
  std::map<std::string, std::set<std::string>> values;
  for (SeriesInfo& si : store.FindSeries(filter)) {
    if (!row_filter->MatchesTags(si.key.tags)) continue;
    ++view.series;
    view.fields.emplace(si.key.field, si.type);
    for (const auto& [k, v] : si.key.tags) {
      auto& set = values[k];
      if (values_of && values_of(k)) set.insert(v);
    }
    if (list_series) view.listed.push_back(std::move(si));
  }
  for (auto& [k, set] : values) {
    view.tags[k] = std::vector<std::string>(set.begin(), set.end());
  }
  return view;
}

void ApplyLimit(std::vector<std::vector<Cell>>* values, int64_t limit,
                int64_t offset) {
  if (offset > 0) {
    const size_t n = std::min(values->size(), static_cast<size_t>(offset));
    values->erase(values->begin(), values->begin() + static_cast<long>(n));
  }
  if (limit > 0 && values->size() > static_cast<size_t>(limit)) {
    values->resize(static_cast<size_t>(limit));
  }
}

}  // namespace

Result<std::vector<ResultRows>> Executor::Show(
    const ShowStatement& s, const ExecContext& context) const {
  std::vector<ResultRows> out;
  const std::string db =
      !s.on_database.empty() ? s.on_database : context.database;
  if (s.kind == ShowKind::kDatabases) {
    ResultRows r;
    r.name = "databases";
    r.columns = {"name"};
    r.values.push_back({db.empty() ? std::string("citynexus") : db});
    out.push_back(std::move(r));
    return out;
  }
  if (db.empty()) return Status::InvalidArgument("database name required");
  if (s.kind == ShowKind::kRetentionPolicies) {
    out.push_back(detail::RetentionPolicyRows(limits_.retention_duration));
    return out;
  }

  auto names = ResolveSources(s.sources, store_.MeasurementNames());
  if (!names) return names.error();
  // Names of measurements the caller may not read never appear (issue #10).
  std::erase_if(*names, [&](const std::string& m) {
    return !context.access->CanRead(m);
  });

  std::vector<const Expr*> filters;
  if (s.condition) {
    TimeRange ignored;  // time conditions do not narrow metadata here
    CITYNEXUS_RETURN_IF_ERROR(
        SplitCondition(s.condition.get(), context.now_ns, &ignored, &filters));
  }
  std::shared_ptr<const Regex> key_re;
  if (!s.key_regex.empty()) {
    auto compiled = CompileRegex(s.key_regex);
    if (!compiled) return compiled.error();
    key_re = *compiled;
  }
  auto key_selected = [&](std::string_view key) {
    const std::string k(key);
    switch (s.key_op) {
      case BinaryOp::kEqRegex:
        return key_re->Search(k);
      case BinaryOp::kNeqRegex:
        return !key_re->Search(k);
      case BinaryOp::kNeq:
        return std::find(s.keys.begin(), s.keys.end(), k) == s.keys.end();
      default:
        return std::find(s.keys.begin(), s.keys.end(), k) != s.keys.end();
    }
  };
  std::function<bool(std::string_view)> values_of;
  if (s.kind == ShowKind::kTagValues) values_of = key_selected;
  // The selected measurements with series passing WHERE, by name.
  std::map<std::string, MeasurementView> by_measurement;
  for (const auto& m : *names) {
    auto view =
        Describe(store_, m, filters, s.kind == ShowKind::kSeries, values_of);
    if (!view) return view.error();
    if (view->series > 0) by_measurement.emplace(m, std::move(*view));
  }

  switch (s.kind) {
    case ShowKind::kMeasurements: {
      std::shared_ptr<const Regex> re;
      if (s.measurement_regex) {
        auto compiled = CompileRegex(*s.measurement_regex);
        if (!compiled) return compiled.error();
        re = *compiled;
      }
      ResultRows r;
      r.name = "measurements";
      r.columns = {"name"};
      for (const auto& [m, series] : by_measurement) {
        if (s.measurement_equals && m != *s.measurement_equals) continue;
        if (re && !re->Search(m)) continue;
        r.values.push_back({m});
      }
      ApplyLimit(&r.values, s.limit, s.offset);
      if (!r.values.empty()) out.push_back(std::move(r));
      return out;
    }
    case ShowKind::kTagKeys:
    case ShowKind::kFieldKeys:
    case ShowKind::kTagValues: {
      for (const auto& [m, view] : by_measurement) {
        ResultRows r;
        r.name = m;
        if (s.kind == ShowKind::kTagKeys) {
          r.columns = {"tagKey"};
          for (const auto& [k, values] : view.tags) r.values.push_back({k});
        } else if (s.kind == ShowKind::kFieldKeys) {
          r.columns = {"fieldKey", "fieldType"};
          for (const auto& [f, type] : view.fields) {
            r.values.push_back({f, std::string(engine::ValueTypeName(type))});
          }
        } else {
          r.columns = {"key", "value"};
          for (const auto& [k, values] : view.tags) {
            if (!key_selected(k)) continue;
            for (const auto& v : values) r.values.push_back({k, v});
          }
        }
        ApplyLimit(&r.values, s.limit, s.offset);
        if (!r.values.empty()) out.push_back(std::move(r));
      }
      return out;
    }
    case ShowKind::kSeries: {
      ResultRows r;
      r.columns = {"key"};
      std::set<std::string> keys;
      for (const auto& [m, view] : by_measurement) {
        for (const auto& si : view.listed) {
          std::string key = Escape(m, true);
          for (const auto& [k, v] : si.key.tags) {
            key += "," + Escape(k, false) + "=" + Escape(v, false);
          }
          keys.insert(key);
        }
      }
      for (const auto& k : keys) r.values.push_back({k});
      ApplyLimit(&r.values, s.limit, s.offset);
      if (!r.values.empty()) out.push_back(std::move(r));
      return out;
    }
    default:
      break;
  }
  return out;
}

Executor::Executor(engine::Store& store, QueryOptions limits)
    : store_(store), limits_(limits) {
  const size_t threads = QueryWorkers::Resolve(limits_.parallelism);
  if (threads > 1) workers_ = std::make_shared<QueryWorkers>(threads - 1);
}

StatementResult Executor::Execute(const Statement& statement,
                                  const ExecContext& given) const {
  ExecContext context = given;
  if (context.workers == nullptr) context.workers = workers_.get();
  StatementResult result;
  if (context.guard != nullptr) {
    if (Status st = context.guard->Check(); !st.ok()) {
      result.error = st.message();
      return result;
    }
  }
  Result<std::vector<ResultRows>> rows = std::vector<ResultRows>{};
  if (const auto* select = std::get_if<SelectStatement>(&statement)) {
    rows = Select(*select, context);
  } else if (const auto* show = std::get_if<ShowStatement>(&statement)) {
    rows = Show(*show, context);
    if (rows && show->cardinality) {
      rows = detail::CountCardinality(*show, std::move(*rows));
    }
  } else if (const auto* unsupported =
                 std::get_if<UnsupportedStatement>(&statement)) {
    result.error = unsupported->reason;
    return result;
  }
  // CREATE DATABASE: one database always exists; accepted as a no-op.
  if (!rows) {
    result.error = rows.error().message();
    result.code = rows.error().code();
    return result;
  }
  result.series = std::move(*rows);
  return result;
}

}  // namespace citynexus::query::influxql
