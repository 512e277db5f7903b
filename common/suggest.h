// "Did you mean" suggestions: one rule for every place that rejects an
// unknown name (config keys, indicator definition keys).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace citynexus {

// Optimal string alignment distance (Levenshtein plus adjacent swaps),
// case-insensitive.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name` when it is close enough to be a plausible
// typo (distance at most 2 and at most max(1, half the name's length)); ties
// go to the earlier candidate. nullopt otherwise.
std::optional<std::string> ClosestName(
    std::string_view name, const std::vector<std::string>& candidates);

}  // namespace citynexus
