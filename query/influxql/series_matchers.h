// Tag conditions of an InfluxQL WHERE clause as catalog matchers, so that
// the series set of a SELECT or SHOW is found through the inverted tag index
// (engine::SeriesFilter::matchers) instead of decoding every series.
//
// Thread-safety: pure functions; the matchers hold shared compiled regexes
// and are safe for concurrent use.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/engine.h"
#include "query/influxql/ast.h"

namespace citynexus::query::influxql {

// Matchers for the conjuncts (and the AND chains inside them) of the form
// `tag = 'v'`, `tag != 'v'`, `tag =~ /re/`, `tag !~ /re/` whose name is a tag
// by RowFilter's rule (`only_tags`, a ::tag cast, or a key of `tag_keys`).
// Other conditions are left out: the matchers only narrow, so callers still
// apply the full RowFilter. *complete is set when every conjunct became a
// matcher (the matchers alone then decide). kInvalidArgument for a bad regex.
Result<std::vector<engine::TagMatcher>> TagMatchersOf(
    const std::vector<const Expr*>& conjuncts,
    const std::set<std::string>& tag_keys, bool only_tags, bool* complete);

}  // namespace citynexus::query::influxql
