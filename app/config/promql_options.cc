#include "app/config/promql_options.h"

#include <chrono>

namespace citynexus::app {

std::vector<Option<Config>> PromqlOptions() {
  using builders::DurationOption;
  using std::chrono::seconds;
  std::vector<Option<Config>> o;
  o.push_back(DurationOption<Config>(
      {"promql.lookback_delta", "",
       "How far back a PromQL instant selector looks for the latest point "
       "(Prometheus' --query.lookback-delta). Raise it for hourly or daily "
       "city data; the lookback_delta query parameter overrides it."},
      "5m", seconds(1), seconds(366 * 86400),
      [](Config& c, seconds d) { c.promql.lookback_delta = d; },
      [](const Config& c) -> std::optional<seconds> {
        return std::chrono::duration_cast<seconds>(c.promql.lookback_delta);
      }));
  return o;
}

}  // namespace citynexus::app
