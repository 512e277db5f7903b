// Options query.*: guards of the read API (query::QueryOptions).
#include "app/config/fields.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {

std::vector<Option<Config>> QuerySection() {
  using namespace builders;  // NOLINT: the table reads as a list of builders
  using C = Config;
  using Q = query::QueryOptions;
  return {
      Int<C>({"query.max_series", "series",
              "Series one query may select; more answers 422 naming this "
              "limit."},
             10000, 1, 10000000, Member(&C::query, &Q::max_series)),
      Int<C>({"query.max_points", "points",
              "Raw points one query may read; more answers 422 naming this "
              "limit."},
             50000000, 1000, int64_t{1} << 40,
             Member(&C::query, &Q::max_points)),
      Int<C>({"query.max_buckets", "values",
              "Values (series x buckets) one aggregation may return; more "
              "answers 422 naming this limit."},
             1000000, 100, int64_t{1} << 32,
             Member(&C::query, &Q::max_buckets)),
      Duration<C>({"query.timeout", "",
                   "Time one query or indicator evaluation may run before it "
                   "is stopped (504; InfluxQL reports it per statement). "
                   "Queries also stop when their client disconnects."},
                  "1m", seconds(1), seconds(86400),
                  Member(&C::query, &Q::timeout)),
      Int<C>({"query.parallelism", "threads",
              "Threads one InfluxQL aggregate over many series (GROUP BY "
              "time over thousands of series), or one indicator selector "
              "over 64 or more series, may use, the requesting one "
              "included; answers are identical for every value. 0 means one "
              "per core; 1 reads every series on the requesting thread."},
             0, 0, 256, Member(&C::query, &Q::parallelism)),
  };
}

}  // namespace citynexus::app
