#include "query/sta/model_cache.h"

#include <utility>

namespace citynexus::query::sta {

std::shared_ptr<const Model> ModelCache::Get(engine::Store& store,
                                             const net::Access& caller) {
  // Read before building: a series created meanwhile bumps the version, so
  // the next request rebuilds rather than reusing a model that may lack it.
  const std::optional<uint64_t> version = store.CatalogVersion();
  if (!version) return std::make_shared<const Model>(BuildModel(store, caller));
  std::string key = caller.ReadKey();
  {
    MutexLock lock(&mu_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->read_key != key || it->version != *version) continue;
      entries_.splice(entries_.begin(), entries_, it);
      return entries_.front().model;
    }
  }
  // Built outside the lock: concurrent first requests may build the same
  // model twice, but no request waits for another's build.
  auto model = std::make_shared<const Model>(BuildModel(store, caller));
  MutexLock lock(&mu_);
  entries_.remove_if([&](const Entry& e) { return e.read_key == key; });
  entries_.push_front(Entry{std::move(key), *version, model});
  while (entries_.size() > kMaxModels) entries_.pop_back();
  return model;
}

}  // namespace citynexus::query::sta
