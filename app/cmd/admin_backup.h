// Online backup of a running server: POST /api/v1/admin/backup {"to": DIR}.
//
// A running `citynexus serve` holds its data dir, so `citynexus backup` (a
// separate process) cannot open it; it asks the server instead, and the
// server takes a consistent checkpoint (Store::Backup) while it keeps
// ingesting. Only loopback clients may ask: the endpoint writes a directory
// on the server's disk, and there is no authentication yet.
//
// Thread-safety: the handler may run on any I/O thread; at most one backup
// runs at a time, on a thread of its own (never on an I/O thread). Stop()
// waits for a running backup; call it before closing the store.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/mutex.h"
#include "engine/engine.h"
#include "net/net.h"

namespace citynexus::app {

class AdminBackup {
 public:
  // `store` must outlive this object.
  explicit AdminBackup(engine::Store& store) : store_(store) {}
  ~AdminBackup() { Stop(); }
  AdminBackup(const AdminBackup&) = delete;
  AdminBackup& operator=(const AdminBackup&) = delete;

  // Adds POST /api/v1/admin/backup. This object must outlive the server.
  void RegisterRoutes(net::Router& router);
  // Waits for a running backup; later requests get 503.
  void Stop();

 private:
  void Handle(net::Request request, net::Responder respond);

  engine::Store& store_;
  Mutex mu_;
  CondVar idle_;                        // signalled when busy_ turns false
  std::thread worker_ GUARDED_BY(mu_);  // the current or last backup
  bool busy_ GUARDED_BY(mu_) = false;
  bool stopped_ GUARDED_BY(mu_) = false;
};

// True for 127.0.0.0/8 and ::1 peers ("127.0.0.1:53312", "[::1]:4000").
bool IsLoopbackPeer(const std::string& remote_address);

}  // namespace citynexus::app
