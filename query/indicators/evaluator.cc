#include "query/indicators/evaluator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "query/indicators/expr_parser.h"
#include "query/indicators/range_functions.h"
#include "query/indicators/series_data.h"
#include "query/indicators/vector_ops.h"
#include "query/query_workers.h"

namespace citynexus::query::indicators {
namespace {

// Above this many grid buckets per series the bucket path would read more
// than the raw path; the gcd grid is then too fine (odd window edges).
constexpr uint64_t kMaxBucketsPerSeries = 2000000;

Value ScalarOf(size_t steps, double v) {
  Value out;
  out.scalar = true;
  Row row;
  row.cells.assign(steps, Cell{v, 1, CellState::kValue});
  out.rows.push_back(std::move(row));
  return out;
}

Labels LabelsOf(const engine::SeriesInfo& s) {
  Labels l(s.key.tags.begin(), s.key.tags.end());
  std::sort(l.begin(), l.end());
  return l;
}

std::string SelectorText(const Expr& sel) {
  return sel.measurement + "." + sel.field;
}

struct Windows {
  std::vector<int64_t> a, b;
  int64_t min_a = std::numeric_limits<int64_t>::max();
  int64_t max_b = std::numeric_limits<int64_t>::min();
  int64_t max_len = 0;
};

// A bucket function reads its series in parallel (EvalContext::workers)
// from this many series on, kSeriesPerTask per task: below it the threads'
// hand-over costs more than the reads.
constexpr size_t kParallelSeries = 64;
constexpr size_t kSeriesPerTask = 16;

Windows WindowsOf(const StepGrid& grid, int64_t range_ns, int64_t offset_ns) {
  Windows w;
  for (size_t k = 0; k < grid.size(); ++k) {
    auto [a, b] = grid.Window(k, range_ns, offset_ns);
    w.a.push_back(a);
    w.b.push_back(b);
    w.min_a = std::min(w.min_a, a);
    w.max_b = std::max(w.max_b, b);
    w.max_len = std::max(w.max_len, b - a);
  }
  return w;
}

// A bucket function (sum/avg/min/max/count/last) of every matched series.
Result<Value> BucketFunction(RangeFn fn, const Expr& sel, const Windows& w,
                             EvalContext& ctx) {
  CITYNEXUS_ASSIGN_OR_RETURN(
      auto series,
      MatchSelector(ctx.store, sel, ctx.limits.max_series_per_selector));
  std::vector<int64_t> edges = w.a;
  edges.insert(edges.end(), w.b.begin(), w.b.end());
  const int64_t grid = CommonGrid(edges);
  if (static_cast<uint64_t>((w.max_b - w.min_a) / grid) >
      kMaxBucketsPerSeries) {
    return Status::ResourceExhausted(
        "window edges of " + SelectorText(sel) +
        " share no coarse grid; use step and range multiples of each other");
  }
  Value out;
  out.rows.resize(series.size());
  // Row i depends on series i alone, so rows are filled by any thread into
  // their own slot and the result is the same at every parallelism.
  auto fill_row = [&](size_t i, uint64_t* buckets_read) -> Status {
    auto data = FetchBuckets(ctx.store, series[i].id, w.min_a, w.max_b, grid,
                             buckets_read);
    if (!data) return data.error().WithContext(SelectorText(sel));
    Row& row = out.rows[i];
    row.labels = LabelsOf(series[i]);
    row.cells.reserve(w.a.size());
    BucketWindows(fn, *data, w.a, w.b, &row.cells);
    return Status::Ok();
  };
  if (ctx.workers == nullptr || series.size() < kParallelSeries) {
    for (size_t i = 0; i < series.size(); ++i) {
      CITYNEXUS_RETURN_IF_ERROR(CheckGuard(ctx));
      CITYNEXUS_RETURN_IF_ERROR(fill_row(i, &ctx.buckets_read));
    }
    return out;
  }
  // Tasks of kSeriesPerTask series on the pool and this thread; the guard
  // is checked here between tasks (RunOrdered's poll).
  const size_t tasks = (series.size() + kSeriesPerTask - 1) / kSeriesPerTask;
  std::vector<uint64_t> read(tasks, 0);
  auto produce = [&](size_t t) -> Status {
    const size_t end = std::min(series.size(), (t + 1) * kSeriesPerTask);
    for (size_t i = t * kSeriesPerTask; i < end; ++i) {
      CITYNEXUS_RETURN_IF_ERROR(fill_row(i, &read[t]));
    }
    return Status::Ok();
  };
  auto consume = [&](size_t t) -> Status {
    ctx.buckets_read += read[t];
    return Status::Ok();
  };
  CITYNEXUS_RETURN_IF_ERROR(
      ctx.workers->RunOrdered(tasks, 4 * (ctx.workers->threads() + 1), produce,
                              consume, [&] { return CheckGuard(ctx); }));
  return out;
}

Result<RawData> Raw(const engine::SeriesInfo& s, const Windows& w,
                    EvalContext& ctx) {
  // One window of look-back (the reading before a window) and look-ahead
  // (the reading that ends a window's last state).
  CITYNEXUS_RETURN_IF_ERROR(CheckGuard(ctx));
  return FetchRaw(ctx.store, s.id, w.min_a - w.max_len, w.max_b + w.max_len,
                  ctx.limits.max_raw_points, &ctx.points_read);
}

Result<Value> RawFunction(RangeFn fn, const Expr& sel, const Windows& w,
                          const Value* q, EvalContext& ctx) {
  CITYNEXUS_ASSIGN_OR_RETURN(
      auto series,
      MatchSelector(ctx.store, sel, ctx.limits.max_series_per_selector));
  Value out;
  for (const auto& s : series) {
    if (s.type == engine::ValueType::kString) {
      return Status::InvalidArgument(SelectorText(sel) +
                                     " holds strings; only time_share can "
                                     "compare them");
    }
    auto data = Raw(s, w, ctx);
    if (!data) {
      return data.error().WithContext(SelectorText(sel));
    }
    Row row;
    row.labels = LabelsOf(s);
    for (size_t k = 0; k < w.a.size(); ++k) {
      double qv = 0;
      if (q) {
        const Cell& qc = q->rows[0].cells[k];
        if (qc.state != CellState::kValue) {
          row.cells.push_back(Cell{0, 0, CellState::kAbsent});
          continue;
        }
        qv = qc.value;
      }
      row.cells.push_back(RawWindow(fn, *data, w.a[k], w.b[k], qv));
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

BinaryOp Mirror(BinaryOp op) {
  switch (op) {
    case BinaryOp::kGt:
      return BinaryOp::kLt;
    case BinaryOp::kLt:
      return BinaryOp::kGt;
    case BinaryOp::kGe:
      return BinaryOp::kLe;
    case BinaryOp::kLe:
      return BinaryOp::kGe;
    default:
      return op;
  }
}

Result<Value> TimeShare(const Expr& call, EvalContext& ctx) {
  const Expr& cond = *call.args[0];
  const Expr* sel = cond.args[0].get();
  const Expr* other = cond.args[1].get();
  BinaryOp op = cond.op;
  if (sel->kind != ExprKind::kSelector) {
    std::swap(sel, other);
    op = Mirror(op);
  }
  if (sel->kind != ExprKind::kSelector || other->kind == ExprKind::kSelector) {
    return Status::NotSupported(
        "time_share compares one selector with a scalar or a string, e.g. "
        "time_share(ev.power > 0 [1d])");
  }
  const int64_t range =
      call.has_range ? call.range_ns : (sel->has_range ? sel->range_ns : 0);
  const Windows w = WindowsOf(ctx.grid, range, sel->offset_ns);
  const bool text = other->kind == ExprKind::kString;
  if (text && op != BinaryOp::kEq && op != BinaryOp::kNe) {
    return Status::InvalidArgument(
        "time_share compares strings only with == "
        "or !=");
  }
  Value threshold;
  if (!text) {
    CITYNEXUS_ASSIGN_OR_RETURN(auto t, Evaluate(*other, ctx));
    if (!t.scalar) {
      return Status::NotSupported(
          "time_share compares a selector with a scalar, not another series");
    }
    threshold = std::move(t);
  }
  CITYNEXUS_ASSIGN_OR_RETURN(
      auto series,
      MatchSelector(ctx.store, *sel, ctx.limits.max_series_per_selector));
  Value out;
  for (const auto& s : series) {
    auto data = Raw(s, w, ctx);
    if (!data) {
      return data.error().WithContext(SelectorText(*sel));
    }
    if (data->is_string != text) {
      return Status::InvalidArgument(
          SelectorText(*sel) + (text ? " is numeric; compare it with a number"
                                     : " holds strings; compare it with a "
                                       "quoted string"));
    }
    Row row;
    row.labels = LabelsOf(s);
    if (text) {
      // The condition does not change from step to step: compare each
      // point once.
      const std::string& want = other->text;
      const bool eq = op == BinaryOp::kEq;
      std::vector<uint8_t> holds(data->texts.size());
      for (size_t i = 0; i < holds.size(); ++i) {
        holds[i] = (data->texts[i] == want) == eq;
      }
      const TimeShareSpans spans(*data, holds);
      for (size_t k = 0; k < w.a.size(); ++k) {
        row.cells.push_back(
            TimeShareWindow(*data, w.a[k], w.b[k], holds, spans));
      }
      out.rows.push_back(std::move(row));
      continue;
    }
    for (size_t k = 0; k < w.a.size(); ++k) {
      const Cell& tc = threshold.rows[0].cells[k];
      if (tc.state != CellState::kValue) {
        row.cells.push_back(Cell{0, 0, CellState::kAbsent});
        continue;
      }
      const double t = tc.value;
      row.cells.push_back(TimeShareWindow(*data, w.a[k], w.b[k], [&](size_t i) {
        return CompareValues(op, data->values[i], t);
      }));
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

// f((expr)[W:R]): the inner expression on a fixed grid of R, then `fn` over
// the inner steps that start inside each outer window.
Result<Value> Subquery(RangeFn fn, const Expr& sq, const Value* q,
                       EvalContext& ctx) {
  const Windows w = WindowsOf(ctx.grid, sq.range_ns, sq.offset_ns);
  auto inner_grid =
      FixedStepGrid(w.min_a, w.max_b, sq.resolution_ns, ctx.limits.max_steps);
  if (!inner_grid) {
    return inner_grid.error().WithContext("subquery");
  }
  // The inner evaluation shares the read counters, so limits hold overall.
  EvalContext inner{
      ctx.store,        ctx.facts, *inner_grid, ctx.limits, ctx.points_read,
      ctx.buckets_read, ctx.guard, {},          {}};
  auto v = Evaluate(*sq.args[0], inner);
  ctx.points_read = inner.points_read;
  ctx.buckets_read = inner.buckets_read;
  if (!v) {
    return v.error();
  }
  Value out;
  out.scalar = v->scalar;
  const auto& starts = inner_grid->starts;
  for (const auto& row : v->rows) {
    Row o;
    o.labels = row.labels;
    for (size_t k = 0; k < w.a.size(); ++k) {
      const size_t from = static_cast<size_t>(
          std::lower_bound(starts.begin(), starts.end(), w.a[k]) -
          starts.begin());
      const size_t to = static_cast<size_t>(
          std::lower_bound(starts.begin(), starts.end(), w.b[k]) -
          starts.begin());
      double qv = 0;
      if (q) {
        const Cell& qc = q->rows[0].cells[k];
        if (qc.state != CellState::kValue) {
          o.cells.push_back(Cell{0, 0, CellState::kAbsent});
          continue;
        }
        qv = qc.value;
      }
      CITYNEXUS_ASSIGN_OR_RETURN(auto c,
                                 CellsWindow(fn, row.cells, from, to, qv));
      o.cells.push_back(c);
    }
    out.rows.push_back(std::move(o));
  }
  return out;
}

Result<Value> RangeCallOnce(const Expr& call, EvalContext& ctx);

// A range call, computed once per evaluation when the expression repeats it.
Result<Value> RangeCall(const Expr& call, EvalContext& ctx) {
  if (ctx.range_call_uses.empty()) {
    return RangeCallOnce(call, ctx);
  }
  std::string key = ExprKey(call);
  auto uses = ctx.range_call_uses.find(key);
  if (uses == ctx.range_call_uses.end() || uses->second < 2) {
    return RangeCallOnce(call, ctx);
  }
  if (auto hit = ctx.repeated_results.find(key);
      hit != ctx.repeated_results.end()) {
    return hit->second;
  }
  auto v = RangeCallOnce(call, ctx);
  if (v) {
    ctx.repeated_results.emplace(std::move(key), *v);
  }
  return v;
}

Result<Value> RangeCallOnce(const Expr& call, EvalContext& ctx) {
  CITYNEXUS_ASSIGN_OR_RETURN(auto fn, RangeFnFromName(call.text));
  if (fn == RangeFn::kTimeShare) {
    return TimeShare(call, ctx);
  }
  Value q;
  if (fn == RangeFn::kQuantile) {
    auto qv = Evaluate(*call.args[0], ctx);
    if (!qv) {
      return qv.error();
    }
    if (!qv->scalar) {
      return Status::InvalidArgument("quantile_over_time: q must be a scalar");
    }
    q = std::move(*qv);
  }
  const Value* qp = fn == RangeFn::kQuantile ? &q : nullptr;
  const Expr& arg = *call.args.back();
  if (arg.kind == ExprKind::kSubquery) {
    return Subquery(fn, arg, qp, ctx);
  }
  const Windows w =
      WindowsOf(ctx.grid, arg.has_range ? arg.range_ns : 0, arg.offset_ns);
  if (IsBucketRangeFn(fn)) {
    return BucketFunction(fn, arg, w, ctx);
  }
  return RawFunction(fn, arg, w, qp, ctx);
}

Result<Value> ScalarArg(const Expr& e, EvalContext& ctx, const char* fn) {
  auto v = Evaluate(e, ctx);
  if (!v) {
    return v;
  }
  if (!v->scalar) {
    return Status::InvalidArgument(std::string(fn) + ": expected a scalar");
  }
  return v;
}

Result<Value> Call(const Expr& call, EvalContext& ctx) {
  const std::string& name = call.text;
  const size_t steps = ctx.grid.size();
  if (name == "fact") {
    const std::string& fact = call.args[0]->text;
    if (!ctx.facts.Has(fact)) {
      return Status::InvalidArgument("unknown fact \"" + fact + "\"");
    }
    Value out = ScalarOf(steps, 0);
    for (size_t k = 0; k < steps; ++k) {
      auto v = ctx.facts.ValueAt(fact, ctx.grid.starts[k]);
      out.rows[0].cells[k] =
          v ? Cell{*v, 1, CellState::kValue} : Cell{0, 0, CellState::kAbsent};
    }
    return out;
  }
  auto arg = Evaluate(*call.args[0], ctx);
  if (!arg) {
    return arg;
  }
  if (name == "abs") {
    MapValues(*arg, [](double v, size_t) { return std::fabs(v); });
    return arg;
  }
  if (name == "clamp_min" || name == "clamp_max") {
    auto bound = ScalarArg(*call.args[1], ctx, name.c_str());
    if (!bound) {
      return bound;
    }
    const bool is_min = name == "clamp_min";
    const auto& cells = bound->rows[0].cells;
    for (auto& row : arg->rows) {
      for (size_t k = 0; k < row.cells.size(); ++k) {
        Cell& c = row.cells[k];
        if (c.state != CellState::kValue) {
          continue;
        }
        if (cells[k].state != CellState::kValue) {
          c = Cell{0, 0, CellState::kAbsent};
          continue;
        }
        c.value = is_min ? std::max(c.value, cells[k].value)
                         : std::min(c.value, cells[k].value);
      }
    }
    return arg;
  }
  return Status::InvalidArgument("unknown function \"" + name + "\"");
}

void AppendKey(const Expr& e, std::string* out) {
  // Length-prefixed strings, so no name can imitate a separator.
  auto text = [out](const std::string& t) {
    *out += std::to_string(t.size());
    *out += ':';
    *out += t;
  };
  auto number = [out](int64_t v) {
    *out += std::to_string(v);
    *out += ',';
  };
  number(static_cast<int64_t>(e.kind));
  if (e.kind == ExprKind::kNumber) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%a,", e.number);  // exact
    *out += buf;
  }
  text(e.text);
  text(e.measurement);
  text(e.field);
  number(static_cast<int64_t>(e.matchers.size()));
  for (const auto& m : e.matchers) {
    text(m.label);
    number(static_cast<int64_t>(m.op));
    text(m.value);
  }
  number(e.has_range ? 1 : 0);
  number(e.range_ns);
  number(e.resolution_ns);
  number(e.offset_ns);
  number(static_cast<int64_t>(e.agg));
  number(e.without ? 1 : 0);
  number(static_cast<int64_t>(e.grouping.size()));
  for (const auto& g : e.grouping) {
    text(g);
  }
  number(static_cast<int64_t>(e.op));
  number(e.return_bool ? 1 : 0);
  number(e.has_matching ? 1 : 0);
  number(e.on ? 1 : 0);
  number(static_cast<int64_t>(e.matching_labels.size()));
  for (const auto& l : e.matching_labels) {
    text(l);
  }
  number(static_cast<int64_t>(e.args.size()));
  for (const auto& a : e.args) {
    *out += '(';
    AppendKey(*a, out);
    *out += ')';
  }
}

void CountRangeCalls(const Expr& e, EvalContext& ctx) {
  if (e.kind == ExprKind::kSubquery) {
    return;  // evaluated on its own inner grid with its own context
  }
  if (e.kind == ExprKind::kCall && IsRangeFunction(e.text)) {
    ++ctx.range_call_uses[ExprKey(e)];
  }
  for (const auto& a : e.args) {
    CountRangeCalls(*a, ctx);
  }
}

}  // namespace

std::string ExprKey(const Expr& e) {
  std::string out;
  AppendKey(e, &out);
  return out;
}

void CountRepeatedRangeCalls(const Expr& root, EvalContext& ctx) {
  CountRangeCalls(root, ctx);
}

Result<Value> Evaluate(const Expr& e, EvalContext& ctx) {
  switch (e.kind) {
    case ExprKind::kNumber:
      return ScalarOf(ctx.grid.size(), e.number);
    case ExprKind::kString:
      return Status::InvalidArgument("a string \"" + e.text +
                                     "\" is only allowed as a fact name or in "
                                     "time_share");
    case ExprKind::kSelector: {
      if (e.has_range) {
        return Status::InvalidArgument(
            "range selector " + SelectorText(e) +
            "[...] must be passed to a range function such as sum_over_time");
      }
      // An instant selector is the last value in each step's bucket.
      return BucketFunction(RangeFn::kLast, e, WindowsOf(ctx.grid, 0, 0), ctx);
    }
    case ExprKind::kSubquery:
      return Status::InvalidArgument(
          "a subquery (expr)[W:R] must be passed to a range function");
    case ExprKind::kCall:
      if (IsRangeFunction(e.text)) {
        return RangeCall(e, ctx);
      }
      return Call(e, ctx);
    case ExprKind::kAggregate: {
      Value param;
      if (e.agg == AggFunction::kPercentile) {
        auto q = ScalarArg(*e.args[0], ctx, "quantile");
        if (!q) {
          return q;
        }
        param = std::move(*q);
      }
      auto arg = Evaluate(*e.args.back(), ctx);
      if (!arg) {
        return arg;
      }
      return ApplyAggregate(
          e, *arg, e.agg == AggFunction::kPercentile ? &param : nullptr);
    }
    case ExprKind::kBinary: {
      auto l = Evaluate(*e.args[0], ctx);
      if (!l) {
        return l;
      }
      auto r = Evaluate(*e.args[1], ctx);
      if (!r) {
        return r;
      }
      return ApplyBinary(e, std::move(*l), std::move(*r));
    }
    case ExprKind::kNegate: {
      auto v = Evaluate(*e.args[0], ctx);
      if (!v) {
        return v;
      }
      MapValues(*v, [](double x, size_t) { return -x; });
      return v;
    }
  }
  return Status::InvalidArgument("unknown expression node");
}

}  // namespace citynexus::query::indicators
