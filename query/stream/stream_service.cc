// StreamService (query/stream.h): GET /api/v1/stream and the wiring of the
// fan-out and indicator threads.
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "query/stream.h"
#include "query/stream/indicator_steps.h"
#include "query/stream/point_fanout.h"
#include "query/stream/sse_events.h"
#include "query/stream/stream_clients.h"
#include "query/time_parse.h"

namespace citynexus::query {
namespace {
using json = nlohmann::json;
using stream::StreamClient;

constexpr int64_t kMinStreamStepNs = 1000000000;  // 1 s

bool HasPointSelector(const net::Request& request) {
  for (const auto& [name, value] : request.query) {
    if (name == "measurement" || name == "field" || name.starts_with("tag.")) {
      return true;
    }
  }
  return false;
}

}  // namespace

class StreamService::Impl {
 public:
  Impl(engine::Store& store, engine::PointFeed& feed,
       const IndicatorService& indicators, StreamOptions options,
       net::MetricsRegistry& metrics)
      : indicators_(indicators),
        options_(options),
        clients_(options.max_clients, Counters(metrics)),
        fanout_(store, feed, clients_, options.max_queued_points,
                options.heartbeat_interval),
        steps_(indicators, clients_, options.indicator_delay) {}

  Status AddIndicatorSink(std::vector<std::string> ids, IndicatorSink sink) {
    return steps_.AddSink(std::move(ids), std::move(sink));
  }

  void RegisterRoutes(net::Router& router) {
    router.Add("GET", "/api/v1/stream",
               [this](const net::Request& request) { return Handle(request); });
  }

  Status Start() {
    fanout_.Start();
    steps_.Start();
    return Status::Ok();
  }

  void Stop() {
    clients_.CloseAll(stream::NoticeEvent(
        "shutting_down", "the server is shutting down; reconnect later"));
    fanout_.Stop();
    steps_.Stop();
  }

 private:
  static stream::StreamCounters Counters(net::MetricsRegistry& metrics) {
    stream::StreamCounters c;
    c.clients = metrics.GetGauge("citynexus_stream_clients",
                                 "Open GET /api/v1/stream connections.");
    c.events = metrics.GetCounter(
        "citynexus_stream_events_total",
        "Point and indicator events queued to stream clients.");
    c.slow_clients = metrics.GetCounter(
        "citynexus_stream_slow_clients_total",
        "Stream clients disconnected because their send buffer was full.");
    return c;
  }

  net::Response Handle(const net::Request& request) {
    auto epoch = ParseEpochUnit(request.Param("epoch").value_or("ms"));
    if (!epoch) {
      return net::Response::Error(400, "bad_request", epoch.error().message());
    }
    auto client = std::make_shared<StreamClient>(
        net::ResponseStream(nullptr));  // the stream is set in on_open
    client->epoch_divisor_ns = *epoch;
    json greeting;
    if (auto id = request.Param("indicator")) {
      if (HasPointSelector(request)) {
        return net::Response::Error(
            400, "bad_request",
            "indicator= cannot be combined with measurement=, field= or "
            "tag.*=; open one stream per subscription");
      }
      const IndicatorDefinition* def = indicators_.catalog().Find(*id);
      if (def == nullptr) {
        return net::Response::Error(404, "not_found",
                                    "no indicator \"" + *id + "\"");
      }
      if (Status denied = AuthorizeIndicator(*def, request.Caller());
          !denied.ok()) {
        return net::Response::FromStatus(denied);
      }
      const std::string step = request.Param("step").value_or(def->step);
      auto end1 = stream::StepEndAfter(UnixNowNs(), step);
      auto end2 = end1 ? stream::StepEndAfter(*end1, step) : end1;
      if (!end2) {
        return net::Response::Error(400, "bad_request",
                                    "step: " + end2.error().message());
      }
      if (*end2 - *end1 < kMinStreamStepNs) {
        return net::Response::Error(
            400, "bad_request",
            "step: \"" + step +
                "\" is shorter than the 1s minimum of a stream");
      }
      client->indicator_id = def->id;
      client->indicator_step = step;
      greeting = {{"stream", "indicator"}, {"id", def->id}, {"step", step}};
    } else {
      auto selector = stream::PointSelectorFromRequest(request);
      if (!selector) {
        return net::Response::FromStatus(selector.error());
      }
      // A stream of every measurement needs read on every measurement.
      const net::Access& caller = request.Caller();
      if (selector->measurement.empty()
              ? !caller.CanReadEverything()
              : !caller.CanRead(selector->measurement)) {
        return net::Response::FromStatus(caller.DenyStatus(
            selector->measurement.empty()
                ? std::string("read on every measurement (name one with "
                              "measurement=)")
                : "read on measurement \"" + selector->measurement + "\""));
      }
      json tags = json::object();
      for (const auto& [k, v] : selector->tags) {
        tags[k] = v;
      }
      greeting = {{"stream", "points"},
                  {"measurement", selector->measurement},
                  {"field", selector->field},
                  {"tags", tags}};
      client->selector = std::move(*selector);
    }
    if (!clients_.accepting()) {
      return net::Response::FromStatus(
          Status::Unavailable("the server is shutting down"));
    }
    if (clients_.size() >= options_.max_clients) {
      return net::Response::FromStatus(Status::ResourceExhausted(
          "too many open streams (stream.max_clients = " +
          std::to_string(options_.max_clients) + ")"));
    }
    const bool indicator = !client->indicator_id.empty();
    net::Response response = net::Response::Stream(
        "text/event-stream; charset=utf-8", options_.client_buffer_bytes,
        [this, client, indicator,
         greeting = stream::EventText("subscribed", greeting.dump())](
            net::ResponseStream stream) {
          client->stream = std::move(stream);
          auto registered = [this, indicator] {
            if (!indicator) fanout_.PointClientAdded();
          };
          if (Status added = clients_.Add(client, greeting, registered);
              !added.ok()) {
            client->stream.CloseWith(stream::NoticeEvent(
                StatusCodeName(added.code()), added.message()));
            return;
          }
          if (indicator) {
            steps_.Poke();
          }
        });
    response.headers.emplace_back("Cache-Control", "no-cache");
    // nginx and similar proxies: pass events through, do not buffer them.
    response.headers.emplace_back("X-Accel-Buffering", "no");
    return response;
  }

  const IndicatorService& indicators_;
  const StreamOptions options_;
  stream::StreamClients clients_;
  stream::PointFanout fanout_;
  stream::IndicatorSteps steps_;
};

StreamService::StreamService(engine::Store& store, engine::PointFeed& feed,
                             const IndicatorService& indicators,
                             StreamOptions options,
                             net::MetricsRegistry& metrics)
    : impl_(std::make_unique<Impl>(store, feed, indicators, options, metrics)) {
}

StreamService::~StreamService() { Stop(); }

Status StreamService::AddIndicatorSink(std::vector<std::string> ids,
                                       IndicatorSink sink) {
  return impl_->AddIndicatorSink(std::move(ids), std::move(sink));
}

void StreamService::RegisterRoutes(net::Router& router) {
  impl_->RegisterRoutes(router);
}

Status StreamService::Start() { return impl_->Start(); }

void StreamService::Stop() { impl_->Stop(); }

}  // namespace citynexus::query
