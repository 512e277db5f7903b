#include "app/cmd/demo_http.h"

#include <utility>

#include "net/gzip.h"

namespace citynexus::app::demo {

DemoHttp::DemoHttp(std::string server, std::string token)
    : server_(std::move(server)), token_(std::move(token)), client_([] {
        net::ClientOptions options;
        options.user_agent = "citynexus-demo";
        options.read_timeout = std::chrono::seconds(120);
        return options;
      }()) {
  while (!server_.empty() && server_.back() == '/') server_.pop_back();
}

Status DemoHttp::Check(Result<net::ClientResponse> response,
                       std::string_view what) {
  if (!response) {
    return Status(response.error().code(),
                  std::string(what) + ": " + response.error().message());
  }
  if (response->status / 100 == 2) return Status::Ok();
  std::string body = response->body.substr(0, 300);
  const std::string message = std::string(what) + ": HTTP " +
                              std::to_string(response->status) + " " + body;
  if (response->status == 401) return Status::Unauthenticated(message);
  if (response->status == 403) return Status::PermissionDenied(message);
  return Status::Unavailable(message);
}

net::ClientRequest DemoHttp::NewRequest(std::string_view method,
                                        std::string_view path) const {
  net::ClientRequest request;
  request.method = std::string(method);
  request.url = server_ + std::string(path);
  if (!token_.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + token_);
  }
  return request;
}

Status DemoHttp::WriteLines(const std::string& lines, bool gzip) {
  net::ClientRequest request = NewRequest("POST", "/write?precision=s");
  request.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  if (gzip) {
    request.headers.emplace_back("Content-Encoding", "gzip");
    request.body = net::GzipDeflate(lines);
  } else {
    request.body = lines;
  }
  return Check(client_.FetchSync(std::move(request)), "POST /write");
}

Status DemoHttp::WriteSenml(const std::string& pack) {
  net::ClientRequest request = NewRequest("POST", "/api/v1/senml");
  request.headers.emplace_back("Content-Type", "application/senml+json");
  request.body = pack;
  return Check(client_.FetchSync(std::move(request)), "POST /api/v1/senml");
}

Result<std::string> DemoHttp::Get(const std::string& path_and_query) {
  net::ClientRequest request = NewRequest("GET", path_and_query);
  Result<net::ClientResponse> response = client_.FetchSync(std::move(request));
  if (response && response->status == 200) return std::move(response->body);
  Status status = Check(std::move(response), "GET " + path_and_query);
  if (status.ok())
    status = Status::Unavailable("GET " + path_and_query + ": no content");
  return status;
}

}  // namespace citynexus::app::demo
