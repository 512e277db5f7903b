// Retention rule matching: which rule (if any) applies to a series.
// The deletion itself runs in the store (RocksStore::RunRetention).
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <string_view>
#include <vector>

#include "common/glob.h"
#include "engine/engine.h"

namespace citynexus::engine {

// The first rule whose measurement glob matches or whose domain equals the
// series domain; nullptr when none does. Empty globs/domains never match.
const RetentionRule* MatchRetentionRule(const std::vector<RetentionRule>& rules,
                                        const SeriesInfo& series);

}  // namespace citynexus::engine
