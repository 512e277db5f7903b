// Reuses SensorThings models across requests. Building one decodes every
// series of the catalog (~0.25 s for 100,000 series), which made every
// SensorThings request, even one Datastream by id, cost that much. A model
// depends only on the catalog and on what the caller may read, so it is
// kept per read permission (net::Access::ReadKey) and catalog version
// (engine::Store::CatalogVersion) and rebuilt when either differs.
//
// Bounded: at most kMaxModels models (the least recently used is dropped);
// a store that does not track its catalog version gets a fresh model every
// time.
//
// Thread-safety: Get is safe to call concurrently; models are immutable and
// shared.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "common/mutex.h"
#include "common/thread_annotations.h"
#include "engine/engine.h"
#include "net/access.h"
#include "query/sta/model.h"

namespace citynexus::query::sta {

class ModelCache {
 public:
  static constexpr size_t kMaxModels = 8;

  // The model of what `caller` may read in `store` (model.h, BuildModel).
  std::shared_ptr<const Model> Get(engine::Store& store,
                                   const net::Access& caller);

 private:
  struct Entry {
    std::string read_key;
    uint64_t version = 0;
    std::shared_ptr<const Model> model;
  };
  Mutex mu_;
  std::list<Entry> entries_ GUARDED_BY(mu_);  // most recently used first
};

}  // namespace citynexus::query::sta
