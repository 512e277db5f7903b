// Backup and restore round trip.
#include <catch2/catch.hpp>
#include <filesystem>

#include "engine/store_util.h"
#include "support/temp_dir.h"

namespace citynexus::engine {
namespace {

using testing::kMinute;
using testing::kT0;
using testing::MakeSeries;
using testing::OpenOrFail;
using testing::ReadAll;
using testing::TempDir;
using testing::TestOptions;

TEST_CASE("a backup restores into an empty dir with all series and points",
          "[engine][backup][store]") {
  TempDir dir, backups, restored_root;
  std::string backup_dir = backups.str() + "/b1";
  std::string restored = restored_root.str() + "/data";
  SeriesId id;
  {
    auto store = OpenOrFail(TestOptions(dir.str()));
    id = MakeSeries(*store, "env", "temp", ValueType::kFloat);
    std::vector<Point> points;
    for (int k = 0; k < 500; ++k)
      points.push_back({id, kT0 + k * kMinute, k * 0.5});
    REQUIRE(store->Append(points).has_value());
    REQUIRE(store->Backup(backup_dir).ok());
    CHECK(store->Backup(backup_dir).code() == StatusCode::kInvalidArgument);
    // Written after the backup: not in it.
    std::vector<Point> later = {{id, kT0 - kMinute, -1.0}};
    REQUIRE(store->Append(later).has_value());
  }
  REQUIRE(RestoreBackup(backup_dir, restored).ok());
  CHECK(RestoreBackup(backup_dir, restored).code() ==
        StatusCode::kInvalidArgument);  // not empty any more
  CHECK(RestoreBackup(dir.str() + "/nope", restored_root.str() + "/x").code() ==
        StatusCode::kInvalidArgument);
  auto store = OpenOrFail(TestOptions(restored));
  auto info = store->LookupSeries("env{sensor=s1}#temp");
  REQUIRE(info.has_value());
  CHECK(info->id == id);
  auto got = ReadAll(*store, id);
  REQUIRE(got.size() == 500);
  CHECK(got.count(kT0 - kMinute) == 0);  // written after the backup
  CHECK(std::get<double>(got[kT0 + 499 * kMinute]) == 249.5);
  // The daily bucket comes from the restored span record (rollup_spans CF).
  AggregateStats stats;
  auto daily = store->Aggregate(
      {id, kT0, kT0 + 24 * 60 * kMinute, 24 * 60 * kMinute, 0}, &stats);
  REQUIRE(daily.has_value());
  CHECK(stats.used_rollups);
  CHECK(stats.points_read == 0);
  REQUIRE(daily->size() == 1);
  CHECK(daily->front().count == 500);
  CHECK(daily->front().max == 249.5);
}

}  // namespace
}  // namespace citynexus::engine
