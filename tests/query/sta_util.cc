#include "query/sta_util.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string_view>

#include "net/auth.h"

namespace citynexus::testing {
namespace {

// The test's tokens: "admin", or "scopes:<scope>+<scope>..." for a token
// holding exactly those scopes. The real Authenticator turns them into the
// caller, so the tests go through the server's own credential handling.
Result<std::shared_ptr<const net::Access>> VerifyTestToken(
    std::string_view secret) {
  if (secret == "admin") {
    return net::Access::ForToken("t0", "admin",
                                 {net::Scope::Parse("admin").value()}, {});
  }
  constexpr std::string_view kPrefix = "scopes:";
  if (!secret.starts_with(kPrefix)) {
    return Status::Unauthenticated("invalid token");
  }
  std::vector<net::Scope> scopes;
  std::istringstream in(std::string(secret.substr(kPrefix.size())));
  std::string word;
  while (std::getline(in, word, '+')) {
    auto scope = net::Scope::Parse(word);
    if (!scope) return Status::Unauthenticated("invalid token");
    scopes.push_back(*scope);
  }
  return net::Access::ForToken("t1", "test", std::move(scopes), {});
}

}  // namespace

StaServer::StaServer(query::sta::StaOptions options) {
  engine::StoreOptions so;
  so.data_dir = dir_.str();
  so.sync = engine::SyncMode::kInterval;
  store_ = engine::PublishingStore(engine::OpenStore(so).value(), feed_);
  queries_ =
      std::make_unique<query::QueryEngine>(*store_, query::QueryOptions{});
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
  query::sta::RegisterSensorThingsRoutes(router_, *sta_);
  net::ServerOptions http;
  http.port = 0;
  http.threads = 2;
  server_ = std::make_unique<net::HttpServer>(http, router_, metrics_);
  server_->SetAuthenticator(std::make_shared<net::Authenticator>(
      net::AuthOptions{}, VerifyTestToken));
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

void StaServer::Append(
    uint64_t id, const std::vector<std::pair<int64_t, engine::Value>>& points) {
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
  // Scopes "" act as the admin, "anonymous" sends no credentials, anything
  // else is a token holding those space-separated scopes.
  std::string headers;
  if (scopes.empty()) {
    headers += "Authorization: Bearer admin\r\n";
  } else if (scopes != "anonymous") {
    std::string joined = scopes;
    std::replace(joined.begin(), joined.end(), ' ', '+');
    headers += "Authorization: Bearer scopes:" + joined + "\r\n";
  }
  if (!body.empty()) headers += "Content-Type: application/json\r\n";
  return HttpRequest(port(), method, target, body, headers);
}

nlohmann::json StaServer::GetJson(const std::string& target,
                                  const std::string& scopes) {
  HttpReply r = Get(target, scopes);
  INFO(target << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == 200);
  return nlohmann::json::parse(r.body);
}

}  // namespace citynexus::testing
