// The columns of a SELECT: fields, tags and function calls with their
// arguments, and InfluxDB's output names (mean, mean_1, ...).
#include <map>

#include "query/influxql/select_expr.h"
#include "query/influxql/select_run.h"
#include "query/time_zone.h"

namespace citynexus::query::influxql::detail {

std::vector<std::string> UniqueColumnNames(
    const std::vector<std::string>& derived,
    const std::vector<std::string>& aliases) {
  std::vector<std::string> names(derived.size());
  std::map<std::string, int> used;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!aliases[i].empty()) {
      names[i] = aliases[i];
      used[aliases[i]] = 1;
    }
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (!aliases[i].empty()) continue;
    std::string name = derived[i];
    auto it = used.find(name);
    if (it != used.end()) {
      int count = it->second;
      while (used.count(name + "_" + std::to_string(count)) > 0) ++count;
      it->second = count + 1;
      name = name + "_" + std::to_string(count);
    }
    used[name]++;
    names[i] = std::move(name);
  }
  return names;
}

void CopySeriesScope(const SelectStatement& s, SelectStatement* to) {
  to->sources = s.sources;
  to->condition = s.condition ? CloneExpr(*s.condition) : nullptr;
  to->group_tags = s.group_tags;
  to->group_all_tags = s.group_all_tags;
  to->slimit = s.slimit;
  to->soffset = s.soffset;
  to->tz = s.tz;
}

SelectStatement CloneSelectClauses(const SelectStatement& s) {
  SelectStatement c;
  CopySeriesScope(s, &c);
  c.interval_ns = s.interval_ns;
  c.interval_offset_ns = s.interval_offset_ns;
  c.fill = s.fill;
  c.fill_value = s.fill_value;
  c.fill_value_integer = s.fill_value_integer;
  c.descending = s.descending;
  c.limit = s.limit;
  c.offset = s.offset;
  c.extend_start_ns = s.extend_start_ns;
  return c;
}

Result<TimeRange> StatementTimeRange(const SelectStatement& s, int64_t now_ns) {
  std::unique_ptr<TimeZone> zone;
  if (!s.tz.empty() && s.tz != "UTC") {
    auto z = TimeZone::Load(s.tz);
    if (!z) return Status::InvalidArgument("unable to find time zone " + s.tz);
    zone = std::make_unique<TimeZone>(std::move(*z));
  }
  TimeRange range;
  std::vector<const Expr*> filters;
  CITYNEXUS_RETURN_IF_ERROR(
      SplitCondition(s.condition.get(), now_ns, &range, &filters, zone.get()));
  return range;
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
      if (arg.kind == ExprKind::kCall && *fn == Fn::kCount &&
          arg.name == "distinct" && arg.args.size() == 1 &&
          arg.args[0]->kind == ExprKind::kVarRef) {
        // count(distinct(x)): one aggregate over x's distinct values.
        c.fn = Fn::kCountDistinct;
        c.field = arg.args[0]->name;
        c.cast = arg.args[0]->cast;
        cols.push_back(std::move(c));
        aliases.push_back(f.alias);
        continue;
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
  std::vector<std::string> derived;
  for (const auto& c : cols) derived.push_back(c.name);
  const std::vector<std::string> names = UniqueColumnNames(derived, aliases);
  for (size_t i = 0; i < cols.size(); ++i) cols[i].name = names[i];
  return cols;
}

}  // namespace citynexus::query::influxql::detail
