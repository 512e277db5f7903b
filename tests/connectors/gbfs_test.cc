// Unit tests of connectors/decoders/gbfs.{h,cc}: a small GBFS 2.3
// station_status joined with station_information, required fields,
// time fallback and per-station errors.
#include "connectors/decoders/gbfs.h"

#include <catch2/catch.hpp>
#include <string>

#include "connectors/decoded_util.h"

namespace citynexus::connectors {
namespace {

using testing::Tag;

constexpr int64_t kSecond = 1'000'000'000;

constexpr std::string_view kStatus = R"({
  "last_updated": 1714564800,
  "ttl": 60,
  "version": "2.3",
  "data": {
    "stations": [
      {"station_id": "st-1", "num_bikes_available": 7,
       "num_bikes_disabled": 1, "num_docks_available": 12,
       "num_docks_disabled": 0, "is_installed": true, "is_renting": true,
       "is_returning": false, "last_reported": 1714564790,
       "vehicle_types_available": [{"vehicle_type_id": "bike", "count": 7}]},
      {"station_id": "st-2", "num_bikes_available": 0,
       "num_docks_available": 20, "is_installed": true, "is_renting": false,
       "is_returning": true},
      {"station_id": "st-3", "num_bikes_available": 3,
       "num_docks_available": 5, "is_installed": true,
       "is_returning": true, "last_reported": 1714564700},
      {"station_id": "st-4", "num_bikes_available": -1,
       "num_docks_available": 5, "is_installed": true, "is_renting": true,
       "is_returning": true, "last_reported": 1714564700},
      {"num_bikes_available": 1, "num_docks_available": 5,
       "is_installed": true, "is_renting": true, "is_returning": true,
       "last_reported": 1714564700},
      {"station_id": "st-virtual", "num_bikes_available": 4,
       "is_installed": 1, "is_renting": 1, "is_returning": 0,
       "last_reported": 1714564760}
    ]
  }
})";

constexpr std::string_view kInformation = R"({
  "last_updated": 1714500000,
  "ttl": 86400,
  "version": "2.3",
  "data": {
    "stations": [
      {"station_id": "st-1", "name": "Rathausplatz", "lat": 52.5200,
       "lon": 13.4050, "capacity": 20},
      {"station_id": "st-2", "name": "Hauptbahnhof", "lat": 52.5251,
       "lon": 13.3694},
      {"station_id": "st-virtual", "name": "Parkzone Ost", "lat": 52.51,
       "lon": 13.45, "is_virtual_station": true}
    ]
  }
})";

DecodedBatch Decode(std::string_view status, std::string_view info = {},
                    GbfsOptions options = {}) {
  DecodedBatch batch;
  DecodeGbfsStationStatus(status, info, options, &batch);
  return batch;
}

// The integer field `key` of line `line`, or -999 when absent.
int64_t Int(const DecodedBatch& batch, size_t line, std::string_view key) {
  for (const auto& field : batch.FieldsOf(batch.lines.at(line))) {
    if (field.key == key) {
      REQUIRE(field.value.kind == FieldValue::Kind::kInt);
      return field.value.int_value();
    }
  }
  return -999;
}

TEST_CASE("gbfs decodes station_status joined with station_information",
          "[connectors][gbfs]") {
  GbfsOptions options;
  options.system_id = "nextbike_berlin";
  auto batch = Decode(kStatus, kInformation, options);
  REQUIRE(batch.lines.size() == 3);  // st-1, st-2, st-virtual

  CHECK(batch.lines[0].measurement == "gbfs_station");
  CHECK(batch.line_unit == DecodeUnit::kStation);
  CHECK(Tag(batch, 0, "station_id") == "st-1");
  CHECK(Tag(batch, 0, "system_id") == "nextbike_berlin");
  CHECK(batch.lines[0].timestamp_ns == 1'714'564'790 * kSecond);
  CHECK(Int(batch, 0, "num_bikes_available") == 7);
  CHECK(Int(batch, 0, "num_docks_available") == 12);
  CHECK(Int(batch, 0, "num_bikes_disabled") == 1);
  CHECK(Int(batch, 0, "num_docks_disabled") == 0);
  CHECK(Int(batch, 0, "is_installed") == 1);
  CHECK(Int(batch, 0, "is_renting") == 1);
  CHECK(Int(batch, 0, "is_returning") == 0);
  CHECK(Int(batch, 0, "capacity") == 20);
  engine::SeriesMeta meta;
  CHECK(batch.ApplySeriesMeta(0, "num_bikes_available", &meta));
  CHECK(meta.description == "Rathausplatz");
  REQUIRE(meta.latitude.has_value());
  CHECK(*meta.latitude == 52.52);
  CHECK(*meta.longitude == 13.405);

  // st-2: no last_reported -> feed last_updated; optional counts absent;
  // no capacity in its information.
  CHECK(Tag(batch, 1, "station_id") == "st-2");
  CHECK(batch.lines[1].timestamp_ns == 1'714'564'800 * kSecond);
  CHECK(Int(batch, 1, "num_bikes_disabled") == -999);
  CHECK(Int(batch, 1, "capacity") == -999);
  CHECK(Int(batch, 1, "is_renting") == 0);
  engine::SeriesMeta meta2;
  batch.ApplySeriesMeta(1, "is_renting", &meta2);
  CHECK(meta2.description == "Hauptbahnhof");

  // A virtual station may omit num_docks_available; 0/1 booleans accepted.
  CHECK(Tag(batch, 2, "station_id") == "st-virtual");
  CHECK(batch.lines[2].line_number == 5);
  CHECK(Int(batch, 2, "num_docks_available") == -999);
  CHECK(Int(batch, 2, "is_returning") == 0);
  CHECK(Int(batch, 2, "is_renting") == 1);

  REQUIRE(batch.errors.size() == 3);
  CHECK(batch.errors[0].ToString() ==
        "station 2 (\"st-3\"): \"is_renting\": missing required field");
  CHECK(batch.errors[1].ToString() ==
        "station 3 (\"st-4\"): \"num_bikes_available\": expected a "
        "non-negative integer, got -1");
  CHECK(batch.errors[2].ToString() ==
        "station 4: \"station_id\": missing required field");
  CHECK(batch.errors[2].unit == DecodeUnit::kStation);
}

TEST_CASE(
    "gbfs without station_information stores a station without "
    "num_docks_available, with no docks point",
    "[connectors][gbfs]") {
  // GBFS 2.x station_status: num_docks_available is required except for
  // stations with unlimited docking; its absence is not 0 and rejects
  // nothing, even when station_information cannot say why.
  auto batch = Decode(kStatus);
  REQUIRE(batch.lines.size() == 3);
  CHECK(Tag(batch, 0, "system_id") == "<none>");
  CHECK(Int(batch, 0, "capacity") == -999);
  CHECK(batch.series_meta.empty());
  CHECK(Tag(batch, 2, "station_id") == "st-virtual");
  CHECK(Int(batch, 2, "num_docks_available") == -999);  // absent, not 0
  CHECK(Int(batch, 2, "num_bikes_available") >= 0);
  REQUIRE(batch.errors.size() == 3);
  for (const auto& e : batch.errors) {
    CHECK(e.ToString().find("num_docks_available") == std::string::npos);
  }
}

TEST_CASE("gbfs reports bad station_information without dropping stations",
          "[connectors][gbfs]") {
  auto batch = Decode(R"({"last_updated": 1714564800, "data": {"stations": [
      {"station_id": "a", "num_bikes_available": 1, "num_docks_available": 2,
       "is_installed": true, "is_renting": true, "is_returning": true}]}})",
                      R"({"data": {"stations": [
      {"station_id": "a", "name": "A", "lat": 95.0, "lon": 13.4,
       "capacity": 10}]}})");
  REQUIRE(batch.lines.size() == 1);
  CHECK(Int(batch, 0, "capacity") == -999);  // the entry is not trusted
  CHECK(batch.series_meta.empty());
  REQUIRE(batch.errors.size() == 1);
  CHECK(batch.errors[0].ToString() ==
        "station 0 (\"a\"): \"station_information.lat\": expected a WGS84 "
        "coordinate within +-90, got 95.0");

  auto unparsable = Decode(R"({"last_updated": 1714564800, "data":
      {"stations": [{"station_id": "a", "num_bikes_available": 1,
       "num_docks_available": 2, "is_installed": true, "is_renting": true,
       "is_returning": true}]}})",
                           "{oops");
  CHECK(unparsable.lines.size() == 1);
  REQUIRE(unparsable.errors.size() == 1);
  CHECK(unparsable.errors[0].ToString().rfind(
            "message: station_information: not valid JSON", 0) == 0);
}

TEST_CASE("gbfs rejects feeds that are not station_status",
          "[connectors][gbfs]") {
  auto no_stations = Decode(R"({"last_updated": 1, "data": {"bikes": []}})");
  CHECK(no_stations.lines.empty());
  REQUIRE(no_stations.errors.size() == 1);
  CHECK(no_stations.errors[0].ToString() ==
        "message: station_status: \"data.stations\": missing or not an "
        "array");
  auto array = Decode("[]");
  REQUIRE(array.errors.size() == 1);
  CHECK(array.errors[0].unit == DecodeUnit::kMessage);

  // Without last_updated, stations need their own last_reported.
  auto no_time = Decode(R"({"data": {"stations": [
      {"station_id": "a", "num_bikes_available": 1, "num_docks_available": 2,
       "is_installed": true, "is_renting": true, "is_returning": true},
      {"station_id": "b", "num_bikes_available": 1, "num_docks_available": 2,
       "is_installed": true, "is_renting": true, "is_returning": true,
       "last_reported": 1714564000}]}})");
  REQUIRE(no_time.lines.size() == 1);
  CHECK(Tag(no_time, 0, "station_id") == "b");
  REQUIRE(no_time.errors.size() == 2);
  CHECK(no_time.errors[1].ToString() ==
        "station 0 (\"a\"): \"last_reported\": missing, and the feed has no "
        "last_updated");
}

TEST_CASE("gbfs uses the configured measurement", "[connectors][gbfs]") {
  GbfsOptions options;
  options.measurement = "bikeshare";
  auto batch = Decode(kStatus, kInformation, options);
  REQUIRE_FALSE(batch.lines.empty());
  CHECK(batch.lines[0].measurement == "bikeshare");
}

}  // namespace
}  // namespace citynexus::connectors
