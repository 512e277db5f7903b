// mode() and count(distinct()) over one bucket, as InfluxDB 1.6 computes
// them: mode sorts by value and keeps the longest run (see Mode() for
// ties); both accept any field type.
#include <algorithm>
#include <set>

#include "query/influxql/reduce.h"

namespace citynexus::query::influxql {
namespace {

// A total order over values of one field (InfluxDB does not mix types in
// one bucket; across types the variant index orders them).
bool ValueLess(const engine::Value& a, const engine::Value& b) {
  if (a.index() != b.index()) {
    const bool an = !std::holds_alternative<std::string>(a) &&
                    !std::holds_alternative<bool>(a);
    const bool bn = !std::holds_alternative<std::string>(b) &&
                    !std::holds_alternative<bool>(b);
    if (an && bn) {
      auto num = [](const engine::Value& v) {
        if (const auto* i = std::get_if<int64_t>(&v)) {
          return static_cast<double>(*i);
        }
        return std::get<double>(v);
      };
      return num(a) < num(b);
    }
    return a.index() < b.index();
  }
  return a < b;
}

bool ValueEqual(const engine::Value& a, const engine::Value& b) {
  return !ValueLess(a, b) && !ValueLess(b, a);
}

std::optional<Reduced> Mode(std::span<const TimedValue> points) {
  if (points.size() == 1) return Reduced{0, ToCell(points[0].value)};
  std::vector<const TimedValue*> sorted;
  for (const auto& p : points) sorted.push_back(&p);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const TimedValue* a, const TimedValue* b) {
                     return ValueLess(a->value, b->value);
                   });
  // The longest run; on ties the smallest value. InfluxDB's loop
  // (query/call_iterator.go) breaks ties by times within Go's unstable
  // sort order, which in practice also keeps the smaller value; exact
  // agreement on ties is not guaranteed (docs/influxql.md).
  size_t most_count = 0;
  size_t run = 0;
  const TimedValue* most = sorted[0];
  const TimedValue* run_value = sorted[0];
  for (const TimedValue* p : sorted) {
    if (!ValueEqual(p->value, run_value->value)) {
      run = 0;
      run_value = p;
    }
    ++run;
    if (run > most_count) {
      most_count = run;
      most = p;
    }
  }
  return Reduced{0, ToCell(most->value)};
}

}  // namespace

std::optional<Reduced> ReduceMore(Fn fn, std::span<const TimedValue> points) {
  if (points.empty()) return std::nullopt;
  if (fn == Fn::kMode) return Mode(points);
  std::vector<const engine::Value*> values;
  for (const auto& p : points) values.push_back(&p.value);
  std::sort(values.begin(), values.end(),
            [](const engine::Value* a, const engine::Value* b) {
              return ValueLess(*a, *b);
            });
  int64_t distinct = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i == 0 || !ValueEqual(*values[i - 1], *values[i])) ++distinct;
  }
  return Reduced{0, distinct};
}

}  // namespace citynexus::query::influxql
