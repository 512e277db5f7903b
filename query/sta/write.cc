// SensorThings writes: POST Observations (top level with a Datastream
// reference, or under Datastreams(id)), POST CreateObservations (dataArray).
// Observations become ordinary points of the Datastream's series, appended
// through Store::Append on the injected write runner and answered once
// durable. Everything else that would change entities answers 501.
//
// Access: a write needs req.Caller().CanWrite(measurement) of each target
// Datastream; a Datastream the caller may neither read nor write is
// answered as absent (404), so ids of private series are not confirmed.
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "query/sta/expr.h"
#include "query/sta/model.h"
#include "query/sta/request_util.h"
#include "query/sta/sensorthings.h"

namespace citynexus::query::sta {
namespace {

using nlohmann::json;
constexpr int kMaxJsonDepth = 16;

// Parses a request body, refusing nesting deeper than kMaxJsonDepth
// (nlohmann's dump and copies recurse; SECURITY.md).
Result<json> ParseBody(const std::string& body) {
  struct TooDeep {};
  try {
    return json::parse(body, [](int depth, json::parse_event_t, json&) {
      if (depth > kMaxJsonDepth) throw TooDeep{};
      return true;
    });
  } catch (const TooDeep&) {
    return Status::InvalidArgument("body: JSON nested deeper than " +
                                   std::to_string(kMaxJsonDepth));
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("body: ") + e.what());
  }
}

// A result converted to the series' value type.
Result<engine::Value> ToValue(const json& result, engine::ValueType type) {
  switch (type) {
    case engine::ValueType::kFloat:
      if (result.is_number()) return engine::Value(result.get<double>());
      break;
    case engine::ValueType::kInt:
      if (result.is_number_integer())
        return engine::Value(result.get<int64_t>());
      if (result.is_number_float()) {
        const double d = result.get<double>();
        if (std::trunc(d) == d && std::fabs(d) < 9.2e18) {
          return engine::Value(static_cast<int64_t>(d));
        }
      }
      break;
    case engine::ValueType::kBool:
      if (result.is_boolean()) return engine::Value(result.get<bool>());
      break;
    case engine::ValueType::kString:
      if (result.is_string()) return engine::Value(result.get<std::string>());
      break;
  }
  return Status::InvalidArgument("result: the Datastream holds " +
                                 std::string(engine::ValueTypeName(type)) +
                                 " values, got " + result.dump().substr(0, 40));
}

Result<int64_t> ToTime(const json& t, int64_t now_ns) {
  if (t.is_null()) return now_ns;
  if (!t.is_string())
    return Status::InvalidArgument(
        "phenomenonTime: expected an ISO 8601 string");
  const std::string s = t.get<std::string>();
  if (s.find('/') != std::string::npos) {
    return Status::NotSupported(
        "phenomenonTime: intervals cannot be stored (one time per point)");
  }
  auto ns = ParseIsoTime(s);
  if (!ns)
    return Status::InvalidArgument(
        "phenomenonTime: malformed ISO 8601 time \"" + s.substr(0, 40) + "\"");
  return *ns;
}

// The series behind a Datastream id the caller may write.
Result<engine::SeriesInfo> WritableDatastream(engine::Store& store,
                                              const net::Access& caller,
                                              uint64_t id) {
  // Anonymous callers never write: 401 whether or not the id exists.
  if (!caller.authenticated()) {
    return caller.DenyStatus("write on Datastream " + std::to_string(id));
  }
  auto s = store.GetSeries(id);
  if (!s || (!caller.CanRead(s->key.measurement) &&
             !caller.CanWrite(s->key.measurement))) {
    return Status::NotFound("no Datastream " + std::to_string(id));
  }
  if (!caller.CanWrite(s->key.measurement)) {
    return caller.DenyStatus("write on measurement \"" + s->key.measurement +
                             "\"");
  }
  return *s;
}

// The same, for a reference that may have failed to parse (its error).
Result<engine::SeriesInfo> WritableDatastream(engine::Store& store,
                                              const net::Access& caller,
                                              const Result<uint64_t>& id) {
  if (!id) return id.error();
  return WritableDatastream(store, caller, *id);
}

Result<uint64_t> DatastreamRef(const json& o) {
  auto ds = o.find("Datastream");
  if (ds == o.end() || !ds->is_object()) {
    return Status::InvalidArgument(
        "an Observation needs \"Datastream\": {\"@iot.id\": N}");
  }
  auto id = ds->find("@iot.id");
  if (id == ds->end() || !id->is_number_unsigned()) {
    return Status::NotSupported(
        "Datastream: only a reference by \"@iot.id\" is supported (creating "
        "Datastreams inline is not)");
  }
  return id->get<uint64_t>();
}

Status AppendStatus(const Result<engine::AppendResult>& r) {
  if (!r) return r.error();
  if (!r->rejected.empty())
    return Status::InvalidArgument(r->rejected[0].reason);
  return Status::Ok();
}

}  // namespace

void SensorThingsService::Write(net::Request req,
                                net::Responder respond) const {
  std::string_view path = req.path;
  path.remove_prefix(5);  // "/v1.1"
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (req.method == "DELETE") {
    respond(net::Response::Error(
        501, "not_supported",
        "DELETE is not supported: the store has no point deletion (retention "
        "rules expire data)"));
    return;
  }
  if (req.method != "POST") {
    respond(net::Response::Error(501, "not_supported",
                                 req.method +
                                     " is not supported: entities are "
                                     "derived from the stored series"));
    return;
  }
  const bool create_observations = path == "/CreateObservations";
  std::optional<uint64_t> path_datastream;
  if (path.rfind("/Datastreams(", 0) == 0 && path.size() > 13 &&
      path.substr(path.size() - 14) == ")/Observations") {
    const std::string id(path.substr(13, path.size() - 13 - 14));
    char* end = nullptr;
    const unsigned long long v = std::strtoull(id.c_str(), &end, 10);
    if (id.empty() || *end != '\0') {
      respond(net::Response::Error(400, "invalid_argument",
                                   "malformed Datastream id"));
      return;
    }
    path_datastream = v;
  } else if (!create_observations && path != "/Observations") {
    respond(net::Response::Error(
        501, "not_supported",
        "POST is supported for Observations and CreateObservations only; "
        "Things and Datastreams appear when their first point is written"));
    return;
  }
  if (!run_write_) {
    respond(
        net::Response::Error(501, "not_supported", "writes are not enabled"));
    return;
  }
  auto body = ParseBody(req.body);
  if (!body) {
    respond(net::Response::FromStatus(body.error()));
    return;
  }
  const std::string base = BaseUrl(req);
  const int64_t now = UnixNowNs();
  const net::Access& caller = req.Caller();

  // Build the points (on the I/O thread: catalog lookups only).
  std::vector<engine::Point> points;
  // CreateObservations: per row, the index into `points` or the error.
  std::vector<std::optional<size_t>> rows;
  if (!create_observations) {
    if (!body->is_object()) {
      respond(net::Response::Error(400, "invalid_argument",
                                   "body: expected an Observation object"));
      return;
    }
    auto series =
        WritableDatastream(store_, caller,
                           path_datastream ? Result<uint64_t>(*path_datastream)
                                           : DatastreamRef(*body));
    if (!series) {
      respond(net::Response::FromStatus(series.error()));
      return;
    }
    auto it = body->find("result");
    if (it == body->end()) {
      respond(net::Response::Error(400, "invalid_argument",
                                   "an Observation needs \"result\""));
      return;
    }
    auto value = ToValue(*it, series->type);
    auto pt = body->find("phenomenonTime");
    auto ts = ToTime(pt == body->end() ? json(nullptr) : *pt, now);
    if (!value || !ts) {
      respond(net::Response::FromStatus(!value ? value.error() : ts.error()));
      return;
    }
    points.push_back({series->id, *ts, std::move(*value)});
  } else {
    if (!body->is_array()) {
      respond(
          net::Response::Error(400, "invalid_argument",
                               "body: expected an array of dataArray blocks"));
      return;
    }
    for (const auto& block : *body) {
      if (!block.is_object()) {
        respond(net::Response::Error(400, "invalid_argument",
                                     "body: each block is an object"));
        return;
      }
      auto series = WritableDatastream(store_, caller, DatastreamRef(block));
      if (!series) {
        respond(net::Response::FromStatus(series.error()));
        return;
      }
      auto comps = block.find("components");
      auto data = block.find("dataArray");
      if (comps == block.end() || !comps->is_array() || data == block.end() ||
          !data->is_array()) {
        respond(net::Response::Error(
            400, "invalid_argument",
            "a block needs \"components\" and \"dataArray\" arrays"));
        return;
      }
      int time_at = -1, result_at = -1;
      for (size_t c = 0; c < comps->size(); ++c) {
        if ((*comps)[c] == "phenomenonTime") time_at = static_cast<int>(c);
        if ((*comps)[c] == "result") result_at = static_cast<int>(c);
      }
      if (result_at < 0) {
        respond(net::Response::Error(400, "invalid_argument",
                                     "components must name \"result\""));
        return;
      }
      for (const auto& row : *data) {
        if (rows.size() >= options_.max_write_rows) {
          respond(net::Response::Error(
              413, "too_large",
              "more than " + std::to_string(options_.max_write_rows) +
                  " rows in one request"));
          return;
        }
        if (!row.is_array() || row.size() != comps->size()) {
          rows.push_back(std::nullopt);
          continue;
        }
        auto value = ToValue(row[static_cast<size_t>(result_at)], series->type);
        auto ts = ToTime(
            time_at < 0 ? json(nullptr) : row[static_cast<size_t>(time_at)],
            now);
        if (!value || !ts) {
          rows.push_back(std::nullopt);
          continue;
        }
        rows.push_back(points.size());
        points.push_back({series->id, *ts, std::move(*value)});
      }
    }
  }

  // The durable append, off the I/O thread.
  auto shared_points =
      std::make_shared<std::vector<engine::Point>>(std::move(points));
  auto shared_rows =
      std::make_shared<std::vector<std::optional<size_t>>>(std::move(rows));
  auto shared_respond = std::make_shared<net::Responder>(std::move(respond));
  engine::Store* store = &store_;
  const bool taken = run_write_([=] {
    Result<engine::AppendResult> appended = store->Append(*shared_points);
    if (!appended) {
      (*shared_respond)(net::Response::FromStatus(appended.error()));
      return;
    }
    auto link = [&](const engine::Point& p) {
      return base + "/Observations('" +
             ObservationId(p.series, p.timestamp_ns) + "')";
    };
    if (!create_observations) {
      if (Status s = AppendStatus(appended); !s.ok()) {
        (*shared_respond)(net::Response::FromStatus(s));
        return;
      }
      const engine::Point& p = (*shared_points)[0];
      json j = {{"@iot.id", ObservationId(p.series, p.timestamp_ns)},
                {"@iot.selfLink", link(p)},
                {"phenomenonTime", FormatIsoTime(p.timestamp_ns)},
                {"resultTime", FormatIsoTime(p.timestamp_ns)},
                {"Datastream@iot.navigationLink",
                 base + "/Datastreams(" + std::to_string(p.series) + ")"}};
      std::visit([&j](const auto& v) { j["result"] = v; }, p.value);
      net::Response r = net::Response::Json(201, j.dump());
      r.headers.emplace_back("Location", link(p));
      (*shared_respond)(std::move(r));
      return;
    }
    std::vector<bool> rejected(shared_points->size(), false);
    for (const auto& rj : appended->rejected) rejected[rj.index] = true;
    json out = json::array();
    for (const auto& row : *shared_rows) {
      if (!row || rejected[*row]) {
        out.push_back("error");
      } else {
        out.push_back(link((*shared_points)[*row]));
      }
    }
    (*shared_respond)(net::Response::Json(201, out.dump()));
  });
  if (!taken) {
    (*shared_respond)(net::Response::FromStatus(
        Status::ResourceExhausted("the write path is saturated; retry later")));
  }
}

Result<engine::Point> DecodeMqttObservation(engine::Store& store,
                                            uint64_t datastream,
                                            std::string_view payload,
                                            int64_t now_ns) {
  auto series = store.GetSeries(datastream);
  if (!series)
    return Status::NotFound("no Datastream " + std::to_string(datastream));
  auto body = ParseBody(std::string(payload));
  if (!body) return body.error();
  if (!body->is_object())
    return Status::InvalidArgument("expected an Observation object");
  auto it = body->find("result");
  if (it == body->end())
    return Status::InvalidArgument("an Observation needs \"result\"");
  auto value = ToValue(*it, series->type);
  if (!value) return value.error();
  auto pt = body->find("phenomenonTime");
  auto ts = ToTime(pt == body->end() ? json(nullptr) : *pt, now_ns);
  if (!ts) return ts.error();
  return engine::Point{series->id, *ts, std::move(*value)};
}

bool IsNotification(std::string_view payload) {
  // Our notifications start with this key (ObservationNotification).
  return payload.rfind("{\"@iot.id\":", 0) == 0;
}

std::string ObservationNotification(const engine::Point& p) {
  const std::string id = ObservationId(p.series, p.timestamp_ns);
  json j = {{"@iot.id", id},
            {"@iot.selfLink", "/v1.1/Observations('" + id + "')"},
            {"phenomenonTime", FormatIsoTime(p.timestamp_ns)},
            {"resultTime", FormatIsoTime(p.timestamp_ns)}};
  std::visit([&j](const auto& v) { j["result"] = v; }, p.value);
  j["Datastream@iot.navigationLink"] =
      "/v1.1/Datastreams(" + std::to_string(p.series) + ")";
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace citynexus::query::sta
