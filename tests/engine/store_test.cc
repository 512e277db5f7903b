// Tests of the RocksDB-backed store: catalog, append, scan, sealing, reopen.
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_util.h"
#include "support/temp_dir.h"

namespace citynexus::engine {
namespace {

using testing::kDay;
using testing::kHour;
using testing::kMinute;
using testing::kSecond;
using testing::kT0;
using testing::MakeSeries;
using testing::OpenOrFail;
using testing::ReadAll;
using testing::TempDir;
using testing::TestOptions;

TEST_CASE(
    "store writes and reads back every value type, before and after "
    "sealing",
    "[engine][store]") {
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  SeriesId f = MakeSeries(*store, "env", "temp", ValueType::kFloat);
  SeriesId i = MakeSeries(*store, "traffic", "vehicles", ValueType::kInt);
  SeriesId b = MakeSeries(*store, "door", "open", ValueType::kBool);
  SeriesId s = MakeSeries(*store, "pump", "state", ValueType::kString);
  std::vector<Point> points = {
      {f, kT0 + 2 * kSecond, 21.5},
      {f, kT0 + 1 * kSecond, -0.25},
      {i, kT0, int64_t{INT64_MAX}},
      {i, kT0 + kSecond, int64_t{-7}},
      {b, kT0, true},
      {s, kT0, std::string("running")},
      {f, kT0 + 3 * kSecond, std::nan("")},
  };
  auto r = store->Append(points);
  REQUIRE(r.has_value());
  CHECK(r->written == points.size());
  CHECK(r->rejected.empty());

  auto check = [&] {
    auto fv = ReadAll(*store, f);
    REQUIRE(fv.size() == 3);
    CHECK(std::get<double>(fv[kT0 + kSecond]) == -0.25);
    CHECK(std::get<double>(fv[kT0 + 2 * kSecond]) == 21.5);
    CHECK(std::isnan(std::get<double>(fv[kT0 + 3 * kSecond])));
    auto iv = ReadAll(*store, i);
    REQUIRE(iv.size() == 2);
    CHECK(std::get<int64_t>(iv[kT0]) == INT64_MAX);
    CHECK(std::get<int64_t>(iv[kT0 + kSecond]) == -7);
    auto bv = ReadAll(*store, b);
    REQUIRE(bv.size() == 1);
    CHECK(std::get<bool>(bv[kT0]) == true);
    auto sv = ReadAll(*store, s);
    REQUIRE(sv.size() == 1);
    CHECK(std::get<std::string>(sv[kT0]) == "running");
    // Range bounds: [start, end).
    auto part = ReadAll(*store, f, kT0 + kSecond, kT0 + 2 * kSecond);
    CHECK(part.size() == 1);
  };
  check();
  REQUIRE(store->Flush().ok());
  CHECK(store->HeadPoints() == 0);
  check();
}

TEST_CASE(
    "store rejects type conflicts and unknown series but writes the "
    "rest of the batch",
    "[engine][store]") {
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  SeriesId v = MakeSeries(*store, "traffic", "vehicles", ValueType::kInt);
  std::vector<Point> points = {
      {v, kT0, int64_t{14}},
      {v, kT0 + kSecond, 14.5},
      {77, kT0, 1.0},
      {v, kT0 + 2 * kSecond, int64_t{15}},
  };
  auto r = store->Append(points);
  REQUIRE(r.has_value());
  CHECK(r->written == 2);
  REQUIRE(r->rejected.size() == 2);
  CHECK(r->rejected[0].index == 1);
  CHECK(r->rejected[0].reason ==
        "field type conflict: vehicles is integer, got float");
  CHECK(r->rejected[1].index == 2);
  CHECK(r->rejected[1].reason == "unknown series id 77");
  auto got = ReadAll(*store, v);
  REQUIRE(got.size() == 2);
  CHECK(std::get<int64_t>(got[kT0]) == 14);
  CHECK(std::get<int64_t>(got[kT0 + 2 * kSecond]) == 15);
  CHECK(store->Scan(77, 0, 1, [](const Sample&) { return true; }).code() ==
        StatusCode::kNotFound);
}

TEST_CASE(
    "store keeps the last write for equal timestamps in the head, in "
    "chunks and across both",
    "[engine][store]") {
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  SeriesId id = MakeSeries(*store, "env", "temp", ValueType::kFloat);
  auto value_at = [&](int64_t ts) {
    auto all = ReadAll(*store, id);
    REQUIRE(all.count(ts) == 1);
    return std::get<double>(all[ts]);
  };
  // Within one batch.
  std::vector<Point> batch = {{id, kT0, 1.0}, {id, kT0, 2.0}, {id, kT0, 3.0}};
  REQUIRE(store->Append(batch).has_value());
  CHECK(value_at(kT0) == 3.0);
  // Across batches in the head.
  std::vector<Point> again = {{id, kT0, 4.0}};
  REQUIRE(store->Append(again).has_value());
  CHECK(value_at(kT0) == 4.0);
  // Sealed.
  REQUIRE(store->Flush().ok());
  CHECK(value_at(kT0) == 4.0);
  // Head over sealed.
  std::vector<Point> newer = {{id, kT0, 5.0}};
  REQUIRE(store->Append(newer).has_value());
  CHECK(value_at(kT0) == 5.0);
  CHECK(ReadAll(*store, id).size() == 1);
  // Re-sealed over the old chunk.
  REQUIRE(store->Flush().ok());
  CHECK(value_at(kT0) == 5.0);
  CHECK(ReadAll(*store, id).size() == 1);
}

TEST_CASE("store merges late and out-of-order points into sealed windows",
          "[engine][store]") {
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  SeriesId id = MakeSeries(*store, "env", "temp", ValueType::kFloat);
  std::map<int64_t, double> expected;
  std::vector<Point> points;
  for (int k = 0; k < 3 * 24; k += 2) {  // every 2 h over 3 days
    int64_t ts = kT0 + k * kHour;
    points.push_back({id, ts, k * 0.5});
    expected[ts] = k * 0.5;
  }
  REQUIRE(store->Append(points).has_value());
  REQUIRE(store->Flush().ok());
  // Late points for the first two (sealed) windows, in reverse order.
  std::vector<Point> late;
  for (int k = 2 * 24 - 1; k >= 1; k -= 2) {
    int64_t ts = kT0 + k * kHour;
    late.push_back({id, ts, -k * 1.0});
    expected[ts] = -k * 1.0;
  }
  REQUIRE(store->Append(late).has_value());
  auto check = [&] {
    auto got = ReadAll(*store, id);
    REQUIRE(got.size() == expected.size());
    for (const auto& [ts, v] : expected) {
      CHECK(std::get<double>(got[ts]) == v);
    }
  };
  check();
  REQUIRE(store->Flush().ok());
  check();
  // Windows are epoch-aligned days: scanning one day returns 24 points.
  CHECK(ReadAll(*store, id, kT0, kT0 + kDay).size() == 24);
}

TEST_CASE("store replays the batch log after a reopen without sealing",
          "[engine][store]") {
  TempDir dir;
  RocksStoreTuning no_seal;
  no_seal.seal_on_close = false;
  SeriesId id;
  {
    auto store = OpenOrFail(TestOptions(dir.str()), no_seal);
    id = MakeSeries(*store, "env", "temp", ValueType::kFloat);
    std::vector<Point> a = {{id, kT0, 1.0}, {id, kT0 + kMinute, 2.0}};
    REQUIRE(store->Append(a).has_value());
    REQUIRE(store->Flush().ok());  // a is sealed
    std::vector<Point> b = {{id, kT0, 10.0}, {id, kT0 + 2 * kMinute, 3.0}};
    REQUIRE(store->Append(b).has_value());
    std::vector<Point> c = {{id, kT0 + 2 * kMinute, 30.0}};
    REQUIRE(store->Append(c).has_value());
    REQUIRE(store->Close().ok());
  }
  auto store = OpenOrFail(TestOptions(dir.str()));
  // b and c came back from the log; c rewrote b's second point.
  CHECK(store->HeadPoints() == 2);
  auto got = ReadAll(*store, id);
  REQUIRE(got.size() == 3);
  CHECK(std::get<double>(got[kT0]) == 10.0);
  CHECK(std::get<double>(got[kT0 + kMinute]) == 2.0);
  CHECK(std::get<double>(got[kT0 + 2 * kMinute]) == 30.0);
  // New appends after a replay get sequence numbers above the replayed ones.
  std::vector<Point> d = {{id, kT0 + 2 * kMinute, 300.0}};
  REQUIRE(store->Append(d).has_value());
  REQUIRE(store->Close().ok());
  auto reopened = OpenOrFail(TestOptions(dir.str()));
  got = ReadAll(*reopened, id);
  CHECK(std::get<double>(got[kT0 + 2 * kMinute]) == 300.0);
}

TEST_CASE("store keeps data and catalog across a clean reopen",
          "[engine][store]") {
  TempDir dir;
  SeriesId id;
  SeriesMeta meta;
  meta.unit = "°C";
  meta.domain = "environment";
  meta.latitude = 52.52;
  meta.longitude = 13.405;
  meta.description = "air temperature";
  {
    auto store = OpenOrFail(TestOptions(dir.str()));
    id = MakeSeries(*store, "env", "temp", ValueType::kFloat);
    MakeSeries(*store, "traffic", "vehicles", ValueType::kInt, "K12");
    REQUIRE(store->SetSeriesMeta(id, meta).ok());
    std::vector<Point> a = {{id, kT0, 1.5}};
    REQUIRE(store->Append(a).has_value());
  }  // destructor closes
  auto store = OpenOrFail(TestOptions(dir.str()));
  auto info = store->GetSeries(id);
  REQUIRE(info.has_value());
  CHECK(info->key.Canonical() == "env{sensor=s1}#temp");
  CHECK(info->type == ValueType::kFloat);
  CHECK(info->meta == meta);
  auto looked = store->LookupSeries("traffic{sensor=K12}#vehicles");
  REQUIRE(looked.has_value());
  CHECK(looked->type == ValueType::kInt);
  CHECK(looked->id != id);
  CHECK(store->LookupSeries("nope{}#x").error().code() ==
        StatusCode::kNotFound);
  CHECK(store->GetSeries(999).error().code() == StatusCode::kNotFound);
  // An existing series keeps its type.
  SeriesKey key;
  key.measurement = "env";
  key.tags = {{"sensor", "s1"}};
  key.field = "temp";
  auto again = store->GetOrCreateSeries(key, ValueType::kInt);
  REQUIRE(again.has_value());
  CHECK(again->id == id);
  CHECK(again->type == ValueType::kFloat);
  auto got = ReadAll(*store, id);
  REQUIRE(got.size() == 1);
  CHECK(std::get<double>(got[kT0]) == 1.5);
}

TEST_CASE("store finds series by measurement, field, tags and domain",
          "[engine][store][catalog]") {
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  SeriesId a = MakeSeries(*store, "traffic", "vehicles", ValueType::kInt, "K1");
  SeriesId b = MakeSeries(*store, "traffic", "vehicles", ValueType::kInt, "K2");
  SeriesId c = MakeSeries(*store, "traffic", "speed", ValueType::kFloat, "K1");
  SeriesId d = MakeSeries(*store, "water", "level", ValueType::kFloat, "W1");
  SeriesMeta water;
  water.domain = "water";
  REQUIRE(store->SetSeriesMeta(d, water).ok());
  CHECK(store->SetSeriesMeta(12345, water).code() == StatusCode::kNotFound);
  auto ids = [](const std::vector<SeriesInfo>& v) {
    std::vector<SeriesId> out;
    for (const auto& s : v) out.push_back(s.id);
    std::sort(out.begin(), out.end());
    return out;
  };
  SeriesFilter f;
  f.measurement = "traffic";
  CHECK(ids(store->FindSeries(f)) == std::vector<SeriesId>{a, b, c});
  f.field = "vehicles";
  CHECK(ids(store->FindSeries(f)) == std::vector<SeriesId>{a, b});
  f.tags = {{"sensor", "K2"}};
  CHECK(ids(store->FindSeries(f)) == std::vector<SeriesId>{b});
  SeriesFilter by_domain;
  by_domain.domain = "water";
  CHECK(ids(store->FindSeries(by_domain)) == std::vector<SeriesId>{d});
  CHECK(store->FindSeries(SeriesFilter{}).size() == 4);
  SeriesKey empty;
  empty.field = "x";
  CHECK(store->GetOrCreateSeries(empty, ValueType::kFloat).error().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("store finds series by measurements with escaped characters",
          "[engine][store][catalog]") {
  TempDir dir;
  const std::vector<std::string> names = {"a",     "a{b",  "a\\b",
                                          "a,b=c", "a\\{", "a}#"};
  std::vector<SeriesId> ids;
  {
    auto store = OpenOrFail(TestOptions(dir.str()));
    for (const auto& n : names) {
      ids.push_back(MakeSeries(*store, n, "f", ValueType::kFloat));
    }
  }
  // Once as created, once as loaded from disk.
  auto store = OpenOrFail(TestOptions(dir.str()));
  for (size_t i = 0; i < names.size(); ++i) {
    INFO("measurement " << names[i]);
    SeriesFilter f;
    f.measurement = names[i];
    auto found = store->FindSeries(f);
    REQUIRE(found.size() == 1);
    CHECK(found[0].id == ids[i]);
    CHECK(found[0].key.measurement == names[i]);
  }
  SeriesFilter none;
  none.measurement = "b";
  CHECK(store->FindSeries(none).empty());
}

TEST_CASE("a second open of the same data dir fails with a clear message",
          "[engine][store]") {
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  auto second = OpenStore(TestOptions(dir.str()));
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error().code() == StatusCode::kIOError);
  CHECK(second.error().message() ==
        "data dir " + dir.str() + " is in use by another citynexus process");
}

TEST_CASE("store rejects rollup resolutions that do not divide the window",
          "[engine][store]") {
  TempDir dir;
  auto options = TestOptions(dir.str());
  options.rollup_resolutions = {std::chrono::seconds(7 * 60)};
  auto store = OpenStore(options);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("store stats count series, points and bytes", "[engine][store]") {
  TempDir dir;
  auto store = OpenOrFail(TestOptions(dir.str()));
  SeriesId id = MakeSeries(*store, "env", "temp", ValueType::kFloat);
  std::vector<Point> points;
  for (int k = 0; k < 1000; ++k) {
    points.push_back({id, kT0 + k * kMinute, 20.0 + (k % 10) * 0.1});
  }
  REQUIRE(store->Append(points).has_value());
  REQUIRE(store->Flush().ok());
  std::vector<Point> more = {{id, kT0 - kHour, 1.0}};
  REQUIRE(store->Append(more).has_value());
  auto stats = store->Stats();
  REQUIRE(stats.has_value());
  CHECK(stats->series == 1);
  CHECK(stats->points == 1001);
  CHECK(stats->first_timestamp_ns == kT0 - kHour);
  CHECK(stats->last_timestamp_ns == kT0 + 999 * kMinute);
  CHECK(stats->bytes_on_disk > 0);
  CHECK(stats->column_family_bytes.size() == 7);
}

TEST_CASE("a read-only store reads data and refuses writes",
          "[engine][store]") {
  TempDir dir;
  SeriesId id;
  {
    auto store = OpenOrFail(TestOptions(dir.str()));
    id = MakeSeries(*store, "env", "temp", ValueType::kFloat);
    std::vector<Point> a = {{id, kT0, 1.5}};
    REQUIRE(store->Append(a).has_value());
  }
  auto options = TestOptions(dir.str());
  options.read_only = true;
  auto store = OpenOrFail(options);
  CHECK(ReadAll(*store, id).size() == 1);
  std::vector<Point> a = {{id, kT0, 2.5}};
  CHECK(store->Append(a).error().code() == StatusCode::kNotSupported);
}

TEST_CASE("the sealer seals in the background when the head is full",
          "[engine][store]") {
  TempDir dir;
  RocksStoreTuning tuning;
  tuning.head_max_points = 1000;
  auto store = OpenOrFail(TestOptions(dir.str()), tuning);
  SeriesId id = MakeSeries(*store, "env", "temp", ValueType::kFloat);
  std::vector<Point> points;
  for (int k = 0; k < 5000; ++k)
    points.push_back({id, kT0 + k * kSecond, k * 1.0});
  for (int rep = 0; rep < 3; ++rep) {
    std::vector<Point> part(points.begin() + rep * 1500,
                            points.begin() + (rep + 1) * 1500);
    REQUIRE(store->Append(part).has_value());
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (store->HeadPoints() > 1000 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(store->HeadPoints() <= 1000);
  auto got = ReadAll(*store, id);
  REQUIRE(got.size() == 4500);
  CHECK(std::get<double>(got[kT0 + 4499 * kSecond]) == 4499.0);
}

}  // namespace
}  // namespace citynexus::engine

namespace citynexus::engine {
namespace {

TEST_CASE("concurrent appends, scans and seals lose no point",
          "[engine][store][concurrency]") {
  TempDir dir;
  RocksStoreTuning tuning;
  tuning.head_max_points = 3000;  // the sealer runs during the test
  auto store = OpenOrFail(TestOptions(dir.str()), tuning);
  constexpr int kWriters = 2, kBatches = 60, kBatch = 200;
  std::vector<SeriesId> ids;
  for (int s = 0; s < 4; ++s) {
    ids.push_back(MakeSeries(*store, "load", "value", ValueType::kFloat,
                             std::to_string(s)));
  }
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<Point> points;
        for (int k = 0; k < kBatch; ++k) {
          int64_t ts = kT0 + (static_cast<int64_t>(w) * kBatches * kBatch +
                              b * kBatch + k) *
                                 kSecond;
          points.push_back({ids[k % ids.size()], ts, ts / kSecond * 0.5});
        }
        auto r = store->Append(points);
        if (!r || r->written != points.size()) ++failures;
      }
    });
  }
  threads.emplace_back([&] {  // reader: scans must stay ascending and unique
    while (!done.load()) {
      int64_t prev = INT64_MIN;
      Status s = store->Scan(ids[0], INT64_MIN / 4, INT64_MAX / 4,
                             [&](const Sample& sample) {
                               if (sample.timestamp_ns <= prev) ++failures;
                               prev = sample.timestamp_ns;
                               return true;
                             });
      if (!s.ok()) ++failures;
    }
  });
  threads.emplace_back([&] {  // explicit seals on top of the sealer's
    while (!done.load()) {
      if (!store->Flush().ok()) ++failures;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  done.store(true);
  for (size_t t = kWriters; t < threads.size(); ++t) threads[t].join();
  CHECK(failures.load() == 0);
  size_t total = 0;
  for (SeriesId id : ids) {
    auto got = ReadAll(*store, id);
    total += got.size();
    for (const auto& [ts, v] : got) {
      CHECK(std::get<double>(v) == ts / kSecond * 0.5);
    }
  }
  CHECK(total == static_cast<size_t>(kWriters * kBatches * kBatch));
}

}  // namespace
}  // namespace citynexus::engine
