// StatementCache: see statement_cache.h.
#include "query/influxql/statement_cache.h"

#include <utility>

namespace citynexus::query::influxql {

Result<StatementCache::Parsed> StatementCache::Parse(std::string_view text,
                                                     const Params& params) {
  const bool cacheable = params.empty() && text.size() <= kMaxTextBytes;
  if (cacheable) {
    MutexLock lock(&mu_);
    auto it = entries_.find(text);
    if (it != entries_.end()) {
      return it->second;
    }
  }
  auto parsed = ParseQuery(text, params);
  if (!parsed) {
    return parsed.error();
  }
  auto shared =
      std::make_shared<const std::vector<Statement>>(std::move(*parsed));
  if (cacheable) {
    MutexLock lock(&mu_);
    if (entries_.size() >= kMaxEntries) {
      entries_.erase(entries_.begin());
    }
    entries_.emplace(std::string(text), shared);
  }
  return Parsed(std::move(shared));
}

size_t StatementCache::size() const {
  MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace citynexus::query::influxql
