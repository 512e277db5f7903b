// GBFS 2.3 station decoder: a `station_status.json` feed, optionally joined
// with `station_information.json`, -> DecodedBatch with one line per
// station.
//
//   measurement  options.measurement (default "gbfs_station")
//   tags         station_id (+ system_id when options.system_id is set)
//   fields       num_bikes_available, num_docks_available (int64)
//                is_installed, is_renting, is_returning (int64 0/1, so a
//                mean over time is the share of time the dock was renting)
//                num_bikes_disabled, num_docks_disabled (int64, when sent)
//                capacity (int64, from station_information, when sent)
//   time         the station's last_reported (POSIX s), else the feed's
//                last_updated
//   metadata     name (as description), lat, lon from station_information
//
// A station failing the GBFS 2.3 required-field rules yields one DecodeError
// (unit kStation: 0-based index in data.stations, unit_id = station_id,
// element kMember naming the field) and never hides the other stations.
// docs/formats.md ("GBFS") lists the rules.
//
// Thread-safety: pure function; concurrent calls with distinct output
// batches are safe.
#pragma once

#include <string>
#include <string_view>

#include "connectors/decoders/decoded.h"

namespace citynexus::connectors {

struct GbfsOptions {
  // Measurement of every line. Default "gbfs_station"; must be non-empty.
  std::string measurement = "gbfs_station";
  // The feed's system_id (from system_information.json or config). When
  // non-empty every line gets the tag system_id=<value>, which keeps the
  // stations of several systems apart. Default: empty (no tag).
  std::string system_id;
};

// Decodes `status_body` (station_status.json) into `out` (cleared first),
// taking capacity, name and position from `information_body`
// (station_information.json) when it is non-empty. Views point into
// out->arena only. Never fails as a whole: a feed that is not GBFS yields
// one error with unit kMessage. Problems in station_information never
// reject a station: the station is decoded without that metadata and an
// error with element kMember ("station_information.lat") reports why.
void DecodeGbfsStationStatus(std::string_view status_body,
                             std::string_view information_body,
                             const GbfsOptions& options, DecodedBatch* out);

}  // namespace citynexus::connectors
