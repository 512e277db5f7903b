#include "query/sta/model.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

namespace citynexus::query::sta {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;
constexpr uint64_t kJsonSafeMask = (uint64_t{1} << 53) - 1;

struct SetNames {
  EntityType type;
  std::string_view set;
  std::string_view singular;
};
constexpr SetNames kSets[] = {
    {EntityType::kThing, "Things", "Thing"},
    {EntityType::kLocation, "Locations", "Location"},
    {EntityType::kHistoricalLocation, "HistoricalLocations",
     "HistoricalLocation"},
    {EntityType::kDatastream, "Datastreams", "Datastream"},
    {EntityType::kSensor, "Sensors", "Sensor"},
    {EntityType::kObservedProperty, "ObservedProperties", "ObservedProperty"},
    {EntityType::kObservation, "Observations", "Observation"},
    {EntityType::kFeatureOfInterest, "FeaturesOfInterest", "FeatureOfInterest"},
};

// "measurement{k=v,...}" — the series key without the field, escaped as
// SeriesKey::Canonical() escapes, so distinct tag sets never collide as text.
std::string ThingKey(const engine::SeriesKey& key) {
  engine::SeriesKey k = key;
  k.field = "_";
  std::string canonical = k.Canonical();
  canonical.resize(canonical.size() - 2);  // drop "#_"
  return canonical;
}

template <typename Entry>
std::optional<size_t> FindById(const std::vector<Entry>& entries, uint64_t id) {
  auto it =
      std::lower_bound(entries.begin(), entries.end(), id,
                       [](const Entry& e, uint64_t v) { return e.id < v; });
  if (it == entries.end() || it->id != id) return std::nullopt;
  return static_cast<size_t>(it - entries.begin());
}

// Sorts `entries` by id and rewrites the datastreams' back-references.
template <typename Entry>
void SortById(std::vector<Entry>& entries, std::vector<DatastreamEntry>& ds,
              size_t DatastreamEntry::*ref) {
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return entries[a].id < entries[b].id; });
  std::vector<size_t> new_index(entries.size());
  std::vector<Entry> sorted;
  sorted.reserve(entries.size());
  for (size_t i = 0; i < order.size(); ++i) {
    new_index[order[i]] = i;
    sorted.push_back(std::move(entries[order[i]]));
  }
  entries = std::move(sorted);
  for (auto& d : ds) d.*ref = new_index[d.*ref];
}

}  // namespace

uint64_t StableId(std::string_view kind, std::string_view text) {
  uint64_t h = kFnvOffset;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= kFnvPrime;
    }
  };
  mix(kind);
  mix(std::string_view("\0", 1));
  mix(text);
  const uint64_t id = h & kJsonSafeMask;
  return id == 0 ? 1 : id;
}

std::string_view SetName(EntityType type) {
  for (const auto& s : kSets) {
    if (s.type == type) return s.set;
  }
  return "";
}

std::string_view SingularName(EntityType type) {
  for (const auto& s : kSets) {
    if (s.type == type) return s.singular;
  }
  return "";
}

std::optional<EntityType> TypeOfSet(std::string_view name) {
  for (const auto& s : kSets) {
    if (s.set == name) return s.type;
  }
  return std::nullopt;
}

std::optional<size_t> Model::FindThing(uint64_t id) const {
  return FindById(things, id);
}
std::optional<size_t> Model::FindDatastream(uint64_t id) const {
  auto it = std::lower_bound(
      datastreams.begin(), datastreams.end(), id,
      [](const DatastreamEntry& e, uint64_t v) { return e.series.id < v; });
  if (it == datastreams.end() || it->series.id != id) return std::nullopt;
  return static_cast<size_t>(it - datastreams.begin());
}
std::optional<size_t> Model::FindSensor(uint64_t id) const {
  return FindById(sensors, id);
}
std::optional<size_t> Model::FindObservedProperty(uint64_t id) const {
  return FindById(observed_properties, id);
}
std::optional<size_t> Model::FindLocatedThing(uint64_t id) const {
  auto thing = FindThing(id);
  if (!thing || !things[*thing].lat_lon) return std::nullopt;
  return thing;
}

Model BuildModel(engine::Store& store, const net::Access& caller) {
  std::vector<engine::SeriesInfo> all = store.FindSeries({});
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  Model m;
  std::unordered_map<uint64_t, size_t> things, sensors, props;
  const bool everything = caller.CanReadEverything();
  for (auto& s : all) {
    // The one access filter of every SensorThings read (see model.h).
    if (!everything && !caller.CanRead(s.key.measurement)) continue;
    DatastreamEntry d;
    const uint64_t thing_id = StableId("thing", ThingKey(s.key));
    auto [ti, new_thing] = things.try_emplace(thing_id, m.things.size());
    if (new_thing) {
      ThingEntry t;
      t.id = thing_id;
      t.measurement = s.key.measurement;
      t.tags = s.key.tags;
      m.things.push_back(std::move(t));
    }
    ThingEntry& thing = m.things[ti->second];
    if (!thing.lat_lon && s.meta.latitude && s.meta.longitude) {
      thing.lat_lon = {*s.meta.latitude, *s.meta.longitude};
    }
    d.thing = ti->second;
    const std::string source =
        s.meta.source.empty() ? "unknown" : s.meta.source;
    const uint64_t sensor_id = StableId("sensor", source);
    auto [si, new_sensor] = sensors.try_emplace(sensor_id, m.sensors.size());
    if (new_sensor) m.sensors.push_back({sensor_id, source, {}});
    d.sensor = si->second;
    const uint64_t prop_id =
        StableId("op", s.key.measurement + std::string(1, '\0') + s.key.field);
    auto [pi, new_prop] =
        props.try_emplace(prop_id, m.observed_properties.size());
    if (new_prop) {
      m.observed_properties.push_back(
          {prop_id, s.key.measurement, s.key.field, {}});
    }
    d.observed_property = pi->second;
    d.series = std::move(s);
    m.datastreams.push_back(std::move(d));
  }
  SortById(m.things, m.datastreams, &DatastreamEntry::thing);
  SortById(m.sensors, m.datastreams, &DatastreamEntry::sensor);
  SortById(m.observed_properties, m.datastreams,
           &DatastreamEntry::observed_property);
  for (size_t i = 0; i < m.datastreams.size(); ++i) {
    const auto& d = m.datastreams[i];
    m.things[d.thing].datastreams.push_back(i);
    m.sensors[d.sensor].datastreams.push_back(i);
    m.observed_properties[d.observed_property].datastreams.push_back(i);
  }
  for (size_t i = 0; i < m.things.size(); ++i) {
    if (m.things[i].lat_lon) m.located_things.push_back(i);
  }
  return m;
}

std::string ObservationId(uint64_t series_id, int64_t timestamp_ns) {
  return std::to_string(series_id) + "-" + std::to_string(timestamp_ns);
}

std::optional<std::pair<uint64_t, int64_t>> ParseObservationId(
    std::string_view text) {
  // The timestamp may be negative: "<id>--5".
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  uint64_t id = 0;
  int64_t ts = 0;
  auto a = std::from_chars(text.data(), text.data() + dash, id);
  if (a.ec != std::errc() || a.ptr != text.data() + dash) return std::nullopt;
  const char* b0 = text.data() + dash + 1;
  const char* end = text.data() + text.size();
  auto b = std::from_chars(b0, end, ts);
  if (b.ec != std::errc() || b.ptr != end || b0 == end) return std::nullopt;
  return std::make_pair(id, ts);
}

}  // namespace citynexus::query::sta
