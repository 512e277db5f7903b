// SHOW and CREATE DATABASE statements, and the per-statement dispatch.
// citynexus has one database, so any database name is accepted and
// SHOW DATABASES lists the requested one.
#include <algorithm>
#include <map>
#include <set>

#include "query/influxql/condition.h"
#include "query/influxql/exec.h"
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
Result<std::set<std::string>> ResolveSources(
    const std::vector<Source>& sources, const std::vector<SeriesInfo>& all) {
  std::set<std::string> names;
  if (sources.empty()) {
    for (const auto& s : all) names.insert(s.key.measurement);
    return names;
  }
  std::set<std::string> existing;
  for (const auto& s : all) existing.insert(s.key.measurement);
  for (const auto& src : sources) {
    if (!src.regex) {
      if (existing.count(src.name)) names.insert(src.name);
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

  const std::vector<SeriesInfo> all = store_.FindSeries({});
  auto names = ResolveSources(s.sources, all);
  if (!names) return names.error();
  // Names of measurements the caller may not read never appear (issue #10).
  std::erase_if(*names, [&](const std::string& m) {
    return !context.access->CanRead(m);
  });

  // Tag keys per measurement, for classifying WHERE names.
  std::map<std::string, std::set<std::string>> tag_keys;
  for (const auto& si : all) {
    auto& keys = tag_keys[si.key.measurement];
    for (const auto& [k, v] : si.key.tags) keys.insert(k);
  }
  std::vector<const Expr*> filters;
  if (s.condition) {
    TimeRange ignored;  // time conditions do not narrow metadata here
    CITYNEXUS_RETURN_IF_ERROR(
        SplitCondition(s.condition.get(), context.now_ns, &ignored, &filters));
  }
  std::map<std::string, RowFilter> row_filters;
  for (const auto& [m, keys] : tag_keys) {
    auto f = RowFilter::Compile(filters, keys, /*only_tags=*/true);
    if (!f) return f.error();
    row_filters.emplace(m, std::move(*f));
  }
  // The series of the selected measurements that pass WHERE, sorted by key.
  std::map<std::string, std::vector<const SeriesInfo*>> by_measurement;
  for (const auto& si : all) {
    if (names->count(si.key.measurement) == 0) continue;
    if (!row_filters.at(si.key.measurement).MatchesTags(si.key.tags)) continue;
    by_measurement[si.key.measurement].push_back(&si);
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
      std::shared_ptr<const Regex> key_re;
      if (!s.key_regex.empty()) {
        auto compiled = CompileRegex(s.key_regex);
        if (!compiled) return compiled.error();
        key_re = *compiled;
      }
      auto key_selected = [&](const std::string& k) {
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
      for (const auto& [m, series] : by_measurement) {
        ResultRows r;
        r.name = m;
        if (s.kind == ShowKind::kTagKeys) {
          r.columns = {"tagKey"};
          std::set<std::string> keys;
          for (const auto* si : series) {
            for (const auto& [k, v] : si->key.tags) keys.insert(k);
          }
          for (const auto& k : keys) r.values.push_back({k});
        } else if (s.kind == ShowKind::kFieldKeys) {
          r.columns = {"fieldKey", "fieldType"};
          std::map<std::string, std::string> fields;
          for (const auto* si : series) {
            fields.emplace(si->key.field,
                           std::string(engine::ValueTypeName(si->type)));
          }
          for (const auto& [f, type] : fields) r.values.push_back({f, type});
        } else {
          r.columns = {"key", "value"};
          std::set<std::pair<std::string, std::string>> pairs;
          for (const auto* si : series) {
            for (const auto& [k, v] : si->key.tags) {
              if (key_selected(k)) pairs.emplace(k, v);
            }
          }
          for (const auto& [k, v] : pairs) r.values.push_back({k, v});
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
      for (const auto& [m, series] : by_measurement) {
        for (const auto* si : series) {
          std::string key = Escape(m, true);
          for (const auto& [k, v] : si->key.tags) {
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

StatementResult Executor::Execute(const Statement& statement,
                                  const ExecContext& context) const {
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
