// The SensorThings mapping: ids are stable across restarts, entities group
// series as documented, and the model holds only readable measurements.
#include <catch2/catch.hpp>

#include "query/sta/model.h"
#include "query/sta/model_cache.h"
#include "support/temp_dir.h"

namespace citynexus::query::sta {
namespace {

std::unique_ptr<engine::Store> Open(const std::string& dir) {
  engine::StoreOptions o;
  o.data_dir = dir;
  return engine::OpenStore(o).value();
}

void Add(engine::Store& store, const std::string& canonical,
         const engine::SeriesMeta& meta) {
  auto info =
      store
          .GetOrCreateSeries(engine::SeriesKey::Parse(canonical).value(),
                             engine::ValueType::kFloat)
          .value();
  REQUIRE(store.SetSeriesMeta(info.id, meta).ok());
}

struct Ids {
  std::vector<uint64_t> things, datastreams, sensors, props;
  bool operator==(const Ids&) const = default;
};

Ids IdsOf(const Model& m) {
  Ids ids;
  for (const auto& t : m.things) ids.things.push_back(t.id);
  for (const auto& d : m.datastreams) ids.datastreams.push_back(d.series.id);
  for (const auto& s : m.sensors) ids.sensors.push_back(s.id);
  for (const auto& p : m.observed_properties) ids.props.push_back(p.id);
  return ids;
}

}  // namespace

TEST_CASE("sta model: ids survive a restart and group series as documented",
          "[query][sta]") {
  testing::TempDir dir;
  Ids before;
  {
    auto store = Open(dir.str());
    Add(*store, "traffic{district=Mitte,sensor=K12}#vehicles",
        {"1/h", "", "", "http", 52.5, 13.4});
    Add(*store, "traffic{district=Mitte,sensor=K12}#speed",
        {"km/h", "", "", "http", {}, {}});
    Add(*store, "traffic{sensor=K13}#vehicles",
        {"1/h", "", "", "mqtt:t", {}, {}});
    Add(*store, "water{meter=W1}#level", {"m", "", "", "", {}, {}});
    Model m = BuildModel(*store, *net::Access::Internal());
    REQUIRE(m.things.size() == 3);
    REQUIRE(m.datastreams.size() == 4);
    REQUIRE(m.sensors.size() == 3);              // http, mqtt:t, unknown
    REQUIRE(m.observed_properties.size() == 3);  // traffic/vehicles shared
    // The K12 Thing has both fields and the position of its located series.
    auto k12 =
        m.FindThing(StableId("thing", "traffic{district=Mitte,sensor=K12}"));
    REQUIRE(k12);
    CHECK(m.things[*k12].datastreams.size() == 2);
    REQUIRE(m.things[*k12].lat_lon);
    CHECK(m.things[*k12].lat_lon->first == 52.5);
    CHECK(m.located_things.size() == 1);
    CHECK(m.FindLocatedThing(m.things[*k12].id));
    CHECK(!m.FindLocatedThing(StableId("thing", "water{meter=W1}")));
    CHECK(m.FindSensor(StableId("sensor", "unknown")));
    before = IdsOf(m);
    REQUIRE(store->Close().ok());
  }
  auto store = Open(dir.str());
  CHECK(IdsOf(BuildModel(*store, *net::Access::Internal())) == before);
  REQUIRE(store->Close().ok());
}

TEST_CASE("sta model: holds only the measurements the caller may read",
          "[query][sta]") {
  testing::TempDir dir;
  auto store = Open(dir.str());
  Add(*store, "traffic{sensor=K1}#vehicles", {});
  Add(*store, "secret{sensor=S}#level", {});
  auto token = net::Access::ForToken(
      "t", "t", {net::Scope::Parse("read:traffic").value()}, {});
  Model m = BuildModel(*store, *token);
  REQUIRE(m.datastreams.size() == 1);
  CHECK(m.datastreams[0].series.key.measurement == "traffic");
  CHECK(m.things.size() == 1);
  CHECK(m.observed_properties.size() == 1);
  CHECK(BuildModel(*store, net::Access::DenyAll()).datastreams.empty());
  CHECK(BuildModel(*store, *net::Access::Anonymous({"secret"}))
            .datastreams.size() == 1);
  REQUIRE(store->Close().ok());
}

TEST_CASE("sta model: Observation ids round-trip, malformed ones are refused",
          "[query][sta]") {
  CHECK(ObservationId(12, 1704067200000000000) == "12-1704067200000000000");
  CHECK(ParseObservationId("12-1704067200000000000") ==
        std::make_pair(uint64_t{12}, int64_t{1704067200000000000}));
  CHECK(ParseObservationId("3--5") == std::make_pair(uint64_t{3}, int64_t{-5}));
  CHECK(!ParseObservationId("12"));
  CHECK(!ParseObservationId("-12"));
  CHECK(!ParseObservationId("12-"));
  CHECK(!ParseObservationId("12-5x"));
  CHECK(!ParseObservationId("a-5"));
  CHECK(StableId("thing", "x") != StableId("sensor", "x"));
  CHECK(StableId("thing", "x") < (uint64_t{1} << 53));
}

}  // namespace citynexus::query::sta

namespace citynexus::query::sta {

TEST_CASE(
    "sta model cache: reused while the catalog and the read permission stay, "
    "rebuilt when either differs",
    "[query][sta]") {
  testing::TempDir dir;
  auto store = Open(dir.str());
  Add(*store, "traffic{sensor=K12}#vehicles", {"1/h", "", "", "http", {}, {}});
  Add(*store, "water{meter=W1}#level", {"m", "", "", "", {}, {}});
  ModelCache cache;
  const auto admin = net::Access::Internal();
  const auto traffic_reader = net::Access::ForToken(
      "t1", "traffic", {net::Scope{net::Scope::Kind::kRead, "traffic"}}, {});
  const auto same_scopes = net::Access::ForToken(
      "t2", "other name", {net::Scope{net::Scope::Kind::kRead, "traffic"}}, {});

  auto first = cache.Get(*store, *admin);
  CHECK(first->datastreams.size() == 2);
  CHECK(cache.Get(*store, *admin) == first);  // reused
  // Another permission never gets the admin's model.
  auto limited = cache.Get(*store, *traffic_reader);
  REQUIRE(limited->datastreams.size() == 1);
  CHECK(limited->datastreams[0].series.key.measurement == "traffic");
  CHECK(cache.Get(*store, *same_scopes) == limited);  // same globs: shared
  CHECK(cache.Get(*store, *admin) == first);

  // A new series makes a new model with it.
  Add(*store, "traffic{sensor=K13}#vehicles", {"1/h", "", "", "http", {}, {}});
  auto after_create = cache.Get(*store, *traffic_reader);
  CHECK(after_create != limited);
  CHECK(after_create->datastreams.size() == 2);
  // Looking up an existing series changes nothing.
  REQUIRE(store->GetOrCreateSeries(
      engine::SeriesKey::Parse("traffic{sensor=K13}#vehicles").value(),
      engine::ValueType::kFloat));
  CHECK(cache.Get(*store, *traffic_reader) == after_create);
  // New metadata (a position) makes a new model with a Location.
  CHECK(after_create->located_things.empty());
  auto info = store->LookupSeries("traffic{sensor=K13}#vehicles");
  REQUIRE(info);
  REQUIRE(
      store->SetSeriesMeta(info->id, {"1/h", "", "", "http", 52.5, 13.4}).ok());
  auto located = cache.Get(*store, *traffic_reader);
  CHECK(located->located_things.size() == 1);
}

TEST_CASE("sta model cache: bounded to kMaxModels permissions",
          "[query][sta]") {
  testing::TempDir dir;
  auto store = Open(dir.str());
  Add(*store, "traffic{sensor=K12}#vehicles", {"1/h", "", "", "http", {}, {}});
  ModelCache cache;
  std::vector<std::shared_ptr<const net::Access>> callers;
  for (size_t i = 0; i <= ModelCache::kMaxModels; ++i) {
    callers.push_back(net::Access::ForToken(
        "t" + std::to_string(i), "n",
        {net::Scope{net::Scope::Kind::kRead, "m" + std::to_string(i)}}, {}));
  }
  auto oldest = cache.Get(*store, *callers[0]);
  for (size_t i = 1; i < callers.size(); ++i)
    (void)cache.Get(*store, *callers[i]);
  // The first permission was dropped: it gets a freshly built model.
  CHECK(cache.Get(*store, *callers[0]) != oldest);
  // The most recent one is still there.
  auto last = cache.Get(*store, *callers.back());
  CHECK(cache.Get(*store, *callers.back()) == last);
}

}  // namespace citynexus::query::sta
