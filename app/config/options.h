// The typed configuration of one citynexus process.
//
// Config is what config loading (app/config/config.h) produces and what the
// wiring (app/cmd/serve.h) hands to the layers. Layers never see JSON: each
// section is the option struct of the layer it configures (net::ServerOptions,
// engine::StoreOptions), so no copying between look-alike structs is needed.
//
// Every field here is DECLARED in app/config/sections/ (JSON path, type, unit,
// default, range, reload behaviour) and documented in docs/configuration.md;
// the defaults in that table win over the member initialisers of the layer
// structs. Get a defaulted Config from DefaultConfig() (app/config/config.h),
// not by value-initialising this struct.
//
// Thread-safety: a plain value; a const Config may be shared across threads.
#pragma once

#include <string>
#include <vector>

#include "common/log.h"
#include "connectors/connectors.h"
#include "engine/engine.h"
#include "net/net.h"
#include "query/indicators.h"
#include "query/promql.h"
#include "query/query.h"
#include "query/stream.h"

namespace citynexus::app {

// Options `indicators.publish.*`: indicator values published to MQTT.
struct IndicatorPublishOptions {
  // Topic prefix; a value goes to "{topic_prefix}/{indicator id}". Empty:
  // nothing is published.
  std::string topic_prefix;
  // Indicators to publish; empty: all of the catalog.
  std::vector<std::string> ids;
  int qos = 1;
};

// Options `sensorthings.*` (app/config/sensorthings_options.cc).
struct SensorThingsOptions {
  // Runs the MQTT extension on the connector's broker (mqtt.brokers must be
  // set): Observations published to v1.1/Datastreams(ID)/Observations are
  // stored, and new points are published there. Default off.
  bool mqtt = false;
};

struct Config {
  // Directory holding the store (created if missing). Option `data_dir`.
  std::string data_dir = "./data";
  // Minimum level of log lines written to stderr. Option `log_level`.
  LogLevel log_level = LogLevel::kInfo;
  // Options `http.*`. `version` is not configurable: serve sets it.
  net::ServerOptions http;
  // Options `storage.*`. `data_dir` is filled from Config::data_dir by
  // StoreOptionsFor(); `retention_interval` and `read_only` are not
  // configurable (the CLI command decides read_only).
  engine::StoreOptions storage;
  // Options `ingest.*`: the HTTP write endpoints' write pool.
  connectors::HttpIngestOptions ingest;
  // Options `query.*`: guards of the read API.
  query::QueryOptions query;
  // Options `promql.*`: the Prometheus-compatible API.
  query::PromqlOptions promql;
  // Option `indicators.paths`: directories of indicator definitions;
  // relative ones are resolved against the config file's directory.
  std::vector<std::string> indicator_paths;
  // Option `facts`: static city facts used by indicators, parsed and
  // validated; `facts_json` keeps the text for check-config's output.
  query::Facts facts;
  std::string facts_json = "{}";
  // Options `indicators.publish.*`.
  IndicatorPublishOptions indicator_publish;
  // Options `stream.*`: GET /api/v1/stream.
  query::StreamOptions stream;
  // Options `mqtt.*`: the MQTT connector; off while mqtt.brokers is empty.
  connectors::MqttOptions mqtt;
  // Option `pollers`: the open-data pollers; none by default.
  std::vector<connectors::PollerOptions> pollers;
  // Options `auth.*`: anonymous read, credential forms, /metrics.
  net::AuthOptions auth;
  // Options `sensorthings.*`.
  SensorThingsOptions sensorthings;
};

// engine::StoreOptions for opening the store this configuration describes.
inline engine::StoreOptions StoreOptionsFor(const Config& config) {
  engine::StoreOptions options = config.storage;
  options.data_dir = config.data_dir;
  return options;
}

}  // namespace citynexus::app
