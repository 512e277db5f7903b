// Execution of parsed InfluxQL statements against an engine::Store, with
// InfluxDB 1.x semantics: series of a measurement merge into one output
// series unless grouped by tags, GROUP BY time fills empty buckets with null
// by default, selectors without GROUP BY time report the selected point's
// time, aggregates otherwise the lower bound of the time range.
//
// Thread-safety: Executor is safe for concurrent use (the Store is).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "engine/engine.h"
#include "net/access.h"
#include "query/influxql/ast.h"
#include "query/query.h"
#include "query/query_guard.h"
#include "query/query_workers.h"
#include "query/time_zone.h"

namespace citynexus::query::influxql {

// InfluxDB's bounds of representable time (math.MinInt64 + 2, MaxInt64 - 1).
inline constexpr int64_t kMinTime = INT64_MIN + 2;
inline constexpr int64_t kMaxTime = INT64_MAX - 1;

// One value of a result row; monostate is JSON null.
using Cell = std::variant<std::monostate, double, int64_t, bool, std::string>;

// One series of a statement result ("name", "tags", "columns", "values").
struct ResultRows {
  std::string name;                         // omitted when empty
  std::map<std::string, std::string> tags;  // omitted when empty
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> values;
  // Column 0 holds int64 nanosecond times, written as RFC 3339 or epoch.
  bool time_column = false;
  // The statement's tz() zone: RFC 3339 times carry its offset. Null: UTC.
  std::shared_ptr<const TimeZone> zone;
};

struct StatementResult {
  std::vector<ResultRows> series;
  std::string error;  // non-empty: the statement failed with this message
  // Why it failed; kCorruption / kIOError (damaged or unreadable storage)
  // make the HTTP answer 500 instead of InfluxDB's 200 with an error.
  StatusCode code = StatusCode::kOk;
};

struct ExecContext {
  std::string database;  // the `db` parameter; may be empty
  int64_t now_ns = 0;
  // Stops statements on timeout or client disconnect; null: never.
  const QueryGuard* guard = nullptr;
  // Who asks (never null): SELECT refuses named measurements it may not
  // read, FROM /regex/ and SHOW see only readable ones. Default: nothing.
  const net::Access* access = &net::Access::DenyAll();
  // Threads for aggregates over many series; null: the executor's own
  // (Executor::Execute sets it), or none.
  QueryWorkers* workers = nullptr;
};

class Executor {
 public:
  // `store` must outlive the executor. `limits` bound series, points and
  // buckets per statement.
  // Aggregates over many series use QueryWorkers::Resolve(
  // limits.parallelism) threads (a pool of that many minus one, started on
  // first use).
  Executor(engine::Store& store, QueryOptions limits);

  const QueryOptions& limits() const { return limits_; }

  // Runs one statement. Never fails as a whole: errors (including
  // "not supported: ...") are reported in StatementResult::error, as
  // InfluxDB reports them per statement with HTTP 200.
  StatementResult Execute(const Statement& statement,
                          const ExecContext& context) const;

 private:
  Result<std::vector<ResultRows>> Select(const SelectStatement& s,
                                         const ExecContext& context) const;
  Result<std::vector<ResultRows>> Show(const ShowStatement& s,
                                       const ExecContext& context) const;

  engine::Store& store_;
  QueryOptions limits_;
  std::shared_ptr<QueryWorkers> workers_;  // null: parallelism 1
};

}  // namespace citynexus::query::influxql
