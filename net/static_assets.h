// Serving a fixed table of files compiled into the binary (the dashboard,
// web/): GET / answers index.html, GET /assets/{name} the other files.
//
// Names are looked up exactly in the table, so no path reaches the file
// system and "..", "%2F" or any other traversal simply finds nothing (404).
// Responses carry the asset's content type, X-Content-Type-Options nosniff,
// an ETag (a 304 answers a matching If-None-Match) and Cache-Control:
// immutable (content-hashed names) for a year, else no-cache (index.html is
// revalidated, so a new binary's assets are picked up at once). A client
// that accepts gzip gets the precompressed body. index.html is sent with a
// Content-Security-Policy that keeps every request on the origin.
//
// No access check: the assets are the public application shell (no data);
// every request the shell makes for data goes through the data routes,
// which check the caller.
//
// Thread-safety: the handlers only read the immutable table.
#pragma once

#include <string_view>
#include <vector>

#include "net/net.h"

namespace citynexus::net {

struct StaticAsset {
  std::string_view name;          // "index.html", "app-3f2a.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view etag;          // quoted: "\"3f2a...\""
  bool immutable = false;         // content-hashed name: cache for a year
  std::string_view body;
  std::string_view gzip;  // the same body gzip-compressed; may be empty
};

// The response for asset `name` of `assets` to `request` (404 JSON error
// when there is no such asset).
Response ServeStaticAsset(const std::vector<StaticAsset>& assets,
                          std::string_view name, const Request& request);

// Adds GET "/" (index.html) and GET "/assets/{name}". `assets` must
// outlive the router (the bodies are views into static storage).
void RegisterStaticAssets(Router& router, std::vector<StaticAsset> assets);

}  // namespace citynexus::net
