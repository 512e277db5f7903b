// The Prometheus-compatible query API under /prometheus (docs/prometheus.md):
// PromQL over the store's series, named `<measurement>_<field>{tags}`, with
// Prometheus' HTTP API shapes so Grafana's Prometheus data source, promtool
// and Prometheus client libraries work unchanged.
//
// Thread-safety: PrometheusApi is immutable after construction; Handle may
// run on many threads at once (the Store is thread-safe).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "net/net.h"
#include "query/indicators.h"
#include "query/query.h"

namespace citynexus::query {

// Options `promql.*`.
struct PromqlOptions {
  // How far back an instant selector looks for a point (Prometheus'
  // --query.lookback-delta); the `lookback_delta` parameter overrides it.
  std::chrono::milliseconds lookback_delta{5 * 60 * 1000};
};

class PrometheusApi {
 public:
  // `store` (and `indicators` when given) must outlive the API. `version`
  // is citynexus' own version, reported next to the Prometheus API level in
  // /status/buildinfo. With `indicators`, each catalog indicator is the
  // metric `indicator:<id>`.
  PrometheusApi(engine::Store& store, QueryOptions query, PromqlOptions promql,
                std::string version,
                const IndicatorService* indicators = nullptr);

  // Answers one request whose path starts with /prometheus/api/v1/. Every
  // answer is Prometheus' JSON envelope; series whose measurement the
  // caller (req.Caller()) cannot read do not exist for it.
  net::Response Handle(const net::Request& req) const;

 private:
  engine::Store& store_;
  QueryOptions query_;
  PromqlOptions promql_;
  std::string version_;
  const IndicatorService* indicators_;
};

// Registers GET and POST /prometheus/api/v1/{query, query_range, series,
// labels, label/{name}/values, metadata, query_exemplars,
// status/buildinfo}, answered by `api` (shared by the routes).
void RegisterPrometheusRoutes(net::Router& router,
                              std::shared_ptr<const PrometheusApi> api);
// The same with an API built from its arguments; `store` must outlive the
// server.
void RegisterPrometheusRoutes(net::Router& router, engine::Store& store,
                              QueryOptions query, PromqlOptions promql,
                              std::string version,
                              const IndicatorService* indicators = nullptr);

}  // namespace citynexus::query
