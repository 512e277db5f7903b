// The query tests' shared fixtures: a real store in a temporary directory
// (StoreFixture, query_engine_test) and, on top, a small cpu/mem data set
// with the InfluxQL /query route registered on a router, called directly
// without an HTTP server (InfluxQlFixture: influxql_exec_test,
// influxql_functions_test). These tests had one copy each.
//
// Data (kT0 = 2024-01-01T00:00:00Z):
//   cpu,host=a,region=eu value=1,3,5 (+0, +1m, +5m) idle=50 (+0)
//   cpu,host=b,region=us value=10,20 (+0, +2m)
//   mem,host=a used=100i,200i (+0, +1m)
//
// Thread-safety: one test thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "net/net.h"
#include "support/temp_dir.h"

namespace citynexus::testing {

inline constexpr int64_t kSec = 1000000000;
inline constexpr int64_t kMin = 60 * kSec;
inline constexpr int64_t kT0 = 1704067200 * kSec;  // 2024-01-01T00:00:00Z

// An empty real store in a temporary directory.
struct StoreFixture {
  TempDir dir;
  std::unique_ptr<engine::Store> store;

  StoreFixture();
  ~StoreFixture();

  // The id of the series, created when new.
  engine::SeriesId Series(const std::string& measurement,
                          std::vector<std::pair<std::string, std::string>> tags,
                          const std::string& field,
                          engine::ValueType type = engine::ValueType::kFloat);
  // Appends `points`, requiring that none is rejected.
  void Write(std::vector<engine::Point> points);
};

// StoreFixture with the data set above and the /query route.
struct InfluxQlFixture : StoreFixture {
  net::Router router;

  InfluxQlFixture();

  // Calls the /query handler; a request without an Access runs as an
  // internal caller (these tests are not about access control).
  net::Response Send(net::Request req);

  // Body of GET /query?db=citynexus&q=...&<extra>, requiring HTTP 200,
  // without its trailing newline.
  std::string Query(
      const std::string& q,
      std::vector<std::pair<std::string, std::string>> extra = {});
};

// Wraps one statement's series JSON as InfluxDB's full response.
std::string One(const std::string& series);

}  // namespace citynexus::testing
