// The JSON read API: GET /api/v1/series and GET /api/v1/query (JSON or CSV),
// as plain request-to-response handlers on the net/ router.
#include <cctype>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "common/numbers.h"
#include "query/openapi.h"
#include "query/query.h"
#include "query/query_guard.h"
#include "query/time_parse.h"

namespace citynexus::query {
namespace {

using nlohmann::json;

// The InfluxDB HTTP API version whose /write and /query we are compatible
// with, reported where InfluxDB clients look for it.
constexpr const char* kInfluxApiVersion = "1.8.10";

net::Response BadRequest(const std::string& message) {
  return net::Response::Error(400, "invalid_argument", message);
}

// tag.K=V, tag.K!=V (key "tag.K!"), tag.K=~re and tag.K!=~re.
Result<std::vector<TagPredicate>> TagPredicates(const net::Request& req) {
  std::vector<TagPredicate> out;
  for (const auto& [k, v] : req.query) {
    if (k.rfind("tag.", 0) != 0) continue;
    TagPredicate p;
    p.key = k.substr(4);
    const bool negated = !p.key.empty() && p.key.back() == '!';
    if (negated) p.key.pop_back();
    if (p.key.empty()) {
      return Status::InvalidArgument(k + ": empty tag key");
    }
    if (!v.empty() && v[0] == '~') {
      p.op = negated ? TagOp::kRegexNotMatch : TagOp::kRegexMatch;
      p.value = v.substr(1);
    } else {
      p.op = negated ? TagOp::kNotEqual : TagOp::kEqual;
      p.value = v;
    }
    out.push_back(std::move(p));
  }
  return out;
}

json SeriesToJson(const engine::SeriesInfo& s) {
  json tags = json::object();
  for (const auto& [k, v] : s.key.tags) tags[k] = v;
  json j = {{"id", s.id},
            {"key", s.key.Canonical()},
            {"measurement", s.key.measurement},
            {"field", s.key.field},
            {"tags", tags},
            {"type", engine::ValueTypeName(s.type)},
            {"unit", s.meta.unit},
            {"domain", s.meta.domain},
            {"description", s.meta.description},
            {"source", s.meta.source}};
  if (s.meta.latitude && s.meta.longitude) {
    j["location"] = {{"lat", *s.meta.latitude}, {"lon", *s.meta.longitude}};
  }
  return j;
}

json ValueToJson(const std::optional<engine::Value>& v) {
  if (!v) return nullptr;
  switch (v->index()) {
    case 0: {
      const double d = std::get<double>(*v);
      if (!std::isfinite(d)) return nullptr;  // JSON has no NaN/Inf
      return d;
    }
    case 1:
      return std::get<int64_t>(*v);
    case 2:
      return std::get<bool>(*v);
    default:
      return std::get<std::string>(*v);
  }
}

std::string CsvEscape(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// Parses the query parameters into a QuerySpec.
Result<QuerySpec> SpecFromRequest(const net::Request& req, int64_t now_ns) {
  QuerySpec spec;
  spec.measurement = req.Param("measurement").value_or("");
  if (spec.measurement.empty()) {
    return Status::InvalidArgument("measurement: required parameter");
  }
  spec.field = req.Param("field").value_or("");
  auto tags = TagPredicates(req);
  if (!tags) return tags.error();
  spec.tags = std::move(*tags);

  auto end = ParseTimeNs(req.Param("end").value_or("now"), now_ns);
  if (!end) return end.error().WithContext("end");
  spec.end_ns = *end;
  if (auto start_text = req.Param("start")) {
    auto start = ParseTimeNs(*start_text, now_ns);
    if (!start) return start.error().WithContext("start");
    spec.start_ns = *start;
  } else {
    spec.start_ns = spec.end_ns - int64_t{3600} * 1000000000;  // last hour
  }
  const std::optional<std::string> tz = req.Param("tz");
  if (tz && !tz->empty()) spec.time_zone = *tz;
  if (auto step = req.Param("step")) {
    // Calendar steps: "Nmo" always; "Nd" / "Nw" when a time zone is given
    // (a city's day starts at local midnight, weeks on Monday).
    auto calendar = ParseCalendarStep(*step, tz.has_value() && !tz->empty());
    if (!calendar) return calendar.error().WithContext("step");
    if (calendar->count > 0) {
      spec.calendar_unit = calendar->unit;
      spec.calendar_count = calendar->count;
    } else {
      auto ns = ParseDurationNs(*step);
      if (!ns) return ns.error().WithContext("step");
      if (*ns <= 0) return Status::InvalidArgument("step: must be positive");
      spec.step_ns = *ns;
    }
  }
  if (auto offset = req.Param("offset")) {
    auto ns = ParseDurationNs(*offset);
    if (!ns) return ns.error().WithContext("offset");
    spec.offset_ns = *ns;
  }
  if (auto agg = req.Param("agg")) {
    auto f = ParseAggFunction(*agg);
    if (!f) return f.error();
    spec.agg = f->first;
    spec.agg_param = f->second;
  } else if (spec.step_ns > 0) {
    spec.agg = AggFunction::kMean;  // a step without agg means mean
  }
  if (auto group = req.Param("group_by")) {
    size_t pos = 0;
    while (pos <= group->size()) {
      size_t comma = group->find(',', pos);
      if (comma == std::string::npos) comma = group->size();
      std::string key = group->substr(pos, comma - pos);
      if (!key.empty()) spec.group_by.push_back(key);
      pos = comma + 1;
    }
  }
  if (auto fill = req.Param("fill")) {
    if (*fill == "none") {
      spec.fill = FillMode::kNone;
    } else if (*fill == "null") {
      spec.fill = FillMode::kNull;
    } else if (*fill == "previous") {
      spec.fill = FillMode::kPrevious;
    } else if (*fill == "linear") {
      spec.fill = FillMode::kLinear;
    } else {
      const std::optional<double> value = ParseDecimal(*fill);
      if (!value) {
        return Status::InvalidArgument(
            "fill: expected none, null, previous, linear or a number, got \"" +
            *fill + "\"");
      }
      spec.fill_value = *value;
      spec.fill = FillMode::kValue;
    }
  }
  return spec;
}

net::Response HandleSeries(const QueryEngine& engine, const net::Request& req) {
  auto tags = TagPredicates(req);
  if (!tags) return net::Response::FromStatus(tags.error());
  const std::string measurement = req.Param("measurement").value_or("");
  const net::Access& caller = req.Caller();
  if (!measurement.empty() && !caller.CanRead(measurement)) {
    return net::Response::FromStatus(
        caller.DenyStatus("read on measurement \"" + measurement + "\""));
  }
  auto found =
      engine.FindSeries(measurement, *tags, req.Param("domain").value_or(""));
  if (!found) return net::Response::FromStatus(found.error());
  json list = json::array();
  for (const auto& s : *found) {
    // Series of measurements the caller may not read are not listed.
    if (!caller.CanRead(s.key.measurement)) continue;
    list.push_back(SeriesToJson(s));
  }
  return net::Response::Json(200, json{{"series", list}}.dump());
}

net::Response HandleQuery(const QueryEngine& engine, const net::Request& req) {
  auto spec = SpecFromRequest(req, UnixNowNs());
  if (!spec) return net::Response::FromStatus(spec.error());
  if (!req.Caller().CanRead(spec->measurement)) {
    return net::Response::FromStatus(req.Caller().DenyStatus(
        "read on measurement \"" + spec->measurement + "\""));
  }
  auto epoch = ParseEpochUnit(req.Param("epoch").value_or("ms"));
  if (!epoch) return BadRequest(epoch.error().message());
  const int64_t unit = *epoch;
  const QueryGuard guard(engine.options().timeout, req.client_gone);
  auto result = engine.Run(*spec, &guard);
  if (!result) {
    if (result.error().code() == StatusCode::kResourceExhausted) {
      // A query limit is the client's problem, not server overload.
      return net::Response::Error(422, "limit_exceeded",
                                  result.error().message());
    }
    return net::Response::FromStatus(result.error());
  }
  const std::string format = req.Param("format").value_or("json");
  if (format == "csv") {
    std::string csv = "measurement,field,tags,agg,time,value\n";
    for (const auto& s : result->series) {
      std::string tags;
      for (const auto& [k, v] : s.tags) {
        if (!tags.empty()) tags += ';';
        tags += k + "=" + v;
      }
      const std::string prefix = CsvEscape(s.measurement) + "," +
                                 CsvEscape(s.field) + "," + CsvEscape(tags) +
                                 "," + s.agg + ",";
      for (const auto& [t, v] : s.values) {
        json jv = ValueToJson(v);
        csv += prefix + std::to_string(t / unit) + "," +
               (jv.is_null()     ? std::string()
                : jv.is_string() ? CsvEscape(jv.get<std::string>())
                                 : jv.dump()) +
               "\n";
      }
    }
    return net::Response::Text(200, std::move(csv), "text/csv; charset=utf-8");
  }
  if (format != "json") {
    return BadRequest("format: expected json or csv, got \"" + format + "\"");
  }
  json series = json::array();
  for (const auto& s : result->series) {
    json values = json::array();
    for (const auto& [t, v] : s.values) {
      values.push_back(json::array({t / unit, ValueToJson(v)}));
    }
    series.push_back({{"measurement", s.measurement},
                      {"field", s.field},
                      {"tags", s.tags},
                      {"unit", s.unit},
                      {"agg", s.agg},
                      {"values", std::move(values)}});
  }
  json body = {{"series", std::move(series)},
               {"stats",
                {{"series", result->stats.series},
                 {"points_read", result->stats.points_read},
                 {"rollups", result->stats.rollups},
                 {"elapsed_ms", result->stats.elapsed_ms}}}};
  if (req.Param("explain").value_or("") == "true") {
    body["explain"] = {
        {"series_touched", result->stats.series},
        {"source", result->stats.rollups ? "rollups (+ raw head)" : "raw"},
        {"points_read", result->stats.points_read},
        {"rollup_buckets_read", result->stats.rollups_read}};
  }
  return net::Response::Json(200, body.dump());
}

}  // namespace

void RegisterQueryRoutes(net::Router& router, const QueryEngine& engine) {
  router.Add("GET", "/api/v1/series", [&engine](const net::Request& req) {
    return HandleSeries(engine, req);
  });
  router.Add("GET", "/api/v1/query", [&engine](const net::Request& req) {
    return HandleQuery(engine, req);
  });
  router.Add("GET", "/api/v1/openapi.json", [](const net::Request&) {
    return net::Response::Json(200, std::string(OpenApiDocument()));
  });
  // InfluxDB 1.x clients (the influx CLI, Telegraf, Grafana) probe /ping
  // before anything else and read the version header.
  auto ping = [](const net::Request&) {
    net::Response r = net::Response::NoContent();
    r.headers.emplace_back("X-Influxdb-Version", kInfluxApiVersion);
    r.headers.emplace_back("X-Influxdb-Build", "citynexus");
    return r;
  };
  router.Add("GET", "/ping", ping);
  router.Add("HEAD", "/ping", ping);
}

}  // namespace citynexus::query
