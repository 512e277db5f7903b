#include "connectors/http_ingest_util.h"

#include <catch2/catch.hpp>

#include "support/http_client.h"

namespace citynexus::testing {

IngestServer::IngestServer(connectors::HttpIngestOptions options,
                           WrapStore wrap) {
  engine::StoreOptions store_options;
  store_options.data_dir = dir_.str();
  auto opened = engine::OpenStore(store_options);
  REQUIRE(opened.has_value());
  store_ = std::move(*opened);
  if (wrap) store_ = wrap(std::move(store_));
  ingest_ = std::make_unique<connectors::HttpIngest>(*store_, metrics_,
                                                     std::move(options));
  ingest_->RegisterRoutes(router_);
  queries_ =
      std::make_unique<query::QueryEngine>(*store_, query::QueryOptions{});
  query::RegisterQueryRoutes(router_, *queries_);
  net::ServerOptions server_options;
  server_options.port = 0;
  server_options.threads = 2;
  server_ =
      std::make_unique<net::HttpServer>(server_options, router_, metrics_);
  // Deny by default (issue #10): requests carry "Bearer test-admin", which
  // this verifier maps to full access.
  server_->SetAuthenticator(std::make_shared<net::Authenticator>(
      net::AuthOptions{},
      [](std::string_view secret)
          -> Result<std::shared_ptr<const net::Access>> {
        if (secret == "test-admin") return net::Access::Internal();
        return Status::Unauthenticated("invalid token");
      }));
  SetDefaultAuthorization("Bearer test-admin");
  REQUIRE(server_->Start().ok());
}

IngestServer::~IngestServer() {
  server_->Stop();
  ingest_->Stop();
  (void)store_->Close();
}

}  // namespace citynexus::testing
