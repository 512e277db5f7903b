// Default implementations of Store's index-backed catalog calls
// (engine/engine.h) for stores without an inverted index (wrappers in tests,
// the subquery answer store): each decodes the series FindSeries returns.
// RocksStore overrides them with answers from the catalog's postings;
// SummarizeDecoded is shared with the catalog for filters its index cannot
// answer.
#include <map>
#include <set>

#include "engine/engine.h"
#include "engine/series_catalog.h"

namespace citynexus::engine {

std::vector<std::string> Store::MeasurementNames() {
  std::set<std::string> names;
  for (const SeriesInfo& s : FindSeries({})) names.insert(s.key.measurement);
  return std::vector<std::string>(names.begin(), names.end());
}

Result<SeriesSummary> Store::SummarizeSeries(
    const SeriesFilter& filter,
    const std::function<bool(std::string_view key)>& values_of) {
  if (filter.measurement.empty()) {
    return Status::InvalidArgument("SummarizeSeries needs a measurement");
  }
  return SummarizeDecoded(FindSeries(filter), values_of);
}

SeriesSummary SummarizeDecoded(
    const std::vector<SeriesInfo>& series,
    const std::function<bool(std::string_view key)>& values_of) {
  SeriesSummary out;
  std::map<std::string, std::set<std::string>> values;
  for (const SeriesInfo& s : series) {
    ++out.series;
    out.fields.emplace(s.key.field, s.type);
    for (const auto& [k, v] : s.key.tags) {
      auto& set = values[k];
      if (values_of && values_of(k)) set.insert(v);
    }
  }
  for (auto& [k, set] : values) {
    out.tags[k] = std::vector<std::string>(set.begin(), set.end());
  }
  return out;
}

}  // namespace citynexus::engine
