// SensorThings query options (OGC 18-088 §9.3): $top $skip $count $select
// $filter $orderby $expand (nested, with its own options after ';'),
// $resultFormat, and citynexus' $aggregate / $interval / $tz.
//
// Bounds: $top is clamped to the server maximum; $skip <= kMaxSkip; $expand
// nests at most kMaxExpandDepth deep with at most kMaxListItems items per
// list ($select, $orderby, $expand); option values up to
// kMaxExpressionBytes. Unknown `$` options are kNotSupported (501), malformed
// ones kInvalidArgument (400) naming the option and position.
//
// Thread-safety: parsed options are immutable values.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "query/sta/expr.h"

namespace citynexus::query::sta {

constexpr int kMaxExpandDepth = 4;
constexpr size_t kMaxListItems = 32;
constexpr uint64_t kMaxSkip = 1'000'000'000;

struct OrderBy {
  std::unique_ptr<Expr> expr;
  bool descending = false;
};

struct ExpandItem;

struct QueryOptions {
  std::optional<uint64_t> top;  // as given (before clamping)
  uint64_t skip = 0;
  bool count = false;
  std::vector<std::string> select;  // empty: everything
  std::unique_ptr<Expr> filter;
  std::vector<OrderBy> orderby;
  std::vector<ExpandItem> expand;
  bool data_array = false;  // $resultFormat=dataArray
  std::string aggregate;    // "mean", ...; empty: raw observations
  std::string interval;     // ISO 8601 duration text
  std::string tz;           // IANA zone for calendar buckets
};

struct ExpandItem {
  // One navigation property ("Datastreams"); a path "A/B(opts)" is parsed
  // as A($expand=B(opts)).
  std::vector<std::string> path;
  QueryOptions options;  // applies to the last path element
};

// Parses the query parameters of a request (pairs in order). Parameters not
// starting with '$' are ignored.
Result<QueryOptions> ParseQueryOptions(
    const std::vector<std::pair<std::string, std::string>>& params);

// An ISO 8601 duration for $interval: PnW, PnD, PTnH, PTnM, PTnS (and sums
// like P1DT12H) as fixed nanoseconds; PnM / PnY as calendar months in
// *months (then the result is 0). kInvalidArgument when malformed or zero.
Result<int64_t> ParseIsoDuration(std::string_view text, int* months, int* days);

}  // namespace citynexus::query::sta
