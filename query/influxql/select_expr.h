// SELECT fields that are more than a field, a tag or a plain aggregate:
// arithmetic (`mean(kwh) * 60`, `max(x) - min(x)`, `a * b`), InfluxDB 1.6's
// math functions (abs, round, sqrt, pow, log, sin, ...) and the
// transformations (derivative, difference, moving_average, cumulative_sum,
// elapsed and their non_negative_ forms), in their raw and nested-aggregate
// forms.
//
// How: the statement's leaves (field references and aggregate calls) become
// the fields of an inner, plain SELECT (run by the existing executor with
// the same FROM, WHERE, GROUP BY, fill() and tz(); for transformations over
// GROUP BY time one interval earlier, so the first bucket has a previous
// value, as in InfluxDB). The outer fields are then evaluated row by row
// over the inner series, transformations per output series, and LIMIT and
// OFFSET apply to the outer rows.
//   select_math.cc       planning, the inner statement, row evaluation
//   math_ops.cc          operators and math functions with InfluxDB types
//   select_transform.cc  the transformations over one series of points
// Internal to query/.
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "query/influxql/ast.h"
#include "query/influxql/condition.h"
#include "query/influxql/exec.h"
#include "query/query.h"

namespace citynexus::query::influxql::detail {

// True when some field of `s` needs the expression layer (math, a math
// function, a transformation, a nested call). Plain statements keep the
// direct path.
bool NeedsExpressionLayer(const SelectStatement& s);

// Runs a plain (no expression) SELECT: the existing executor.
using PlainSelect =
    std::function<Result<std::vector<ResultRows>>(const SelectStatement&)>;

// The existing executor's SELECT (select.cc), the inner query's runner.
Result<std::vector<ResultRows>> RunPlainSelect(engine::Store& store,
                                               const QueryOptions& limits,
                                               const SelectStatement& s,
                                               const ExecContext& context);

// Runs `s` through an inner plain SELECT of its leaves and evaluates its
// fields over the inner rows. Errors as InfluxDB words them
// (kInvalidArgument) or "not supported: ..." (kNotSupported).
Result<std::vector<ResultRows>> SelectWithExpressions(
    const SelectStatement& s, const ExecContext& ctx,
    const PlainSelect& run_plain);

// True when a field is top(), bottom(), distinct() or sample(): selectors
// of several points per window (select_multi.cc).
bool IsMultiPointSelect(const SelectStatement& s);

// Runs such a statement over an inner raw SELECT of the field.
Result<std::vector<ResultRows>> SelectMultiPoint(const SelectStatement& s,
                                                 const ExecContext& ctx,
                                                 const PlainSelect& run_plain);

// How far `s`'s transformations widen its time range back (one GROUP BY
// interval, or 0); a subquery under it must answer that far back too.
int64_t TransformExtension(const SelectStatement& s);

// True when FROM holds a subquery (subquery.cc).
bool HasSubquery(const SelectStatement& s);

// Runs a SELECT against another store (the subquery's answer).
using StoreSelect = std::function<Result<std::vector<ResultRows>>(
    engine::Store&, const SelectStatement&)>;

// SELECT ... FROM (SELECT ...): runs the inner statement through
// `run_inner` (narrowed to the outer time range), then the outer one
// through `run_outer` against the inner answer held in memory.
Result<std::vector<ResultRows>> SelectFromSubquery(
    const SelectStatement& s, const ExecContext& ctx,
    const PlainSelect& run_inner, const StoreSelect& run_outer);

// Math (math_ops.cc). The arity of an InfluxDB 1.6 math function (abs,
// round, ..., pow, log, atan2), nullopt for other names.
std::optional<size_t> MathArity(std::string_view name);
// `a op b` for + - * / % with InfluxDB's types; null unless both are
// numbers.
Cell Arithmetic(BinaryOp op, const Cell& a, const Cell& b);
// A math function of MathArity(name) arguments; null unless all are
// numbers.
Cell MathCall(const std::string& name, const std::vector<Cell>& args);

// A deep copy (statements own their expressions through unique_ptr).
std::unique_ptr<Expr> CloneExpr(const Expr& e);

// Copies the clauses of `s` that choose series and rows to `to`: FROM,
// WHERE (deep), GROUP BY tags, SLIMIT/SOFFSET and tz(). Windows, fill,
// order, LIMIT/OFFSET and fields stay as they are in `to`.
void CopySeriesScope(const SelectStatement& s, SelectStatement* to);

// A copy of every clause of `s` but its fields (the condition deep,
// subqueries shared): the base of an inner statement.
SelectStatement CloneSelectClauses(const SelectStatement& s);

// The time range `s`'s WHERE selects, with times read in its tz() zone.
// kInvalidArgument for a zone that cannot be loaded or a bad time bound.
Result<TimeRange> StatementTimeRange(const SelectStatement& s, int64_t now_ns);

// Output column names with InfluxDB's conflict resolution: an alias
// (non-empty `aliases[i]`) is kept as given; otherwise `derived[i]`, and a
// later duplicate becomes name_1, name_2, ... skipping names in use.
std::vector<std::string> UniqueColumnNames(
    const std::vector<std::string>& derived,
    const std::vector<std::string>& aliases);

// Numeric cells (float or integer) and their value as a double.
bool IsNumber(const Cell& c);
double AsDouble(const Cell& c);

enum class Transform {
  kDerivative,
  kNonNegativeDerivative,
  kDifference,
  kNonNegativeDifference,
  kMovingAverage,
  kCumulativeSum,
  kElapsed,
};

std::optional<Transform> TransformByName(std::string_view name);

// InfluxDB widens the time range of these by one GROUP BY interval so the
// first bucket has a previous one (all but cumulative_sum).
bool ExtendsStart(Transform t);

struct TimedCell {
  int64_t time_ns = 0;
  Cell value;  // double or int64_t; never null on input
};

// One transformation over one output series' non-null points, in output
// order (ascending unless `ascending` is false). `param` is the unit in ns
// (derivative, elapsed) or the window length (moving_average). Result types
// as InfluxDB: derivative and moving_average float, difference and
// cumulative_sum keep integers, elapsed integer.
std::vector<TimedCell> ApplyTransform(Transform t, int64_t param,
                                      std::span<const TimedCell> points,
                                      bool ascending);

}  // namespace citynexus::query::influxql::detail
