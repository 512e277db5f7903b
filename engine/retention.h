// Retention rule matching: which rule (if any) applies to a series.
// The deletion itself runs in the store (RocksStore::RunRetention).
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <string_view>
#include <vector>

#include "engine/engine.h"

namespace citynexus::engine {

// Shell-style glob: `*` any run (also empty), `?` one character.
bool GlobMatch(std::string_view pattern, std::string_view text);

// The first rule whose measurement glob matches or whose domain equals the
// series domain; nullptr when none does. Empty globs/domains never match.
const RetentionRule* MatchRetentionRule(const std::vector<RetentionRule>& rules,
                                        const SeriesInfo& series);

}  // namespace citynexus::engine
