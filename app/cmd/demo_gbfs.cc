#include "app/cmd/demo_gbfs.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "app/cmd/demo_signals.h"
#include "common/clock.h"

namespace citynexus::app::demo {
namespace {

std::string Envelope(int64_t now_s, nlohmann::json data) {
  nlohmann::json body = {{"last_updated", now_s},
                         {"ttl", 60},
                         {"version", "2.3"},
                         {"data", std::move(data)}};
  return body.dump();
}

}  // namespace

GbfsFeedServer::GbfsFeedServer(const DemoCity& city) : city_(city) {}

GbfsFeedServer::~GbfsFeedServer() { Stop(); }

std::string GbfsFeedServer::Discovery(const std::string& base_url) const {
  nlohmann::json feeds = nlohmann::json::array();
  for (const char* name : {"station_information", "station_status"}) {
    feeds.push_back({{"name", name}, {"url", base_url + "/" + name + ".json"}});
  }
  return Envelope(UnixNowSeconds(), {{"en", {{"feeds", feeds}}}});
}

std::string GbfsFeedServer::StationInformation(int64_t now_s) const {
  nlohmann::json stations = nlohmann::json::array();
  for (const BikeStation& b : city_.bike_stations) {
    stations.push_back({{"station_id", b.id},
                        {"name", b.name},
                        {"lat", b.lat},
                        {"lon", b.lon},
                        {"capacity", b.capacity}});
  }
  return Envelope(now_s, {{"stations", stations}});
}

std::string GbfsFeedServer::StationStatus(int64_t now_s) const {
  nlohmann::json stations = nlohmann::json::array();
  const int64_t reported = now_s / 60 * 60;
  for (size_t i = 0; i < city_.bike_stations.size(); ++i) {
    const BikeStation& b = city_.bike_stations[i];
    const int bikes = BikesAvailable(city_, static_cast<int>(i), reported);
    stations.push_back({{"station_id", b.id},
                        {"num_bikes_available", bikes},
                        {"num_docks_available", b.capacity - bikes},
                        {"is_installed", true},
                        {"is_renting", true},
                        {"is_returning", true},
                        {"last_reported", reported}});
  }
  return Envelope(now_s, {{"stations", stations}});
}

Status GbfsFeedServer::Start(const std::string& host, uint16_t port) {
  const auto json = [](std::string body) {
    net::Response r = net::Response::Json(200, std::move(body));
    r.headers.emplace_back("Cache-Control", "max-age=30");
    return r;
  };
  router_.Add("GET", "/gbfs.json", [this, json](const net::Request&) {
    return json(Discovery(base_url_));
  });
  router_.Add("GET", "/station_information.json",
              [this, json](const net::Request&) {
                return json(StationInformation(UnixNowSeconds()));
              });
  router_.Add("GET", "/station_status.json", [this, json](const net::Request&) {
    return json(StationStatus(UnixNowSeconds()));
  });
  net::ServerOptions options;
  options.host = host;
  options.port = port;
  options.threads = 1;
  options.max_body_bytes = 1024;
  options.shutdown_grace = std::chrono::seconds(1);
  server_ = std::make_unique<net::HttpServer>(options, router_, metrics_);
  CITYNEXUS_RETURN_IF_ERROR(server_->Start());
  base_url_ = "http://" + host + ":" + std::to_string(server_->port());
  return Status::Ok();
}

uint16_t GbfsFeedServer::port() const { return server_ ? server_->port() : 0; }

void GbfsFeedServer::Stop() {
  if (server_) server_->Stop();
}

}  // namespace citynexus::app::demo
