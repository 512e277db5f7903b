// The HTTP side of the Prometheus API (query/promql.h): parameters (URL
// query and form-encoded POST bodies), the JSON envelope, error types and
// status codes as Prometheus' web/api/v1 writes them.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "net/url.h"
#include "query/promql.h"
#include "query/promql/evaluator.h"
#include "query/promql/operators.h"
#include "query/promql/parser.h"
#include "query/promql/series_names.h"
#include "query/query_guard.h"
#include "query/time_parse.h"

namespace citynexus::query {
namespace {

using nlohmann::json;
using promql::Labels;
using promql::Value;
using promql::ValueKind;

constexpr std::string_view kPrefix = "/prometheus/api/v1/";
constexpr int64_t kMaxPointsPerSeries = 11000;  // Prometheus' resolution cap
constexpr size_t kMaxMatchers = 64;             // match[] parameters

using Params = std::vector<std::pair<std::string, std::string>>;

// URL parameters plus, for a form-encoded POST, the body's.
Result<Params> RequestParams(const net::Request& req) {
  Params params = req.query;
  const std::string type = req.Header("content-type").value_or("");
  if (req.method == "POST" &&
      type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    auto body = net::ParseQuery(req.body);
    if (!body) return Status::InvalidArgument("bad form-encoded body");
    params.insert(params.end(), body->begin(), body->end());
  }
  return params;
}

std::optional<std::string> Get(const Params& p, std::string_view name) {
  for (const auto& [k, v] : p) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::vector<std::string> GetAll(const Params& p, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : p) {
    if (k == name) out.push_back(v);
  }
  return out;
}

// Prometheus' parseTime: Unix seconds (fractions allowed) or RFC 3339.
Result<int64_t> ParseTimeMs(const std::string& text, std::string_view what) {
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (!text.empty() && end == text.c_str() + text.size()) {
    if (!std::isfinite(seconds) || std::fabs(seconds) > 9.2e12) {
      return Status::InvalidArgument(
          "invalid parameter \"" + std::string(what) + "\": time out of range");
    }
    return static_cast<int64_t>(std::llround(seconds * 1000));
  }
  auto ns = ParseTimeNs(text, UnixNowMs() * 1000000);
  if (!ns) {
    return Status::InvalidArgument("invalid parameter \"" + std::string(what) +
                                   "\": cannot parse \"" + text +
                                   "\" to a valid timestamp");
  }
  return *ns / 1000000;
}

// Prometheus' parseDuration: seconds (fractions allowed) or "5m".
Result<int64_t> ParseDurationMs(const std::string& text,
                                std::string_view what) {
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (!text.empty() && end == text.c_str() + text.size()) {
    if (!std::isfinite(seconds) || std::fabs(seconds) > 9.2e12) {
      return Status::InvalidArgument("invalid parameter \"" +
                                     std::string(what) +
                                     "\": duration out of range");
    }
    return static_cast<int64_t>(std::llround(seconds * 1000));
  }
  auto ns = ParseDurationNs(text);
  if (!ns) {
    return Status::InvalidArgument("invalid parameter \"" + std::string(what) +
                                   "\": cannot parse \"" + text +
                                   "\" to a valid duration");
  }
  return *ns / 1000000;
}

net::Response Success(json data) {
  json body = {{"status", "success"}, {"data", std::move(data)}};
  return net::Response::Json(
      200, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

net::Response Error(int http, std::string_view type, std::string_view message) {
  json body = {{"status", "error"},
               {"errorType", std::string(type)},
               {"error", std::string(message)}};
  return net::Response::Json(
      http, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

// A bad request (parameters, syntax): 400 bad_data.
net::Response BadData(const Status& s) {
  if (s.code() == StatusCode::kNotSupported) {
    return Error(400, "bad_data", "not supported by citynexus: " + s.message());
  }
  return Error(400, "bad_data", s.message());
}

// A failure while evaluating, mapped as Prometheus does.
net::Response EvalError(const Status& s) {
  switch (s.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kResourceExhausted:
      return Error(422, "execution", s.message());
    case StatusCode::kNotSupported:
      return Error(422, "execution",
                   "not supported by citynexus: " + s.message());
    case StatusCode::kDeadlineExceeded:
      return Error(503, "timeout", "query timed out in expression evaluation");
    case StatusCode::kCancelled:
      return Error(499, "canceled", "query was canceled");
    case StatusCode::kUnauthenticated:
      return Error(401, "unauthorized", s.message());
    case StatusCode::kPermissionDenied:
      return Error(403, "forbidden", s.message());
    default:
      return Error(500, "internal", s.message());
  }
}

json Timestamp(int64_t t_ms) {
  if (t_ms % 1000 == 0) return json(t_ms / 1000);
  return json(static_cast<double>(t_ms) / 1000);
}

json Point(int64_t t_ms, double v) {
  return json::array({Timestamp(t_ms), promql::FormatValue(v)});
}

json Metric(const Labels& labels) {
  json m = json::object();
  for (const auto& [k, v] : labels) m[k] = v;
  return m;
}

json ResultJson(const Value& v, int64_t t_ms) {
  json data;
  switch (v.kind) {
    case ValueKind::kScalar:
      data = {{"resultType", "scalar"}, {"result", Point(t_ms, v.scalar)}};
      break;
    case ValueKind::kString:
      data = {{"resultType", "string"},
              {"result", json::array({Timestamp(t_ms), v.text})}};
      break;
    case ValueKind::kVector: {
      json result = json::array();
      for (const auto& s : v.vector) {
        result.push_back(
            {{"metric", Metric(s.labels)}, {"value", Point(t_ms, s.value)}});
      }
      data = {{"resultType", "vector"}, {"result", std::move(result)}};
      break;
    }
    case ValueKind::kMatrix: {
      json result = json::array();
      for (const auto& s : v.matrix) {
        json values = json::array();
        for (size_t i = 0; i < s.t_ms.size(); ++i) {
          values.push_back(Point(s.t_ms[i], s.values[i]));
        }
        result.push_back(
            {{"metric", Metric(s.labels)}, {"values", std::move(values)}});
      }
      data = {{"resultType", "matrix"}, {"result", std::move(result)}};
      break;
    }
  }
  return data;
}

}  // namespace

PrometheusApi::PrometheusApi(engine::Store& store, QueryOptions query,
                             PromqlOptions promql, std::string version,
                             const IndicatorService* indicators)
    : store_(store),
      query_(query),
      promql_(promql),
      version_(std::move(version)),
      indicators_(indicators) {}

namespace {

struct Context;
promql::SeriesView View(const Context& c);

struct Context {
  engine::Store& store;
  const IndicatorService* indicators;
  const QueryOptions& query;
  const PromqlOptions& promql;
  const net::Request& req;
  const Params& params;
};

// The caller's view: series and indicators it may read (net/access.h).
promql::SeriesView View(const Context& c) {
  return promql::SeriesView::Build(
      c.store, c.req.Caller(),
      c.indicators != nullptr ? &c.indicators->catalog() : nullptr);
}

Result<promql::EvalLimits> Limits(const Context& c,
                                  std::chrono::milliseconds* timeout) {
  promql::EvalLimits limits;
  limits.lookback_ms = c.promql.lookback_delta.count();
  if (auto lb = Get(c.params, "lookback_delta")) {
    auto ms = ParseDurationMs(*lb, "lookback_delta");
    if (!ms) return ms.error();
    if (*ms <= 0 || *ms > int64_t{366} * 86400 * 1000) {
      return Status::InvalidArgument(
          "invalid parameter \"lookback_delta\": must be positive and at most "
          "366 days");
    }
    limits.lookback_ms = *ms;
  }
  limits.max_series = c.query.max_series;
  limits.max_points = c.query.max_points;
  limits.max_values = c.query.max_buckets;
  limits.indicators = c.indicators;
  *timeout = c.query.timeout;
  if (auto t = Get(c.params, "timeout")) {
    auto ms = ParseDurationMs(*t, "timeout");
    if (!ms) return ms.error();
    if (*ms > 0 && (timeout->count() <= 0 || *ms < timeout->count())) {
      *timeout = std::chrono::milliseconds(*ms);
    }
  }
  return limits;
}

net::Response InstantQuery(const Context& c) {
  auto text = Get(c.params, "query");
  if (!text)
    return Error(400, "bad_data",
                 "invalid parameter \"query\": query must be given");
  int64_t t = UnixNowMs();
  if (auto tp = Get(c.params, "time")) {
    auto parsed = ParseTimeMs(*tp, "time");
    if (!parsed) return BadData(parsed.error());
    t = *parsed;
  }
  std::chrono::milliseconds timeout{0};
  auto limits = Limits(c, &timeout);
  if (!limits) return BadData(limits.error());
  auto root = promql::ParsePromql(*text);
  if (!root) return BadData(root.error());
  const QueryGuard guard(timeout, c.req.client_gone);
  limits->guard = &guard;
  const auto view = View(c);
  auto value = promql::EvaluateInstant(**root, c.store, view, t, *limits);
  if (!value) return EvalError(value.error());
  return Success(ResultJson(*value, t));
}

net::Response RangeQuery(const Context& c) {
  auto text = Get(c.params, "query");
  if (!text)
    return Error(400, "bad_data",
                 "invalid parameter \"query\": query must be given");
  auto start_text = Get(c.params, "start");
  auto end_text = Get(c.params, "end");
  auto step_text = Get(c.params, "step");
  if (!start_text || !end_text || !step_text) {
    return Error(400, "bad_data", "start, end and step must be given");
  }
  auto start = ParseTimeMs(*start_text, "start");
  if (!start) return BadData(start.error());
  auto end = ParseTimeMs(*end_text, "end");
  if (!end) return BadData(end.error());
  if (*end < *start) {
    return Error(400, "bad_data",
                 "invalid parameter \"end\": end timestamp must not be before "
                 "start time");
  }
  auto step = ParseDurationMs(*step_text, "step");
  if (!step) return BadData(step.error());
  if (*step <= 0) {
    return Error(
        400, "bad_data",
        "invalid parameter \"step\": zero or negative query resolution "
        "step widths are not accepted. Try a positive integer");
  }
  if ((*end - *start) / *step > kMaxPointsPerSeries) {
    return Error(400, "bad_data",
                 "exceeded maximum resolution of 11,000 points per timeseries. "
                 "Try decreasing the query resolution (?step=XX)");
  }
  std::chrono::milliseconds timeout{0};
  auto limits = Limits(c, &timeout);
  if (!limits) return BadData(limits.error());
  auto root = promql::ParsePromql(*text);
  if (!root) return BadData(root.error());
  if ((*root)->type != ValueKind::kScalar &&
      (*root)->type != ValueKind::kVector) {
    return Error(400, "bad_data",
                 std::string("invalid expression type \"") +
                     promql::ValueKindName((*root)->type) +
                     "\" for range query, must be Scalar or instant Vector");
  }
  const QueryGuard guard(timeout, c.req.client_gone);
  limits->guard = &guard;
  limits->indicator_step = *step % 1000 == 0
                               ? std::to_string(*step / 1000) + "s"
                               : std::to_string(*step) + "ms";
  const auto view = View(c);
  auto value = promql::EvaluateRange(**root, c.store, view, *start, *end, *step,
                                     *limits);
  if (!value) return EvalError(value.error());
  return Success(ResultJson(*value, *start));
}

// The [start, end] a listing is restricted to when the request gives
// either (series without a point there are left out; indicators, evaluated
// on demand, always stay).
struct DataWindow {
  bool active = false;
  int64_t start_ms = std::numeric_limits<int64_t>::min() / 1000000 + 1;
  int64_t end_ms = std::numeric_limits<int64_t>::max() / 1000000 - 1;

  Result<bool> Holds(engine::Store& store, const promql::NamedSeries& s) const {
    if (!active || s.indicator != nullptr) return true;
    CITYNEXUS_ASSIGN_OR_RETURN(
        auto last,
        store.Last(s.id, start_ms * 1000000, end_ms * 1000000 + 1000000));
    return last.has_value();
  }
};

Result<DataWindow> WindowOf(const Context& c) {
  DataWindow window;
  if (auto t = Get(c.params, "start")) {
    CITYNEXUS_ASSIGN_OR_RETURN(window.start_ms, ParseTimeMs(*t, "start"));
    window.active = true;
  }
  if (auto t = Get(c.params, "end")) {
    CITYNEXUS_ASSIGN_OR_RETURN(window.end_ms, ParseTimeMs(*t, "end"));
    window.active = true;
  }
  return window;
}

// The visible series selected by the match[] parameters (all visible
// series without one) that have points in [start, end] when either is given.
Result<std::vector<const promql::NamedSeries*>> MatchedSeries(
    const Context& c, const promql::SeriesView& view, bool require_match) {
  const auto matches = GetAll(c.params, "match[]");
  if (matches.empty() && require_match) {
    return Status::InvalidArgument("no match[] parameter provided");
  }
  if (matches.size() > kMaxMatchers) {
    return Status::InvalidArgument("more than " + std::to_string(kMaxMatchers) +
                                   " match[] parameters");
  }
  CITYNEXUS_ASSIGN_OR_RETURN(const DataWindow window, WindowOf(c));
  std::vector<const promql::NamedSeries*> out;
  if (matches.empty()) {
    for (const auto& s : view.all()) out.push_back(&s);
  } else {
    std::set<const promql::NamedSeries*> seen;
    for (const std::string& m : matches) {
      auto node = promql::ParseSeriesSelector(m);
      if (!node) return node.error();
      auto selected = view.Select((*node)->matchers);
      if (!selected) return selected.error();
      for (const auto* s : *selected) {
        if (seen.insert(s).second) out.push_back(s);
      }
    }
  }
  if (window.active) {
    std::vector<const promql::NamedSeries*> with_data;
    for (const auto* s : out) {
      CITYNEXUS_ASSIGN_OR_RETURN(bool holds, window.Holds(c.store, *s));
      if (holds) with_data.push_back(s);
    }
    out = std::move(with_data);
  }
  if (out.size() > c.query.max_series) {
    return Status::ResourceExhausted("more than query.max_series (" +
                                     std::to_string(c.query.max_series) +
                                     ") series match");
  }
  return out;
}

// The time bound of a catalog walk: query.timeout, and the client leaving.
QueryGuard ListingGuard(const Context& c) {
  return QueryGuard(c.query.timeout, c.req.client_gone);
}

// Visits the labels of the series a label listing covers. With match[]:
// the selected series, bounded by query.max_series as for /series. Without:
// every visible series and indicator, walked one metric name at a time
// (promql::ForEachVisibleSeries), so a catalog of 100k series is listed
// without holding it, and no series bound applies: the answer is label
// names or values, not series. The walk is bounded in time instead: it
// stops at query.timeout or when the client leaves (ListingGuard).
Status ForEachListedSeries(const Context& c,
                           const std::function<void(const Labels&)>& visit) {
  const promql::SeriesView view = View(c);
  if (!GetAll(c.params, "match[]").empty()) {
    CITYNEXUS_ASSIGN_OR_RETURN(auto series, MatchedSeries(c, view, false));
    for (const auto* s : series) visit(s->labels);
    return Status::Ok();
  }
  CITYNEXUS_ASSIGN_OR_RETURN(const DataWindow window, WindowOf(c));
  const QueryGuard guard = ListingGuard(c);
  CITYNEXUS_RETURN_IF_ERROR(promql::ForEachVisibleSeries(
      c.store, c.req.Caller(),
      [&](const promql::NamedSeries& s) -> Result<bool> {
        CITYNEXUS_RETURN_IF_ERROR(guard.Check());
        CITYNEXUS_ASSIGN_OR_RETURN(bool holds, window.Holds(c.store, s));
        if (holds) visit(s.labels);
        return true;
      }));
  for (const promql::NamedSeries& s : view.Indicators()) visit(s.labels);
  return Status::Ok();
}

net::Response Series(const Context& c) {
  const auto view = View(c);
  auto series = MatchedSeries(c, view, true);
  if (!series) {
    return series.error().code() == StatusCode::kInvalidArgument
               ? BadData(series.error())
               : EvalError(series.error());
  }
  json data = json::array();
  for (const auto* s : *series) data.push_back(Metric(s->labels));
  return Success(std::move(data));
}

net::Response ListingError(const Status& st) {
  return st.code() == StatusCode::kInvalidArgument ? BadData(st)
                                                   : EvalError(st);
}

net::Response LabelNames(const Context& c) {
  std::set<std::string> names;
  Status st = ForEachListedSeries(c, [&](const Labels& labels) {
    for (const auto& kv : labels) names.insert(kv.first);
  });
  if (!st.ok()) return ListingError(st);
  return Success(json(std::vector<std::string>(names.begin(), names.end())));
}

net::Response LabelValues(const Context& c, const std::string& name) {
  std::set<std::string> values;
  if (name == promql::kMetricName && GetAll(c.params, "match[]").empty() &&
      !Get(c.params, "start") && !Get(c.params, "end")) {
    // Grafana's metric browser asks this first: answered from the index.
    auto names = promql::VisibleMetricNames(c.store, c.req.Caller());
    if (!names) return ListingError(names.error());
    values.insert(names->begin(), names->end());
    const promql::SeriesView view = View(c);
    for (const auto& s : view.Indicators()) {
      values.insert(std::string(promql::LabelValue(s.labels, name)));
    }
    return Success(
        json(std::vector<std::string>(values.begin(), values.end())));
  }
  Status st = ForEachListedSeries(c, [&](const Labels& labels) {
    const std::string_view v = promql::LabelValue(labels, name);
    if (!v.empty()) values.insert(std::string(v));
  });
  if (!st.ok()) return ListingError(st);
  return Success(json(std::vector<std::string>(values.begin(), values.end())));
}

net::Response Metadata(const Context& c) {
  const auto metric = Get(c.params, "metric");
  int64_t limit = -1;
  if (auto l = Get(c.params, "limit")) {
    auto [p, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
    if (ec != std::errc() || p != l->data() + l->size()) {
      return Error(400, "bad_data", "invalid parameter \"limit\"");
    }
  }
  // Metric name -> the entry of its first series in label order.
  std::map<std::string, json> entries;
  auto add = [&](const promql::NamedSeries& s) {
    const std::string name(promql::LabelValue(s.labels, promql::kMetricName));
    if (metric && *metric != name) return;
    if (entries.count(name) > 0) return;
    json entry = {{"type", "unknown"}, {"help", ""}, {"unit", ""}};
    if (s.indicator != nullptr) {
      entry["help"] = s.indicator->name;
      entry["unit"] = s.indicator->unit;
    } else if (auto info = c.store.GetSeries(s.id)) {
      entry["help"] = info->meta.description;
      entry["unit"] = info->meta.unit;
    }
    entries[name] = json::array({entry});
  };
  const promql::SeriesView view = View(c);
  const QueryGuard guard = ListingGuard(c);
  Status st = promql::ForEachVisibleSeries(
      c.store, c.req.Caller(),
      [&](const promql::NamedSeries& s) -> Result<bool> {
        CITYNEXUS_RETURN_IF_ERROR(guard.Check());
        add(s);
        return true;
      });
  if (!st.ok()) return EvalError(st);
  for (const promql::NamedSeries& s : view.Indicators()) add(s);
  json data = json::object();
  for (auto& [k, v] : entries) {
    if (limit >= 0 && static_cast<int64_t>(data.size()) >= limit) break;
    data[k] = std::move(v);
  }
  return Success(std::move(data));
}

// Whether `caller` may read at least one thing: it is admin or holds a read
// scope, a public indicator exists (readable by anyone; query/indicators.h),
// or a stored measurement is readable to it (anonymous_read globs are not
// listed by net::Access, so they are tried against the store).
bool MayReadAnything(engine::Store& store, const net::Access& caller,
                     const IndicatorService* indicators) {
  if (caller.IsAdmin()) return true;
  for (const net::Scope& scope : caller.scopes()) {
    if (scope.kind == net::Scope::Kind::kRead) return true;
  }
  if (indicators != nullptr) {
    for (const IndicatorDefinition& def : indicators->catalog().All()) {
      if (def.is_public) return true;
    }
  }
  // Measurement names come from the catalog index: no series is decoded.
  for (const std::string& measurement : store.MeasurementNames()) {
    if (caller.CanRead(measurement)) return true;
  }
  return false;
}

}  // namespace

net::Response PrometheusApi::Handle(const net::Request& req) const {
  if (!req.access || !MayReadAnything(store_, req.Caller(), indicators_)) {
    // A request the server did not authenticate, or a caller that may read
    // nothing at all, is refused (401 anonymous, 403 token) rather than
    // answered with empty results: otherwise Grafana's health check (`1+1`)
    // would pass for a data source configured without a token.
    return EvalError(req.Caller().DenyStatus("read"));
  }
  auto params = RequestParams(req);
  if (!params) return BadData(params.error());
  const Context c{store_, indicators_, query_, promql_, req, *params};
  std::string_view path = req.path;
  if (!path.starts_with(kPrefix))
    return Error(404, "not_found", "unknown endpoint");
  path.remove_prefix(kPrefix.size());
  if (path == "query") return InstantQuery(c);
  if (path == "query_range") return RangeQuery(c);
  if (path == "series") return Series(c);
  if (path == "labels") return LabelNames(c);
  if (path == "metadata") return Metadata(c);
  if (path == "query_exemplars") return Success(json::array());  // none kept
  if (path == "status/buildinfo") {
    return Success({{"version", "2.42.0"},
                    {"revision", "citynexus " + version_},
                    {"branch", "citynexus"},
                    {"buildUser", "citynexus"},
                    {"buildDate", ""},
                    {"goVersion", "none (citynexus " + version_ + ")"}});
  }
  if (path.starts_with("label/") && path.ends_with("/values")) {
    const std::string name(path.substr(6, path.size() - 6 - 7));
    const bool valid = promql::IsValidLabelName(name);
    if (!valid)
      return Error(400, "bad_data", "invalid label name: \"" + name + "\"");
    return LabelValues(c, name);
  }
  return Error(404, "not_found", "unknown endpoint");
}

void RegisterPrometheusRoutes(net::Router& router, engine::Store& store,
                              QueryOptions query, PromqlOptions promql,
                              std::string version,
                              const IndicatorService* indicators) {
  RegisterPrometheusRoutes(
      router, std::make_shared<const PrometheusApi>(
                  store, query, promql, std::move(version), indicators));
}

void RegisterPrometheusRoutes(net::Router& router,
                              std::shared_ptr<const PrometheusApi> api) {
  for (const char* method : {"GET", "POST"}) {
    for (const char* route :
         {"/prometheus/api/v1/query", "/prometheus/api/v1/query_range",
          "/prometheus/api/v1/series", "/prometheus/api/v1/labels",
          "/prometheus/api/v1/label/{name}/values",
          "/prometheus/api/v1/metadata", "/prometheus/api/v1/query_exemplars",
          "/prometheus/api/v1/status/buildinfo"}) {
      router.Add(method, route,
                 [api](const net::Request& req) { return api->Handle(req); });
    }
  }
}

}  // namespace citynexus::query
