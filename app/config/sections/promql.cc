// Options promql.*: the Prometheus-compatible API (query::PromqlOptions).
#include "app/config/fields.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {

std::vector<Option<Config>> PromqlSection() {
  using namespace builders;  // NOLINT: the table reads as a list of builders
  using C = Config;
  using P = query::PromqlOptions;
  return {
      Duration<C>(
          {"promql.lookback_delta", "",
           "How far back a PromQL instant selector looks for the latest "
           "point (Prometheus' --query.lookback-delta). Raise it for hourly "
           "or daily city data; the lookback_delta query parameter overrides "
           "it."},
          "5m", seconds(1), seconds(366 * 86400),
          Member(&C::promql, &P::lookback_delta)),
  };
}

}  // namespace citynexus::app
