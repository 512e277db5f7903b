// HTTP handlers of the indicator API: GET /api/v1/indicators,
// GET /api/v1/indicators/{id}, POST /api/v1/indicators/evaluate.
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/json_parse.h"
#include "query/indicators.h"
#include "query/indicators/expr_parser.h"
#include "query/time_parse.h"

namespace citynexus::query {
namespace {

using nlohmann::json;

constexpr int64_t kDayNs = 86400LL * 1000000000;

json ReferenceJson(const IndicatorReference& r) {
  return {{"standard", r.standard},
          {"code", r.code ? json(*r.code) : json(nullptr)},
          {"status", r.status}};
}

json DefinitionJson(const IndicatorDefinition& d) {
  return {{"id", d.id},           {"version", d.version},
          {"name", d.name},       {"unit", d.unit},
          {"domains", d.domains}, {"reference", ReferenceJson(d.reference)},
          {"step", d.step},       {"min_coverage", d.min_coverage},
          {"expr", d.expr},       {"description", d.description},
          {"public", d.is_public}};
}

json SeriesJson(const EvaluationResult& r, int64_t epoch_unit) {
  json list = json::array();
  for (const auto& s : r.series) {
    json values = json::array();
    json coverage = json::array();
    json quality = json::array();
    for (const auto& p : s.points) {
      values.push_back(json::array(
          {p.t_ns / epoch_unit, p.value ? json(*p.value) : json(nullptr)}));
      coverage.push_back(std::round(p.coverage * 1e4) / 1e4);
      quality.push_back(std::string(QualityName(p.quality)));
    }
    json labels = json::object();
    for (const auto& [k, v] : s.labels) {
      labels[k] = v;
    }
    list.push_back({{"labels", labels},
                    {"values", values},
                    {"coverage", coverage},
                    {"quality", quality}});
  }
  return list;
}

json StatsJson(const EvaluationResult& r) {
  return {{"steps", r.step_count},
          {"points_read", r.points_read},
          {"buckets_read", r.buckets_read},
          {"elapsed_ms", r.elapsed_ms}};
}

net::Response ErrorResponse(const Status& st) {
  if (st.code() == StatusCode::kResourceExhausted) {
    // An evaluation limit is the client's problem, not server overload.
    return net::Response::Error(422, "limit_exceeded", st.message());
  }
  return net::Response::FromStatus(st);
}

// start/end/step/tz from query parameters or a JSON body (`get` returns the
// text of a field, if present).
template <typename Get>
Result<EvaluationRequest> RequestFrom(Get get, int64_t now_ns,
                                      int64_t default_span_ns) {
  EvaluationRequest r;
  auto end = ParseTimeNs(get("end").value_or("now"), now_ns);
  if (!end) {
    return end.error().WithContext("end");
  }
  r.end_ns = *end;
  if (auto start_text = get("start")) {
    auto start = ParseTimeNs(*start_text, now_ns);
    if (!start) {
      return start.error().WithContext("start");
    }
    r.start_ns = *start;
  } else {
    r.start_ns = r.end_ns - default_span_ns;
  }
  r.step = get("step").value_or("");
  r.time_zone = get("tz").value_or("");
  return r;
}

// `caller`'s DenyStatus for the first selected measurement it may not read.
Status AuthorizeSelectors(const indicators::Expr& expr,
                          const net::Access& caller) {
  if (caller.CanReadEverything()) return Status::Ok();
  std::vector<const indicators::Expr*> selectors;
  indicators::CollectSelectors(expr, &selectors);
  for (const auto* s : selectors) {
    if (!caller.CanRead(s->measurement)) {
      return caller.DenyStatus("read on measurement \"" + s->measurement +
                               "\"");
    }
  }
  return Status::Ok();
}

}  // namespace

Status AuthorizeIndicator(const IndicatorDefinition& definition,
                          const net::Access& caller) {
  if (definition.is_public) return Status::Ok();
  if (!definition.parsed) return caller.DenyStatus("read");
  return AuthorizeSelectors(*definition.parsed, caller)
      .WithContext("indicator \"" + definition.id + "\" is not public");
}

net::Response HandleListIndicators(const IndicatorService& service,
                                   const net::Request& req) {
  json list = json::array();
  for (const auto& d : service.catalog().All()) {
    // Only what the caller may evaluate is listed.
    if (!AuthorizeIndicator(d, req.Caller()).ok()) continue;
    list.push_back(DefinitionJson(d));
  }
  return net::Response::Json(200, json{{"indicators", list}}.dump());
}

net::Response HandleGetIndicator(const IndicatorService& service,
                                 const net::Request& req, int64_t now_ns) {
  auto id_it = req.path_params.find("id");
  const std::string id = id_it == req.path_params.end() ? "" : id_it->second;
  const IndicatorDefinition* def = service.catalog().Find(id);
  if (!def) {
    return net::Response::Error(404, "not_found",
                                "no indicator \"" + id + "\"");
  }
  if (Status denied = AuthorizeIndicator(*def, req.Caller()); !denied.ok()) {
    return net::Response::FromStatus(denied);
  }
  auto epoch = ParseEpochUnit(req.Param("epoch").value_or("ms"));
  if (!epoch) {
    return net::Response::Error(400, "invalid_argument",
                                "epoch: " + epoch.error().message());
  }
  auto request = RequestFrom([&](std::string_view k) { return req.Param(k); },
                             now_ns, 30 * kDayNs);
  if (!request) {
    return ErrorResponse(request.error());
  }
  const QueryGuard guard(service.limits().timeout, req.client_gone);
  request->guard = &guard;
  auto result = service.Evaluate(id, *request);
  if (!result) {
    return ErrorResponse(result.error());
  }
  json body = DefinitionJson(*def);
  body["step"] = request->step.empty() ? def->step : request->step;
  body["tz"] = request->time_zone.empty() ? "UTC" : request->time_zone;
  body["series"] = SeriesJson(*result, *epoch);
  body["stats"] = StatsJson(*result);
  return net::Response::Json(200, body.dump());
}

net::Response HandleEvaluateExpression(const IndicatorService& service,
                                       const net::Request& req,
                                       int64_t now_ns) {
  auto parsed = ParseJsonLimited(req.body, kMaxJsonDepth, "body");
  if (!parsed) {
    return net::Response::Error(400, "invalid_argument",
                                parsed.error().message());
  }
  json in = std::move(*parsed);
  if (!in.is_object() || !in.contains("expr") || !in["expr"].is_string()) {
    return net::Response::Error(
        400, "invalid_argument",
        "body: expected {\"expr\": string, \"start\", \"end\", \"step\"}");
  }
  for (const auto& [k, unused] : in.items()) {
    if (k != "expr" && k != "start" && k != "end" && k != "step" && k != "tz" &&
        k != "epoch") {
      return net::Response::Error(400, "invalid_argument",
                                  "body." + k + ": unknown key");
    }
  }
  auto get = [&](std::string_view k) -> std::optional<std::string> {
    const std::string key(k);
    if (!in.contains(key) || in[key].is_null()) {
      return std::nullopt;
    }
    if (in[key].is_string()) {
      return in[key].get<std::string>();
    }
    if (in[key].is_number()) {
      return in[key].dump();  // epoch seconds
    }
    return std::string("?");
  };
  auto epoch = ParseEpochUnit(get("epoch").value_or("ms"));
  if (!epoch) {
    return net::Response::Error(400, "invalid_argument",
                                "epoch: " + epoch.error().message());
  }
  auto request = RequestFrom(get, now_ns, kDayNs);
  if (!request) {
    return ErrorResponse(request.error());
  }
  const std::string expr = in["expr"].get<std::string>();
  // An ad-hoc expression reads raw data: the caller needs read on every
  // measurement it selects. Syntax errors are reported below, with position.
  if (auto parsed = indicators::ParseExpr(expr)) {
    if (Status denied = AuthorizeSelectors(**parsed, req.Caller());
        !denied.ok()) {
      return net::Response::FromStatus(denied);
    }
  }
  ExprErrorPosition pos;
  pos.offset = std::string::npos;
  const QueryGuard guard(service.limits().timeout, req.client_gone);
  request->guard = &guard;
  auto result = service.EvaluateExpression(expr, *request, &pos);
  if (!result) {
    if (pos.offset == std::string::npos) {
      return ErrorResponse(result.error());
    }
    json err = {
        {"code", std::string(StatusCodeName(result.error().code()))},
        {"message", result.error().message()},
        {"position",
         {{"offset", pos.offset}, {"line", pos.line}, {"column", pos.column}}}};
    const int status =
        result.error().code() == StatusCode::kNotSupported ? 501 : 400;
    return net::Response::Json(status, json{{"error", err}}.dump());
  }
  json body = {{"expr", expr},
               {"step", request->step.empty() ? "1d" : request->step},
               {"series", SeriesJson(*result, *epoch)},
               {"stats", StatsJson(*result)}};
  return net::Response::Json(200, body.dump());
}

void RegisterIndicatorRoutes(net::Router& router,
                             const IndicatorService& service) {
  router.Add("GET", "/api/v1/indicators", [&service](const net::Request& r) {
    return HandleListIndicators(service, r);
  });
  router.Add("GET", "/api/v1/indicators/{id}",
             [&service](const net::Request& r) {
               return HandleGetIndicator(service, r, UnixNowNs());
             });
  router.Add("POST", "/api/v1/indicators/evaluate",
             [&service](const net::Request& r) {
               return HandleEvaluateExpression(service, r, UnixNowNs());
             });
}

}  // namespace citynexus::query
