// The evaluation steps of an indicator and the window each step covers.
//
// A step is labelled with its start t and covers the bucket [t, t_next):
// for fixed steps the grid is epoch-aligned (k * step), for calendar steps
// ("1mo", or "1d"/"1w" with a time zone) it follows local midnights in the
// zone (query/time_zone.h). A range [W] at step k covers [t_next - W,
// t_next): the window that ends where the step's bucket ends, so W = step is
// exactly the bucket and W = 365d at daily steps is the trailing year
// including day t. `offset D` moves the window D earlier.
//
// Thread-safety: immutable value type.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace citynexus::query::indicators {

struct StepGrid {
  std::vector<int64_t> starts;  // step labels, ascending
  std::vector<int64_t> ends;    // ends[k] = start of the next step
  // Length of one step when it is fixed, or of its nominal calendar length
  // for days/weeks (so an explicit [1d] on a local-day grid is the local
  // day); 0 for months.
  int64_t nominal_ns = 0;

  size_t size() const { return starts.size(); }
  // [a, b) of step k for a range of `range_ns` (0 = the step) moved back by
  // `offset_ns`.
  std::pair<int64_t, int64_t> Window(size_t k, int64_t range_ns,
                                     int64_t offset_ns) const;
};

// Steps covering [start_ns, end_ns): the first step contains start_ns.
// `step` is a duration ("15m", "1d") or "Nmo"; with a non-empty, non-UTC
// `time_zone` "Nd" and "Nw" are local calendar days / ISO weeks.
// kInvalidArgument for a bad step, zone or range; kResourceExhausted for
// more than `max_steps` steps.
Result<StepGrid> MakeStepGrid(int64_t start_ns, int64_t end_ns,
                              const std::string& step,
                              const std::string& time_zone, size_t max_steps);

// A fixed epoch-aligned grid of `step_ns` covering [start_ns, end_ns).
Result<StepGrid> FixedStepGrid(int64_t start_ns, int64_t end_ns,
                               int64_t step_ns, size_t max_steps);

}  // namespace citynexus::query::indicators
