// The /v1.1 routes: the service root, resource paths (entity sets, entities
// by id, navigation, properties, $value) and their dispatch to the Reader.
#include "common/clock.h"
#include "query/sta/model_cache.h"
#include "query/sta/reader.h"
#include "query/sta/request_util.h"
#include "query/sta/sensorthings.h"

namespace citynexus::query::sta {
namespace {

constexpr size_t kMaxPathSegments = 8;

net::Response Json200(const Json& j) {
  return net::Response::Json(
      200, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

net::Response NotFound(std::string_view what) {
  return net::Response::Error(404, "not_found", std::string(what));
}

// One path segment: "Things", "Things(5)", "Observations('1-5')", "name".
struct Segment {
  std::string name;
  std::optional<std::string> id;
};

Result<Segment> ParseSegment(std::string_view s) {
  Segment seg;
  const size_t open = s.find('(');
  if (open == std::string_view::npos) {
    seg.name = std::string(s);
    return seg;
  }
  if (s.back() != ')' || open == 0) {
    return Status::InvalidArgument("malformed path segment \"" +
                                   std::string(s.substr(0, 80)) + "\"");
  }
  seg.name = std::string(s.substr(0, open));
  std::string_view id = s.substr(open + 1, s.size() - open - 2);
  if (id.size() >= 2 && id.front() == '\'' && id.back() == '\'') {
    id = id.substr(1, id.size() - 2);
  }
  if (id.empty() || id.size() > 64) {
    return Status::InvalidArgument("malformed id in \"" +
                                   std::string(s.substr(0, 80)) + "\"");
  }
  seg.id = std::string(id);
  return seg;
}

net::Response ServiceRoot(const std::string& base, bool mqtt) {
  Json value = Json::array();
  for (auto t : {EntityType::kThing, EntityType::kLocation,
                 EntityType::kHistoricalLocation, EntityType::kDatastream,
                 EntityType::kSensor, EntityType::kObservedProperty,
                 EntityType::kObservation, EntityType::kFeatureOfInterest}) {
    value.push_back(
        {{"name", SetName(t)}, {"url", base + "/" + std::string(SetName(t))}});
  }
  // Only classes implemented in full. Entity creation covers Observations
  // only, so create-update-delete is not claimed (docs/sensorthings.md).
  Json conformance = Json::array({
      "http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
      "http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/"
      "resource-path-to-entities",
      "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data",
      "http://www.opengis.net/spec/iot_sensing/1.1/req/data-array/data-array",
  });
  Json j = {{"value", value},
            {"serverSettings", {{"conformance", conformance}}}};
  if (mqtt) {
    j["serverSettings"]["conformance"].push_back(
        "http://www.opengis.net/spec/iot_sensing/1.1/req/"
        "create-observations-via-mqtt/observations-creation");
    j["serverSettings"]["conformance"].push_back(
        "http://www.opengis.net/spec/iot_sensing/1.1/req/"
        "receive-updates-via-mqtt/receive-updates");
    j["serverSettings"]["MQTT"] = {{"mqtt", true}};
  }
  return Json200(j);
}

}  // namespace

SensorThingsService::SensorThingsService(engine::Store& store,
                                         StaOptions options,
                                         WriteRunner run_write)
    : store_(store),
      options_(options),
      run_write_(std::move(run_write)),
      model_cache_(std::make_unique<ModelCache>()) {}

SensorThingsService::~SensorThingsService() = default;

net::Response SensorThingsService::Get(const net::Request& req) const {
  std::string_view path = req.path;
  constexpr std::string_view kPrefix = "/v1.1";
  path.remove_prefix(kPrefix.size());
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const std::string base = BaseUrl(req);
  if (path.empty()) return ServiceRoot(base, options_.mqtt);
  path.remove_prefix(1);  // the '/'

  std::vector<std::string_view> parts;
  for (size_t start = 0; start <= path.size();) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
    if (parts.size() > kMaxPathSegments) {
      return net::Response::Error(400, "invalid_argument", "path too long");
    }
  }
  auto options = ParseQueryOptions(req.query);
  if (!options) return net::Response::FromStatus(options.error());

  // Access: the model holds only what req.Caller() may read (model.h).
  Reader reader(store_, options_, model_cache_->Get(store_, req.Caller()), base,
                UnixNowNs());

  // Walk the path: an entity, a collection, or a property of an entity.
  std::optional<EntityRef> entity;
  std::optional<EntityType> collection_type;
  std::vector<EntityRef> collection;  // non-Observation collections
  std::vector<size_t> observation_sources;
  bool all_observations = false;
  std::string link = base;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "$ref") {
      return net::Response::Error(501, "not_supported",
                                  "$ref is not supported");
    }
    auto seg = ParseSegment(parts[i]);
    if (!seg) return net::Response::FromStatus(seg.error());
    link += "/" + std::string(parts[i]);
    if (i == 0) {
      auto type = TypeOfSet(seg->name);
      if (!type) return NotFound("no entity set \"" + seg->name + "\"");
      if (seg->id) {
        entity = reader.Find(*type, *seg->id);
        if (!entity)
          return NotFound("no " + std::string(SingularName(*type)) + " " +
                          *seg->id);
      } else {
        collection_type = *type;
        if (*type == EntityType::kObservation) {
          all_observations = true;
        } else {
          collection = reader.All(*type);
        }
      }
      continue;
    }
    if (!entity) {
      return net::Response::Error(
          400, "invalid_argument",
          "a collection has no property \"" + seg->name + "\"");
    }
    if (auto nav = Reader::Navigation(entity->type, seg->name)) {
      if (nav->to_one) {
        if (seg->id) {
          return net::Response::Error(
              400, "invalid_argument",
              seg->name + " is one entity; it takes no id");
        }
        auto next = reader.NavigateOne(*entity, seg->name);
        if (!next) return NotFound(seg->name + " not found");
        entity = std::move(next);
        link = reader.SelfLink(*entity);
        continue;
      }
      if (nav->type == EntityType::kObservation) {
        observation_sources = reader.ObservationSources(*entity);
        if (seg->id) {
          auto obs = reader.Find(EntityType::kObservation, *seg->id);
          bool member = obs && std::find(observation_sources.begin(),
                                         observation_sources.end(),
                                         obs->observation.datastream) !=
                                   observation_sources.end();
          if (!member) return NotFound("no Observation " + *seg->id + " here");
          entity = std::move(obs);
          observation_sources.clear();
          continue;
        }
        entity.reset();
        collection_type = EntityType::kObservation;
        continue;
      }
      std::vector<EntityRef> members = reader.NavigateMany(*entity, seg->name);
      if (seg->id) {
        auto target = reader.Find(nav->type, *seg->id);
        bool member = false;
        for (const auto& m : members) {
          member = member || (target && m.index == target->index);
        }
        if (!member)
          return NotFound("no " + std::string(SingularName(nav->type)) + " " +
                          *seg->id + " here");
        entity = std::move(target);
        continue;
      }
      entity.reset();
      collection_type = nav->type;
      collection = std::move(members);
      continue;
    }
    // A property of the entity, optionally followed by $value.
    Json j = reader.Render(*entity);
    auto it = j.find(seg->name == "id" ? "@iot.id" : seg->name);
    if (it == j.end() || seg->id) {
      return NotFound(std::string(SingularName(entity->type)) +
                      " has no property \"" + seg->name + "\"");
    }
    if (i + 1 == parts.size()) return Json200(Json{{seg->name, *it}});
    if (i + 2 == parts.size() && parts[i + 1] == "$value") {
      if (it->is_null()) return net::Response::NoContent();
      return net::Response::Text(
          200, it->is_string() ? it->get<std::string>() : it->dump());
    }
    return net::Response::Error(400, "invalid_argument",
                                "after a property only $value may follow");
  }

  if (entity) {
    auto j = reader.RenderWith(*entity, *options);
    if (!j) return net::Response::FromStatus(j.error());
    return Json200(*j);
  }
  if (*collection_type == EntityType::kObservation) {
    if (all_observations) {
      for (size_t d = 0; d < reader.model().datastreams.size(); ++d) {
        observation_sources.push_back(d);
      }
    }
    auto page = reader.ObservationPage(observation_sources, *options);
    if (!page) return net::Response::FromStatus(page.error());
    if (options->data_array) {
      return Json200(reader.RenderDataArray(*page, *options, link, req.query));
    }
    auto j = reader.RenderCollection(*page, *options, link, req.query);
    if (!j) return net::Response::FromStatus(j.error());
    return Json200(*j);
  }
  if (options->data_array) {
    return net::Response::Error(
        400, "invalid_argument",
        "$resultFormat=dataArray applies to Observations");
  }
  if (!options->aggregate.empty()) {
    return net::Response::Error(400, "invalid_argument",
                                "$aggregate applies to Observations");
  }
  auto page = reader.PageOf(std::move(collection), *options);
  if (!page) return net::Response::FromStatus(page.error());
  auto j = reader.RenderCollection(*page, *options, link, req.query);
  if (!j) return net::Response::FromStatus(j.error());
  return Json200(*j);
}

void RegisterSensorThingsRoutes(net::Router& router,
                                const SensorThingsService& service) {
  const SensorThingsService* svc = &service;
  std::string pattern = "/v1.1";
  for (int depth = 0; depth <= 5; ++depth) {
    router.Add("GET", pattern,
               [svc](const net::Request& r) { return svc->Get(r); });
    for (const char* method : {"POST", "PATCH", "PUT", "DELETE"}) {
      router.AddAsync(method, pattern,
                      [svc](net::Request r, net::Responder respond) {
                        svc->Write(std::move(r), std::move(respond));
                      });
    }
    pattern += "/{s" + std::to_string(depth) + "}";
  }
}

}  // namespace citynexus::query::sta
