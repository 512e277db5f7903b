// The static-asset route (the dashboard): content types, ETag and 304,
// cache headers, gzip negotiation, and that only exact table names are
// served (traversal attempts and unknown names are 404).
#include "net/static_assets.h"

#include <catch2/catch.hpp>
#include <string>

#include "net/net.h"

namespace citynexus::net {
namespace {

std::vector<StaticAsset> Table() {
  return {{"index.html", "text/html; charset=utf-8", "\"i1\"", false,
           "<html></html>", "GZ-I"},
          {"app-1.js", "text/javascript; charset=utf-8", "\"j1\"", true,
           "console.log(1)", ""}};
}

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

Response Get(const Router& router, const std::string& path,
             std::map<std::string, std::string> headers = {}) {
  const Router::Match match = router.Find("GET", path);
  if (match.handler == nullptr)
    return Response::Error(404, "not_found", "no route");
  Request request;
  request.method = "GET";
  request.path = path;
  request.headers = std::move(headers);
  request.path_params = match.params;
  Response out;
  (*match.handler)(request, [&](Response r) { out = std::move(r); });
  return out;
}

TEST_CASE("static assets: index at /, assets by exact name", "[net][static]") {
  Router router;
  RegisterStaticAssets(router, Table());
  const Response index = Get(router, "/");
  CHECK(index.status == 200);
  CHECK(index.content_type == "text/html; charset=utf-8");
  CHECK(index.body == "<html></html>");
  CHECK(HeaderOf(index, "Cache-Control") == "no-cache");
  CHECK(HeaderOf(index, "ETag") == "\"i1\"");
  CHECK(HeaderOf(index, "Content-Security-Policy").find("default-src 'self'") ==
        0);
  CHECK(HeaderOf(index, "X-Content-Type-Options") == "nosniff");

  const Response js = Get(router, "/assets/app-1.js");
  CHECK(js.status == 200);
  CHECK(js.content_type == "text/javascript; charset=utf-8");
  CHECK(HeaderOf(js, "Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(HeaderOf(js, "Content-Security-Policy").empty());
}

TEST_CASE("static assets: ETag revalidation and gzip", "[net][static]") {
  Router router;
  RegisterStaticAssets(router, Table());
  const Response not_modified = Get(router, "/", {{"if-none-match", "\"i1\""}});
  CHECK(not_modified.status == 304);
  CHECK(not_modified.body.empty());
  CHECK(Get(router, "/", {{"if-none-match", "\"other\""}}).status == 200);

  const Response gz = Get(router, "/", {{"accept-encoding", "br, gzip"}});
  CHECK(gz.body == "GZ-I");
  CHECK(HeaderOf(gz, "Content-Encoding") == "gzip");
  CHECK(HeaderOf(gz, "Vary") == "Accept-Encoding");
  // No gzip copy: the plain body, without a Content-Encoding.
  const Response js =
      Get(router, "/assets/app-1.js", {{"accept-encoding", "gzip"}});
  CHECK(js.body == "console.log(1)");
  CHECK(HeaderOf(js, "Content-Encoding").empty());
}

TEST_CASE("static assets: unknown names and traversal are 404",
          "[net][static]") {
  Router router;
  RegisterStaticAssets(router, Table());
  for (const std::string path :
       {"/assets/nope.js", "/assets/..%2Findex.html",
        "/assets/%2E%2E%2Fetc%2Fpasswd", "/assets/../CMakeLists.txt",
        "/assets/app-1.js%00.html", "/assets/"}) {
    INFO(path);
    CHECK(Get(router, path).status == 404);
  }
  // index.html only at "/", so it has one URL and one cache policy.
  CHECK(Get(router, "/assets/index.html").status == 404);
}

}  // namespace
}  // namespace citynexus::net
