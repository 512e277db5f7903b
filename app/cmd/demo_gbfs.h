// The demo's bike-share operator: a GBFS 2.3 feed (gbfs.json,
// station_information.json, station_status.json) served on loopback, read
// by the `gbfs` poller of the shipped config like any operator's feed.
//
// Thread-safety: Start/Stop from one thread; requests are answered on the
// server's I/O thread from the immutable city and the clock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "app/cmd/demo_city.h"
#include "common/status.h"
#include "net/net.h"

namespace citynexus::app::demo {

class GbfsFeedServer {
 public:
  explicit GbfsFeedServer(const DemoCity& city);  // `city` must outlive this
  ~GbfsFeedServer();
  // Binds host:port (port 0 picks one). kIOError when it cannot bind.
  Status Start(const std::string& host, uint16_t port);
  uint16_t port() const;
  void Stop();

  // The JSON bodies, for tests and the server. `now_s` is the feed time.
  std::string Discovery(const std::string& base_url) const;
  std::string StationInformation(int64_t now_s) const;
  std::string StationStatus(int64_t now_s) const;

 private:
  const DemoCity& city_;
  std::string base_url_;
  net::Router router_;
  net::MetricsRegistry metrics_;
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace citynexus::app::demo
