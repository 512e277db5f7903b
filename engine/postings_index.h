// Inverted index of the series catalog, as in Prometheus' index postings:
// per measurement, tag key -> tag value -> ascending series ids, field ->
// ids, and all ids. Filters on tags are answered by intersecting postings
// (equality) or by visiting only the values of one key (regex, negations),
// never by decoding every series.
//
// Memory (bench/catalog_index_bench, glibc mallinfo2, 100k series of one
// measurement, tags meter (unique) and district (12 values), one field):
// the whole catalog with this index takes 192 heap bytes per series, about
// 90 more than the catalog without it; nearly all of that is the map node
// and one-id vector of each unique tag value. A tag with few values costs
// 8 bytes per series (its id in one postings list). MemoryBytes() is an
// upper estimate (253 bytes per series there).
//
// Thread-safety: none; the series catalog calls it under its own lock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/engine.h"

namespace citynexus::engine {

using Postings = std::vector<SeriesId>;  // ascending

class PostingsIndex {
 public:
  // Adds series `id` under its canonical key. Ids normally arrive
  // ascending; others are inserted in place. False (nothing added) when the
  // key does not parse.
  bool Add(SeriesId id, std::string_view canonical);

  // Number of series of `measurement` (0 when unknown).
  size_t MeasurementSize(std::string_view measurement) const;
  // Measurement names, sorted.
  std::vector<std::string> Measurements() const;

  // Ids matching `filter` (measurement, field, tags, matchers; not domain),
  // ascending. An empty measurement searches every measurement.
  Postings Select(const SeriesFilter& filter) const;

  // Summary of the series of filter.measurement matching `filter`;
  // `types[id]` is the value type byte of series id.
  SeriesSummary Summarize(
      const SeriesFilter& filter,
      const std::function<bool(std::string_view key)>& values_of,
      const std::vector<uint8_t>& types) const;

  // Approximate heap bytes (node and buffer sizes as libstdc++ allocates).
  size_t MemoryBytes() const;

 private:
  struct Measurement {
    Postings all;
    std::map<std::string, Postings, std::less<>> fields;
    std::map<std::string, std::map<std::string, Postings, std::less<>>,
             std::less<>>
        tags;
  };
  // True when some condition narrows the series of a measurement.
  static bool Narrows(const SeriesFilter& filter);
  // Ids of `m` matching the filter's field, tags and matchers.
  static Postings SelectIn(const Measurement& m, const SeriesFilter& filter);

  std::map<std::string, Measurement, std::less<>> measurements_;
};

}  // namespace citynexus::engine
