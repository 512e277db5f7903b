// WHERE clauses of InfluxQL: splitting off the time range, and evaluating the
// remaining tag and field conditions against a series' tags and a row's
// field values.
//
// Thread-safety: RowFilter is immutable after Compile() and safe for
// concurrent use; the Expr tree it points into must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/regex.h"
#include "common/status.h"
#include "engine/engine.h"
#include "query/influxql/ast.h"
#include "query/influxql/exec.h"
#include "query/time_zone.h"

namespace citynexus::query::influxql {

// Inclusive bounds, as InfluxDB keeps them.
struct TimeRange {
  int64_t min_ns = kMinTime;
  int64_t max_ns = kMaxTime;
  bool has_min() const { return min_ns != kMinTime; }
  bool has_max() const { return max_ns != kMaxTime; }
};

// Value of a time expression: 'RFC 3339' strings, integers (ns), duration
// literals (1704067200s = since the epoch), now(), and +/- durations.
// Strings without a UTC offset ('2024-03-31 00:00:00', '2024-03-31') are
// local times of `zone` (the statement's tz()) when given, else UTC.
Result<int64_t> EvalTime(const Expr& e, int64_t now_ns,
                         const TimeZone* zone = nullptr);

// Walks the top-level AND chain of `condition` (may be null): conditions on
// `time` narrow `range`, everything else is appended to `filters`.
// kNotSupported for time conditions under OR or with !=.
Status SplitCondition(const Expr* condition, int64_t now_ns, TimeRange* range,
                      std::vector<const Expr*>* filters,
                      const TimeZone* zone = nullptr);

using TagList = std::vector<std::pair<std::string, std::string>>;
using FieldLookup = std::function<const engine::Value*(const std::string&)>;

class RowFilter {
 public:
  // `tag_keys`: the tag keys of the measurement; other names are fields
  // unless cast with ::tag — or tags too when `only_tags` (SHOW statements,
  // whose conditions InfluxDB applies to the series index only).
  static Result<RowFilter> Compile(std::vector<const Expr*> conjuncts,
                                   const std::set<std::string>& tag_keys,
                                   bool only_tags = false);

  bool empty() const { return conjuncts_.empty(); }
  // True when some condition needs field values (evaluated per row).
  bool uses_fields() const { return !fields_.empty(); }
  const std::set<std::string>& fields() const { return fields_; }

  // Evaluates the conditions that reference only tags; true when all hold
  // (a series failing it has no matching rows).
  bool MatchesTags(const TagList& tags) const;
  // Evaluates every condition for one row of a series.
  bool MatchesRow(const TagList& tags, const FieldLookup& field) const;

 private:
  struct Conjunct {
    const Expr* expr;
    bool uses_fields;
  };
  Cell Eval(const Expr& e, const TagList& tags, const FieldLookup* field) const;
  bool Truthy(const Expr& e, const TagList& tags,
              const FieldLookup* field) const;

  std::vector<Conjunct> conjuncts_;
  std::set<std::string> tag_keys_;
  bool only_tags_ = false;
  std::set<std::string> fields_;
  std::map<const Expr*, std::shared_ptr<const Regex>> regexes_;
};

}  // namespace citynexus::query::influxql
