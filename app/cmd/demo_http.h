// The demo's HTTP side as a client of citynexus: line-protocol writes
// (optionally gzip), a JSON query, and the bearer token on every request,
// exactly as an external gateway would talk to the server.
//
// Thread-safety: safe for concurrent use (HttpClient is).
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "net/net.h"

namespace citynexus::app::demo {

class DemoHttp {
 public:
  // `server` is "http://HOST:PORT" (no trailing slash needed); `token` is
  // sent as "Authorization: Bearer <token>" when not empty.
  DemoHttp(std::string server, std::string token);

  // POST /write?precision=s. Gzips the body when `gzip`. OK on 204;
  // otherwise the status and the server's error text.
  Status WriteLines(const std::string& lines, bool gzip);
  // POST /api/v1/senml with a SenML pack (measurement `senml`).
  Status WriteSenml(const std::string& pack);
  // GET `path_and_query`; the body on 200, else an error naming the status.
  Result<std::string> Get(const std::string& path_and_query);

 private:
  // `method` request to server_ + `path`, with the token when there is one.
  net::ClientRequest NewRequest(std::string_view method,
                                std::string_view path) const;
  Status Check(Result<net::ClientResponse> response, std::string_view what);
  std::string server_;
  std::string token_;
  net::HttpClient client_;
};

}  // namespace citynexus::app::demo
