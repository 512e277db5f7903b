// Request and Response helpers declared in net/net.h.
#include <string>

#include "net/json_text.h"
#include "net/net.h"

namespace citynexus::net {

std::optional<std::string> Request::Param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) {
      return v;
    }
  }
  return std::nullopt;
}

std::optional<std::string> Request::Header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  if (it == headers.end()) {
    return std::nullopt;
  }
  return it->second;
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::Text(int status, std::string body,
                        std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::Error(int status, std::string_view code,
                         std::string_view message) {
  std::string body = "{\"error\":{\"code\":";
  AppendJsonString(body, code);
  body += ",\"message\":";
  AppendJsonString(body, message);
  body += "}}";
  return Json(status, std::move(body));
}

Response Response::FromStatus(const Status& status) {
  int http = 500;
  switch (status.code()) {
    case StatusCode::kOk:
      return NoContent();
    case StatusCode::kInvalidArgument:
      http = 400;
      break;
    case StatusCode::kNotFound:
      http = 404;
      break;
    case StatusCode::kResourceExhausted:  // back-pressure: retry later
    case StatusCode::kUnavailable:
      http = 503;
      break;
    case StatusCode::kNotSupported:
      http = 501;
      break;
    case StatusCode::kDeadlineExceeded:  // as Google APIs map DEADLINE_EXCEEDED
      http = 504;
      break;
    case StatusCode::kCancelled:  // nginx's "client closed request": only
      http = 499;                 // the access log sees it
      break;
    case StatusCode::kUnauthenticated:
      http = 401;
      break;
    case StatusCode::kPermissionDenied:
      http = 403;
      break;
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
      http = 500;
      break;
  }
  Response r = Error(http, StatusCodeName(status.code()), status.message());
  if (http == 401) {
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"citynexus\"");
  }
  if (http == 503) {
    r.headers.emplace_back("Retry-After", "1");
  }
  return r;
}

}  // namespace citynexus::net
