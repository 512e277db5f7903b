// One SensorThings read request: the caller's model, rendering of entities
// (with @iot.id, @iot.selfLink and navigation links), navigation, and the
// collection pipeline ($filter, $count, $orderby, $skip, $top, $select,
// $expand, @iot.nextLink). Observations are read in observations.cc.
//
// Thread-safety: one request, one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "query/sta/model.h"
#include "query/sta/options.h"
#include "query/sta/sensorthings.h"

namespace citynexus::query::sta {

using Json = nlohmann::ordered_json;

struct ObservationRow {
  size_t datastream = 0;  // index into Model::datastreams
  int64_t timestamp_ns = 0;
  engine::Value value;
  // Aggregated rows: the bucket end (phenomenonTime is start/end).
  std::optional<int64_t> bucket_end_ns;
};

// An entity of any type: `index` into the model's vector (for Locations and
// FeaturesOfInterest, into `things`), or `observation` for Observations.
struct EntityRef {
  EntityType type = EntityType::kThing;
  size_t index = 0;
  ObservationRow observation;
};

// A page of a collection, plus what the response needs around it.
struct Page {
  std::vector<EntityRef> items;
  std::optional<uint64_t> count;  // for $count=true
  bool more = false;              // another page exists
};

class Reader {
 public:
  // `base_url` like "http://host:8080/v1.1"; `params` are the request's
  // query parameters (kept for nextLink).
  Reader(engine::Store& store, const StaOptions& options,
         std::shared_ptr<const Model> model, std::string base_url,
         int64_t now_ns);

  const Model& model() const { return *model_; }
  const std::string& base_url() const { return base_url_; }

  // The entity `type`(`id`); nullopt when absent or not visible.
  std::optional<EntityRef> Find(EntityType type, std::string_view id) const;
  // The full entity: properties, @iot.id, selfLink, navigation links.
  Json Render(const EntityRef& ref) const;
  // Render() restricted to $select, with $expand applied.
  Result<Json> RenderWith(const EntityRef& ref, const QueryOptions& o) const;

  // The type a navigation property leads to, and whether it is one entity.
  struct NavTarget {
    EntityType type;
    bool to_one;
  };
  static std::optional<NavTarget> Navigation(EntityType from,
                                             std::string_view name);
  // The single entity of a to-one navigation (nullopt if none).
  std::optional<EntityRef> NavigateOne(const EntityRef& from,
                                       std::string_view name) const;
  // The members of a to-many navigation that is not Observations.
  std::vector<EntityRef> NavigateMany(const EntityRef& from,
                                      std::string_view name) const;
  // Datastream indexes whose Observations a to-many navigation lists.
  std::vector<size_t> ObservationSources(const EntityRef& from) const;

  // Every visible entity of a (non-Observation) set.
  std::vector<EntityRef> All(EntityType type) const;

  // Runs $filter/$count/$orderby/$skip/$top over `items` ($filter only
  // when `apply_filter`, for rows filtered while they were read).
  Result<Page> PageOf(std::vector<EntityRef> items, const QueryOptions& o,
                      bool apply_filter = true) const;
  // The page of Observations of `datastreams` (observations.cc).
  Result<Page> ObservationPage(const std::vector<size_t>& datastreams,
                               const QueryOptions& o) const;

  // {"@iot.count":..,"value":[..],"@iot.nextLink":..} for a page.
  // `link` is the collection's URL without query (for nextLink);
  // `params` the query parameters to carry over.
  Result<Json> RenderCollection(
      const Page& page, const QueryOptions& o, const std::string& link,
      const std::vector<std::pair<std::string, std::string>>& params) const;
  // The same page in $resultFormat=dataArray form (Observations only).
  Json RenderDataArray(
      const Page& page, const QueryOptions& o, const std::string& link,
      const std::vector<std::pair<std::string, std::string>>& params) const;

  // The value of a $filter/$orderby path on `ref`.
  ExprValue Resolve(const EntityRef& ref,
                    const std::vector<std::string>& path) const;

  uint64_t TopOf(const QueryOptions& o) const;
  int64_t now_ns() const { return now_ns_; }
  engine::Store& store() const { return store_; }
  const StaOptions& options() const { return options_; }

  std::string SelfLink(const EntityRef& ref) const;

 private:
  // observations.cc
  Result<Page> AggregatePage(size_t datastream, const QueryOptions& o) const;
  Result<uint64_t> CountObservations(size_t datastream, int64_t start_ns,
                                     int64_t end_ns, const Expr* residual,
                                     uint64_t* budget) const;

  engine::Store& store_;
  const StaOptions& options_;
  std::shared_ptr<const Model> model_;  // shared with ModelCache
  std::string base_url_;
  int64_t now_ns_;
};

// A value as JSON (NaN and infinities as null).
Json ValueJson(const engine::Value& v);
// A JSON value converted to an expression value.
ExprValue JsonToExpr(const Json& j);

}  // namespace citynexus::query::sta
