#include "app/cmd/serve.h"

#include <pthread.h>
#include <signal.h>

#include <cstring>
#include <memory>
#include <string>

#include "app/auth/token_api.h"
#include "app/auth/token_store.h"
#include "app/cmd/admin_backup.h"
#include "app/cmd/sensorthings.h"
#include "app/config/values.h"
#include "app/web_assets.h"
#include "common/log.h"
#include "connectors/connectors.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/indicators.h"
#include "query/promql.h"
#include "query/query.h"

// Threads of a `citynexus serve` process (STYLE §5: know every thread):
//   main         parses the command line and config, wires the layers, then
//                waits in sigwait() for SIGINT/SIGTERM and runs the shutdown
//                (SIGHUP: reloads the HTTPS certificate and waits again).
//                The only thread that receives those signals: they are
//                blocked here before any other thread starts, so every thread
//                below inherits the blocked mask.
//   store        engine::OpenStore (engine/rocks_store.h): a WAL sync thread
//                (storage.sync "interval" only), a sealer thread and a
//                retention thread, plus RocksDB's own flush/compaction pool
//                (max_background_jobs = 2). Started by OpenStore, joined by
//                Store::Close().
//   http I/O     net::HttpServer: one accept thread (and the loops' stall
//                watchdog), http.threads event-loop threads (0 = one per
//                core; net/io_loops.h) that parse, run handlers and write,
//                and per loop a rescue thread started the first time that
//                loop stalls in a long request. Started by Start(), joined
//                by Stop().
//   query pool   query::QueryWorkers of the InfluxQL executor and of the
//                indicator service, query.parallelism - 1 threads each,
//                started on the first large aggregate, joined when the
//                executor / service is destroyed.
//   ingest       connectors::HttpIngest's write pool, ingest.write_threads
//                threads behind a bounded queue: decode write requests and
//                append them durably, then answer. Joined by Stop().
//   mqtt         Paho's callback/consumer thread when mqtt.brokers is set:
//                decodes messages and appends them durably before the ack.
//   sta-write    app::SensorThingsEndpoint: one WriteWorkers thread that
//                appends SensorThings POSTs durably; with sensorthings.mqtt
//                also connectors::StaMqttBridge (Paho's callback thread
//                stores creations, one thread publishes notifications, one
//                retries the first connection). Joined by Stop().
//   backup       app::AdminBackup: one thread per online backup request
//                (POST /api/v1/admin/backup), at most one at a time.
//   streams      query::StreamService: "stream-fanout" (matches durable
//                points against GET /api/v1/stream clients, heartbeats) and
//                "indicator-steps" (evaluates indicators when a step ends,
//                for streams and the MQTT publisher). Joined by Stop().
//   mqtt-publish when indicators.publish.topic_prefix is set: one thread
//                retrying the first connection, plus Paho's threads.
//   pollers      one thread per configured poller (sleeps between polls,
//                writes each poll durably), plus one "http-client" I/O thread
//                shared by their HTTP requests. Joined by Pollers::Stop().

namespace citynexus::app {
namespace {

constexpr const char* kComponent = "app";

// Blocks SIGINT and SIGTERM in the calling thread for its lifetime, so
// sigwait() can take them synchronously (no work in a signal handler), and
// restores the previous mask afterwards.
class BlockedSignals {
 public:
  BlockedSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~BlockedSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  BlockedSignals(const BlockedSignals&) = delete;
  BlockedSignals& operator=(const BlockedSignals&) = delete;

  // Waits for SIGINT, SIGTERM or SIGHUP; returns its number.
  int Wait() const {
    int signal_number = 0;
    while (sigwait(&set_, &signal_number) != 0) {
    }
    return signal_number;
  }

 private:
  sigset_t set_;
  sigset_t previous_;
};

}  // namespace

Status Serve(const Config& given) {
  // First, before any thread exists (see the thread list above).
  BlockedSignals signals;
  // A peer closing its socket mid-write must be an error code, not a kill.
  signal(SIGPIPE, SIG_IGN);

  SetLogLevel(given.log_level);
  // The broker password from mqtt.password_file, read once for everything
  // that connects to the broker (connector, indicator publisher,
  // SensorThings bridge). Only this copy holds it; it is never logged.
  Config config = given;
  if (Status status = connectors::ReadMqttPasswordFile(config.mqtt);
      !status.ok()) {
    return status;
  }

  // ---- storage ----
  // Opened before anything can write to it; closed last (after HTTP and,
  // once wired, the connectors have stopped handing it points).
  const engine::StoreOptions store_options = StoreOptionsFor(config);
  // Declared before the store: points are published to it on every append.
  engine::PointFeed point_feed;
  Result<std::unique_ptr<engine::Store>> opened =
      engine::OpenStore(store_options);
  if (!opened) return opened.error().WithContext("opening the store");
  // Every write path (HTTP, MQTT, pollers) appends through this wrapper, so
  // live streams see their points once they are durable.
  const std::unique_ptr<engine::Store> store =
      engine::PublishingStore(std::move(*opened), point_feed);
  CN_LOG(kInfo, kComponent) << "store open in " << store_options.data_dir;

  // ---- access control (docs/security.md) ----
  // Tokens live in a small file next to the store, so `citynexus token`
  // can change them while this process holds the store.
  TokenStore tokens(store_options.data_dir);
  if (Status status = EnsureAdminToken(tokens, store_options.data_dir);
      !status.ok()) {
    (void)store->Close();
    return status.WithContext("setting up the first admin token");
  }

  // ---- HTTP ----
  net::MetricsRegistry metrics;
  // A count since start (the store keeps it), exposed through a callback.
  metrics.AddCallbackGauge(
      "citynexus_storage_series_refused",
      "New series refused since start by storage.max_series or "
      "storage.max_series_per_measurement (their points were rejected).",
      [&store] { return static_cast<double>(store->SeriesRefused()); });
  net::Router router;
  RegisterTokenRoutes(router, tokens);
  // Routes are added before the server starts reading the router.
  connectors::HttpIngest ingest(*store, metrics, config.ingest);
  ingest.RegisterRoutes(router);
  net::RegisterStaticAssets(router, DashboardAssets());  // the dashboard at /
  if (!config.ingest.sources.empty()) {
    std::string names;
    for (const auto& source : config.ingest.sources) {
      names += (names.empty() ? "" : ", ") + source.name;
    }
    CN_LOG(kInfo, kComponent)
        << "ingest sources at POST /api/v1/ingest/{source}: " << names;
  }
  const query::QueryEngine queries(*store, config.query);
  query::RegisterQueryRoutes(router, queries);
  query::QueryOptions influxql_options = config.query;
  for (const auto& rule : store_options.retention) {
    if (rule.measurement_glob == "*") {  // the database-wide default
      influxql_options.retention_duration = rule.raw_max_age;
      break;
    }
  }
  query::RegisterInfluxQlRoutes(router, *store, influxql_options);
  // Indicators: definitions validated now; a broken catalog is a startup
  // error naming the file and position.
  std::vector<std::string> indicator_warnings;
  std::vector<std::string> known_measurements;
  for (const auto& s : store->FindSeries({})) {
    known_measurements.push_back(s.key.measurement);
  }
  auto catalog = query::LoadIndicatorCatalog(
      config.indicator_paths, config.facts, &indicator_warnings,
      known_measurements.empty() ? nullptr : &known_measurements);
  if (!catalog) {
    (void)store->Close();
    return catalog.error().WithContext("loading indicators");
  }
  for (const auto& w : indicator_warnings) CN_LOG(kWarn, kComponent) << w;
  query::EvaluationLimits evaluation_limits;
  evaluation_limits.timeout = config.query.timeout;
  evaluation_limits.parallelism = config.query.parallelism;
  const query::IndicatorService indicators(*store, std::move(*catalog),
                                           config.facts, evaluation_limits);
  query::RegisterIndicatorRoutes(router, indicators);
  query::RegisterPrometheusRoutes(router, *store, config.query, config.promql,
                                  CITYNEXUS_VERSION, &indicators);
  // Indicator values to MQTT (config checked that mqtt.brokers is set).
  // Declared before `streams`, whose indicator thread calls it.
  std::unique_ptr<connectors::MqttPublisher> publisher;
  query::StreamService streams(*store, point_feed, indicators, config.stream,
                               metrics);
  streams.RegisterRoutes(router);
  if (!config.indicator_publish.topic_prefix.empty()) {
    connectors::MqttOptions publish_options = config.mqtt;
    publish_options.client_id += "-publisher";  // one connection per id
    publisher =
        std::make_unique<connectors::MqttPublisher>(publish_options, metrics);
    const std::string prefix = config.indicator_publish.topic_prefix + "/";
    const int qos = config.indicator_publish.qos;
    connectors::MqttPublisher* out = publisher.get();
    Status sink = streams.AddIndicatorSink(
        config.indicator_publish.ids,
        [out, prefix, qos](const query::IndicatorStepValues& values) {
          out->Publish(prefix + values.definition->id,
                       query::IndicatorStepJson(values), qos);
        });
    if (!sink.ok()) {
      (void)store->Close();
      return sink.WithContext("indicators.publish.ids");
    }
  }
  AdminBackup backups(*store);
  backups.RegisterRoutes(router);
  SensorThingsEndpoint sensorthings(*store, point_feed, metrics, config);
  sensorthings.RegisterRoutes(router);
  connectors::MqttConnector mqtt(*store, metrics, config.mqtt);
  mqtt.RegisterRoutes(router);
  connectors::Pollers pollers(*store, metrics, config.pollers);

  net::ServerOptions http_options = config.http;
  http_options.version = CITYNEXUS_VERSION;
  auto server =
      std::make_unique<net::HttpServer>(http_options, router, metrics);
  server->SetAuthenticator(MakeAuthenticator(config.auth, tokens));
  if (Status status = server->Start(); !status.ok()) {
    // Startup failed: release the data dir; the HTTP error is what matters.
    if (Status closed = store->Close(); !closed.ok()) {
      CN_LOG(kWarn, kComponent) << "closing the store: " << closed.ToString();
    }
    return status.WithContext("starting the HTTP server");
  }
  // Degraded (503 on /healthz) while the store refuses writes, e.g. on a
  // full disk; reads keep working.
  server->AddHealthCheck("storage", [&store] { return store->Health(); });
  CN_LOG(kInfo, kComponent)
      << "citynexus " << CITYNEXUS_VERSION << " listening on "
      << FormatHostPort(http_options.host, server->port());

  if (publisher) {
    if (Status status = publisher->Start(); !status.ok()) {
      server->Stop();
      (void)store->Close();
      return status.WithContext("starting the indicator publisher");
    }
    server->AddHealthCheck("mqtt_publish",
                           [&publisher] { return publisher->Health(); });
  }
  (void)streams.Start();
  if (Status status = sensorthings.Start(*server); !status.ok()) {
    server->Stop();
    (void)store->Close();
    return status.WithContext("starting the SensorThings MQTT extension");
  }

  // ---- connectors ----
  // Started after the store and HTTP; stopped first in the shutdown below.
  if (mqtt.enabled()) {
    server->AddHealthCheck("mqtt", [&mqtt] { return mqtt.Health(); });
    if (Status status = mqtt.Start(); !status.ok()) {
      server->Stop();
      (void)store->Close();
      return status.WithContext("starting the MQTT connector");
    }
    CN_LOG(kInfo, kComponent)
        << "MQTT connector started (" << config.mqtt.subscriptions.size()
        << " subscriptions)";
  }
  if (pollers.enabled()) {
    server->AddHealthCheck("pollers", [&pollers] { return pollers.Health(); });
    if (Status status = pollers.Start(); !status.ok()) {
      mqtt.Stop();
      server->Stop();
      (void)store->Close();
      return status.WithContext("starting the pollers");
    }
    CN_LOG(kInfo, kComponent) << config.pollers.size() << " poller(s) started";
  }

  int signal_number = signals.Wait();
  // SIGHUP: reload the HTTPS certificate; the server keeps running.
  while (signal_number == SIGHUP) {
    if (http_options.tls_cert_file.empty()) {
      CN_LOG(kInfo, kComponent) << "received SIGHUP; nothing to reload "
                                   "(http.tls.cert_file is not set)";
    } else if (Status status = server->ReloadTls(); status.ok()) {
      CN_LOG(kInfo, kComponent)
          << "received SIGHUP; reloaded the TLS certificate from "
          << http_options.tls_cert_file;
    } else {
      CN_LOG(kError, kComponent)
          << "received SIGHUP; TLS certificate reload failed, keeping the "
             "old certificate: "
          << status.message();
    }
    signal_number = signals.Wait();
  }
  CN_LOG(kInfo, kComponent)
      << "received SIG" << sigabbrev_np(signal_number) << ", shutting down";

  // Shutdown in STYLE §5 order: stop accepting and drain HTTP (Stop() waits
  // up to shutdown_grace for in-flight requests and joins the I/O threads);
  // then (once wired) stop connectors and pollers; then flush and close the
  // store, which joins its threads.
  // Open streams end with a notice; their threads are joined (an indicator
  // evaluation in progress finishes), so nothing reads the store after.
  streams.Stop();
  if (publisher) publisher->Stop();
  pollers.Stop();  // wakes sleeping pollers; a write in progress finishes
  mqtt.Stop();     // no more messages in; one being stored is finished
  server->Stop();
  server.reset();
  ingest.Stop();   // finishes (and answers) queued writes first
  backups.Stop();  // a running online backup completes first
  if (Status status = tokens.FlushLastUsed(); !status.ok()) {
    CN_LOG(kWarn, kComponent)
        << "saving token last-used times: " << status.ToString();
  }
  sensorthings.Stop();  // MQTT bridge off; queued STA writes answered
  // Close() flushes buffered points into sealed blocks and joins the
  // store's threads.
  if (Status status = store->Close(); !status.ok()) {
    return status.WithContext("closing the store");
  }
  CN_LOG(kInfo, kComponent) << "stopped";
  return Status::Ok();
}

}  // namespace citynexus::app
