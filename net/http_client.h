// Internal helpers of the HTTP client (net/http_client.cc); the public API
// (HttpClient, ClientOptions, ParseHttpUrl, ...) is declared in net/net.h.
// Exposed here so tests can check URL handling without sockets.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "net/url.h"  // URL parsing (RemoveDotSegments, ...)

namespace citynexus::net {

// Whether `status` is a redirect the client follows: 301, 302, 303, 307,
// 308 (not 300 Multiple Choices nor 304 Not Modified).
bool IsFollowedRedirect(int status);

}  // namespace citynexus::net
