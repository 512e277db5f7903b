// How store series appear as Prometheus time series, and which of them a
// caller may see.
//
// A series (measurement, field, tags) is the metric
// `<measurement>_<field>{tag="value", ...}`; characters outside
// [a-zA-Z0-9_:] (label names: [a-zA-Z0-9_]) become '_', and a leading digit
// gets a '_' prefix. Collision rule: when two store series map to the same
// label set (e.g. measurements "a.b" and "a_b"), every series of that label
// set gets the extra label `citynexus_series="<canonical key>"`, so both
// stay visible and distinct. Only numeric series (float, integer, bool as
// 0/1) are visible; string series are not Prometheus samples.
//
// Each catalog indicator is the metric `indicator:<id>`; its other labels
// are the indicator's output labels, known only once it is evaluated, so
// the view holds one entry per indicator with just __name__ and the
// evaluator applies the other matchers to the evaluated series. An
// indicator is visible when the caller may read every measurement its
// expression reads (the same rule as the indicator API).
//
// Thread-safety: see SeriesView.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/regex.h"
#include "common/status.h"
#include "engine/engine.h"
#include "net/access.h"
#include "query/indicators.h"
#include "query/promql/ast.h"
#include "query/promql/value.h"

namespace citynexus::query::promql {

std::string SanitizeMetricName(std::string_view name);
std::string SanitizeLabelName(std::string_view name);

struct NamedSeries {
  engine::SeriesId id = 0;
  Labels labels;  // with __name__
  // Set for `indicator:<id>`: the definition (labels then hold __name__).
  const IndicatorDefinition* indicator = nullptr;
};

inline constexpr std::string_view kIndicatorPrefix = "indicator:";

// Label matchers compiled once (=~ and !~ through common/regex.h: RE2
// syntax, fully anchored as Prometheus does, length-capped, cached).
//
// Deliberately not query::TagPredicate / the matcher of query_engine.cc:
// PromQL anchors regexes (`=~"a"` matches only "a", as in Prometheus) and
// matches the synthetic `__name__` label, while InfluxQL and the JSON API
// search unanchored (`=~ /a/` matches "bar"). Converging them would change
// answers of one language; keep the two and say which semantics you need.
// The indicator selectors (query/indicators/series_data.cc) share this
// anchored semantics and the LabelMatcher type, and could share this class.
class MatcherSet {
 public:
  // kInvalidArgument for a bad regex.
  static Result<MatcherSet> Compile(const std::vector<LabelMatcher>& matchers);
  // PromQL semantics: a missing label is "". `only_name`: test only the
  // __name__ matchers.
  bool Matches(const Labels& labels, bool only_name = false) const;

 private:
  struct Compiled;
  std::vector<std::shared_ptr<const Compiled>> matchers_;
};

// The numeric series of `store` readable by `caller` (Access::CanRead on
// the measurement; others are left out entirely, so no response can name
// them), with their Prometheus labels.
// `re` anchored as Prometheus does (^(?:re)$), compiled by common/regex.h.
Result<std::shared_ptr<const Regex>> CompileAnchored(std::string_view re);

// Visits every series `caller` may see (indicators are not series), with
// their final labels (the collision rule applied): metric names ascending,
// the series of one name in label order. One metric name is in memory at a
// time, not the catalog: the label and metadata endpoints walk 100k series
// without holding them. `visit` returns false to stop; an error it returns
// ends the walk and is returned.
Status ForEachVisibleSeries(
    engine::Store& store, const net::Access& caller,
    const std::function<Result<bool>(const NamedSeries&)>& visit);

// The metric names of the series `caller` may see (no indicators), sorted,
// read from the catalog index; only a (measurement, field) whose first
// series holds strings is decoded, to learn whether a numeric one exists.
Result<std::vector<std::string>> VisibleMetricNames(engine::Store& store,
                                                    const net::Access& caller);

// The series and indicators one caller may see, resolved on demand: a
// selector with a `__name__="..."` matcher reads only the measurements whose
// fields map to that name and, for equality matchers on tags, only the
// postings of those tag values (engine/postings_index.h), so a lookup in a
// catalog of 100k series decodes a handful of records instead of all of
// them. Other selectors, and all(), read the whole catalog once.
//
// Thread-safety: a SeriesView belongs to one request (it caches what it
// resolved); not safe for concurrent use. It refers to `store`, `caller`
// and `catalog`, which must outlive it.
class SeriesView {
 public:
  static SeriesView Build(engine::Store& store, const net::Access& caller,
                          const IndicatorCatalog* catalog = nullptr);

  // Series matching every matcher (PromQL semantics: a missing label is "",
  // regexes are RE2 and fully anchored); indicators matching the __name__
  // matchers. Ordered by labels; within the series resolved through the
  // index, and within all(), one series is always the same pointer.
  // kInvalidArgument for a bad regex.
  Result<std::vector<const NamedSeries*>> Select(
      const std::vector<LabelMatcher>& matchers) const;

  // Every visible series and indicator, ordered by labels.
  const std::vector<NamedSeries>& all() const;
  // The indicators the caller may read (__name__ only).
  const std::vector<NamedSeries>& Indicators() const;

 private:
  SeriesView(engine::Store& store, const net::Access& caller,
             const IndicatorCatalog* catalog)
      : store_(&store), caller_(&caller), catalog_(catalog) {}

  // Candidates for `matchers` read through the index: nullopt when the
  // matchers give no exact metric name (the caller then scans all()).
  std::optional<std::vector<const NamedSeries*>> IndexedCandidates(
      const std::vector<LabelMatcher>& matchers) const;
  // Names `infos`' series (collision rule included) and keeps them.
  std::vector<const NamedSeries*> Intern(
      std::vector<engine::SeriesInfo> infos) const;

  engine::Store* store_;
  const net::Access* caller_;
  const IndicatorCatalog* catalog_;
  mutable std::optional<std::vector<NamedSeries>> all_;
  // Series resolved through the index, by id (stable addresses).
  mutable std::deque<NamedSeries> interned_;
  mutable std::unordered_map<engine::SeriesId, const NamedSeries*> by_id_;
  mutable std::optional<std::vector<NamedSeries>> indicators_;
};

}  // namespace citynexus::query::promql
