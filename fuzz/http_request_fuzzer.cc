// libFuzzer target: the HTTP request path up to the handler: Beast's request
// parser with the server's limits, target splitting, percent-decoding of
// path and query, routing over the server's route shapes, and gzip
// inflation of the body (bounded like the server does).
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/gzip.h"
#include "net/net.h"
#include "net/url.h"

namespace {
namespace http = boost::beast::http;
using citynexus::net::Router;

const Router& Routes() {
  static const Router* router = [] {
    auto* r = new Router();
    auto none = [](const citynexus::net::Request&) {
      return citynexus::net::Response::NoContent();
    };
    for (const char* method : {"GET", "POST"}) {
      r->Add(method, "/query", none);
    }
    r->Add("POST", "/write", none);
    r->Add("POST", "/api/v2/write", none);
    r->Add("POST", "/api/v1/senml", none);
    r->Add("POST", "/api/v1/ingest/{source}", none);
    r->Add("GET", "/api/v1/series", none);
    r->Add("GET", "/api/v1/query", none);
    r->Add("GET", "/api/v1/indicators/{id}", none);
    r->Add("POST", "/api/v1/indicators/evaluate", none);
    r->Add("GET", "/api/v1/stream", none);
    r->Add("GET", "/healthz", none);
    return r;
  }();
  return *router;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& req = parser.get();
  const std::string target(req.target().data(), req.target().size());
  const auto parts = citynexus::net::SplitTarget(target);
  (void)citynexus::net::ParseQuery(parts.query);
  (void)citynexus::net::PercentDecode(parts.path, false);
  (void)citynexus::net::SplitPathSegments(parts.path);
  const std::string method(req.method_string().data(),
                           req.method_string().size());
  auto match = Routes().Find(method, parts.path);
  volatile size_t n = match.params.size() + match.allowed_methods.size();
  (void)n;
  if (parser.is_done() &&
      boost::beast::iequals(req[http::field::content_encoding], "gzip")) {
    (void)citynexus::net::GzipInflate(req.body(), 64 * 1024);
  }
  return 0;
}
