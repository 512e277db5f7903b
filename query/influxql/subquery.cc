// SELECT ... FROM (SELECT ...): the inner statement runs first, against the
// real store, with the outer statement's time range added to its WHERE (as
// InfluxDB narrows a subquery to the outer range). Its answer becomes a
// small in-memory store: one series per (measurement, inner group tags,
// column), the column's cells as points. The outer statement then runs
// against that store with the ordinary executor, so every function, GROUP BY
// (over the inner query's group tags), fill() and expression works the same
// over a subquery as over stored data. Nesting recurses (the parser bounds
// the depth). Memory is bounded by the inner answer, which the inner
// statement's own limits (points read, buckets) bound.
#include <algorithm>
#include <map>

#include "query/influxql/condition.h"
#include "query/influxql/select_expr.h"
#include "query/time_zone.h"

namespace citynexus::query::influxql::detail {
namespace {

// The inner answer as a read-only engine::Store.
class AnswerStore final : public engine::Store {
 public:
  struct Series {
    engine::SeriesInfo info;
    std::vector<engine::Sample> points;  // ascending by time (stable)
  };

  void Add(Series s) {
    s.info.id = series_.size() + 1;
    series_.push_back(std::move(s));
  }
  bool empty() const { return series_.empty(); }
  std::vector<std::string> Measurements() const {
    std::vector<std::string> names;
    for (const auto& s : series_) names.push_back(s.info.key.measurement);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }

  Result<engine::SeriesInfo> GetOrCreateSeries(const engine::SeriesKey&,
                                               engine::ValueType) override {
    return ReadOnly();
  }
  Result<engine::SeriesInfo> LookupSeries(std::string_view) override {
    return ReadOnly();
  }
  Result<engine::SeriesInfo> GetSeries(engine::SeriesId id) override {
    if (id == 0 || id > series_.size()) {
      return Status::NotFound("no series " + std::to_string(id));
    }
    return series_[id - 1].info;
  }
  std::vector<engine::SeriesInfo> FindSeries(
      const engine::SeriesFilter& filter) override {
    std::vector<engine::SeriesInfo> out;
    for (const auto& s : series_) {
      const auto& key = s.info.key;
      if (!filter.measurement.empty() && key.measurement != filter.measurement)
        continue;
      if (!filter.field.empty() && key.field != filter.field) continue;
      bool tags_match = true;
      for (const auto& t : filter.tags) {
        tags_match = tags_match && std::find(key.tags.begin(), key.tags.end(),
                                             t) != key.tags.end();
      }
      if (tags_match) out.push_back(s.info);
    }
    return out;
  }
  Status SetSeriesMeta(engine::SeriesId, const engine::SeriesMeta&) override {
    return ReadOnly();
  }
  Result<engine::AppendResult> Append(std::span<const engine::Point>) override {
    return ReadOnly();
  }
  Status Scan(
      engine::SeriesId id, int64_t start_ns, int64_t end_ns,
      const std::function<bool(const engine::Sample&)>& visit) override {
    if (id == 0 || id > series_.size()) return Status::Ok();
    for (const auto& p : series_[id - 1].points) {
      if (p.timestamp_ns < start_ns) continue;
      if (p.timestamp_ns >= end_ns) break;
      if (!visit(p)) break;
    }
    return Status::Ok();
  }
  Result<std::optional<engine::Sample>> Last(engine::SeriesId id,
                                             int64_t start_ns,
                                             int64_t end_ns) override {
    std::optional<engine::Sample> last;
    CITYNEXUS_RETURN_IF_ERROR(
        Scan(id, start_ns, end_ns, [&](const engine::Sample& p) {
          last = p;
          return true;
        }));
    return last;
  }
  Result<std::vector<engine::Bucket>> Aggregate(
      const engine::AggregateRequest& r,
      engine::AggregateStats* stats) override {
    if (r.step_ns <= 0) return Status::InvalidArgument("step must be > 0");
    std::vector<engine::Bucket> out;
    CITYNEXUS_RETURN_IF_ERROR(
        Scan(r.series, r.start_ns, r.end_ns, [&](const engine::Sample& p) {
          double v = 0;
          if (const auto* d = std::get_if<double>(&p.value)) {
            v = *d;
          } else if (const auto* i = std::get_if<int64_t>(&p.value)) {
            v = static_cast<double>(*i);
          } else {
            return true;
          }
          int64_t rel = p.timestamp_ns - r.offset_ns;
          int64_t start = rel - (rel % r.step_ns);
          if (rel % r.step_ns < 0) start -= r.step_ns;
          start += r.offset_ns;
          if (out.empty() || out.back().start_ns != start) {
            engine::Bucket b;
            b.start_ns = start;
            b.min = b.max = b.first = v;
            b.first_ns = p.timestamp_ns;
            out.push_back(b);
          }
          engine::Bucket& b = out.back();
          ++b.count;
          b.sum += v;
          b.min = std::min(b.min, v);
          b.max = std::max(b.max, v);
          b.last = v;
          b.last_ns = p.timestamp_ns;
          if (stats != nullptr) ++stats->points_read;
          return true;
        }));
    return out;
  }
  Status Flush() override { return Status::Ok(); }
  Status Compact() override { return Status::Ok(); }
  Result<engine::StoreStats> Stats() override { return engine::StoreStats{}; }
  Status Backup(const std::string&) override { return ReadOnly(); }
  Status Close() override { return Status::Ok(); }

 private:
  static Status ReadOnly() {
    return Status::NotSupported("a subquery's answer is read-only");
  }
  std::vector<Series> series_;
};

std::unique_ptr<Expr> TimeBound(BinaryOp op, int64_t ns) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::kBinary;
  e->op = op;
  e->lhs = std::make_unique<Expr>();
  e->lhs->kind = ExprKind::kVarRef;
  e->lhs->name = "time";
  e->rhs = std::make_unique<Expr>();
  e->rhs->kind = ExprKind::kInteger;
  e->rhs->integer = ns;
  e->rhs->number = static_cast<double>(ns);
  return e;
}

std::unique_ptr<Expr> And(std::unique_ptr<Expr> a, std::unique_ptr<Expr> b) {
  if (!a) return b;
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::kBinary;
  e->op = BinaryOp::kAnd;
  auto paren = std::make_unique<Expr>();
  paren->kind = ExprKind::kParen;
  paren->lhs = std::move(a);
  e->lhs = std::move(paren);
  e->rhs = std::move(b);
  return e;
}

// Copies a statement (its expressions deep, subqueries shared).
SelectStatement CloneSelect(const SelectStatement& s) {
  SelectStatement c = CloneSelectClauses(s);
  for (const auto& f : s.fields) {
    c.fields.push_back(SelectField{CloneExpr(*f.expr), f.alias});
  }
  return c;
}

std::optional<engine::ValueType> TypeOfCell(const Cell& c) {
  if (std::holds_alternative<double>(c)) return engine::ValueType::kFloat;
  if (std::holds_alternative<int64_t>(c)) return engine::ValueType::kInt;
  if (std::holds_alternative<bool>(c)) return engine::ValueType::kBool;
  if (std::holds_alternative<std::string>(c)) return engine::ValueType::kString;
  return std::nullopt;
}

engine::Value ToValue(const Cell& c) {
  if (const auto* d = std::get_if<double>(&c)) return *d;
  if (const auto* i = std::get_if<int64_t>(&c)) return *i;
  if (const auto* b = std::get_if<bool>(&c)) return *b;
  return std::get<std::string>(c);
}

}  // namespace

bool HasSubquery(const SelectStatement& s) {
  for (const auto& src : s.sources) {
    if (src.subquery) return true;
  }
  return false;
}

Result<std::vector<ResultRows>> SelectFromSubquery(
    const SelectStatement& s, const ExecContext& ctx,
    const PlainSelect& run_inner, const StoreSelect& run_outer) {
  if (s.sources.size() != 1) {
    return Status::NotSupported(
        "not supported: a subquery together with other sources in FROM");
  }
  // The inner statement, narrowed to the outer time range.
  SelectStatement inner = CloneSelect(*s.sources[0].subquery);
  {
    auto statement_range = StatementTimeRange(s, ctx.now_ns);
    if (!statement_range) return statement_range.error();
    TimeRange range = *statement_range;
    if (range.has_min()) {
      // The outer transformations read one window before the range.
      const int64_t ext = TransformExtension(s);
      const int64_t back = ext > INT64_MAX - s.extend_start_ns
                               ? INT64_MAX
                               : s.extend_start_ns + ext;
      range.min_ns =
          range.min_ns > kMinTime + back ? range.min_ns - back : kMinTime;
      inner.condition = And(std::move(inner.condition),
                            TimeBound(BinaryOp::kGte, range.min_ns));
    }
    if (range.has_max()) {
      inner.condition = And(std::move(inner.condition),
                            TimeBound(BinaryOp::kLte, range.max_ns));
    }
  }
  auto answer = run_inner(inner);
  if (!answer) return answer.error();

  AnswerStore store;
  for (const auto& series : *answer) {
    for (size_t c = 1; c < series.columns.size(); ++c) {
      AnswerStore::Series out;
      out.info.key.measurement = series.name;
      for (const auto& [k, v] : series.tags) {
        if (!v.empty()) out.info.key.tags.emplace_back(k, v);
      }
      out.info.key.field = series.columns[c];
      std::optional<engine::ValueType> type;
      for (const auto& row : series.values) {
        if (c >= row.size()) continue;
        auto t = TypeOfCell(row[c]);
        if (!t) continue;
        if (!type) type = t;
        if (*t != *type) continue;  // one type per series, the first seen
        out.points.push_back({std::get<int64_t>(row[0]), ToValue(row[c])});
      }
      if (!type) continue;
      out.info.type = *type;
      std::stable_sort(out.points.begin(), out.points.end(),
                       [](const engine::Sample& a, const engine::Sample& b) {
                         return a.timestamp_ns < b.timestamp_ns;
                       });
      store.Add(std::move(out));
    }
  }
  if (store.empty()) return std::vector<ResultRows>{};

  SelectStatement outer = CloneSelect(s);
  outer.sources.clear();
  for (const auto& m : store.Measurements()) {
    Source src;
    src.database = "(subquery)";  // the inner statement resolved it
    src.name = m;
    outer.sources.push_back(std::move(src));
  }
  return run_outer(store, outer);
}

}  // namespace citynexus::query::influxql::detail
