// The SensorThings view of the store: how series become Things, Datastreams,
// Sensors, ObservedProperties, Locations and FeaturesOfInterest, and the ids
// they carry (docs/sensorthings.md).
//
//   Datastream        one series (measurement + tag set + field); its
//                     @iot.id is the catalog's series id (dense, persisted in
//                     the catalog, so stable across restarts).
//   Thing             one measurement + tag set (a line-protocol "device");
//                     id = StableId("thing", measurement{tags}).
//   ObservedProperty  measurement + field; id = StableId("op", ...).
//   Sensor            the series' source ("mqtt:...", "http"); id =
//                     StableId("sensor", source).
//   Location,         the Thing's position from series metadata (the first
//   FeatureOfInterest  series of the Thing with latitude/longitude); both use
//                     the Thing's id. Things without a position have none.
//   Observation       one point; id "<series id>-<timestamp ns>" (a string).
//
// A model is built per request from the catalog, holding only the series
// the caller may read (Access::CanRead on the measurement): everything the
// SensorThings routes list, count, navigate or expand comes from this model,
// so a private measurement is never visible, not even as a count.
//
// Thread-safety: a built model is immutable; one request uses it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "net/access.h"

namespace citynexus::query::sta {

// A 53-bit (JSON-safe) non-zero id: FNV-1a 64 of kind + '\0' + text, masked.
// Pure function of its input, so ids survive restarts and rebuilds.
uint64_t StableId(std::string_view kind, std::string_view text);

enum class EntityType {
  kThing,
  kLocation,
  kHistoricalLocation,
  kDatastream,
  kSensor,
  kObservedProperty,
  kObservation,
  kFeatureOfInterest,
};

// "Things", "Datastreams", ... (the entity set name).
std::string_view SetName(EntityType type);
// "Thing", "Datastream", ... (the singular, used by to-one navigation).
std::string_view SingularName(EntityType type);
// Entity set by its name; nullopt for unknown names.
std::optional<EntityType> TypeOfSet(std::string_view name);

struct ThingEntry {
  uint64_t id = 0;
  std::string measurement;
  std::vector<std::pair<std::string, std::string>> tags;
  std::optional<std::pair<double, double>> lat_lon;
  std::vector<size_t> datastreams;  // indexes into Model::datastreams
};

struct DatastreamEntry {
  engine::SeriesInfo series;
  size_t thing = 0;              // index into Model::things
  size_t sensor = 0;             // index into Model::sensors
  size_t observed_property = 0;  // index into Model::observed_properties
};

struct SensorEntry {
  uint64_t id = 0;
  std::string source;
  std::vector<size_t> datastreams;
};

struct ObservedPropertyEntry {
  uint64_t id = 0;
  std::string measurement;
  std::string field;
  std::vector<size_t> datastreams;
};

// Ordered by id within each vector (the default order of entity sets).
struct Model {
  std::vector<ThingEntry> things;
  std::vector<DatastreamEntry> datastreams;
  std::vector<SensorEntry> sensors;
  std::vector<ObservedPropertyEntry> observed_properties;
  // Things with a position; Location and FeatureOfInterest ids equal these
  // Things' ids.
  std::vector<size_t> located_things;

  // Index of the entity with `id` in its vector; nullopt when not visible.
  std::optional<size_t> FindThing(uint64_t id) const;
  std::optional<size_t> FindDatastream(uint64_t id) const;
  std::optional<size_t> FindSensor(uint64_t id) const;
  std::optional<size_t> FindObservedProperty(uint64_t id) const;
  // For Locations and FeaturesOfInterest: index into `things`.
  std::optional<size_t> FindLocatedThing(uint64_t id) const;
};

// Builds the model of the series `caller` may read. Reads the catalog only.
Model BuildModel(engine::Store& store, const net::Access& caller);

// Observation ids: "<series id>-<timestamp ns>".
std::string ObservationId(uint64_t series_id, int64_t timestamp_ns);
// Inverse; nullopt for malformed text.
std::optional<std::pair<uint64_t, int64_t>> ParseObservationId(
    std::string_view text);

}  // namespace citynexus::query::sta
