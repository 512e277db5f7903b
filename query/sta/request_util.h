// Small pieces every SensorThings route needs from a request: the base URL
// its links start with, and the clock that stamps observations without a
// phenomenonTime and resolves "now()" in filters.
//
// Thread-safety: stateless; safe for concurrent use.
#pragma once

#include <string>

#include "net/net.h"

namespace citynexus::query::sta {

// "http://<Host>/v1.1": the Host header when it is a plain host[:port]
// (letters, digits, '.', '-', ':', brackets; at most 255 bytes), else
// "localhost", so a crafted Host never ends up in links verbatim.
std::string BaseUrl(const net::Request& req);

}  // namespace citynexus::query::sta
