// A SensorThings server for tests: a real RocksDB store in a temp dir, the
// /v1.1 routes plus InfluxQL (/query) and the JSON API (/api/v1/query) on a
// real HTTP server over loopback, and a write runner thread.
//
// Until the server fills Request::access from tokens (issue #10), the test
// routes set it from an "X-Test-Scopes" header: absent = Access::Internal(),
// "anonymous" = an anonymous caller, else space-separated scopes of a token.
//
// Thread-safety: construct and destroy on one thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "engine/engine.h"
#include "net/net.h"
#include "query/query.h"
#include "query/sta/sensorthings.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace citynexus::testing {

class StaServer {
 public:
  explicit StaServer(query::sta::StaOptions options = {});
  ~StaServer();
  StaServer(const StaServer&) = delete;
  StaServer& operator=(const StaServer&) = delete;

  uint16_t port() const { return server_->port(); }
  engine::Store& store() { return *store_; }
  engine::PointFeed& feed() { return feed_; }

  // Creates a float series with metadata; returns its id.
  uint64_t AddSeries(const std::string& canonical,
                     const engine::SeriesMeta& meta,
                     engine::ValueType type = engine::ValueType::kFloat);
  // Appends points to series `id` (checks they were written).
  void Append(uint64_t id,
              const std::vector<std::pair<int64_t, engine::Value>>& points);

  // GET/POST to the server; `scopes` as described above.
  HttpReply Get(const std::string& target, const std::string& scopes = "");
  HttpReply Send(const std::string& method, const std::string& target,
                 const std::string& body, const std::string& scopes = "");
  // GET, expecting 200 and a JSON body.
  nlohmann::json GetJson(const std::string& target,
                         const std::string& scopes = "");

 private:
  void WriterLoop();

  TempDir dir_;
  engine::PointFeed feed_;
  std::unique_ptr<engine::Store> store_;
  net::MetricsRegistry metrics_;
  net::Router router_;
  std::unique_ptr<query::QueryEngine> queries_;
  std::unique_ptr<query::sta::SensorThingsService> sta_;
  std::unique_ptr<net::HttpServer> server_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace citynexus::testing
