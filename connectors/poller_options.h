// The typed options of the open-data pollers (config section `pollers`) and
// the checks config loading shares with them.
//
// Every option is declared with its default, unit and range in
// app/config/sections/ and documented in docs/configuration.md; the member
// initialisers below only matter for tests that build options by hand.
// Nothing here can change while the process runs (reload: restart).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "connectors/decoders/csv_mapping.h"
#include "connectors/decoders/json_mapping.h"

namespace citynexus::connectors {

// What a poller's URL serves.
enum class PollerFormat : uint8_t {
  kGbfs,  // GBFS gbfs.json auto-discovery, or station_status.json itself
  kJson,  // any JSON document, mapped by PollerOptions::json
  kCsv,   // a CSV file, mapped by PollerOptions::csv
};

// "gbfs", "json", "csv".
std::string_view PollerFormatName(PollerFormat format);
// Inverse of PollerFormatName; kInvalidArgument naming the accepted values.
Result<PollerFormat> ParsePollerFormat(std::string_view name);

struct PollerOptions {
  // Unique name; labels metrics ({poller="<name>"}) and is the source
  // "poller:<name>" recorded on the series the poller creates. Required.
  std::string name;
  // http:// or https:// URL polled. For kGbfs either the gbfs.json
  // auto-discovery file (station_status and station_information are found
  // there) or a station_status.json. Required.
  std::string url;
  PollerFormat format = PollerFormat::kGbfs;
  // Wait from the end of a successful poll to the start of the next.
  // Default 60 s.
  std::chrono::milliseconds interval{60000};
  // Connect and read timeout of each request (each applies separately).
  // Default 10 s.
  std::chrono::milliseconds timeout{10000};
  // Longest wait between polls while they keep failing: the delay after n
  // consecutive failures is interval * 2^n, capped at max(backoff_max,
  // interval). Default 15 min.
  std::chrono::milliseconds backoff_max{std::chrono::minutes(15)};
  // Domain recorded on the series this poller creates (`mobility`, ...);
  // empty: none.
  std::string domain;
  // PEM file of the CA certificates trusted for this poller's https://
  // server (a city's internal CA). Empty (default): the system store.
  // Either way the chain and the host name are checked.
  std::string tls_ca_file;

  // ---- kGbfs ----
  // Measurement of the station lines. Empty: "gbfs_station".
  std::string measurement;
  // Feed language picked from gbfs.json ("en", "de"). Empty: the first.
  std::string language;
  // Tags every station with system_id=<value> when non-empty.
  std::string system_id;
  // station_information (names, positions, capacity) is fetched on the
  // first poll and then every this many polls. Default 10.
  int information_every = 10;

  // ---- kJson / kCsv: the mapping (measurement, fields, tags, time) ----
  JsonMappingRule json;
  CsvMappingRule csv;
};

// The problems of one poller's options, each as (member, message):
// ("url", "scheme must be http or https"), ("fields", "..."). Empty when the
// options can be used. Names are not checked for uniqueness here (that
// spans pollers; see ValidatePollers).
std::vector<std::pair<std::string, std::string>> PollerOptionProblems(
    const PollerOptions& options);

// All pollers' problems as one kInvalidArgument status ("pollers[1] \"x\":
// url: ..."), including repeated or empty names; OK when there are none.
Status ValidatePollers(const std::vector<PollerOptions>& pollers);

// The wait before the next poll after `consecutive_errors` failures in a
// row (0: `interval`), as documented at PollerOptions::backoff_max.
std::chrono::milliseconds PollerDelay(std::chrono::milliseconds interval,
                                      std::chrono::milliseconds backoff_max,
                                      int consecutive_errors);

}  // namespace citynexus::connectors
