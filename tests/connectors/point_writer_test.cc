// PointWriter against a real RocksDB store in a temp dir: series resolution
// through its cache (first sight, cache hits, repeats inside one batch),
// rejections in line order, and the SeriesCache table underneath.
#include "connectors/point_writer.h"

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "connectors/decoders/line_protocol.h"
#include "connectors/series_cache.h"
#include "support/temp_dir.h"

using namespace citynexus;
using namespace citynexus::connectors;

namespace {

struct StoreFixture {
  testing::TempDir dir;
  std::unique_ptr<engine::Store> store;

  StoreFixture() {
    engine::StoreOptions options;
    options.data_dir = dir.str();
    auto opened = engine::OpenStore(options);
    REQUIRE(opened);
    store = std::move(*opened);
  }
  ~StoreFixture() { (void)store->Close(); }

  // The id of series `measurement,tags field` per the store's catalog.
  engine::SeriesId IdOf(const std::string& measurement,
                        std::vector<std::pair<std::string, std::string>> tags,
                        const std::string& field) {
    engine::SeriesKey key;
    key.measurement = measurement;
    key.tags = std::move(tags);
    key.field = field;
    auto info = store->LookupSeries(key.Canonical());
    REQUIRE(info);
    return info->id;
  }

  std::vector<engine::Sample> Points(engine::SeriesId id) {
    std::vector<engine::Sample> out;
    REQUIRE(store
                ->Scan(id, 0, INT64_MAX,
                       [&](const engine::Sample& s) {
                         out.push_back(s);
                         return true;
                       })
                .ok());
    return out;
  }
};

DecodedBatch Decode(std::string_view body) {
  DecodedBatch batch;
  DecodeLineProtocol(body, LineProtocolOptions{}, &batch);
  return batch;
}

}  // namespace

TEST_CASE("point writer: each field lands in its own series, new or cached",
          "[connectors][point_writer]") {
  StoreFixture f;
  PointWriter writer(*f.store, "test");

  // Same series twice in one batch (the second is a miss of the lookup
  // pass, then found), and two fields sharing one line's tags.
  const std::string first =
      "air,station=S1,district=d1 no2=21.5,pm10=7i 100\n"
      "air,district=d1,station=S1 no2=22.5 200\n"
      "air,district=d2,station=S1 no2=1.5 100\n";
  auto b1 = Decode(first);
  auto w1 = writer.Write(b1);
  REQUIRE(w1);
  CHECK(w1->points_written == 4);
  CHECK(w1->rejected.empty());

  // Now from the cache; must hit the same series.
  auto b2 = Decode("air,district=d1,station=S1 no2=23.5,pm10=8i 300\n");
  auto w2 = writer.Write(b2);
  REQUIRE(w2);
  CHECK(w2->points_written == 2);

  const auto no2 =
      f.IdOf("air", {{"district", "d1"}, {"station", "S1"}}, "no2");
  const auto pm10 =
      f.IdOf("air", {{"district", "d1"}, {"station", "S1"}}, "pm10");
  const auto other =
      f.IdOf("air", {{"district", "d2"}, {"station", "S1"}}, "no2");
  CHECK(no2 != pm10);
  CHECK(no2 != other);
  auto no2_points = f.Points(no2);
  REQUIRE(no2_points.size() == 3);
  CHECK(std::get<double>(no2_points[2].value) == 23.5);
  CHECK(f.Points(pm10).size() == 2);
  CHECK(f.Points(other).size() == 1);

  // A second writer (empty cache) over the same store finds the same ids.
  PointWriter fresh(*f.store, "test");
  auto b3 = Decode("air,district=d2,station=S1 no2=2.5 400\n");
  REQUIRE(fresh.Write(b3));
  CHECK(f.Points(other).size() == 2);
}

TEST_CASE(
    "point writer: rejections keep line order across new and cached "
    "series",
    "[connectors][point_writer]") {
  StoreFixture f;
  PointWriter writer(*f.store, "test");
  REQUIRE(writer.Write(Decode("m,k=a f=1i 1\n")));

  // Line 1: cached integer series gets a float (conflict, from the lookup
  // pass). Line 2: a new series created as float. Line 3: the same new
  // series as boolean (conflict found through the catalog pass). Line 4:
  // an unsigned value the store cannot hold: no series is created for it.
  const std::string body =
      "m,k=a f=1.5 2\n"
      "m,k=b f=2.5 2\n"
      "m,k=b f=true 3\n"
      "m,k=c big=18446744073709551615u,ok=1i 4\n";
  auto batch = Decode(body);
  auto written = writer.Write(batch);
  REQUIRE(written);
  CHECK(written->points_written == 2);  // m,k=b f=2.5 and m,k=c ok=1i
  REQUIRE(written->rejected.size() == 3);
  CHECK(written->rejected[0].line == 1);
  CHECK(written->rejected[0].reason ==
        "field type conflict: f is integer, got float");
  CHECK(written->rejected[1].line == 3);
  CHECK(written->rejected[1].reason ==
        "field type conflict: f is float, got boolean");
  CHECK(written->rejected[2].line == 4);
  CHECK(written->rejected[2].name == "big");

  engine::SeriesKey big;
  big.measurement = "m";
  big.tags = {{"k", "c"}};
  big.field = "big";
  CHECK(!f.store->LookupSeries(big.Canonical()));
}

TEST_CASE(
    "point writer: threads sharing one writer create each series once "
    "and lose no point",
    "[connectors][point_writer]") {
  StoreFixture f;
  PointWriter writer(*f.store, "test");
  constexpr int kThreads = 4, kBatches = 25, kSeries = 60;
  // Every thread writes every series (new ones race in the catalog pass,
  // later ones hit the cache), each at its own timestamps.
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::string body;
        for (int s = 0; s < kSeries; ++s) {
          body += "m,s=S" + std::to_string(s) + " v=" + std::to_string(s) +
                  "i " + std::to_string(1 + t * kBatches + b) + "\n";
        }
        auto batch = Decode(body);
        auto written = writer.Write(batch);
        if (!written || written->points_written != kSeries) ++failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == std::vector<int>(kThreads, 0));
  for (int s = 0; s < kSeries; ++s) {
    const auto points =
        f.Points(f.IdOf("m", {{"s", "S" + std::to_string(s)}}, "v"));
    REQUIRE(points.size() == kThreads * kBatches);
    for (const auto& p : points) CHECK(std::get<int64_t>(p.value) == s);
  }
}

TEST_CASE("series cache: hits are verified by key, not by hash alone",
          "[connectors][point_writer]") {
  SeriesCache cache;
  // Two keys forced onto one hash: each finds its own series.
  cache.Insert(42, "key-a", {1, engine::ValueType::kFloat});
  cache.Insert(42, "key-b", {2, engine::ValueType::kInt});
  REQUIRE(cache.Find(42, "key-a") != nullptr);
  CHECK(cache.Find(42, "key-a")->id == 1);
  REQUIRE(cache.Find(42, "key-b") != nullptr);
  CHECK(cache.Find(42, "key-b")->id == 2);
  CHECK(cache.Find(42, "key-c") == nullptr);
  // A key given in two parts (line prefix, field part) is the same key.
  REQUIRE(cache.Find(42, "key-", "b") != nullptr);
  CHECK(cache.Find(42, "key-", "b")->id == 2);
  CHECK(cache.Find(42, "key-", "bb") == nullptr);
  CHECK(cache.Find(43, "key-a") == nullptr);

  // Inserting a present key keeps the first series.
  cache.Insert(42, "key-a", {9, engine::ValueType::kBool});
  CHECK(cache.Find(42, "key-a")->id == 1);
  CHECK(cache.size() == 2);
}

TEST_CASE(
    "series cache: grows without losing entries; split hashing is "
    "deterministic",
    "[connectors][point_writer]") {
  SeriesCache cache;
  std::vector<std::pair<uint64_t, std::string>> keys;
  for (int i = 0; i < 5000; ++i) {
    const std::string prefix = "measurement-" + std::to_string(i % 37);
    const std::string field = "field-" + std::to_string(i);
    const uint64_t hash = cache.HashKey(cache.HashPrefix(prefix), field);
    CHECK(hash == cache.HashKey(cache.HashPrefix(prefix), field));
    keys.emplace_back(hash, prefix + field);
    cache.Insert(hash, keys.back().second,
                 {static_cast<engine::SeriesId>(i), engine::ValueType::kInt});
  }
  REQUIRE(cache.size() == 5000);
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto* hit = cache.Find(keys[i].first, keys[i].second);
    REQUIRE(hit != nullptr);
    CHECK(hit->id == i);
  }
}
