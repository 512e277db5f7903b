#include "query/influxql/show_retention.h"

namespace citynexus::query::influxql::detail {

std::string GoDuration(int64_t seconds) {
  if (seconds == 0) return "0s";
  std::string sign = seconds < 0 ? "-" : "";
  const uint64_t total = seconds < 0 ? 0 - static_cast<uint64_t>(seconds)
                                     : static_cast<uint64_t>(seconds);
  const uint64_t h = total / 3600, m = total / 60 % 60, s = total % 60;
  if (h > 0) {
    return sign + std::to_string(h) + "h" + std::to_string(m) + "m" +
           std::to_string(s) + "s";
  }
  if (m > 0) return sign + std::to_string(m) + "m" + std::to_string(s) + "s";
  return sign + std::to_string(s) + "s";
}

ResultRows RetentionPolicyRows(std::optional<std::chrono::seconds> duration) {
  constexpr int64_t kDay = 86400;
  const int64_t d = duration ? duration->count() : 0;
  // meta.shardGroupDuration() of InfluxDB 1.x.
  int64_t shard = 3600;
  if (d == 0 || d >= 180 * kDay) {
    shard = 7 * kDay;
  } else if (d >= 2 * kDay) {
    shard = kDay;
  }
  ResultRows r;
  r.columns = {"name", "duration", "shardGroupDuration", "replicaN", "default"};
  r.values.push_back({std::string("autogen"), GoDuration(d), GoDuration(shard),
                      int64_t{1}, true});
  return r;
}

}  // namespace citynexus::query::influxql::detail
