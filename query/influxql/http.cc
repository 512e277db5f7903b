// GET|POST /query: the InfluxDB 1.x query endpoint. Parameters q, db, epoch,
// pretty, params (bound parameters as a JSON object) and chunked (ignored:
// one response is always written); POST takes them from a form-encoded body
// as well. Whole-query parse errors are HTTP 400, statement errors are
// reported per statement with HTTP 200, as InfluxDB does.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "common/json_parse.h"
#include "query/influxql/exec.h"
#include "query/influxql/parser.h"
#include "query/influxql/response.h"
#include "query/influxql/statement_cache.h"
#include "query/query.h"
#include "query/query_guard.h"

namespace citynexus::query {
namespace {

using influxql::Params;
using influxql::ParamValue;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FormDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Form values of a request: InfluxDB reads Go's Request.FormValue, where
// values of a form-encoded POST body take precedence over the URL query.
std::map<std::string, std::string> FormValues(const net::Request& req) {
  std::map<std::string, std::string> values;
  const std::string type = req.Header("content-type").value_or("");
  if (req.method == "POST" &&
      type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    std::string_view body = req.body;
    while (!body.empty()) {
      const size_t amp = body.find('&');
      std::string_view pair = body.substr(0, amp);
      body = amp == std::string_view::npos ? std::string_view()
                                           : body.substr(amp + 1);
      const size_t eq = pair.find('=');
      std::string key = FormDecode(pair.substr(0, eq));
      std::string value = eq == std::string_view::npos
                              ? std::string()
                              : FormDecode(pair.substr(eq + 1));
      values.emplace(std::move(key), std::move(value));
    }
  }
  for (const auto& [k, v] : req.query) values.emplace(k, v);
  return values;
}

Result<Params> ParseParams(const std::string& text) {
  Params params;
  if (text.empty()) return params;
  auto parsed = ParseJsonLimited(text, kMaxJsonDepth, "params");
  if (!parsed) return parsed.error();
  try {
    const auto& j = *parsed;
    if (!j.is_object()) {
      return Status::InvalidArgument("params must be a JSON object");
    }
    for (const auto& [k, v] : j.items()) {
      if (v.is_string()) {
        params.emplace(k, v.get<std::string>());
      } else if (v.is_boolean()) {
        params.emplace(k, v.get<bool>());
      } else if (v.is_number_integer()) {
        params.emplace(k, v.get<int64_t>());
      } else if (v.is_number()) {
        params.emplace(k, v.get<double>());
      } else {
        return Status::InvalidArgument("unsupported parameter type for " + k);
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(e.what());
  }
  return params;
}

net::Response JsonResponse(int status, std::string body) {
  net::Response r = net::Response::Json(status, std::move(body));
  r.headers.emplace_back("X-Influxdb-Build", "OSS");
  return r;
}

// InfluxDB checks a whole query before running any of it: a SELECT naming
// a measurement the caller may not read refuses the request (401/403), and
// CREATE DATABASE (a no-op here) needs a token. FROM /regex/ and SHOW are
// filtered per caller by the executor instead, so they never fail here.
// Every measurement a SELECT names, subqueries included (they nest at most
// 8 levels, a parser bound).
Status AuthorizeSelect(const influxql::SelectStatement& select,
                       const net::Access& caller) {
  for (const auto& src : select.sources) {
    if (src.subquery) {
      CITYNEXUS_RETURN_IF_ERROR(AuthorizeSelect(*src.subquery, caller));
    } else if (!src.regex && !caller.CanRead(src.name)) {
      return caller.DenyStatus("read on measurement \"" + src.name + "\"");
    }
  }
  return Status::Ok();
}

Status AuthorizeStatements(const std::vector<influxql::Statement>& statements,
                           const net::Access& caller) {
  for (const auto& statement : statements) {
    if (const auto* select =
            std::get_if<influxql::SelectStatement>(&statement)) {
      CITYNEXUS_RETURN_IF_ERROR(AuthorizeSelect(*select, caller));
    } else if (std::holds_alternative<influxql::CreateDatabaseStatement>(
                   statement) &&
               !caller.authenticated()) {
      return caller.DenyStatus("CREATE DATABASE");
    }
  }
  return Status::Ok();
}

net::Response HandleInfluxQl(const influxql::Executor& executor,
                             influxql::StatementCache& parsed_cache,
                             const net::Request& req) {
  const auto form = FormValues(req);
  auto get = [&](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  const bool pretty = get("pretty") == "true";
  const std::string q = get("q");
  if (q.empty()) {
    return JsonResponse(
        400, influxql::WriteError("missing required parameter \"q\"", pretty));
  }
  auto params = ParseParams(get("params"));
  if (!params) {
    return JsonResponse(
        400, influxql::WriteError(
                 "error parsing query parameters: " + params.error().message(),
                 pretty));
  }
  auto statements = parsed_cache.Parse(q, *params);
  if (!statements) {
    return JsonResponse(
        400,
        influxql::WriteError(
            "error parsing query: " + statements.error().message(), pretty));
  }
  if (Status denied = AuthorizeStatements(**statements, req.Caller());
      !denied.ok()) {
    net::Response r = net::Response::FromStatus(denied);  // 401/403 headers
    r.body = influxql::WriteError(
        "error authorizing query: " + denied.message(), pretty);
    r.headers.emplace_back("X-Influxdb-Build", "OSS");
    return r;
  }
  // One guard for the whole request: the time limit covers all statements.
  const QueryGuard guard(executor.limits().timeout, req.client_gone);
  influxql::ExecContext ctx;
  ctx.access = &req.Caller();
  ctx.guard = &guard;
  ctx.database = get("db");
  ctx.now_ns = UnixNowNs();
  std::vector<influxql::StatementResult> results;
  for (const auto& s : **statements) {
    results.push_back(executor.Execute(s, ctx));
  }
  influxql::ResponseFormat format;
  format.epoch_divisor = influxql::EpochDivisor(get("epoch"));
  format.pretty = pretty;
  // Damaged or unreadable storage is the server's fault, not the query's:
  // 500 with the usual body, so clients and monitoring see it. Statements
  // over other series still answer (each statement reads its own series).
  int http = 200;
  for (const auto& r : results) {
    if (r.code == StatusCode::kCorruption || r.code == StatusCode::kIOError) {
      http = 500;
    }
  }
  return JsonResponse(http, influxql::WriteResults(results, format));
}

}  // namespace

void RegisterInfluxQlRoutes(net::Router& router, engine::Store& store,
                            const QueryOptions& options) {
  auto executor = std::make_shared<influxql::Executor>(store, options);
  auto parsed_cache = std::make_shared<influxql::StatementCache>();
  for (const char* method : {"GET", "POST"}) {
    router.Add(method, "/query",
               [executor, parsed_cache](const net::Request& req) {
                 return HandleInfluxQl(*executor, *parsed_cache, req);
               });
  }
}

}  // namespace citynexus::query
