#include "net/static_assets.h"

#include <memory>
#include <string>

namespace citynexus::net {
namespace {

constexpr std::string_view kIndex = "index.html";

// Everything the dashboard loads comes from its own origin. Inline style
// attributes are allowed because the chart library positions elements with
// them; scripts are not.
constexpr std::string_view kIndexPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

bool AcceptsGzip(const Request& request) {
  const auto accept = request.Header("accept-encoding");
  return accept && accept->find("gzip") != std::string::npos;
}

// If-None-Match: a list of ETags or "*".
bool EtagMatches(const Request& request, std::string_view etag) {
  const auto inm = request.Header("if-none-match");
  if (!inm) return false;
  if (*inm == "*") return true;
  return inm->find(etag) != std::string::npos;
}

}  // namespace

Response ServeStaticAsset(const std::vector<StaticAsset>& assets,
                          std::string_view name, const Request& request) {
  const StaticAsset* asset = nullptr;
  for (const StaticAsset& a : assets) {
    if (a.name == name) {
      asset = &a;
      break;
    }
  }
  if (asset == nullptr)
    return Response::Error(404, "not_found", "no such file");
  Response response;
  response.content_type = std::string(asset->content_type);
  response.headers.emplace_back("ETag", std::string(asset->etag));
  response.headers.emplace_back(
      "Cache-Control",
      asset->immutable ? "public, max-age=31536000, immutable" : "no-cache");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (asset->name == kIndex) {
    response.headers.emplace_back("Content-Security-Policy",
                                  std::string(kIndexPolicy));
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  if (EtagMatches(request, asset->etag)) {
    response.status = 304;
    return response;
  }
  if (!asset->gzip.empty() && AcceptsGzip(request)) {
    response.headers.emplace_back("Content-Encoding", "gzip");
    response.body = std::string(asset->gzip);
  } else {
    response.body = std::string(asset->body);
  }
  return response;
}

void RegisterStaticAssets(Router& router, std::vector<StaticAsset> assets) {
  auto table =
      std::make_shared<const std::vector<StaticAsset>>(std::move(assets));
  router.Add("GET", "/", [table](const Request& request) {
    return ServeStaticAsset(*table, kIndex, request);
  });
  router.Add("GET", "/assets/{name}", [table](const Request& request) {
    const auto it = request.path_params.find("name");
    if (it == request.path_params.end() || it->second == kIndex) {
      return Response::Error(404, "not_found", "no such file");
    }
    return ServeStaticAsset(*table, it->second, request);
  });
}

}  // namespace citynexus::net
