// The expression layer of SELECT (see select_expr.h): plans the leaves of
// the fields into an inner plain SELECT, then evaluates arithmetic, math
// functions (math_ops.cc) and transformations over its rows. A field is
// named after its alias, its call, or the names of the fields and calls of
// its expression joined by "_" (`max_min`), as InfluxDB names it.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "query/influxql/condition.h"
#include "query/influxql/reduce.h"
#include "query/influxql/select_expr.h"
#include "query/time_zone.h"

namespace citynexus::query::influxql::detail {
namespace {

bool IsHoltWinters(std::string_view name) {
  return name == "holt_winters" || name == "holt_winters_with_fit";
}

struct TransformCall {
  Transform kind = Transform::kDerivative;
  int64_t param = 0;
  size_t leaf = 0;  // inner column (0-based, after time)
};

struct Plan {
  std::vector<const Expr*> leaves;  // the inner SELECT's fields, in order
  std::map<const Expr*, size_t> leaf_of;
  std::map<const Expr*, TransformCall> transforms;
  bool aggregate = false;
  bool raw = false;
  bool extend = false;  // widen the inner range by one interval
};

size_t AddLeaf(const Expr& e, Plan* p) {
  const size_t i = p->leaves.size();
  p->leaves.push_back(&e);
  p->leaf_of[&e] = i;
  return i;
}

Result<int64_t> PositiveDuration(const Expr& e, std::string_view fn) {
  if (e.kind != ExprKind::kDuration) {
    return Status::InvalidArgument(
        "second argument to " + std::string(fn) + " must be a duration, got " +
        (e.kind == ExprKind::kInteger ? "integer" : "other"));
  }
  if (e.integer <= 0) {
    return Status::InvalidArgument("duration argument must be positive");
  }
  return e.integer;
}

Status AnalyzeTransform(const Expr& e, Transform t, const SelectStatement& s,
                        Plan* p) {
  const bool takes_unit = t == Transform::kDerivative ||
                          t == Transform::kNonNegativeDerivative ||
                          t == Transform::kElapsed;
  const size_t min_args = t == Transform::kMovingAverage ? 2 : 1;
  const size_t max_args = takes_unit || t == Transform::kMovingAverage ? 2 : 1;
  if (e.args.size() < min_args || e.args.size() > max_args) {
    return Status::InvalidArgument(
        "invalid number of arguments for " + e.name + ", expected " +
        std::to_string(min_args) +
        (min_args == max_args ? "" : " or " + std::to_string(max_args)) +
        ", got " + std::to_string(e.args.size()));
  }
  const Expr& arg = *e.args[0];
  TransformCall call;
  call.kind = t;
  if (arg.kind == ExprKind::kCall) {
    if (!FnByName(arg.name)) {
      if (TransformByName(arg.name) || MathArity(arg.name)) {
        return Status::InvalidArgument("expected an aggregate inside " +
                                       e.name + "(), got " + arg.name + "()");
      }
      return Status::NotSupported("not supported: function " + arg.name + "()");
    }
    if (s.interval_ns <= 0) {
      return Status::InvalidArgument(e.name +
                                     " aggregate requires a GROUP BY interval");
    }
    call.leaf = AddLeaf(arg, p);
    p->aggregate = true;
  } else if (arg.kind == ExprKind::kVarRef) {
    if (s.interval_ns > 0) {
      return Status::InvalidArgument(
          "aggregate function required inside the call to " + e.name);
    }
    call.leaf = AddLeaf(arg, p);
    p->raw = true;
  } else {
    return Status::InvalidArgument("expected field argument in " + e.name +
                                   "()");
  }
  if (t == Transform::kMovingAverage) {
    const Expr& n = *e.args[1];
    if (n.kind != ExprKind::kInteger) {
      return Status::InvalidArgument(
          "second argument for moving_average must be an integer");
    }
    if (n.integer <= 1) {
      return Status::InvalidArgument(
          "moving_average window must be greater than 1, got " +
          std::to_string(n.integer));
    }
    call.param = n.integer;
  } else if (takes_unit) {
    if (e.args.size() == 2) {
      auto unit = PositiveDuration(*e.args[1], e.name);
      if (!unit) return unit.error();
      call.param = *unit;
    } else if (t == Transform::kElapsed) {
      call.param = 1;  // nanoseconds
    } else {
      call.param = s.interval_ns > 0 ? s.interval_ns : 1'000'000'000;
    }
  }
  if (s.interval_ns > 0 && ExtendsStart(t)) p->extend = true;
  p->transforms[&e] = call;
  return Status::Ok();
}

Status Analyze(const Expr& e, const SelectStatement& s, Plan* p) {
  switch (e.kind) {
    case ExprKind::kNumber:
    case ExprKind::kInteger:
      return Status::Ok();
    case ExprKind::kParen:
      return Analyze(*e.lhs, s, p);
    case ExprKind::kVarRef:
      if (e.name == "time") {
        return Status::InvalidArgument("cannot use time in an expression");
      }
      AddLeaf(e, p);
      p->raw = true;
      return Status::Ok();
    case ExprKind::kBinary:
      switch (e.op) {
        case BinaryOp::kAdd:
        case BinaryOp::kSub:
        case BinaryOp::kMul:
        case BinaryOp::kDiv:
        case BinaryOp::kMod:
          break;
        default:
          return Status::NotSupported(
              "not supported: comparisons and logic in SELECT fields");
      }
      CITYNEXUS_RETURN_IF_ERROR(Analyze(*e.lhs, s, p));
      return Analyze(*e.rhs, s, p);
    case ExprKind::kCall: {
      if (auto arity = MathArity(e.name)) {
        if (e.args.size() != *arity) {
          return Status::InvalidArgument("invalid number of arguments for " +
                                         e.name + ", expected " +
                                         std::to_string(*arity) + ", got " +
                                         std::to_string(e.args.size()));
        }
        for (const auto& a : e.args) {
          CITYNEXUS_RETURN_IF_ERROR(Analyze(*a, s, p));
        }
        return Status::Ok();
      }
      if (auto t = TransformByName(e.name)) {
        return AnalyzeTransform(e, *t, s, p);
      }
      if (IsHoltWinters(e.name)) {
        return Status::NotSupported("not supported: function " + e.name + "()");
      }
      if (FnByName(e.name)) {
        AddLeaf(e, p);
        p->aggregate = true;
        return Status::Ok();
      }
      return Status::NotSupported("not supported: function " + e.name + "()");
    }
    default:
      return Status::NotSupported(
          "not supported: this literal or wildcard inside a SELECT "
          "expression");
  }
}

// Field::Name() of InfluxDB: alias, call name, varref, or the names of the
// varrefs and calls of a binary expression joined by "_".
void NameParts(const Expr& e, std::vector<std::string>* parts) {
  switch (e.kind) {
    case ExprKind::kVarRef:
    case ExprKind::kCall:
      parts->push_back(e.name);
      return;
    case ExprKind::kParen:
      NameParts(*e.lhs, parts);
      return;
    case ExprKind::kBinary:
      NameParts(*e.lhs, parts);
      NameParts(*e.rhs, parts);
      return;
    default:
      return;
  }
}

std::string FieldName(const SelectField& f) {
  if (!f.alias.empty()) return f.alias;
  const Expr* e = f.expr.get();
  while (e->kind == ExprKind::kParen) e = e->lhs.get();
  if (e->kind == ExprKind::kCall || e->kind == ExprKind::kVarRef) {
    return e->name;
  }
  std::vector<std::string> parts;
  NameParts(*e, &parts);
  std::string name;
  for (const auto& part : parts) {
    if (!name.empty()) name += "_";
    name += part;
  }
  return name;
}

// InfluxDB's conflict resolution: later duplicates become name_1, name_2.
std::vector<std::string> ResolveNames(
    const std::vector<const SelectField*>& fields) {
  std::vector<std::string> derived(fields.size());
  std::vector<std::string> aliases(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    aliases[i] = fields[i]->alias;
    // Only unaliased fields need a derived name.
    if (aliases[i].empty()) derived[i] = FieldName(*fields[i]);
  }
  return UniqueColumnNames(derived, aliases);
}

bool IsNumber(const Cell& c) {
  return std::holds_alternative<double>(c) ||
         std::holds_alternative<int64_t>(c);
}

// Values of one output series' transformations at one time.
using TransformedAt = std::map<const Expr*, Cell>;

Cell Eval(const Expr& e, const Plan& p, const std::vector<Cell>* row,
          const TransformedAt& transformed) {
  switch (e.kind) {
    case ExprKind::kNumber:
      return e.number;
    case ExprKind::kInteger:
      return e.integer;
    case ExprKind::kParen:
      return Eval(*e.lhs, p, row, transformed);
    case ExprKind::kBinary:
      return Arithmetic(e.op, Eval(*e.lhs, p, row, transformed),
                        Eval(*e.rhs, p, row, transformed));
    default:
      break;
  }
  if (p.transforms.count(&e)) {
    auto it = transformed.find(&e);
    return it == transformed.end() ? Cell() : it->second;
  }
  if (auto it = p.leaf_of.find(&e); it != p.leaf_of.end()) {
    if (row == nullptr) return std::monostate{};
    return (*row)[it->second + 1];
  }
  if (e.kind == ExprKind::kCall) {
    std::vector<Cell> args;
    for (const auto& a : e.args) args.push_back(Eval(*a, p, row, transformed));
    return MathCall(e.name, args);
  }
  return std::monostate{};
}

// The transformation calls of one field expression.
void TransformsIn(const Expr& e, const Plan& p, std::vector<const Expr*>* out) {
  if (p.transforms.count(&e)) {
    out->push_back(&e);
    return;
  }
  if (e.lhs) TransformsIn(*e.lhs, p, out);
  if (e.rhs) TransformsIn(*e.rhs, p, out);
  for (const auto& a : e.args) TransformsIn(*a, p, out);
}

// The output rows of one inner series.
ResultRows EvaluateSeries(const SelectStatement& s, const Plan& p,
                          const std::vector<const SelectField*>& fields,
                          const std::vector<std::vector<const Expr*>>& field_tr,
                          int64_t cutoff_ns, ResultRows in) {
  ResultRows out;
  out.name = std::move(in.name);
  out.tags = std::move(in.tags);
  out.time_column = in.time_column;
  out.zone = in.zone;
  std::vector<std::vector<Cell>> rows;
  const TransformedAt none;
  auto time_of = [](const std::vector<Cell>& r) {
    return std::get<int64_t>(r[0]);
  };
  if (p.transforms.empty()) {
    for (const auto& r : in.values) {
      if (time_of(r) < cutoff_ns) continue;
      std::vector<Cell> row{r[0]};
      for (const SelectField* f : fields) {
        row.push_back(Eval(*f->expr, p, &r, none));
      }
      rows.push_back(std::move(row));
    }
  } else {
    // Each transformation over the non-null values of its leaf column.
    std::map<const Expr*, std::map<int64_t, Cell>> emitted;
    for (const auto& [call, tc] : p.transforms) {
      std::vector<TimedCell> points;
      for (const auto& r : in.values) {
        const Cell& v = r[tc.leaf + 1];
        if (IsNumber(v)) points.push_back({time_of(r), v});
      }
      auto& by_time = emitted[call];
      for (auto& tv :
           ApplyTransform(tc.kind, tc.param, points, !s.descending)) {
        by_time.emplace(tv.time_ns, std::move(tv.value));
      }
    }
    std::map<int64_t, const std::vector<Cell>*> row_at;
    for (const auto& r : in.values) row_at.emplace(time_of(r), &r);
    // Row times: where a field's transformation emitted, or every inner row
    // for fields without one.
    std::set<int64_t> times;
    for (size_t fi = 0; fi < fields.size(); ++fi) {
      if (field_tr[fi].empty()) {
        for (const auto& [t, r] : row_at) times.insert(t);
        continue;
      }
      for (const auto& [t, v] : emitted[field_tr[fi].front()]) times.insert(t);
    }
    for (int64_t t : times) {
      if (t < cutoff_ns) continue;
      auto rit = row_at.find(t);
      const std::vector<Cell>* r = rit == row_at.end() ? nullptr : rit->second;
      TransformedAt at;
      for (auto& [call, by_time] : emitted) {
        auto it = by_time.find(t);
        if (it != by_time.end()) at[call] = it->second;
      }
      std::vector<Cell> row{t};
      for (size_t fi = 0; fi < fields.size(); ++fi) {
        bool missing = false;
        for (const Expr* call : field_tr[fi]) missing |= at.count(call) == 0;
        row.push_back(missing ? Cell() : Eval(*fields[fi]->expr, p, r, at));
      }
      rows.push_back(std::move(row));
    }
    if (s.descending) std::reverse(rows.begin(), rows.end());
  }
  for (size_t i = static_cast<size_t>(std::max<int64_t>(s.offset, 0));
       i < rows.size(); ++i) {
    if (s.limit > 0 && out.values.size() >= static_cast<size_t>(s.limit)) {
      break;
    }
    out.values.push_back(std::move(rows[i]));
  }
  return out;
}

}  // namespace

std::unique_ptr<Expr> CloneExpr(const Expr& e) {
  auto c = std::make_unique<Expr>();
  c->kind = e.kind;
  c->name = e.name;
  c->cast = e.cast;
  c->number = e.number;
  c->integer = e.integer;
  c->boolean = e.boolean;
  c->op = e.op;
  if (e.lhs) c->lhs = CloneExpr(*e.lhs);
  if (e.rhs) c->rhs = CloneExpr(*e.rhs);
  for (const auto& a : e.args) c->args.push_back(CloneExpr(*a));
  return c;
}

bool NeedsExpressionLayer(const SelectStatement& s) {
  for (const auto& f : s.fields) {
    const Expr& e = *f.expr;
    if (e.kind == ExprKind::kBinary || e.kind == ExprKind::kParen) return true;
    if (e.kind == ExprKind::kCall &&
        (MathArity(e.name) || TransformByName(e.name) ||
         IsHoltWinters(e.name))) {
      return true;
    }
  }
  return false;
}

int64_t TransformExtension(const SelectStatement& s) {
  if (!NeedsExpressionLayer(s) || s.interval_ns <= 0) return 0;
  Plan plan;
  for (const auto& f : s.fields) {
    if (f.expr->kind == ExprKind::kWildcard) return 0;
    if (!Analyze(*f.expr, s, &plan).ok()) return 0;
  }
  return plan.extend ? s.interval_ns : 0;
}

Result<std::vector<ResultRows>> SelectWithExpressions(
    const SelectStatement& s, const ExecContext& ctx,
    const PlainSelect& run_plain) {
  Plan plan;
  std::vector<const SelectField*> fields;
  for (const auto& f : s.fields) {
    const Expr& e = *f.expr;
    if (e.kind == ExprKind::kVarRef && e.name == "time") continue;
    if (e.kind == ExprKind::kWildcard) {
      return Status::NotSupported(
          "not supported: * together with expressions in SELECT");
    }
    CITYNEXUS_RETURN_IF_ERROR(Analyze(e, s, &plan));
    fields.push_back(&f);
  }
  if (plan.aggregate && plan.raw) {
    return Status::InvalidArgument(
        "mixing aggregate and non-aggregate queries is not supported");
  }
  if (plan.leaves.empty()) {
    return Status::InvalidArgument("at least 1 non-time field must be queried");
  }
  // LIMIT and OFFSET apply to the rows computed here, not the inner ones.
  SelectStatement inner = CloneSelectClauses(s);
  inner.limit = 0;
  inner.offset = 0;
  inner.extend_start_ns = 0;
  for (size_t i = 0; i < plan.leaves.size(); ++i) {
    inner.fields.push_back(
        SelectField{CloneExpr(*plan.leaves[i]), "__expr" + std::to_string(i)});
  }
  // Rows before the statement's first window come only from the widened
  // range and are not part of the answer.
  int64_t cutoff = INT64_MIN;
  if (plan.extend && !s.descending) {
    auto statement_range = StatementTimeRange(s, ctx.now_ns);
    if (!statement_range) return statement_range.error();
    const TimeRange& range = *statement_range;
    if (range.has_min() && range.min_ns > kMinTime + s.interval_ns) {
      inner.extend_start_ns = s.interval_ns;
      cutoff = range.min_ns - s.interval_ns + 1;
    }
  }
  auto inner_rows = run_plain(inner);
  if (!inner_rows) return inner_rows.error();

  std::vector<std::vector<const Expr*>> field_tr(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    TransformsIn(*fields[i]->expr, plan, &field_tr[i]);
  }
  const std::vector<std::string> names = ResolveNames(fields);
  std::vector<ResultRows> out;
  for (auto& series : *inner_rows) {
    ResultRows rows =
        EvaluateSeries(s, plan, fields, field_tr, cutoff, std::move(series));
    if (rows.values.empty()) continue;
    rows.columns.push_back("time");
    for (const auto& n : names) rows.columns.push_back(n);
    out.push_back(std::move(rows));
  }
  return out;
}

}  // namespace citynexus::query::influxql::detail
