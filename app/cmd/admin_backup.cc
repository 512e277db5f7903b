#include "app/cmd/admin_backup.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "common/json_parse.h"

namespace citynexus::app {

bool IsLoopbackPeer(const std::string& remote_address) {
  return remote_address.rfind("127.", 0) == 0 ||
         remote_address.rfind("[::1]", 0) == 0 ||
         remote_address.rfind("::1", 0) == 0 ||
         remote_address.rfind("[::ffff:127.", 0) == 0;
}

void AdminBackup::RegisterRoutes(net::Router& router) {
  router.AddAsync("POST", "/api/v1/admin/backup",
                  [this](net::Request request, net::Responder respond) {
                    Handle(std::move(request), std::move(respond));
                  });
}

void AdminBackup::Stop() {
  std::thread worker;
  {
    MutexLock lock(&mu_);
    stopped_ = true;
    // A backup accepted before the stop finishes before the store closes.
    while (busy_) idle_.Wait(&mu_);
    worker = std::move(worker_);
  }
  if (worker.joinable()) worker.join();
}

void AdminBackup::Handle(net::Request request, net::Responder respond) {
  if (!request.Caller().IsAdmin()) {
    respond(net::Response::FromStatus(request.Caller().DenyStatus("admin")));
    return;
  }
  if (!IsLoopbackPeer(request.remote_address)) {
    respond(net::Response::Error(
        403, "forbidden",
        "backups may only be requested from the server's own machine"));
    return;
  }
  std::string to;
  auto parsed = ParseJsonLimited(request.body);
  if (parsed) {
    const auto& body = *parsed;
    if (body.is_object() && body.contains("to") && body["to"].is_string()) {
      to = body["to"].get<std::string>();
    }
  }
  if (to.empty() || std::filesystem::path(to).is_relative()) {
    respond(net::Response::Error(
        400, "invalid_argument",
        "expected a JSON body {\"to\": \"/absolute/backup/dir\"}"));
    return;
  }
  std::thread previous;
  {
    MutexLock lock(&mu_);
    if (stopped_) {
      respond(net::Response::Error(503, "unavailable", "server is stopping"));
      return;
    }
    if (busy_) {
      respond(net::Response::Error(409, "conflict",
                                   "another backup is running; retry later"));
      return;
    }
    busy_ = true;
    previous = std::move(worker_);
  }
  if (previous.joinable()) previous.join();  // finished: busy_ was false
  std::thread worker([this, to, respond = std::move(respond)] {
    Status status = store_.Backup(to);
    {
      MutexLock lock(&mu_);
      busy_ = false;
    }
    idle_.SignalAll();
    if (!status.ok()) {
      respond(net::Response::FromStatus(status.WithContext("backup")));
      return;
    }
    respond(net::Response::Json(200, nlohmann::json{{"backup", to}}.dump()));
  });
  MutexLock lock(&mu_);
  worker_ = std::move(worker);
}

}  // namespace citynexus::app
