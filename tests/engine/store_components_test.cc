// Unit tests of the store's internal pieces: key layouts, batch-log records,
// the series catalog, the head and rollup records.
#include <catch2/catch.hpp>
#include <cstring>
#include <random>

#include "engine/batch_log.h"
#include "engine/head.h"
#include "engine/keys.h"
#include "engine/rollups.h"
#include "engine/series_catalog.h"

namespace citynexus::engine {
namespace {

TEST_CASE("chunk keys sort by series, then numerically by window start",
          "[engine][keys]") {
  std::vector<int64_t> starts = {INT64_MIN / 2, -86400,       -1, 0, 1,
                                 86400,         INT64_MAX / 2};
  for (size_t i = 0; i + 1 < starts.size(); ++i) {
    CHECK(ChunkKey(5, starts[i]) < ChunkKey(5, starts[i + 1]));
  }
  CHECK(ChunkKey(5, INT64_MAX / 2) < ChunkKey(6, INT64_MIN / 2));
  CHECK(LogKey(255) < LogKey(256));
  SeriesId id;
  int64_t start;
  REQUIRE(ParseChunkKey(ChunkKey(42, -86400), &id, &start));
  CHECK(id == 42);
  CHECK(start == -86400);
  CHECK_FALSE(ParseChunkKey("short", &id, &start));
  CHECK(RollupKey(1, 3600, 0).size() == 20);
  CHECK(RollupKey(1, 3600, 99) < RollupKey(1, 86400, 0));
}

TEST_CASE("window starts floor towards negative infinity", "[engine][keys]") {
  CHECK(WindowStart(0, 10) == 0);
  CHECK(WindowStart(9, 10) == 0);
  CHECK(WindowStart(-1, 10) == -10);
  CHECK(WindowStart(-10, 10) == -10);
}

TEST_CASE("batch log records round-trip every value type and timestamp",
          "[engine][log]") {
  std::vector<Point> points = {
      {1, INT64_MIN / 4, 1.5},
      {(uint64_t{1} << 60) - 1, INT64_MAX / 4, int64_t{INT64_MIN}},
      {3, 0, true},
      {4, -5, std::string("hello")},
      {5, -5, std::string()},
      {6, 7, -0.0},
  };
  std::vector<uint32_t> all = {0, 1, 2, 3, 4, 5};
  std::string record;
  EncodeLogRecord(points, all, &record);
  std::vector<LogPoint> got;
  std::vector<std::string> texts;
  REQUIRE(DecodeLogRecord(record, [&](const LogPoint& p) {
            got.push_back(p);
            texts.emplace_back(p.text);
          }).ok());
  REQUIRE(got.size() == points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    CHECK(got[i].series == points[i].series);
    CHECK(got[i].timestamp_ns == points[i].timestamp_ns);
    CHECK(got[i].type == TypeOf(points[i].value));
  }
  double f;
  std::memcpy(&f, &got[0].bits, 8);
  CHECK(f == 1.5);
  CHECK(static_cast<int64_t>(got[1].bits) == INT64_MIN);
  CHECK(got[2].bits == 1);
  CHECK(texts[3] == "hello");
  CHECK(texts[4].empty());
  double neg_zero;
  std::memcpy(&neg_zero, &got[5].bits, 8);
  CHECK(std::signbit(neg_zero));

  // A subset of indexes encodes only those points.
  std::vector<uint32_t> some = {3};
  std::string one;
  EncodeLogRecord(points, some, &one);
  int n = 0;
  REQUIRE(DecodeLogRecord(one, [&](const LogPoint&) { ++n; }).ok());
  CHECK(n == 1);
}

TEST_CASE("batch log decoding reports truncation and bad versions",
          "[engine][log]") {
  std::vector<Point> points = {{1, 100, 1.5}, {2, 200, std::string("abc")}};
  std::vector<uint32_t> all = {0, 1};
  std::string record;
  EncodeLogRecord(points, all, &record);
  for (size_t len = 0; len < record.size(); ++len) {
    Status s = DecodeLogRecord(record.substr(0, len), [](const LogPoint&) {});
    CHECK(s.code() == StatusCode::kCorruption);
  }
  std::string bad = record;
  bad[0] = 9;
  CHECK(DecodeLogRecord(bad, [](const LogPoint&) {}).code() ==
        StatusCode::kCorruption);
  CHECK(DecodeLogRecord(record + "x", [](const LogPoint&) {}).code() ==
        StatusCode::kCorruption);
}

TEST_CASE("series records round-trip keys, types and metadata",
          "[engine][catalog]") {
  SeriesMeta meta;
  meta.unit = "kWh";
  meta.domain = "energy";
  meta.description = "main meter";
  meta.source = "mqtt:meters/+";
  meta.longitude = -0.5;
  std::string record =
      EncodeSeriesRecord(ValueType::kInt, "energy{meter=M\\=1}#wh", meta);
  SeriesInfo info;
  REQUIRE(DecodeSeriesRecord(record, &info).ok());
  CHECK(info.type == ValueType::kInt);
  CHECK(info.key.measurement == "energy");
  CHECK(info.key.tags[0].second == "M=1");
  CHECK(info.meta == meta);
  for (size_t len = 0; len < record.size(); ++len) {
    CHECK(DecodeSeriesRecord(record.substr(0, len), &info).code() ==
          StatusCode::kCorruption);
  }
}

TEST_CASE("the catalog assigns dense ids, finds them again and grows",
          "[engine][catalog]") {
  SeriesCatalog catalog;
  int persisted = 0;
  auto persist = [&](SeriesId, std::string_view) {
    ++persisted;
    return Status::Ok();
  };
  std::vector<SeriesId> ids;
  for (int i = 0; i < 5000; ++i) {
    SeriesKey key;
    key.measurement = "meter";
    key.tags = {{"sensor", std::to_string(i)}};
    key.field = "value";
    auto info = catalog.GetOrCreate(key, ValueType::kFloat, persist);
    REQUIRE(info.has_value());
    ids.push_back(info->id);
  }
  CHECK(ids.front() == 1);
  CHECK(ids.back() == 5000);
  CHECK(persisted == 5000);
  CHECK(catalog.size() == 5000);
  auto found = catalog.Lookup("meter{sensor=4321}#value");
  REQUIRE(found.has_value());
  CHECK(found->id == 4322);
  CHECK_FALSE(catalog.Lookup("meter{sensor=5000}#value").has_value());
  CHECK(catalog.TypeOf(17) == ValueType::kFloat);
  CHECK_FALSE(catalog.TypeOf(5001).has_value());
  CHECK(catalog.MemoryBytes() < 5000 * 300);

  // A failing persist changes nothing.
  SeriesKey key;
  key.measurement = "new";
  key.field = "value";
  auto failed = catalog.GetOrCreate(
      key, ValueType::kFloat,
      [](SeriesId, std::string_view) { return Status::IOError("disk full"); });
  CHECK(failed.error().code() == StatusCode::kIOError);
  CHECK_FALSE(catalog.Lookup(key.Canonical()).has_value());
  auto created = catalog.GetOrCreate(key, ValueType::kFloat, persist);
  REQUIRE(created.has_value());
  CHECK(created->id == 5001);
}

TEST_CASE("the head keeps the last write per timestamp and swaps out whole",
          "[engine][head]") {
  Head head;
  std::vector<Point> points = {{1, 30, 3.0},
                               {1, 10, 1.0},
                               {1, 30, 33.0},
                               {2, 5, int64_t{7}},
                               {17, 1, std::string("x")}};
  std::vector<uint32_t> all = {0, 1, 2, 3, 4};
  head.Insert(points, all);
  CHECK(head.points() == 5);
  ChunkColumns c;
  REQUIRE(head.Collect(1, 0, 100, &c));
  REQUIRE(c.size() == 2);
  CHECK(c.timestamps == std::vector<int64_t>{10, 30});
  CHECK(c.floats == std::vector<double>{1.0, 33.0});
  REQUIRE(head.Collect(17, 0, 100, &c));
  CHECK(c.strings == std::vector<std::string>{"x"});
  CHECK(head.EarliestIn(1, 0, 100) == 10);
  CHECK(head.LatestIn(1, 0, 100) == 30);
  CHECK(head.EarliestIn(1, 30, 31) == 30);
  CHECK_FALSE(head.EarliestIn(1, 11, 30).has_value());
  CHECK_FALSE(head.LatestIn(1, 11, 30).has_value());
  CHECK_FALSE(head.LatestIn(99, 0, 100).has_value());
  CHECK_FALSE(head.Collect(99, 0, 100, &c));

  // Reading series 1 sorted it and dropped its overwritten point.
  CHECK(head.points() == 4);
  auto frozen = head.SwapOut();
  CHECK(head.points() == 0);
  CHECK(frozen->points() == 4);
  CHECK_FALSE(head.Collect(1, 0, 100, &c));
  REQUIRE(frozen->Collect(2, 0, 100, &c));
  CHECK(c.ints == std::vector<int64_t>{7});
  std::vector<SeriesId> ids;
  frozen->ForEachSeries([&](SeriesId id) { ids.push_back(id); });
  CHECK(ids == std::vector<SeriesId>{1, 2, 17});
  CHECK(frozen->DropBefore(1, 20) == 1);
  CHECK(frozen->points() == 3);
}

TEST_CASE("rollup records round-trip buckets", "[engine][rollups]") {
  ChunkColumns c;
  c.type = ValueType::kFloat;
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> v(-1000, 1000);
  for (int64_t t = 0; t < 86400; t += 61) {
    c.timestamps.push_back(t * 1'000'000'000);
    c.floats.push_back(v(rng) / 10.0);
  }
  auto buckets = ComputeRollup(c, 3600LL * 1'000'000'000);
  REQUIRE(buckets.size() == 24);
  std::string record;
  REQUIRE(EncodeRollupRecord(buckets, &record).ok());
  std::vector<Bucket> got;
  REQUIRE(DecodeRollupRecord(record, &got).ok());
  REQUIRE(got.size() == buckets.size());
  for (size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].start_ns == buckets[i].start_ns);
    CHECK(got[i].count == buckets[i].count);
    CHECK(got[i].min == buckets[i].min);
    CHECK(got[i].max == buckets[i].max);
    CHECK(got[i].first == buckets[i].first);
    CHECK(got[i].last == buckets[i].last);
    CHECK(got[i].first_ns == buckets[i].first_ns);
    CHECK(got[i].last_ns == buckets[i].last_ns);
    CHECK(std::abs(got[i].sum - buckets[i].sum) <=
          1e-12 * std::abs(buckets[i].sum));
  }
  CHECK(DecodeRollupRecord(record.substr(0, record.size() / 2), &got).code() ==
        StatusCode::kCorruption);
}

}  // namespace
}  // namespace citynexus::engine
