// Selectors that return several points per window: top(), bottom() (with
// tag arguments: the best point per tag value, then the best N of those),
// distinct() and sample(), as InfluxDB 1.6 computes them:
//   - top/bottom rank by value (larger / smaller first), ties to the earlier
//     point, and report the chosen points with their own times, in time
//     order, value type kept;
//   - distinct reports the distinct values in the order of their first
//     point, at the window start (the lower time bound without GROUP BY
//     time);
//   - sample keeps N points chosen uniformly (reservoir sampling; all of
//     them when there are at most N) in time order;
//   - with auxiliary fields or tags (`SELECT top(x, 3), host` or
//     `SELECT max(x), host` without GROUP BY time) each row carries the
//     selected point's other columns.
// None of them fills empty windows (InfluxDB builds them without fill()).
// The points come from an inner raw SELECT of the field (and the tag
// arguments), run by the plain executor; windows, LIMIT and OFFSET apply
// here.
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "query/influxql/condition.h"
#include "query/influxql/select_expr.h"
#include "query/influxql/window.h"

namespace citynexus::query::influxql::detail {
namespace {

// kFirst .. kMax: a lone selector with auxiliary fields or tags
// (`SELECT max(x), host`), which reports the selected point's row.
enum class Multi {
  kTop,
  kBottom,
  kDistinct,
  kSample,
  kFirst,
  kLast,
  kMin,
  kMax
};

std::optional<Multi> MultiByName(std::string_view name) {
  if (name == "top") return Multi::kTop;
  if (name == "bottom") return Multi::kBottom;
  if (name == "distinct") return Multi::kDistinct;
  if (name == "sample") return Multi::kSample;
  return std::nullopt;
}

std::optional<Multi> SelectorByName(std::string_view name) {
  if (name == "first") return Multi::kFirst;
  if (name == "last") return Multi::kLast;
  if (name == "min") return Multi::kMin;
  if (name == "max") return Multi::kMax;
  return std::nullopt;
}

bool IsAux(const Expr& e) {
  return e.kind == ExprKind::kVarRef && e.name != "time";
}

struct MultiCall {
  Multi kind = Multi::kTop;
  std::string name;
  std::string field;
  std::string field_cast;
  std::vector<std::string> tags;  // top/bottom tag arguments
  int64_t n = 0;
  std::vector<const Expr*> aux;  // auxiliary fields and tags
};

// A total order of cells of one field, for distinct().
bool CellLess(const Cell& a, const Cell& b) {
  if (IsNumber(a) && IsNumber(b)) return AsDouble(a) < AsDouble(b);
  return a < b;
}

struct Point {
  int64_t time_ns = 0;
  Cell value;
  std::vector<Cell> tags;
  std::vector<Cell> aux;
};

Result<MultiCall> PlanCall(const Expr& e, Multi kind) {
  MultiCall c;
  c.kind = kind;
  c.name = e.name;
  const bool ranked = kind == Multi::kTop || kind == Multi::kBottom;
  const bool single =
      kind != Multi::kTop && kind != Multi::kBottom && kind != Multi::kSample;
  const size_t min_args = single ? 1 : 2;
  if (e.args.size() < min_args || (!ranked && e.args.size() > min_args)) {
    return Status::InvalidArgument("invalid number of arguments for " + e.name +
                                   ", expected " + std::to_string(min_args) +
                                   ", got " + std::to_string(e.args.size()));
  }
  const Expr& field = *e.args[0];
  if (field.kind != ExprKind::kVarRef) {
    return Status::InvalidArgument(
        "expected first argument to be a field in " + e.name + "(), found " +
        (field.kind == ExprKind::kCall ? field.name + "()"
                                       : std::string("a literal")));
  }
  c.field = field.name;
  c.field_cast = field.cast;
  if (single) {
    c.n = 1;
    return c;
  }
  const Expr& n = *e.args.back();
  if (n.kind != ExprKind::kInteger) {
    return Status::InvalidArgument(
        "expected integer as last argument in " + e.name + "(), found " +
        (n.kind == ExprKind::kVarRef ? n.name : "other"));
  }
  if (n.integer <= 0) {
    return Status::InvalidArgument("limit (" + std::to_string(n.integer) +
                                   ") in " + e.name +
                                   " function must be at least 1");
  }
  c.n = n.integer;
  for (size_t i = 1; i + 1 < e.args.size(); ++i) {
    if (e.args[i]->kind != ExprKind::kVarRef) {
      return Status::InvalidArgument(
          "only fields or tags are allowed in " + e.name + "(), found " +
          (e.args[i]->kind == ExprKind::kCall ? e.args[i]->name + "()"
                                              : "a literal"));
    }
    c.tags.push_back(e.args[i]->name);
  }
  return c;
}

// True when `a` ranks before `b` (top: larger, bottom: smaller; ties to the
// earlier point).
bool Better(Multi kind, const Point& a, const Point& b) {
  const double x = AsDouble(a.value), y = AsDouble(b.value);
  if (x != y) return kind == Multi::kTop ? x > y : x < y;
  return a.time_ns < b.time_ns;
}

std::vector<Point> Ranked(const MultiCall& c, std::vector<Point> points) {
  if (!c.tags.empty()) {
    // The best point per tag value combination (max() / min() selectors).
    std::map<std::vector<Cell>, Point> best;
    for (auto& p : points) {
      auto it = best.find(p.tags);
      if (it == best.end()) {
        best.emplace(p.tags, std::move(p));
      } else if (Better(c.kind, p, it->second)) {
        it->second = std::move(p);
      }
    }
    points.clear();
    for (auto& [tags, p] : best) points.push_back(std::move(p));
  }
  std::stable_sort(
      points.begin(), points.end(),
      [&](const Point& a, const Point& b) { return Better(c.kind, a, b); });
  if (points.size() > static_cast<size_t>(c.n)) {
    points.resize(static_cast<size_t>(c.n));
  }
  std::stable_sort(
      points.begin(), points.end(),
      [](const Point& a, const Point& b) { return a.time_ns < b.time_ns; });
  return points;
}

// first/last/min/max: one point. Ties as InfluxDB 1.6 without GROUP BY
// time: min/max keep the earliest, first/last the last series at the time.
std::vector<Point> Selected(const MultiCall& c, std::vector<Point> points) {
  size_t best = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    const Point& p = points[i];
    const Point& b = points[best];
    bool take = false;
    switch (c.kind) {
      case Multi::kMax:
        take = AsDouble(p.value) > AsDouble(b.value);
        break;
      case Multi::kMin:
        take = AsDouble(p.value) < AsDouble(b.value);
        break;
      case Multi::kFirst:
        take = p.time_ns == b.time_ns;
        break;
      default:  // kLast
        take = p.time_ns >= b.time_ns;
        break;
    }
    if (take) best = i;
  }
  std::vector<Point> out;
  out.push_back(std::move(points[best]));
  return out;
}

std::vector<Point> Sampled(const MultiCall& c, std::vector<Point> points,
                           std::mt19937_64* rng) {
  const auto n = static_cast<size_t>(c.n);
  if (points.size() > n) {
    std::vector<Point> reservoir(points.begin(), points.begin() + n);
    for (size_t i = n; i < points.size(); ++i) {
      std::uniform_int_distribution<size_t> pick(0, i);
      const size_t j = pick(*rng);
      if (j < n) reservoir[j] = std::move(points[i]);
    }
    points = std::move(reservoir);
  }
  std::stable_sort(
      points.begin(), points.end(),
      [](const Point& a, const Point& b) { return a.time_ns < b.time_ns; });
  return points;
}

// The rows of one window's points.
void WindowRows(const MultiCall& c, int64_t window_time,
                std::vector<Point> points, std::mt19937_64* rng,
                std::vector<std::vector<Cell>>* rows) {
  if (points.empty()) return;
  if (c.kind == Multi::kDistinct) {
    // Each value once, in the order of its first point.
    std::set<Cell, bool (*)(const Cell&, const Cell&)> seen(CellLess);
    for (auto& p : points) {
      if (!seen.insert(p.value).second) continue;
      rows->push_back({window_time, std::move(p.value)});
    }
    return;
  }
  std::vector<Point> chosen;
  if (c.kind == Multi::kSample) {
    chosen = Sampled(c, std::move(points), rng);
  } else if (c.kind == Multi::kTop || c.kind == Multi::kBottom) {
    chosen = Ranked(c, std::move(points));
  } else {
    chosen = Selected(c, std::move(points));
  }
  for (auto& p : chosen) {
    std::vector<Cell> row{p.time_ns, std::move(p.value)};
    for (auto& t : p.tags) row.push_back(std::move(t));
    for (auto& a : p.aux) row.push_back(std::move(a));
    rows->push_back(std::move(row));
  }
}

}  // namespace

bool IsMultiPointSelect(const SelectStatement& s) {
  size_t selectors = 0, aux = 0;
  for (const auto& f : s.fields) {
    if (f.expr->kind == ExprKind::kCall && MultiByName(f.expr->name)) {
      return true;
    }
    if (f.expr->kind == ExprKind::kCall && SelectorByName(f.expr->name)) {
      ++selectors;
    } else if (IsAux(*f.expr)) {
      ++aux;
    }
  }
  return selectors == 1 && aux > 0;
}

Result<std::vector<ResultRows>> SelectMultiPoint(const SelectStatement& s,
                                                 const ExecContext& ctx,
                                                 const PlainSelect& run_plain) {
  const SelectField* field = nullptr;
  std::vector<const SelectField*> aux;
  for (const auto& f : s.fields) {
    if (f.expr->kind == ExprKind::kVarRef && f.expr->name == "time") continue;
    if (IsAux(*f.expr)) {
      aux.push_back(&f);
      continue;
    }
    const bool call =
        f.expr->kind == ExprKind::kCall &&
        (MultiByName(f.expr->name) || SelectorByName(f.expr->name));
    if (field != nullptr || !call) {
      return Status::NotSupported(
          "not supported: top(), bottom(), distinct(), sample() or a "
          "selector with fields other than fields and tags");
    }
    field = &f;
  }
  const Expr& e = *field->expr;
  auto kind = MultiByName(e.name);
  if (!kind) kind = SelectorByName(e.name);
  auto call = PlanCall(e, *kind);
  if (!call) return call.error();
  for (const SelectField* a : aux) call->aux.push_back(a->expr.get());
  const bool selector = call->kind == Multi::kFirst ||
                        call->kind == Multi::kLast ||
                        call->kind == Multi::kMin || call->kind == Multi::kMax;
  if (call->kind == Multi::kDistinct && !aux.empty()) {
    return Status::NotSupported(
        "not supported: distinct() together with other fields");
  }
  if (selector && s.interval_ns > 0) {
    return Status::NotSupported(
        "not supported: a selector with fields or tags and GROUP BY time");
  }
  if ((call->kind == Multi::kTop || call->kind == Multi::kBottom) &&
      s.limit > 0 && call->n > s.limit) {
    return Status::InvalidArgument(
        "limit (" + std::to_string(call->n) + ") in " + call->name +
        " function can not be larger than the LIMIT (" +
        std::to_string(s.limit) + ") in the select statement");
  }

  SelectStatement inner;
  auto ref = [](const std::string& name, const std::string& cast) {
    auto r = std::make_unique<Expr>();
    r->kind = ExprKind::kVarRef;
    r->name = name;
    r->cast = cast;
    return r;
  };
  inner.fields.push_back(
      SelectField{ref(call->field, call->field_cast), "__v"});
  for (size_t i = 0; i < call->tags.size(); ++i) {
    inner.fields.push_back(
        SelectField{ref(call->tags[i], "tag"), "__t" + std::to_string(i)});
  }
  for (size_t i = 0; i < call->aux.size(); ++i) {
    inner.fields.push_back(
        SelectField{ref(call->aux[i]->name, call->aux[i]->cast),
                    "__a" + std::to_string(i)});
  }
  CopySeriesScope(s, &inner);  // raw rows: no windows, fill or limits

  // Windows and the lower time bound (distinct()'s row time).
  std::shared_ptr<const TimeZone> zone;
  if (!s.tz.empty() && s.tz != "UTC") {
    auto z = TimeZone::Load(s.tz);
    if (!z) return Status::InvalidArgument("unable to find time zone " + s.tz);
    zone = std::make_shared<const TimeZone>(std::move(*z));
  }
  TimeRange range;
  std::vector<const Expr*> filters;
  CITYNEXUS_RETURN_IF_ERROR(SplitCondition(s.condition.get(), ctx.now_ns,
                                           &range, &filters, zone.get()));
  const TimeWindows windows(s.interval_ns, s.interval_offset_ns, zone);
  const int64_t lower = range.has_min() ? range.min_ns : 0;

  auto inner_rows = run_plain(inner);
  if (!inner_rows) return inner_rows.error();
  std::mt19937_64 rng(static_cast<uint64_t>(ctx.now_ns));
  std::vector<ResultRows> out;
  for (auto& series : *inner_rows) {
    // Points by window, in time order.
    std::map<int64_t, std::vector<Point>> by_window;
    for (auto& r : series.values) {
      Point p;
      p.time_ns = std::get<int64_t>(r[0]);
      p.value = std::move(r[1]);
      if (std::holds_alternative<std::monostate>(p.value)) continue;
      const bool ranks = call->kind == Multi::kTop ||
                         call->kind == Multi::kBottom ||
                         call->kind == Multi::kMin || call->kind == Multi::kMax;
      if (ranks && !IsNumber(p.value)) continue;  // they rank numbers only
      for (size_t i = 0; i < call->tags.size(); ++i) {
        p.tags.push_back(std::move(r[2 + i]));
      }
      for (size_t i = 0; i < call->aux.size(); ++i) {
        p.aux.push_back(std::move(r[2 + call->tags.size() + i]));
      }
      const int64_t w = s.interval_ns > 0 ? windows.Start(p.time_ns) : lower;
      by_window[w].push_back(std::move(p));
    }
    std::vector<std::vector<Cell>> rows;
    for (auto& [w, points] : by_window) {
      WindowRows(*call, w, std::move(points), &rng, &rows);
    }
    if (s.descending) std::reverse(rows.begin(), rows.end());
    ResultRows result;
    result.name = std::move(series.name);
    result.tags = std::move(series.tags);
    result.time_column = true;
    result.zone = series.zone;
    result.columns.push_back("time");
    result.columns.push_back(field->alias.empty() ? call->name : field->alias);
    for (const auto& t : call->tags) result.columns.push_back(t);
    for (const SelectField* a : aux) {
      result.columns.push_back(a->alias.empty() ? a->expr->name : a->alias);
    }
    for (size_t i = static_cast<size_t>(std::max<int64_t>(s.offset, 0));
         i < rows.size(); ++i) {
      if (s.limit > 0 && result.values.size() >= static_cast<size_t>(s.limit)) {
        break;
      }
      result.values.push_back(std::move(rows[i]));
    }
    if (result.values.empty()) continue;
    out.push_back(std::move(result));
  }
  return out;
}

}  // namespace citynexus::query::influxql::detail
