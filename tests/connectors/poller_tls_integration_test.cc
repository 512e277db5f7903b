// Pollers against a real HTTPS server on loopback (citynexus' own
// net::HttpServer with a certificate from a test CA made by the openssl CLI):
// with `tls_ca_file` naming the test CA the poll succeeds and stores; without
// it the system store does not know the CA and the poller reports a
// certificate error (nothing stored); a certificate for another host name is
// refused even with the right CA. Skipped with a WARN without openssl.
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "connectors/pollers.h"
#include "engine/engine.h"
#include "net/net.h"
#include "support/temp_dir.h"
#include "support/test_certs.h"
#include "support/wait_until.h"

namespace citynexus::connectors {
namespace {

using std::chrono::milliseconds;

using citynexus::testing::WaitUntil;

// A store and an HTTPS server presenting `cert` (a name made by
// MakeTestServerCert) that serves /feed.csv.
struct TlsFixture {
  citynexus::testing::TempDir dir;
  std::unique_ptr<engine::Store> store;
  net::MetricsRegistry metrics;
  net::MetricsRegistry server_metrics;
  net::Router router;
  std::unique_ptr<net::HttpServer> server;

  explicit TlsFixture(const std::string& cert) {
    citynexus::testing::MakeTestCa(dir.str());
    citynexus::testing::MakeTestServerCert(dir.str(), "local",
                                           "DNS:localhost,IP:127.0.0.1");
    citynexus::testing::MakeTestServerCert(dir.str(), "other",
                                           "DNS:other.example");
    engine::StoreOptions store_options;
    store_options.data_dir = dir.str() + "/data";
    auto opened = engine::OpenStore(store_options);
    REQUIRE(opened.has_value());
    store = std::move(*opened);
    router.Add("GET", "/feed.csv", [](const net::Request&) {
      return net::Response::Text(200, "t,v\n1714564800,1\n1714564860,2\n",
                                 "text/csv");
    });
    net::ServerOptions options;
    options.port = 0;
    options.threads = 1;
    options.tls_cert_file = dir.str() + "/" + cert + ".pem";
    options.tls_key_file = dir.str() + "/" + cert + ".key";
    server = std::make_unique<net::HttpServer>(options, router, server_metrics);
    const Status started = server->Start();
    INFO(started.ToString());
    REQUIRE(started.ok());
  }
  ~TlsFixture() {
    server->Stop();
    (void)store->Close();
  }

  PollerOptions Options(const std::string& ca_file) const {
    PollerOptions o;
    o.name = "secure";
    o.url = "https://localhost:" + std::to_string(server->port()) + "/feed.csv";
    o.format = PollerFormat::kCsv;
    o.interval = milliseconds(50);
    o.timeout = milliseconds(5000);
    o.backoff_max = milliseconds(200);
    o.measurement = "counter";
    o.csv.time_column = "t";
    o.csv.time_format = TimeFormat::kEpochSeconds;
    o.csv.fields = {{"v", "v", MappedType::kInt}};
    o.tls_ca_file = ca_file;
    return o;
  }

  size_t StoredPoints() {
    engine::SeriesKey key;
    key.measurement = "counter";
    key.field = "v";
    auto info = store->LookupSeries(key.Canonical());
    if (!info) return 0;
    size_t n = 0;
    REQUIRE(store
                ->Scan(info->id, INT64_MIN, INT64_MAX,
                       [&](const engine::Sample&) {
                         ++n;
                         return true;
                       })
                .ok());
    return n;
  }
};

}  // namespace

TEST_CASE("an https poller trusts its tls_ca_file, and only that",
          "[connectors][pollers][tls][integration]") {
  if (!citynexus::testing::HaveOpenssl()) {
    WARN("openssl CLI missing; skipping");
    return;
  }
  TlsFixture f("local");

  SECTION("with tls_ca_file naming the test CA the poll stores points") {
    Pollers pollers(*f.store, f.metrics, {f.Options(f.dir.str() + "/ca.pem")});
    REQUIRE(pollers.Start().ok());
    REQUIRE(WaitUntil([&] { return pollers.States().at(0).points == 2; }));
    pollers.Stop();
    CHECK(pollers.States().at(0).errors == 0);
    CHECK(f.StoredPoints() == 2);
  }
  SECTION("without it the system store refuses the test CA") {
    Pollers pollers(*f.store, f.metrics, {f.Options("")});
    REQUIRE(pollers.Start().ok());
    REQUIRE(WaitUntil([&] { return pollers.States().at(0).errors >= 1; }));
    pollers.Stop();
    const PollerState state = pollers.States().at(0);
    INFO(state.last_error);
    CHECK(state.points == 0);
    CHECK_THAT(state.last_error, Catch::Contains("certificate"));
    CHECK(f.StoredPoints() == 0);
  }
  SECTION("a missing tls_ca_file is a startup error naming it") {
    Pollers pollers(*f.store, f.metrics,
                    {f.Options(f.dir.str() + "/missing.pem")});
    const Status started = pollers.Start();
    REQUIRE_FALSE(started.ok());
    CHECK_THAT(started.message(), Catch::Contains("missing.pem"));
  }
}

TEST_CASE("an https poller refuses a certificate for another host name",
          "[connectors][pollers][tls][integration]") {
  if (!citynexus::testing::HaveOpenssl()) {
    WARN("openssl CLI missing; skipping");
    return;
  }
  TlsFixture f("other");  // signed by the trusted CA, for other.example
  Pollers pollers(*f.store, f.metrics, {f.Options(f.dir.str() + "/ca.pem")});
  REQUIRE(pollers.Start().ok());
  REQUIRE(WaitUntil([&] { return pollers.States().at(0).errors >= 1; }));
  pollers.Stop();
  const PollerState state = pollers.States().at(0);
  INFO(state.last_error);
  CHECK(state.points == 0);
  CHECK(f.StoredPoints() == 0);
}

}  // namespace citynexus::connectors
