#include "query/sta_util.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace citynexus::testing {
namespace {

std::shared_ptr<const net::Access> AccessFor(const net::Request& req) {
  auto header = req.Header("x-test-scopes");
  if (!header) return net::Access::Internal();
  if (*header == "anonymous") return net::Access::Anonymous({});
  std::vector<net::Scope> scopes;
  std::istringstream in(*header);
  std::string word;
  while (in >> word) scopes.push_back(net::Scope::Parse(word).value());
  return net::Access::ForToken("t1", "test", std::move(scopes), {});
}

}  // namespace

StaServer::StaServer(query::sta::StaOptions options) {
  engine::StoreOptions so;
  so.data_dir = dir_.str();
  so.sync = engine::SyncMode::kInterval;
  store_ = engine::PublishingStore(engine::OpenStore(so).value(), feed_);
  queries_ = std::make_unique<query::QueryEngine>(*store_, query::QueryOptions{});
  query::RegisterQueryRoutes(router_, *queries_);
  query::RegisterInfluxQlRoutes(router_, *store_, query::QueryOptions{});
  writer_ = std::thread([this] { WriterLoop(); });
  sta_ = std::make_unique<query::sta::SensorThingsService>(
      *store_, options, [this](std::function<void()> job) {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return false;
        jobs_.push_back(std::move(job));
        cv_.notify_one();
        return true;
      });
  // The same patterns RegisterSensorThingsRoutes adds, with the test access.
  query::sta::SensorThingsService* sta = sta_.get();
  std::string pattern = "/v1.1";
  for (int depth = 0; depth <= 5; ++depth) {
    router_.Add("GET", pattern, [sta](const net::Request& r) {
      net::Request with = r;
      with.access = AccessFor(r);
      return sta->Get(with);
    });
    for (const char* method : {"POST", "PATCH", "PUT", "DELETE"}) {
      router_.AddAsync(method, pattern, [sta](net::Request r, net::Responder respond) {
        r.access = AccessFor(r);
        sta->Write(std::move(r), std::move(respond));
      });
    }
    pattern += "/{s" + std::to_string(depth) + "}";
  }
  net::ServerOptions http;
  http.port = 0;
  http.threads = 2;
  server_ = std::make_unique<net::HttpServer>(http, router_, metrics_);
  REQUIRE(server_->Start().ok());
}

StaServer::~StaServer() {
  server_->Stop();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  writer_.join();
  (void)store_->Close();
}

void StaServer::WriterLoop() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

uint64_t StaServer::AddSeries(const std::string& canonical,
                              const engine::SeriesMeta& meta,
                              engine::ValueType type) {
  auto key = engine::SeriesKey::Parse(canonical).value();
  auto info = store_->GetOrCreateSeries(key, type).value();
  REQUIRE(store_->SetSeriesMeta(info.id, meta).ok());
  return info.id;
}

void StaServer::Append(uint64_t id,
                       const std::vector<std::pair<int64_t, engine::Value>>& points) {
  std::vector<engine::Point> batch;
  for (const auto& [ts, v] : points) batch.push_back({id, ts, v});
  auto r = store_->Append(batch).value();
  REQUIRE(r.rejected.empty());
  REQUIRE(r.written == batch.size());
}

HttpReply StaServer::Get(const std::string& target, const std::string& scopes) {
  return Send("GET", target, "", scopes);
}

HttpReply StaServer::Send(const std::string& method, const std::string& target,
                          const std::string& body, const std::string& scopes) {
  std::string headers;
  if (!scopes.empty()) headers += "X-Test-Scopes: " + scopes + "\r\n";
  if (!body.empty()) headers += "Content-Type: application/json\r\n";
  return HttpRequest(port(), method, target, body, headers);
}

nlohmann::json StaServer::GetJson(const std::string& target, const std::string& scopes) {
  HttpReply r = Get(target, scopes);
  INFO(target << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  return nlohmann::json::parse(r.body);
}

}  // namespace citynexus::testing
