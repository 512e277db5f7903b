#include "query/indicators/step_grid.h"

#include <cctype>

#include "query/bucket_math.h"
#include "query/time_parse.h"
#include "query/time_zone.h"

namespace citynexus::query::indicators {

std::pair<int64_t, int64_t> StepGrid::Window(size_t k, int64_t range_ns,
                                             int64_t offset_ns) const {
  if (range_ns == 0 || range_ns == nominal_ns) {
    return {starts[k] - offset_ns, ends[k] - offset_ns};
  }
  return {ends[k] - range_ns - offset_ns, ends[k] - offset_ns};
}

Result<StepGrid> FixedStepGrid(int64_t start_ns, int64_t end_ns,
                               int64_t step_ns, size_t max_steps) {
  if (step_ns <= 0) {
    return Status::InvalidArgument("step must be positive");
  }
  if (end_ns <= start_ns) {
    return Status::InvalidArgument("end must be after start");
  }
  const int64_t first = BucketStart(start_ns, step_ns, 0);
  const uint64_t n =
      static_cast<uint64_t>((end_ns - first + step_ns - 1) / step_ns);
  if (n > max_steps) {
    return Status::ResourceExhausted(std::to_string(n) +
                                     " steps; the limit (max_steps) is " +
                                     std::to_string(max_steps));
  }
  StepGrid g;
  g.nominal_ns = step_ns;
  for (uint64_t i = 0; i < n; ++i) {
    const int64_t t = first + static_cast<int64_t>(i) * step_ns;
    g.starts.push_back(t);
    g.ends.push_back(t + step_ns);
  }
  return g;
}

Result<StepGrid> MakeStepGrid(int64_t start_ns, int64_t end_ns,
                              const std::string& step,
                              const std::string& time_zone, size_t max_steps) {
  if (end_ns <= start_ns) {
    return Status::InvalidArgument("end must be after start");
  }
  const bool zoned = !time_zone.empty() && time_zone != "UTC";
  auto calendar = ParseCalendarStep(step, zoned);
  if (!calendar) return calendar.error().WithContext("step");
  if (calendar->count == 0) {
    auto ns = ParseDurationNs(step);
    if (!ns) {
      return ns.error().WithContext("step");
    }
    return FixedStepGrid(start_ns, end_ns, *ns, max_steps);
  }
  const CalendarUnit cal = calendar->unit;
  const int count = calendar->count;
  auto zone = time_zone.empty() ? Result<TimeZone>(TimeZone::Utc())
                                : TimeZone::Load(time_zone);
  if (!zone) {
    return zone.error().WithContext("tz");
  }
  CITYNEXUS_ASSIGN_OR_RETURN(
      auto edges,
      CalendarBucketEdges(start_ns, end_ns, cal, count, *zone, max_steps + 1));
  if (edges.size() < 2) {
    return Status::InvalidArgument("empty evaluation range");
  }
  if (edges.size() - 1 > max_steps) {
    return Status::ResourceExhausted(
        "too many steps; the limit (max_steps) "
        "is " +
        std::to_string(max_steps));
  }
  StepGrid g;
  constexpr int64_t kDayNs = 86400LL * 1000000000;
  g.nominal_ns = cal == CalendarUnit::kDay    ? kDayNs * count
                 : cal == CalendarUnit::kWeek ? 7 * kDayNs * count
                                              : 0;
  for (size_t i = 0; i + 1 < edges.size(); ++i) {
    g.starts.push_back(edges[i]);
    g.ends.push_back(edges[i + 1]);
  }
  return g;
}

}  // namespace citynexus::query::indicators
