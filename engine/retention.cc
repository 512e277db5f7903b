// Retention rule matching (see retention.h).
#include "engine/retention.h"

namespace citynexus::engine {

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
