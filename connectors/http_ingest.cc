// The InfluxDB-compatible write endpoints; see connectors/connectors.h.
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "connectors/connectors.h"
#include "connectors/write_workers.h"

namespace citynexus::connectors {
namespace {

// InfluxDB lists at most this many rejected lines; so do we.
constexpr size_t kMaxReportedRejections = 100;

net::Response PartialWrite(const WriteOutcome& outcome, size_t lines_total) {
  nlohmann::json rejected = nlohmann::json::array();
  for (size_t i = 0; i < outcome.rejected.size() && i < kMaxReportedRejections;
       ++i) {
    const DecodeError& e = outcome.rejected[i];
    rejected.push_back({{"line", e.line}, {"reason", e.ToString()}});
  }
  // InfluxDB's shape for cardinality limits ("partial write:
  // max-series-per-database limit exceeded: (N) dropped=K"), which clients
  // and operators grep for.
  const std::string limit =
      outcome.series_limit_dropped == 0
          ? std::string()
          : outcome.series_limit_reason +
                " dropped=" + std::to_string(outcome.series_limit_dropped) +
                "; ";
  const std::string message =
      "partial write: " + limit + std::to_string(outcome.rejected.size()) +
      " line(s) or field(s) rejected, " +
      std::to_string(outcome.points_written) + " point(s) from " +
      std::to_string(lines_total) +
      " accepted line(s) stored; first: " + outcome.rejected.front().ToString();
  nlohmann::json body = {
      {"error",
       {{"code", "partial_write"},
        {"message", message},
        {"points_written", outcome.points_written},
        {"series_limit_dropped", outcome.series_limit_dropped},
        {"rejected_count", outcome.rejected.size()},
        {"rejected", std::move(rejected)}}}};
  return net::Response::Json(400, body.dump());
}

// kUnauthenticated/kPermissionDenied naming the first measurement of `batch`
// that `caller` may not write; OK when all are writable.
Status CheckWritable(const net::Access& caller, const DecodedBatch& batch) {
  if (caller.IsAdmin()) return Status::Ok();
  std::string_view last_allowed;
  bool have_last = false;
  for (const auto& line : batch.lines) {
    if (have_last && line.measurement == last_allowed) continue;
    if (!caller.CanWrite(line.measurement)) {
      return caller.DenyStatus("write on measurement \"" +
                               std::string(line.measurement) +
                               "\"; nothing was stored");
    }
    last_allowed = line.measurement;
    have_last = true;
  }
  return Status::Ok();
}

}  // namespace

HttpIngest::HttpIngest(engine::Store& store, net::MetricsRegistry& metrics,
                       HttpIngestOptions options)
    : writer_(store, "http"),
      sources_(options.sources),
      workers_(std::make_unique<WriteWorkers>(options.write_threads,
                                              options.max_queued_requests)) {
  points_written_ = metrics.GetCounter(
      "citynexus_ingest_points_total",
      "Points stored durably through the HTTP write endpoints");
  lines_rejected_ = metrics.GetCounter(
      "citynexus_ingest_rejected_total",
      "Lines or fields rejected by the HTTP write endpoints");
  requests_refused_ = metrics.GetCounter(
      "citynexus_ingest_refused_total",
      "Write requests refused with 503 because the write path was saturated");
  WriteWorkers* workers = workers_.get();
  metrics.AddCallbackGauge(
      "citynexus_ingest_queue_depth",
      "Write requests waiting for a write thread",
      [workers] { return static_cast<double>(workers->queued()); });
}

HttpIngest::~HttpIngest() { Stop(); }

void HttpIngest::Stop() { workers_->Stop(); }

void HttpIngest::RegisterRoutes(net::Router& router) {
  router.AddAsync("POST", "/write",
                  [this](net::Request req, net::Responder respond) {
                    HandleWrite(std::move(req), std::move(respond), true);
                  });
  router.AddAsync("POST", "/api/v2/write",
                  [this](net::Request req, net::Responder respond) {
                    HandleWrite(std::move(req), std::move(respond), false);
                  });
  router.AddAsync("POST", "/api/v1/senml",
                  [this](net::Request req, net::Responder respond) {
                    HandleSenml(std::move(req), std::move(respond));
                  });
  router.AddAsync("POST", "/api/v1/ingest/{source}",
                  [this](net::Request req, net::Responder respond) {
                    HandleMapped(std::move(req), std::move(respond));
                  });
}

void HttpIngest::HandleWrite(net::Request request, net::Responder respond,
                             bool v1_api) {
  // `db`, `org`, `bucket` are accepted and ignored: one namespace for now.
  auto precision =
      ParsePrecision(request.Param("precision").value_or(""), v1_api);
  if (!precision) {
    respond(net::Response::Error(400, "invalid_argument",
                                 "precision: " + precision.error().message()));
    return;
  }
  LineProtocolOptions options;
  options.precision = *precision;
  options.default_time_ns = UnixNowNs();  // the server clock at arrival
  Submit(
      std::move(request.access), std::move(request.body),
      [options](const std::string& body, DecodedBatch* batch) {
        DecodeLineProtocol(body, options, batch);
      },
      std::move(respond));
}

void HttpIngest::HandleSenml(net::Request request, net::Responder respond) {
  SenmlOptions options;
  if (auto m = request.Param("measurement"); m && !m->empty()) {
    options.measurement = *m;
  }
  options.now_ns = UnixNowNs();  // relative SenML times count from arrival
  Submit(
      std::move(request.access), std::move(request.body),
      [options](const std::string& body, DecodedBatch* batch) {
        DecodeSenml(body, options, batch);
      },
      std::move(respond));
}

void HttpIngest::HandleMapped(net::Request request, net::Responder respond) {
  const std::string& name = request.path_params["source"];
  const IngestSource* source = nullptr;
  for (const auto& s : sources_) {
    if (s.name == name) source = &s;
  }
  if (source == nullptr) {
    std::string known;
    for (const auto& s : sources_) {
      known += (known.empty() ? "\"" : ", \"") + s.name + "\"";
    }
    respond(net::Response::Error(
        404, "not_found",
        "no ingest source \"" + name + "\" is configured (" +
            (known.empty() ? std::string("ingest.sources is empty")
                           : "configured: " + known) +
            ")"));
    return;
  }
  const int64_t now = UnixNowNs();
  Submit(
      std::move(request.access), std::move(request.body),
      [source, now](const std::string& body, DecodedBatch* batch) {
        // A rule problem was caught at config load; a body that is not
        // JSON at all comes back as one error in the batch.
        Status status = source->format == IngestSource::Format::kJson
                            ? DecodeMappedJson(body, source->json, now, batch)
                            : DecodeMappedCsv(body, source->csv, now, batch);
        if (!status.ok()) {
          batch->errors.push_back(
              {0, DecodeElement::kLine, "", status.message()});
        }
      },
      std::move(respond));
}

void HttpIngest::Submit(std::shared_ptr<const net::Access> access,
                        std::string body, Decoder decode,
                        net::Responder respond) {
  if (!access)
    access = std::shared_ptr<const net::Access>(std::shared_ptr<void>(),
                                                &net::Access::DenyAll());
  if (!access->CanWriteSomething()) {  // refuse before queuing and decoding
    respond(net::Response::FromStatus(access->DenyStatus("write")));
    return;
  }
  // The job owns the body; the responder may be called from the write
  // thread (net/ posts it back to the connection's strand).
  auto job = [this, access = std::move(access), body = std::move(body),
              decode = std::move(decode), respond]() {
    DecodedBatch batch;
    decode(body, &batch);
    // All or nothing: one point the caller may not write refuses the whole
    // request (clients retry 401/403 as a whole; a partial store would
    // duplicate on retry).
    if (Status denied = CheckWritable(*access, batch); !denied.ok()) {
      respond(net::Response::FromStatus(denied));
      return;
    }
    auto outcome = writer_.Write(batch);
    if (!outcome) {
      net::Response failed = net::Response::FromStatus(outcome.error());
      if (outcome.error().code() == StatusCode::kUnavailable) {
        // Storage degraded (disk full): clients keep the batch and retry
        // (Telegraf honours Retry-After on 503).
        failed.headers.emplace_back("Retry-After", "10");
      }
      respond(std::move(failed));
      return;
    }
    points_written_->Inc(static_cast<double>(outcome->points_written));
    if (outcome->rejected.empty()) {
      respond(net::Response::NoContent());
      return;
    }
    lines_rejected_->Inc(static_cast<double>(outcome->rejected.size()));
    respond(PartialWrite(*outcome, batch.lines.size()));
  };
  if (!workers_->TrySubmit(std::move(job))) {
    requests_refused_->Inc();
    net::Response busy = net::Response::Error(
        503, "unavailable",
        "write path saturated: too many write requests queued; retry later");
    busy.headers.emplace_back("Retry-After", "1");
    respond(std::move(busy));
  }
}

}  // namespace citynexus::connectors
