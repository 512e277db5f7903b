// Retention rule matching (see retention.h).
#include "engine/retention.h"

namespace citynexus::engine {

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point for the last `*`.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const RetentionRule* MatchRetentionRule(const std::vector<RetentionRule>& rules,
                                        const SeriesInfo& series) {
  for (const RetentionRule& rule : rules) {
    if (!rule.measurement_glob.empty() &&
        GlobMatch(rule.measurement_glob, series.key.measurement)) {
      return &rule;
    }
    if (!rule.domain.empty() && rule.domain == series.meta.domain) return &rule;
  }
  return nullptr;
}

}  // namespace citynexus::engine
