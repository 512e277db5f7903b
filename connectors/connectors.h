// citynexus connectors/: everything that brings data in. Sources turn payloads
// into points and hand batches to the engine; none touches RocksDB.
//
// The public surface of the layer is this header; other layers include
// nothing else from connectors/ (app/cmd/line_chunks.h also takes the entry
// splitters of connectors/decoders/entry_splitter.h). It exports, on purpose:
//   - the sources: HttpIngest (POST /write, /api/v2/write,
//     /api/v1/ingest/{name}), MqttConnector and MqttPublisher (options in
//     connectors/mqtt_options.h), Pollers (connectors/pollers.h);
//   - the decoders (connectors/decoders/*.h), which `citynexus decode` and
//     `import` run without a server, and PointWriter, which writes a decoded
//     batch durably;
//   - the option structs app/config binds (HttpIngestOptions, IngestSource,
//     MqttOptions, PollerOptions), each field commented.
//
// Thread-safety: HttpIngest and MqttConnector are safe for concurrent use
// once constructed.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/decoders/csv_mapping.h"
#include "connectors/decoders/decoded.h"
#include "connectors/decoders/gbfs.h"
#include "connectors/decoders/json_mapping.h"
#include "connectors/decoders/line_protocol.h"
#include "connectors/decoders/plain_value.h"
#include "connectors/decoders/senml.h"
#include "connectors/decoders/ttn.h"
#include "connectors/mqtt_options.h"
#include "connectors/point_writer.h"
#include "connectors/pollers.h"
#include "connectors/sta_mqtt.h"
#include "connectors/write_workers.h"
#include "engine/engine.h"
#include "net/net.h"

namespace citynexus::connectors {

// A named mapping for POST /api/v1/ingest/{name}: how to turn an open-data
// style JSON or CSV body into points.
struct IngestSource {
  enum class Format { kJson, kCsv };
  std::string name;  // the {source} path segment
  Format format = Format::kJson;
  JsonMappingRule json;  // when format is kJson
  CsvMappingRule csv;    // when format is kCsv
};

struct HttpIngestOptions {
  // Threads that decode and append request bodies (off the I/O threads).
  size_t write_threads = 2;
  // Requests waiting for a write thread before new ones get 503.
  size_t max_queued_requests = 64;
  // Mappings served at POST /api/v1/ingest/{name}.
  std::vector<IngestSource> sources;
};

class WriteWorkers;

// The HTTP write endpoints:
//   POST /write (InfluxDB 1.x), POST /api/v2/write (InfluxDB 2.x): line
//     protocol;
//   POST /api/v1/senml[?measurement=]: SenML JSON (RFC 8428);
//   POST /api/v1/ingest/{source}: JSON or CSV through a configured mapping.
// Bodies may be gzip (inflated by net/). 204 when everything was stored;
// 400 naming each rejected line/record (first 100) while the good ones are
// stored; 503 + Retry-After when the write path is saturated. The response
// is sent only after the points are durable.
class HttpIngest {
 public:
  // `store` and `metrics` must outlive this object.
  HttpIngest(engine::Store& store, net::MetricsRegistry& metrics,
             HttpIngestOptions options);
  ~HttpIngest();
  HttpIngest(const HttpIngest&) = delete;
  HttpIngest& operator=(const HttpIngest&) = delete;

  // Adds the write routes; this object must outlive the server using them.
  void RegisterRoutes(net::Router& router);
  // Finishes queued writes (answering them), then refuses new ones.
  void Stop();

 private:
  // Decodes a request body into a batch (runs on a write thread).
  using Decoder = std::function<void(const std::string& body, DecodedBatch*)>;

  void HandleWrite(net::Request request, net::Responder respond, bool v1_api);
  void HandleSenml(net::Request request, net::Responder respond);
  void HandleMapped(net::Request request, net::Responder respond);
  // Queues decode + durable write of `body`, answering through `respond`.
  // Refuses the whole request (401/403, nothing stored) unless `access` may
  // write every decoded point's measurement.
  void Submit(std::shared_ptr<const net::Access> access, std::string body,
              Decoder decode, net::Responder respond);

  PointWriter writer_;
  std::vector<IngestSource> sources_;
  std::unique_ptr<WriteWorkers> workers_;
  net::Counter* points_written_;
  net::Counter* lines_rejected_;
  net::Counter* requests_refused_;
};

// MQTT ingest (Paho MQTT C++): subscribes to the configured topic filters
// with a persistent session (clean session off) at the configured QoS,
// decodes each message by its subscription's format and stores the points.
// A QoS 1/2 message is acknowledged only after its points are durable: the
// write happens inside Paho's message callback, which the C library runs
// before it sends PUBACK (docs/mqtt.md, "Delivery guarantee"). Reconnects
// with bounded backoff; a broker that is down at startup is retried, not
// fatal. Undecodable messages are counted, logged (rate-limited) and kept
// in a bounded dead-letter list (GET /api/v1/deadletters).
//
// Threads: Paho's receive thread runs decoding and writes; one connector
// thread retries the first connection. Public methods are safe to call from
// any thread.
class MqttConnector {
 public:
  // `store` and `metrics` must outlive this object. `options.brokers` empty
  // means the connector is off (Start() does nothing, Health() is OK).
  MqttConnector(engine::Store& store, net::MetricsRegistry& metrics,
                MqttOptions options);
  ~MqttConnector();  // Stop()s
  MqttConnector(const MqttConnector&) = delete;
  MqttConnector& operator=(const MqttConnector&) = delete;

  // Starts connecting in the background and returns at once; subscriptions
  // are made on every connection without a stored session. Errors:
  // kInvalidArgument for options config loading should have caught (bad
  // URI, unreadable TLS file, unsupported format). Call at most once.
  Status Start();
  // Stops retrying, lets a message being stored finish (a write stuck on a
  // failing store is abandoned), disconnects cleanly. Idempotent.
  void Stop();
  // Whether brokers are configured.
  bool enabled() const;
  // OK when off or connected; kUnavailable naming the brokers and the last
  // connection error otherwise. Cheap; meant for /healthz.
  Status Health() const;
  // The kept dead letters, oldest first.
  std::vector<DeadLetter> DeadLetters() const;
  // Adds GET /api/v1/deadletters (JSON, newest first). This object must
  // outlive the server using the router.
  void RegisterRoutes(net::Router& router);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Publishes retained MQTT messages for other city systems (indicator
// values, docs/indicators.md): its own Paho client on the broker settings of
// `mqtt.*` (client id as given). Publishing never blocks: while the broker
// is away the latest message per topic is kept and sent on (re)connect.
//
// Threads: one thread retries the first connection; Paho's threads do the
// rest. Public methods are safe to call from any thread.
class MqttPublisher {
 public:
  // `metrics` must outlive this object; `options.brokers` must not be empty
  // (Start() fails otherwise). Subscriptions in `options` are ignored.
  MqttPublisher(MqttOptions options, net::MetricsRegistry& metrics);
  ~MqttPublisher();  // Stop()s
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  // Starts connecting in the background and returns at once.
  // kInvalidArgument without brokers or for a bad URI.
  Status Start();
  // Stops retrying and disconnects (messages in flight get 2 s). Idempotent.
  void Stop();
  // Publishes `payload` to `topic` as a retained message at `qos`.
  void Publish(const std::string& topic, std::string payload, int qos);
  // OK when connected; kUnavailable naming the broker otherwise.
  Status Health() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace citynexus::connectors
