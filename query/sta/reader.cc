// Entities, navigation and the non-Observation collection pipeline
// ($filter, $orderby, $top/$skip); the response shapes are in
// reader_render.cc.
#include "query/sta/reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace citynexus::query::sta {
namespace {

struct NavEntry {
  EntityType from;
  std::string_view name;
  EntityType to;
  bool to_one;
};
constexpr NavEntry kNavigation[] = {
    {EntityType::kThing, "Locations", EntityType::kLocation, false},
    {EntityType::kThing, "HistoricalLocations", EntityType::kHistoricalLocation,
     false},
    {EntityType::kThing, "Datastreams", EntityType::kDatastream, false},
    {EntityType::kLocation, "Things", EntityType::kThing, false},
    {EntityType::kLocation, "HistoricalLocations",
     EntityType::kHistoricalLocation, false},
    {EntityType::kHistoricalLocation, "Thing", EntityType::kThing, true},
    {EntityType::kHistoricalLocation, "Locations", EntityType::kLocation,
     false},
    {EntityType::kDatastream, "Thing", EntityType::kThing, true},
    {EntityType::kDatastream, "Sensor", EntityType::kSensor, true},
    {EntityType::kDatastream, "ObservedProperty", EntityType::kObservedProperty,
     true},
    {EntityType::kDatastream, "Observations", EntityType::kObservation, false},
    {EntityType::kSensor, "Datastreams", EntityType::kDatastream, false},
    {EntityType::kObservedProperty, "Datastreams", EntityType::kDatastream,
     false},
    {EntityType::kObservation, "Datastream", EntityType::kDatastream, true},
    {EntityType::kObservation, "FeatureOfInterest",
     EntityType::kFeatureOfInterest, true},
    {EntityType::kFeatureOfInterest, "Observations", EntityType::kObservation,
     false},
};

std::string_view ObservationType(engine::ValueType t) {
  switch (t) {
    case engine::ValueType::kFloat:
      return "http://www.opengis.net/def/observationType/OGC-OM/2.0/"
             "OM_Measurement";
    case engine::ValueType::kInt:
      return "http://www.opengis.net/def/observationType/OGC-OM/2.0/"
             "OM_CountObservation";
    case engine::ValueType::kBool:
      return "http://www.opengis.net/def/observationType/OGC-OM/2.0/"
             "OM_TruthObservation";
    case engine::ValueType::kString:
      break;
  }
  return "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Observation";
}

Json TagsJson(const std::vector<std::pair<std::string, std::string>>& tags) {
  Json j = Json::object();
  for (const auto& [k, v] : tags) j[k] = v;
  return j;
}

std::string TagText(
    const std::vector<std::pair<std::string, std::string>>& tags) {
  std::string s;
  for (const auto& [k, v] : tags) s += (s.empty() ? "" : ",") + k + "=" + v;
  return s;
}

Json PointJson(const std::pair<double, double>& lat_lon) {
  return Json{{"type", "Point"},
              {"coordinates", Json::array({lat_lon.second, lat_lon.first})}};
}

}  // namespace

Json ValueJson(const engine::Value& v) {
  switch (v.index()) {
    case 0: {
      const double d = std::get<double>(v);
      if (!std::isfinite(d)) return nullptr;
      return d;
    }
    case 1:
      return std::get<int64_t>(v);
    case 2:
      return std::get<bool>(v);
    default:
      return std::get<std::string>(v);
  }
}

ExprValue JsonToExpr(const Json& j) {
  if (j.is_number()) return ExprValue::Number(j.get<double>());
  if (j.is_string()) return ExprValue::String(j.get<std::string>());
  if (j.is_boolean()) return ExprValue::Bool(j.get<bool>());
  return ExprValue::Null();
}

Reader::Reader(engine::Store& store, const StaOptions& options,
               std::shared_ptr<const Model> model, std::string base_url,
               int64_t now_ns)
    : store_(store),
      options_(options),
      model_(std::move(model)),
      base_url_(std::move(base_url)),
      now_ns_(now_ns) {}

uint64_t Reader::TopOf(const QueryOptions& o) const {
  return std::min(o.top.value_or(options_.default_top), options_.max_top);
}

std::optional<EntityRef> Reader::Find(EntityType type,
                                      std::string_view id_text) const {
  EntityRef ref;
  ref.type = type;
  if (type == EntityType::kObservation) {
    auto id = ParseObservationId(id_text);
    if (!id) return std::nullopt;
    auto ds = model_->FindDatastream(id->first);
    if (!ds) return std::nullopt;
    auto sample = store_.Last(id->first, id->second, id->second + 1);
    if (!sample || !*sample) return std::nullopt;
    ref.observation = {*ds, id->second, (*sample)->value, std::nullopt};
    return ref;
  }
  uint64_t id = 0;
  auto r = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (r.ec != std::errc() || r.ptr != id_text.data() + id_text.size()) {
    return std::nullopt;
  }
  std::optional<size_t> index;
  switch (type) {
    case EntityType::kThing:
      index = model_->FindThing(id);
      break;
    case EntityType::kDatastream:
      index = model_->FindDatastream(id);
      break;
    case EntityType::kSensor:
      index = model_->FindSensor(id);
      break;
    case EntityType::kObservedProperty:
      index = model_->FindObservedProperty(id);
      break;
    case EntityType::kLocation:
    case EntityType::kFeatureOfInterest:
      index = model_->FindLocatedThing(id);
      break;
    default:
      break;
  }
  if (!index) return std::nullopt;
  ref.index = *index;
  return ref;
}

std::string Reader::SelfLink(const EntityRef& ref) const {
  std::string id;
  switch (ref.type) {
    case EntityType::kObservation: {
      const auto& o = ref.observation;
      id = "'" +
           ObservationId(model_->datastreams[o.datastream].series.id,
                         o.timestamp_ns) +
           "'";
      break;
    }
    case EntityType::kDatastream:
      id = std::to_string(model_->datastreams[ref.index].series.id);
      break;
    case EntityType::kSensor:
      id = std::to_string(model_->sensors[ref.index].id);
      break;
    case EntityType::kObservedProperty:
      id = std::to_string(model_->observed_properties[ref.index].id);
      break;
    default:
      id = std::to_string(model_->things[ref.index].id);
  }
  return base_url_ + "/" + std::string(SetName(ref.type)) + "(" + id + ")";
}

Json Reader::Render(const EntityRef& ref) const {
  Json j;
  const std::string self = SelfLink(ref);
  auto nav = [&](std::initializer_list<std::string_view> names) {
    for (auto n : names) {
      j[std::string(n) + "@iot.navigationLink"] = self + "/" + std::string(n);
    }
  };
  switch (ref.type) {
    case EntityType::kThing: {
      const ThingEntry& t = model_->things[ref.index];
      j["@iot.id"] = t.id;
      j["@iot.selfLink"] = self;
      const std::string tags = TagText(t.tags);
      j["name"] = tags.empty() ? t.measurement : t.measurement + " " + tags;
      j["description"] = "measurement " + t.measurement +
                         (tags.empty() ? "" : " with tags " + tags);
      j["properties"] = {{"measurement", t.measurement},
                         {"tags", TagsJson(t.tags)}};
      nav({"Locations", "HistoricalLocations", "Datastreams"});
      break;
    }
    case EntityType::kLocation:
    case EntityType::kFeatureOfInterest: {
      const ThingEntry& t = model_->things[ref.index];
      j["@iot.id"] = t.id;
      j["@iot.selfLink"] = self;
      const std::string tags = TagText(t.tags);
      j["name"] = tags.empty() ? t.measurement : t.measurement + " " + tags;
      j["description"] = "position of " + std::string(j["name"]);
      j["encodingType"] = "application/geo+json";
      if (ref.type == EntityType::kLocation) {
        j["location"] = PointJson(*t.lat_lon);
        nav({"Things", "HistoricalLocations"});
      } else {
        j["feature"] = PointJson(*t.lat_lon);
        nav({"Observations"});
      }
      break;
    }
    case EntityType::kHistoricalLocation:
      break;  // never listed: the store keeps no location history
    case EntityType::kDatastream: {
      const DatastreamEntry& d = model_->datastreams[ref.index];
      const auto& s = d.series;
      j["@iot.id"] = s.id;
      j["@iot.selfLink"] = self;
      j["name"] = s.key.Canonical();
      j["description"] =
          s.meta.description.empty()
              ? "field " + s.key.field + " of " + s.key.Canonical()
              : s.meta.description;
      j["unitOfMeasurement"] = {
          {"name", s.meta.unit}, {"symbol", s.meta.unit}, {"definition", ""}};
      j["observationType"] = ObservationType(s.type);
      Json props = {{"measurement", s.key.measurement},
                    {"field", s.key.field},
                    {"tags", TagsJson(s.key.tags)},
                    {"type", engine::ValueTypeName(s.type)}};
      if (!s.meta.domain.empty()) props["domain"] = s.meta.domain;
      j["properties"] = std::move(props);
      const ThingEntry& t = model_->things[d.thing];
      if (t.lat_lon) j["observedArea"] = PointJson(*t.lat_lon);
      nav({"Thing", "Sensor", "ObservedProperty", "Observations"});
      break;
    }
    case EntityType::kSensor: {
      const SensorEntry& s = model_->sensors[ref.index];
      j["@iot.id"] = s.id;
      j["@iot.selfLink"] = self;
      j["name"] = s.source;
      j["description"] = "points stored by citynexus source " + s.source;
      j["encodingType"] = "text/plain";
      j["metadata"] = s.source;
      nav({"Datastreams"});
      break;
    }
    case EntityType::kObservedProperty: {
      const ObservedPropertyEntry& p = model_->observed_properties[ref.index];
      j["@iot.id"] = p.id;
      j["@iot.selfLink"] = self;
      j["name"] = p.measurement + "/" + p.field;
      j["definition"] =
          "urn:citynexus:property:" + p.measurement + ":" + p.field;
      j["description"] =
          "field " + p.field + " of measurement " + p.measurement;
      j["properties"] = {{"measurement", p.measurement}, {"field", p.field}};
      nav({"Datastreams"});
      break;
    }
    case EntityType::kObservation: {
      const ObservationRow& o = ref.observation;
      const DatastreamEntry& d = model_->datastreams[o.datastream];
      if (o.bucket_end_ns) {
        // An aggregate: not an addressable entity, so no id or selfLink.
        j["phenomenonTime"] = FormatIsoTime(o.timestamp_ns) + "/" +
                              FormatIsoTime(*o.bucket_end_ns);
        j["resultTime"] = FormatIsoTime(*o.bucket_end_ns);
        j["result"] = ValueJson(o.value);
        j["Datastream@iot.navigationLink"] =
            base_url_ + "/Datastreams(" + std::to_string(d.series.id) + ")";
        break;
      }
      j["@iot.id"] = ObservationId(d.series.id, o.timestamp_ns);
      j["@iot.selfLink"] = self;
      j["phenomenonTime"] = FormatIsoTime(o.timestamp_ns);
      j["resultTime"] = FormatIsoTime(o.timestamp_ns);
      j["result"] = ValueJson(o.value);
      nav({"Datastream"});
      if (model_->things[d.thing].lat_lon) nav({"FeatureOfInterest"});
      break;
    }
  }
  return j;
}

std::optional<Reader::NavTarget> Reader::Navigation(EntityType from,
                                                    std::string_view name) {
  for (const auto& n : kNavigation) {
    if (n.from == from && n.name == name) return NavTarget{n.to, n.to_one};
  }
  return std::nullopt;
}

std::optional<EntityRef> Reader::NavigateOne(const EntityRef& from,
                                             std::string_view name) const {
  EntityRef to;
  if (from.type == EntityType::kDatastream) {
    const DatastreamEntry& d = model_->datastreams[from.index];
    if (name == "Thing")
      to = {EntityType::kThing, d.thing, {}};
    else if (name == "Sensor")
      to = {EntityType::kSensor, d.sensor, {}};
    else if (name == "ObservedProperty") {
      to = {EntityType::kObservedProperty, d.observed_property, {}};
    } else {
      return std::nullopt;
    }
    return to;
  }
  if (from.type == EntityType::kObservation) {
    const size_t ds = from.observation.datastream;
    if (name == "Datastream") return EntityRef{EntityType::kDatastream, ds, {}};
    if (name == "FeatureOfInterest") {
      const size_t thing = model_->datastreams[ds].thing;
      if (!model_->things[thing].lat_lon) return std::nullopt;
      return EntityRef{EntityType::kFeatureOfInterest, thing, {}};
    }
  }
  return std::nullopt;
}

std::vector<EntityRef> Reader::NavigateMany(const EntityRef& from,
                                            std::string_view name) const {
  std::vector<EntityRef> out;
  auto datastreams = [&](const std::vector<size_t>& list) {
    for (size_t i : list) out.push_back({EntityType::kDatastream, i, {}});
  };
  switch (from.type) {
    case EntityType::kThing:
      if (name == "Datastreams")
        datastreams(model_->things[from.index].datastreams);
      if (name == "Locations" && model_->things[from.index].lat_lon) {
        out.push_back({EntityType::kLocation, from.index, {}});
      }
      break;
    case EntityType::kLocation:
      if (name == "Things") out.push_back({EntityType::kThing, from.index, {}});
      break;
    case EntityType::kSensor:
      if (name == "Datastreams")
        datastreams(model_->sensors[from.index].datastreams);
      break;
    case EntityType::kObservedProperty:
      if (name == "Datastreams") {
        datastreams(model_->observed_properties[from.index].datastreams);
      }
      break;
    default:
      break;
  }
  return out;
}

std::vector<size_t> Reader::ObservationSources(const EntityRef& from) const {
  if (from.type == EntityType::kDatastream) return {from.index};
  if (from.type == EntityType::kFeatureOfInterest) {
    return model_->things[from.index].datastreams;
  }
  return {};
}

std::vector<EntityRef> Reader::All(EntityType type) const {
  std::vector<EntityRef> out;
  auto n = [&]() -> size_t {
    switch (type) {
      case EntityType::kThing:
        return model_->things.size();
      case EntityType::kDatastream:
        return model_->datastreams.size();
      case EntityType::kSensor:
        return model_->sensors.size();
      case EntityType::kObservedProperty:
        return model_->observed_properties.size();
      default:
        return 0;
    }
  }();
  if (type == EntityType::kLocation || type == EntityType::kFeatureOfInterest) {
    for (size_t i : model_->located_things) out.push_back({type, i, {}});
    return out;
  }
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back({type, i, {}});
  return out;
}

ExprValue Reader::Resolve(const EntityRef& ref,
                          const std::vector<std::string>& path) const {
  EntityRef cur = ref;
  size_t i = 0;
  for (; i < path.size(); ++i) {
    auto nav = Navigation(cur.type, path[i]);
    if (!nav || !nav->to_one) break;
    auto next = NavigateOne(cur, path[i]);
    if (!next) return ExprValue::Null();
    cur = std::move(*next);
  }
  if (i == path.size()) return ExprValue::Null();
  if (cur.type == EntityType::kObservation && i + 1 == path.size()) {
    // The hot path of observation filters: no JSON rendering.
    const auto& o = cur.observation;
    if (path[i] == "phenomenonTime" || path[i] == "resultTime") {
      return ExprValue::Time(o.timestamp_ns);
    }
    if (path[i] == "result") return JsonToExpr(ValueJson(o.value));
  }
  const Json j = Render(cur);
  const Json* node = &j;
  for (; i < path.size(); ++i) {
    const std::string& key = path[i] == "id" ? std::string("@iot.id") : path[i];
    if (!node->is_object()) return ExprValue::Null();
    auto it = node->find(key);
    if (it == node->end()) return ExprValue::Null();
    node = &*it;
  }
  return JsonToExpr(*node);
}

Result<Page> Reader::PageOf(std::vector<EntityRef> items, const QueryOptions& o,
                            bool apply_filter) const {
  if (o.filter && apply_filter) {
    std::vector<EntityRef> kept;
    for (auto& ref : items) {
      if (Matches(
              *o.filter,
              [&](const std::vector<std::string>& p) {
                return Resolve(ref, p);
              },
              now_ns_)) {
        kept.push_back(std::move(ref));
      }
    }
    items = std::move(kept);
  }
  Page page;
  if (o.count) page.count = items.size();
  if (!o.orderby.empty()) {
    // Sort keys computed once per entity.
    std::vector<std::pair<std::vector<ExprValue>, size_t>> keys;
    keys.reserve(items.size());
    for (size_t k = 0; k < items.size(); ++k) {
      std::vector<ExprValue> key;
      for (const auto& ob : o.orderby) {
        key.push_back(Evaluate(
            *ob.expr,
            [&](const std::vector<std::string>& p) {
              return Resolve(items[k], p);
            },
            now_ns_));
      }
      keys.emplace_back(std::move(key), k);
    }
    std::stable_sort(keys.begin(), keys.end(),
                     [&](const auto& a, const auto& b) {
                       for (size_t c = 0; c < o.orderby.size(); ++c) {
                         int cmp = CompareForOrder(a.first[c], b.first[c]);
                         if (o.orderby[c].descending) cmp = -cmp;
                         if (cmp != 0) return cmp < 0;
                       }
                       return false;
                     });
    std::vector<EntityRef> sorted;
    sorted.reserve(items.size());
    for (auto& k : keys) sorted.push_back(std::move(items[k.second]));
    items = std::move(sorted);
  }
  const uint64_t top = TopOf(o);
  const size_t begin =
      static_cast<size_t>(std::min<uint64_t>(o.skip, items.size()));
  const size_t end =
      static_cast<size_t>(std::min<uint64_t>(begin + top, items.size()));
  page.more = end < items.size();
  page.items.assign(std::make_move_iterator(items.begin() + begin),
                    std::make_move_iterator(items.begin() + end));
  return page;
}

}  // namespace citynexus::query::sta
