// SELECT execution internals, shared by its files. SelectRun holds the
// statement-wide state of one SELECT (columns, time range, filters, time
// windows, limits); its work is split by job:
//   select.cc            sources, schema, tag sets and output series
//   select_plan.cc       the selected columns (PlanColumns)
//   select_raw.cc        reading points; raw rows
//   select_aggregate.cc  aggregates per time window
//   select_fill.cc       fill() of empty windows
// Internal to query/.
//
// Thread-safety: one SelectRun per statement execution, one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "query/influxql/ast.h"
#include "query/influxql/condition.h"
#include "query/influxql/exec.h"
#include "query/influxql/reduce.h"
#include "query/influxql/window.h"
#include "query/query.h"
#include "query/query_workers.h"
#include "query/time_zone.h"

namespace citynexus::query::influxql::detail {

using engine::SeriesInfo;

// One selected column.
struct Column {
  std::string name;
  bool is_call = false;
  Fn fn = Fn::kCount;
  double param = 0;  // percentile p, or integral unit in ns
  std::string field;
  std::string cast;     // "field" / "tag" / ""
  bool expand = false;  // fn(*): one column per field, named fn_field
};

// Series of one measurement sharing a tag set (one per field).
struct TagSet {
  TagList tags;
  std::map<std::string, const SeriesInfo*> fields;
};

struct Group {
  std::map<std::string, std::string> tags;
  std::vector<const TagSet*> members;
};

// The columns of `s`; sets *aggregate when they are function calls and
// *wildcard for SELECT *. kInvalidArgument / kNotSupported as InfluxDB.
Result<std::vector<Column>> PlanColumns(const SelectStatement& s,
                                        bool* aggregate, bool* wildcard);

// One SELECT's execution: Prepare(), then Measurements(), CollectSchema()
// and RunMeasurement() for each measurement.
class SelectRun {
 public:
  SelectRun(engine::Store& store, const QueryOptions& limits,
            const SelectStatement& s, const QueryGuard* guard)
      : store_(store), limits_(limits), s_(s), guard_(guard) {}

  // Statement-wide checks and state (select.cc): database, columns,
  // tz() zone and windows, time range and filters.
  Status Prepare(const ExecContext& ctx);
  // The measurements of FROM (names and regexes), sorted.
  Result<std::vector<std::string>> Measurements();

  // The union of fields (with types) and tag keys of `measurements`.
  Status CollectSchema(const std::vector<std::string>& measurements);

  // Appends the output series of `measurement` to `out`.
  Status RunMeasurement(const std::string& measurement,
                        std::vector<ResultRows>* out);

 private:
  // Reading points (select_raw.cc). Called after every series
  // read: checks the point limit and the guard (timeout, disconnect).
  Status CountPoints(size_t n);

  // Field values of one tag set by timestamp, for the named fields.
  Status LoadRows(const TagSet& ts, const std::vector<std::string>& fields,
                  std::map<int64_t, std::vector<const engine::Value*>>* rows,
                  std::vector<std::vector<engine::Sample>>* storage);

  int64_t EndExclusive() const;
  bool RowPasses(const TagSet& ts, const std::vector<std::string>& fields,
                 const std::vector<const engine::Value*>& row) const;

  Status Raw(const Group& g, const std::vector<Column>& cols, ResultRows* out);

  // Points of `field` over the group's members, ascending by time (stable
  // across members), with the row filter applied.
  Status GroupPoints(const Group& g, const std::string& field,
                     std::vector<TimedValue>* points);

  // Aggregates (select_aggregate.cc).
  Status CheckTypes(const Group& g, const Column& c) const;

  // Per column: bucket start (or 0) -> reduced value.
  using ColumnValues = std::map<int64_t, Reduced>;

  // GROUP BY time of a function that engine buckets can answer (count sum
  // mean min max first last spread) without field conditions: reads
  // Store::Aggregate, and so rollups, instead of every raw point. Returns
  // false, touching nothing, when the column does not qualify.
  Result<bool> FromEngineBuckets(const Group& g, const Column& c,
                                 ColumnValues* values, int64_t* first_data);

  // Engine buckets of members (select_buckets.cc). ReadMemberBuckets reads
  // one series' buckets over the statement's range (empty when it has no
  // point there) through `reader` (one per thread); it touches no SelectRun
  // state, so QueryWorkers' threads call it. MergeMemberBuckets adds one
  // member's buckets into `merged`. MergeMembers reads and merges all of
  // `members` in their order (on workers_ for many members), counting points
  // and checking the guard.
  Status ReadMemberBuckets(engine::SeriesReader& reader, const SeriesInfo& si,
                           std::vector<engine::Bucket>* buckets,
                           uint64_t* points) const;
  void MergeMemberBuckets(std::span<const engine::Bucket> buckets,
                          std::map<int64_t, engine::Bucket>* merged) const;
  Status MergeMembers(const std::vector<const SeriesInfo*>& members,
                      std::map<int64_t, engine::Bucket>* merged);

  // last() without GROUP BY time and field conditions: the newest point of
  // each member from Store::Last (which reads back to front) instead of
  // every point in the range. Returns false, touching nothing, when the
  // column does not qualify.
  Result<bool> FromNewestPoints(const Group& g, const Column& c,
                                ColumnValues* values);

  Status Aggregate(const Group& g, const std::vector<Column>& cols,
                   ResultRows* out);

  // Rows of an aggregate without GROUP BY time. Each column reports its own
  // time, as InfluxDB does: integral() its window start (0), a lone selector
  // its point's time, everything else the lower time bound (0 when none).
  // Columns with the same time share a row.
  Status SingleRows(const std::vector<Column>& cols,
                    const std::vector<ColumnValues>& values,
                    ResultRows* out) const;

  // fill() of the empty windows of column `ci` (select_fill.cc).
  void FillColumn(const Column& c, bool integer,
                  const std::vector<int64_t>& times,
                  const std::vector<bool>& known,
                  std::vector<std::vector<Cell>>* grid, size_t ci) const;

  engine::Store& store_;
  const QueryOptions& limits_;
  const SelectStatement& s_;
  const QueryGuard* guard_;          // may be null
  QueryWorkers* workers_ = nullptr;  // from ExecContext; may be null
  bool aggregate_ = false;
  bool wildcard_ = false;
  std::vector<Column> columns_;
  std::shared_ptr<const TimeZone> zone_;  // tz(); null for UTC
  TimeWindows windows_;
  TimeRange range_;
  std::vector<const Expr*> filters_;
  RowFilter row_filter_;
  std::vector<SeriesInfo> series_;
  // Tag keys and fields per measurement from the catalog index, read once
  // by CollectSchema() and reused by RunMeasurement().
  std::map<std::string, engine::SeriesSummary> schemas_;
  Result<const engine::SeriesSummary*> SchemaOf(const std::string& measurement);
  std::map<std::string, engine::ValueType> all_fields_;
  std::set<std::string> all_tags_;
  uint64_t points_read_ = 0;
  int64_t emitted_ = 0;  // non-empty output series, for SLIMIT/SOFFSET
};

}  // namespace citynexus::query::influxql::detail
