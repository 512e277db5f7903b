// SHOW ... CARDINALITY from the rows of the listing statement (see
// show_cardinality.h). SHOW SERIES lists keys of every measurement in one
// series, so the exact form splits them by measurement (the key up to its
// first unescaped comma).
#include "query/influxql/show_cardinality.h"

#include <map>
#include <string>

namespace citynexus::query::influxql::detail {
namespace {

std::string MeasurementOfKey(const std::string& key) {
  std::string m;
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i] == '\\' && i + 1 < key.size()) {
      m += key[++i];
      continue;
    }
    if (key[i] == ',') break;
    m += key[i];
  }
  return m;
}

ResultRows CountRow(std::string name, std::string column, int64_t n) {
  ResultRows r;
  r.name = std::move(name);
  r.columns = {std::move(column)};
  r.values.push_back({n});
  return r;
}

}  // namespace

Result<std::vector<ResultRows>> CountCardinality(
    const ShowStatement& s, std::vector<ResultRows> listing) {
  std::vector<ResultRows> out;
  int64_t total = 0;
  for (const auto& r : listing) total += static_cast<int64_t>(r.values.size());
  const bool whole = s.kind == ShowKind::kMeasurements ||
                     (s.kind == ShowKind::kSeries && !s.exact);
  if (whole) {
    out.push_back(
        CountRow("", s.exact ? "count" : "cardinality estimation", total));
    return out;
  }
  if (s.kind == ShowKind::kSeries) {
    std::map<std::string, int64_t> per_measurement;
    for (const auto& r : listing) {
      for (const auto& row : r.values) {
        const auto* key = std::get_if<std::string>(&row[0]);
        if (key != nullptr) ++per_measurement[MeasurementOfKey(*key)];
      }
    }
    for (const auto& [m, n] : per_measurement) {
      out.push_back(CountRow(m, "count", n));
    }
    return out;
  }
  for (const auto& r : listing) {
    out.push_back(
        CountRow(r.name, "count", static_cast<int64_t>(r.values.size())));
  }
  return out;
}

}  // namespace citynexus::query::influxql::detail
