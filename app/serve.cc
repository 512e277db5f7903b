#include "app/serve.h"

#include <pthread.h>
#include <signal.h>

#include <cstring>
#include <memory>
#include <string>

#include "app/config_values.h"
#include "common/log.h"
#include "net/net.h"

// Threads of a `citynexus serve` process (STYLE §5: know every thread):
//   main         parses the command line and config, wires the layers, then
//                waits in sigwait() for SIGINT/SIGTERM and runs the shutdown.
//                The only thread that receives those signals: they are
//                blocked here before any other thread starts, so every thread
//                below inherits the blocked mask.
//   http I/O     net::HttpServer's io_context pool, http.threads threads
//                (0 = one per core): accepts, parses, runs handlers, writes.
// Not wired yet (each adds its threads here when it lands):
//   store        engine::OpenStore: the write path and background jobs
//                (sealer, rollups, retention) plus RocksDB's own flush and
//                compaction threads.
//   mqtt         Paho's callback thread per MQTT connector.
//   pollers      run on the io_context pool (no threads of their own).

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
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  }
  ~BlockedSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  BlockedSignals(const BlockedSignals&) = delete;
  BlockedSignals& operator=(const BlockedSignals&) = delete;

  // Waits for SIGINT or SIGTERM; returns its number.
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

Status Serve(const Config& config) {
  // First, before any thread exists (see the thread list above).
  BlockedSignals signals;
  // A peer closing its socket mid-write must be an error code, not a kill.
  signal(SIGPIPE, SIG_IGN);

  SetLogLevel(config.log_level);

  // ---- storage ----
  // TODO(lead): open the store here, before anything can write to it:
  //   auto store = engine::OpenStore(StoreOptionsFor(config));
  //   if (!store) return store.error();
  // and Close() it at the end of the shutdown below, after the connectors.

  // ---- HTTP ----
  net::MetricsRegistry metrics;
  net::Router router;
  // Routes of the query layer and the HTTP ingest connectors are added here
  // (they need the store), before the server starts reading the router.

  net::ServerOptions http_options = config.http;
  http_options.version = CITYNEXUS_VERSION;
  auto server =
      std::make_unique<net::HttpServer>(http_options, router, metrics);
  // When the store is wired: server->AddHealthCheck("store", ...).
  if (Status status = server->Start(); !status.ok()) {
    return status.WithContext("starting the HTTP server");
  }
  CN_LOG(kInfo, kComponent)
      << "citynexus " << CITYNEXUS_VERSION << " listening on "
      << FormatHostPort(http_options.host, server->port());

  // ---- connectors ----
  // MQTT connectors and pollers start here, after the store and HTTP.

  const int signal_number = signals.Wait();
  CN_LOG(kInfo, kComponent)
      << "received SIG" << sigabbrev_np(signal_number) << ", shutting down";

  // Shutdown in STYLE §5 order: stop accepting and drain HTTP (Stop() waits
  // up to shutdown_grace for in-flight requests and joins the I/O threads);
  // then, once wired: stop connectors and pollers, flush the write path and
  // close the store.
  server->Stop();
  server.reset();
  CN_LOG(kInfo, kComponent) << "stopped";
  return Status::Ok();
}

}  // namespace citynexus::app
