// The HTTP write endpoints and the JSON query API on a real server over
// loopback, storing into a real RocksDB store in a temp dir: the fixture of
// the HTTP ingest integration tests.
//
// Thread-safety: construct and destroy on one thread; the server itself
// takes requests from any number of client threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "connectors/connectors.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/query.h"
#include "support/temp_dir.h"

namespace citynexus::testing {

class IngestServer {
 public:
  // Lets a test put a decorator in front of the opened store (e.g. one that
  // holds appends back); returns what the server writes to.
  using WrapStore = std::function<std::unique_ptr<engine::Store>(
      std::unique_ptr<engine::Store>)>;

  explicit IngestServer(connectors::HttpIngestOptions options = {},
                        WrapStore wrap = nullptr);
  ~IngestServer();  // stops the server, finishes queued writes, closes
  IngestServer(const IngestServer&) = delete;
  IngestServer& operator=(const IngestServer&) = delete;

  uint16_t port() const { return server_->port(); }
  engine::Store& store() { return *store_; }
  net::MetricsRegistry& metrics() { return metrics_; }

 private:
  TempDir dir_;
  std::unique_ptr<engine::Store> store_;
  net::MetricsRegistry metrics_;
  net::Router router_;
  std::unique_ptr<connectors::HttpIngest> ingest_;
  std::unique_ptr<query::QueryEngine> queries_;
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace citynexus::testing
