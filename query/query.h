// citynexus query layer: series selection, aggregation in time buckets,
// group-by and fill, and the JSON read API served on the net/ HTTP server.
//
// The layer's public headers are this one, query/indicators.h (indicator
// catalog and evaluation) and query/stream.h (live streams); other layers
// include only those three. The query layer reads through engine::Store and
// never parses ingest payloads.
//
// Thread-safety: QueryEngine is safe for concurrent use (it holds no mutable
// state besides the Store, which is itself thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/agg_function.h"

namespace citynexus::query {

class QueryGuard;

// Guards against queries that would exhaust the server.
struct QueryOptions {
  size_t max_series = 10000;       // series one query may touch
  uint64_t max_points = 50000000;  // raw points one query may read
  size_t max_buckets = 1000000;    // output values (series x buckets)
  // Time one query (all statements of a /query request) may run; <= 0: no
  // limit. The HTTP handlers also stop when the client disconnects.
  std::chrono::milliseconds timeout{60000};
  // Threads one InfluxQL aggregate over many series may use (the requesting
  // thread and query::QueryWorkers' pool); 0: one per core, 1: no pool.
  size_t parallelism = 0;
  // Not a config option: `serve` copies the raw age of the storage.retention
  // rule for every measurement (glob "*"), and InfluxQL's SHOW RETENTION
  // POLICIES reports it as autogen's duration. nullopt: kept forever.
  std::optional<std::chrono::seconds> retention_duration;
};

enum class TagOp { kEqual, kNotEqual, kRegexMatch, kRegexNotMatch };

struct TagPredicate {
  std::string key;
  TagOp op = TagOp::kEqual;
  std::string value;  // literal, or an ECMAScript regex for =~ / !~
};

// AggFunction, ParseAggFunction and AggFunctionName: query/agg_function.h.

enum class FillMode { kNone, kNull, kPrevious, kLinear, kValue };

// Units of calendar buckets (local days, ISO weeks from Monday, months).
enum class CalendarUnit { kDay, kWeek, kMonth };

struct QuerySpec {
  std::string measurement;
  std::string field;               // empty: every field of the measurement
  std::vector<TagPredicate> tags;  // all must hold
  int64_t start_ns = 0;            // inclusive
  int64_t end_ns = 0;              // exclusive
  int64_t step_ns = 0;             // 0: one bucket over the whole range
  int64_t offset_ns = 0;
  // Calendar buckets: when calendar_count > 0, buckets are `calendar_count`
  // local days / weeks / months in `time_zone` (IANA name, "" = UTC),
  // DST-correct, and step_ns / offset_ns are ignored.
  CalendarUnit calendar_unit = CalendarUnit::kDay;
  int calendar_count = 0;
  std::string time_zone;
  AggFunction agg = AggFunction::kNone;
  double agg_param = 0;               // percentile p; integral unit in ns
  std::vector<std::string> group_by;  // tag keys; empty: one group per series
  FillMode fill = FillMode::kNone;
  double fill_value = 0;
};

struct ResultSeries {
  std::string measurement;
  std::string field;
  std::map<std::string, std::string> tags;  // group tags (all tags ungrouped)
  std::string unit;
  std::string agg;  // "mean", "raw"
  // Timestamps (ns) with values; nullopt for fill(null) buckets.
  std::vector<std::pair<int64_t, std::optional<engine::Value>>> values;
};

struct QueryStats {
  size_t series = 0;
  uint64_t points_read = 0;
  uint64_t rollups_read = 0;
  bool rollups = false;
  double elapsed_ms = 0;
};

struct QueryResult {
  std::vector<ResultSeries> series;
  QueryStats stats;
};

class QueryEngine {
 public:
  // `store` must outlive the engine.
  QueryEngine(engine::Store& store, QueryOptions options);
  const QueryOptions& options() const { return options_; }

  // Runs one query. kInvalidArgument for a bad spec (empty measurement,
  // end <= start, bad regex, aggregation of a non-numeric field),
  // kResourceExhausted naming the limit when a guard is hit.
  // `guard` (optional) stops the query on timeout or client disconnect.
  Result<QueryResult> Run(const QuerySpec& spec,
                          const QueryGuard* guard = nullptr) const;

  // Series of `measurement` (all when empty) matching the predicates and
  // domain (when not empty).
  Result<std::vector<engine::SeriesInfo>> FindSeries(
      const std::string& measurement, const std::vector<TagPredicate>& tags,
      const std::string& domain) const;

 private:
  engine::Store& store_;
  QueryOptions options_;
};

// Registers GET /api/v1/series, GET /api/v1/query and
// GET /api/v1/openapi.json. `engine` must outlive the router's server.
void RegisterQueryRoutes(net::Router& router, const QueryEngine& engine);

// Registers GET and POST /query: InfluxQL as the InfluxDB 1.x HTTP API
// serves it (see docs/influxql.md). `store` must outlive the router's server;
// `options` bound series, points and buckets per statement.
void RegisterInfluxQlRoutes(net::Router& router, engine::Store& store,
                            const QueryOptions& options);

}  // namespace citynexus::query
