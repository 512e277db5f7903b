// Span records of the coarsest rollup resolution
// (engine/store_rollup_spans.cc): exact aggregates across span boundaries, late
// points inside a packed span, stores holding per-window coarsest records
// (written before span records existed), retention cutting inside a span, and
// verify.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <catch2/catch.hpp>
#include <map>

#include "engine/keys.h"
#include "engine/retention.h"
#include "engine/rollups.h"
#include "engine/store_util.h"
#include "support/temp_dir.h"

namespace citynexus::engine {
namespace {

using testing::BucketsFromScan;
using testing::kDay;
using testing::kHour;
using testing::kMinute;
using testing::kT0;
using testing::MakeSeries;
using testing::OpenOrFail;
using testing::SameBuckets;
using testing::TempDir;
using testing::TestOptions;

constexpr uint32_t kDayS = 86400;
// Spans are 64 days, epoch-aligned: kT0 (day 19875) lies in the span
// starting on day 19840; the next one starts at kT0 + 29 days.
constexpr int64_t kSpanBoundary = kT0 + 29 * kDay;

// Raw RocksDB access to a closed store's data dir.
class RawDb {
 public:
  explicit RawDb(const std::string& dir) {
    rocksdb::DBOptions options;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    for (const char* name : {"default", "series", "log", "chunks", "rollups",
                             "meta", "rollup_spans"}) {
      descs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(options, dir, descs, &handles_, &raw);
    REQUIRE(s.ok());
    db_.reset(raw);
  }
  ~RawDb() {
    for (auto* h : handles_) {
      if (h != nullptr) (void)db_->DestroyColumnFamilyHandle(h);
    }
  }
  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* rollups() { return handles_[4]; }
  rocksdb::ColumnFamilyHandle* meta() { return handles_[5]; }
  rocksdb::ColumnFamilyHandle* spans() { return handles_[6]; }

  // Keys of `cf` as (series id, resolution s, window or span start).
  std::vector<std::tuple<SeriesId, uint32_t, int64_t>> Keys(
      rocksdb::ColumnFamilyHandle* cf) {
    std::vector<std::tuple<SeriesId, uint32_t, int64_t>> keys;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      SeriesId id;
      uint32_t res;
      int64_t start;
      REQUIRE(
          ParseRollupKey(std::string_view(it->key().data(), it->key().size()),
                         &id, &res, &start));
      keys.emplace_back(id, res, start);
    }
    return keys;
  }

  // Rewrites the store as the version before span records left it: the
  // coarsest buckets as one `rollups` record per window, no `rollup_spans`
  // CF, no span meta keys.
  void MakeLegacy() {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), spans()));
    rocksdb::WriteBatch batch;
    std::vector<Bucket> buckets;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      SeriesId id;
      uint32_t res;
      int64_t start;
      REQUIRE(
          ParseRollupKey(std::string_view(it->key().data(), it->key().size()),
                         &id, &res, &start));
      REQUIRE(DecodeRollupRecord(
                  std::string_view(it->value().data(), it->value().size()),
                  &buckets)
                  .ok());
      std::map<int64_t, std::vector<Bucket>> by_window;
      for (const Bucket& b : buckets) {
        by_window[WindowStart(b.start_ns, kDay)].push_back(b);
      }
      for (const auto& [window, in_window] : by_window) {
        std::string record;
        REQUIRE(EncodeRollupRecord(in_window, &record).ok());
        batch.Put(rollups(), RollupKey(id, res, window), record);
      }
    }
    batch.Delete(meta(), "rollup_spans");
    batch.Delete(meta(), "rollup_legacy_windows");
    REQUIRE(db_->Write(rocksdb::WriteOptions(), &batch).ok());
    it.reset();
    REQUIRE(db_->DropColumnFamily(spans()).ok());
    REQUIRE(db_->DestroyColumnFamilyHandle(spans()).ok());
    handles_[6] = nullptr;
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

// 40 days of 10-minute data (crossing a span boundary), values that make
// sums, minima and maxima differ per day.
std::vector<Point> FortyDays(SeriesId id) {
  std::vector<Point> points;
  for (int64_t ts = kT0; ts < kT0 + 40 * kDay; ts += 10 * kMinute) {
    points.push_back({id, ts, static_cast<double>((ts / kMinute) % 997) / 10});
  }
  return points;
}

// Aggregates that read the coarsest rollups (daily, weekly, offset, and
// ranges starting and ending inside days and spans) agree with the scan.
void CheckAggregates(RocksStore& store, SeriesId id) {
  const std::vector<AggregateRequest> requests = {
      {id, kT0, kT0 + 40 * kDay, kDay, 0},
      {id, kT0 - 5 * kDay, kT0 + 45 * kDay, 7 * kDay, 0},
      {id, kT0 + 3 * kHour, kT0 + 39 * kDay + 5 * kHour, kDay, 0},
      {id, kSpanBoundary - 2 * kDay, kSpanBoundary + 2 * kDay, 2 * kDay, 0},
      {id, kSpanBoundary - kDay, kSpanBoundary + kDay, kDay, 0},
      {id, kT0, kT0 + 40 * kDay, 3 * kDay, kDay},
  };
  for (const AggregateRequest& req : requests) {
    CAPTURE(req.start_ns, req.end_ns, req.step_ns, req.offset_ns);
    AggregateStats stats;
    auto got = store.Aggregate(req, &stats);
    REQUIRE(got.has_value());
    CHECK(stats.used_rollups);
    CHECK(SameBuckets(*got, BucketsFromScan(store, req)));
  }
  auto last = store.Last(id, kT0, kT0 + 40 * kDay);
  REQUIRE(last.has_value());
  REQUIRE(last->has_value());
  CHECK((*last)->timestamp_ns == kT0 + 40 * kDay - 10 * kMinute);
}

TEST_CASE("aggregates over span records are exact across span boundaries",
          "[engine][rollups][spans]") {
  for (size_t cache_bytes : {size_t{0}, size_t{1} << 20}) {
    CAPTURE(cache_bytes);
    TempDir dir;
    auto options = TestOptions(dir.str());
    options.rollup_cache_bytes = cache_bytes;
    SeriesId id;
    {
      auto store = OpenOrFail(options);
      id = MakeSeries(*store, "water", "flow", ValueType::kFloat);
      REQUIRE(store->Append(FortyDays(id)).has_value());
      REQUIRE(store->Flush().ok());
      CheckAggregates(*store, id);
      REQUIRE(store->Close().ok());
    }
    {
      RawDb raw(dir.str());
      // Two span records of daily buckets; no per-window daily record.
      std::vector<std::tuple<SeriesId, uint32_t, int64_t>> want = {
          {id, kDayS, kSpanBoundary - 64 * kDay}, {id, kDayS, kSpanBoundary}};
      CHECK(raw.Keys(raw.spans()) == want);
      for (const auto& [sid, res, start] : raw.Keys(raw.rollups())) {
        CHECK(res == 3600);
      }
    }
    auto store = OpenOrFail(options);
    CheckAggregates(*store, id);
  }
}

TEST_CASE("a late point inside a packed span rewrites the span exactly",
          "[engine][rollups][spans]") {
  for (size_t cache_bytes : {size_t{0}, size_t{1} << 20}) {
    CAPTURE(cache_bytes);
    TempDir dir;
    auto options = TestOptions(dir.str());
    options.rollup_cache_bytes = cache_bytes;
    auto store = OpenOrFail(options);
    SeriesId id = MakeSeries(*store, "water", "flow", ValueType::kFloat);
    REQUIRE(store->Append(FortyDays(id)).has_value());
    REQUIRE(store->Flush().ok());
    CheckAggregates(*store, id);  // fills the rollup cache when enabled
    // Late points in the middle of both spans: one new timestamp, one
    // rewrite of a sealed one, a new minimum and maximum.
    std::vector<Point> late = {{id, kT0 + 10 * kDay + 1, -500.0},
                               {id, kT0 + 10 * kDay + 10 * kMinute, 900.0},
                               {id, kSpanBoundary + 3 * kDay + 7, 42.5}};
    REQUIRE(store->Append(late).has_value());
    CheckAggregates(*store, id);  // heads and rollups combined
    REQUIRE(store->Flush().ok());
    CheckAggregates(*store, id);
    AggregateStats stats;
    auto day = store->Aggregate({id, kT0 + 10 * kDay, kT0 + 11 * kDay, kDay, 0},
                                &stats);
    REQUIRE(day.has_value());
    REQUIRE(day->size() == 1);
    CHECK(day->front().count == 24 * 6 + 1);
    CHECK(day->front().min == -500.0);
    CHECK(day->front().max == 900.0);
    REQUIRE(store->Close().ok());
    store = OpenOrFail(options);
    CheckAggregates(*store, id);
  }
}

TEST_CASE(
    "a store with per-window coarsest records reads both shapes, takes "
    "them over on reseal and moves the rest on compaction",
    "[engine][rollups][spans]") {
  for (size_t cache_bytes : {size_t{0}, size_t{1} << 20}) {
    CAPTURE(cache_bytes);
    TempDir dir;
    auto options = TestOptions(dir.str());
    options.rollup_cache_bytes = cache_bytes;
    SeriesId id, other;
    {
      auto store = OpenOrFail(options);
      id = MakeSeries(*store, "water", "flow", ValueType::kFloat);
      other = MakeSeries(*store, "water", "flow", ValueType::kFloat, "s2");
      REQUIRE(store->Append(FortyDays(id)).has_value());
      REQUIRE(store->Append(FortyDays(other)).has_value());
      REQUIRE(store->Flush().ok());
      REQUIRE(store->Close().ok());
    }
    {
      RawDb raw(dir.str());
      raw.MakeLegacy();
      size_t daily = 0;
      for (const auto& [sid, res, start] : raw.Keys(raw.rollups())) {
        if (res == kDayS) ++daily;
      }
      CHECK(daily == 80);  // 40 windows of two series
    }
    {
      auto store = OpenOrFail(options);
      CheckAggregates(*store, id);
      CheckAggregates(*store, other);
      // A late point in the first span of `id` only.
      std::vector<Point> late = {{id, kT0 + 5 * kDay + 1, -7.0}};
      REQUIRE(store->Append(late).has_value());
      REQUIRE(store->Flush().ok());
      CheckAggregates(*store, id);
      CheckAggregates(*store, other);
      bool problems = false;
      VerifyCallbacks callbacks;
      callbacks.on_problem = [&](const VerifyProblem&) { problems = true; };
      REQUIRE(store->Verify(callbacks).ok());
      CHECK_FALSE(problems);
      REQUIRE(store->Close().ok());
    }
    {
      // The resealed span took over its 29 per-window records; the other
      // span and the other series keep theirs.
      RawDb raw(dir.str());
      size_t id_daily = 0, other_daily = 0;
      for (const auto& [sid, res, start] : raw.Keys(raw.rollups())) {
        if (res != kDayS) continue;
        if (sid == id) {
          CHECK(start >= kSpanBoundary);
          ++id_daily;
        } else {
          ++other_daily;
        }
      }
      CHECK(id_daily == 11);
      CHECK(other_daily == 40);
      std::vector<std::tuple<SeriesId, uint32_t, int64_t>> want = {
          {id, kDayS, kSpanBoundary - 64 * kDay}};
      CHECK(raw.Keys(raw.spans()) == want);
    }
    // Reopened (cold cache), then read-only as `citynexus verify` opens.
    {
      auto store = OpenOrFail(options);
      CheckAggregates(*store, id);
      CheckAggregates(*store, other);
    }
    auto read_only = options;
    read_only.read_only = true;
    {
      auto store = OpenOrFail(read_only);
      CheckAggregates(*store, id);
      CheckAggregates(*store, other);
    }
    // Compact() moves the rest into span records and clears the mark.
    {
      auto store = OpenOrFail(options);
      CheckAggregates(*store, other);  // fills the cache when enabled
      REQUIRE(store->Compact().ok());
      CheckAggregates(*store, id);
      CheckAggregates(*store, other);
      REQUIRE(store->Close().ok());
    }
    {
      RawDb raw(dir.str());
      for (const auto& [sid, res, start] : raw.Keys(raw.rollups())) {
        CHECK(res == 3600);
      }
      std::vector<std::tuple<SeriesId, uint32_t, int64_t>> want = {
          {id, kDayS, kSpanBoundary - 64 * kDay},
          {id, kDayS, kSpanBoundary},
          {other, kDayS, kSpanBoundary - 64 * kDay},
          {other, kDayS, kSpanBoundary}};
      CHECK(raw.Keys(raw.spans()) == want);
      std::string value;
      CHECK(raw.db()
                ->Get(rocksdb::ReadOptions(), raw.meta(),
                      "rollup_legacy_windows", &value)
                .IsNotFound());
    }
    auto store = OpenOrFail(options);
    CheckAggregates(*store, id);
    CheckAggregates(*store, other);
  }
}

TEST_CASE("a read-only open of a store without the span column family reads",
          "[engine][rollups][spans]") {
  TempDir dir;
  auto options = TestOptions(dir.str());
  SeriesId id;
  {
    auto store = OpenOrFail(options);
    id = MakeSeries(*store, "water", "flow", ValueType::kFloat);
    REQUIRE(store->Append(FortyDays(id)).has_value());
    REQUIRE(store->Flush().ok());
    REQUIRE(store->Close().ok());
  }
  { RawDb(dir.str()).MakeLegacy(); }
  auto read_only = options;
  read_only.read_only = true;
  auto store = OpenOrFail(read_only);
  CheckAggregates(*store, id);
  bool problems = false;
  VerifyCallbacks callbacks;
  callbacks.on_problem = [&](const VerifyProblem&) { problems = true; };
  REQUIRE(store->Verify(callbacks).ok());
  CHECK_FALSE(problems);
}

TEST_CASE("retention cuts the span straddling the rollup cutoff per window",
          "[engine][rollups][spans][retention]") {
  TempDir dir;
  auto options = TestOptions(dir.str());
  RetentionRule rule;
  rule.measurement_glob = "water";
  rule.rollup_max_age = std::chrono::hours(24 * 5);
  options.retention = {rule};
  auto store = OpenOrFail(options);
  SeriesId id = MakeSeries(*store, "water", "flow", ValueType::kFloat);
  REQUIRE(store->Append(FortyDays(id)).has_value());
  REQUIRE(store->Flush().ok());
  // Cutoff kSpanBoundary + 3.5 days: the first span goes whole, the second
  // loses its windows 0..2 (ending at or before the cutoff), keeps 3..10.
  const int64_t now = kSpanBoundary + 3 * kDay + 12 * kHour + 5 * kDay;
  REQUIRE(store->RunRetention(now).ok());
  AggregateStats stats;
  auto daily = store->Aggregate({id, kT0, kT0 + 40 * kDay, kDay, 0}, &stats);
  REQUIRE(daily.has_value());
  CHECK(stats.used_rollups);
  REQUIRE(daily->size() == 8);
  CHECK(daily->front().start_ns == kSpanBoundary + 3 * kDay);
  CHECK(daily->front().count == static_cast<uint64_t>(kDay / (10 * kMinute)));
  // The kept days equal the raw computation (raw points are not expired).
  AggregateRequest kept{id, kSpanBoundary + 3 * kDay, kT0 + 40 * kDay, kDay, 0};
  auto got = store->Aggregate(kept, nullptr);
  REQUIRE(got.has_value());
  CHECK(SameBuckets(*got, BucketsFromScan(*store, kept)));
  bool problems = false;
  VerifyCallbacks callbacks;
  callbacks.on_problem = [&](const VerifyProblem&) { problems = true; };
  REQUIRE(store->Verify(callbacks).ok());
  CHECK_FALSE(problems);
  REQUIRE(store->Close().ok());
  RawDb raw(dir.str());
  std::vector<std::tuple<SeriesId, uint32_t, int64_t>> want = {
      {id, kDayS, kSpanBoundary}};
  CHECK(raw.Keys(raw.spans()) == want);
}

TEST_CASE("verify names a span record with a bucket outside its span",
          "[engine][rollups][spans]") {
  TempDir dir;
  auto options = TestOptions(dir.str());
  SeriesId id;
  {
    auto store = OpenOrFail(options);
    id = MakeSeries(*store, "water", "flow", ValueType::kFloat);
    REQUIRE(store->Append(FortyDays(id)).has_value());
    REQUIRE(store->Flush().ok());
    REQUIRE(store->Close().ok());
  }
  {
    RawDb raw(dir.str());
    Bucket outside;
    outside.start_ns = kSpanBoundary + 64 * kDay;  // the next span's day
    AddToBucket(&outside, outside.start_ns + 1, 1.0);
    std::string record;
    REQUIRE(EncodeRollupRecord({outside}, &record).ok());
    REQUIRE(raw.db()
                ->Put(rocksdb::WriteOptions(), raw.spans(),
                      RollupSpanKey(id, kDayS, kSpanBoundary), record)
                .ok());
    // And one whose key is not on a span boundary.
    REQUIRE(raw.db()
                ->Put(rocksdb::WriteOptions(), raw.spans(),
                      RollupSpanKey(id, kDayS, kSpanBoundary + kDay), record)
                .ok());
  }
  auto read_only = options;
  read_only.read_only = true;
  auto store = OpenOrFail(read_only);
  std::vector<VerifyProblem> problems;
  VerifyCallbacks callbacks;
  callbacks.on_problem = [&](const VerifyProblem& p) { problems.push_back(p); };
  REQUIRE(store->Verify(callbacks).ok());
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].record == "rollup span 86400s");
  CHECK(problems[0].window_start_ns == kSpanBoundary);
  CHECK(problems[0].window_end_ns == kSpanBoundary + 64 * kDay);
  CHECK(problems[0].reason.find("outside its window") != std::string::npos);
  CHECK(problems[1].reason.find("span boundary") != std::string::npos);
}

}  // namespace
}  // namespace citynexus::engine
