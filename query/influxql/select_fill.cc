// fill() of empty GROUP BY time windows: null (count() 0), none, a number,
// previous, linear — per column, as InfluxDB fills per series.
#include <algorithm>
#include <cmath>
#include <optional>

#include "query/influxql/select_run.h"

namespace citynexus::query::influxql::detail {

void SelectRun::FillColumn(const Column& c, bool integer,
                           const std::vector<int64_t>& times,
                           const std::vector<bool>& known,
                           std::vector<std::vector<Cell>>* grid,
                           size_t ci) const {
  const size_t n = times.size();
  // A column without any value in this series (its field is absent) stays
  // null: InfluxDB fills per input series, and there is none.
  if (std::find(known.begin(), known.end(), true) == known.end()) return;
  switch (s_.fill) {
    case FillKind::kNone:
      return;
    case FillKind::kNull:
      // count() of an empty bucket is 0, not null.
      if (c.fn == Fn::kCount || c.fn == Fn::kCountDistinct) {
        for (size_t r = 0; r < n; ++r) {
          if (!known[r]) (*grid)[r][ci] = int64_t{0};
        }
      }
      return;
    case FillKind::kNumber:
      for (size_t r = 0; r < n; ++r) {
        if (known[r]) continue;
        if (integer || c.fn == Fn::kCount || c.fn == Fn::kCountDistinct) {
          (*grid)[r][ci] = static_cast<int64_t>(s_.fill_value);
        } else {
          (*grid)[r][ci] = s_.fill_value;
        }
      }
      return;
    case FillKind::kPrevious: {
      std::optional<size_t> prev;
      for (size_t r = 0; r < n; ++r) {
        if (known[r]) {
          prev = r;
        } else if (prev) {
          (*grid)[r][ci] = (*grid)[*prev][ci];
        }
      }
      return;
    }
    case FillKind::kLinear: {
      // As InfluxDB: from the previous real value to the next one, in
      // bucket units (time / interval, truncated), m * x + b.
      const int64_t interval = s_.interval_ns;
      auto num = [](const Cell& x) {
        if (const auto* d = std::get_if<double>(&x)) return *d;
        if (const auto* i = std::get_if<int64_t>(&x)) {
          return static_cast<double>(*i);
        }
        return std::nan("");
      };
      std::optional<size_t> prev;
      for (size_t r = 0; r < n; ++r) {
        if (known[r]) {
          prev = r;
          continue;
        }
        if (!prev) continue;
        size_t next = r + 1;
        while (next < n && !known[next]) ++next;
        if (next >= n) break;  // trailing gaps stay null
        const Cell& a = (*grid)[*prev][ci];
        const Cell& b = (*grid)[next][ci];
        const int64_t x0 = times[*prev] / interval;
        const int64_t x1 = times[next] / interval;
        const int64_t x = times[r] / interval;
        const auto* ia = std::get_if<int64_t>(&a);
        const auto* ib = std::get_if<int64_t>(&b);
        if (ia && ib) {
          const double m =
              static_cast<double>(*ib - *ia) / static_cast<double>(x1 - x0);
          (*grid)[r][ci] = static_cast<int64_t>(
              m * static_cast<double>(x - x0) + static_cast<double>(*ia));
        } else {
          const double va = num(a), vb = num(b);
          if (std::isnan(va) || std::isnan(vb)) continue;
          const double m = (vb - va) / static_cast<double>(x1 - x0);
          (*grid)[r][ci] = m * static_cast<double>(x - x0) + va;
        }
      }
      return;
    }
  }
}

}  // namespace citynexus::query::influxql::detail
