// A real mosquitto broker for integration tests: started from a temp config
// on a free loopback port with persistence in a temp directory, stopped
// (SIGTERM, which saves its persistence file), killed (SIGKILL) or
// restarted on the same port and directory.
//
// Thread-safety: one thread at a time.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace citynexus::testing {

// A TLS listener with password authentication (allow_anonymous false).
struct MosquittoTls {
  std::string cert_file;      // PEM server certificate (chain)
  std::string key_file;       // its private key
  std::string password_file;  // made with mosquitto_passwd
};

class Mosquitto {
 public:
  // Starts a broker in `dir` (created). nullptr when the `mosquitto`
  // binary is not found (the caller WARNs and skips) -- a broker that is
  // found but does not come up fails the test (REQUIRE).
  static std::unique_ptr<Mosquitto> Start(const std::filesystem::path& dir);
  // The same with its one listener speaking TLS and requiring a user name
  // and password from `tls.password_file`.
  static std::unique_ptr<Mosquitto> Start(const std::filesystem::path& dir,
                                          const MosquittoTls& tls);
  ~Mosquitto();  // Kill()s a running broker
  Mosquitto(const Mosquitto&) = delete;
  Mosquitto& operator=(const Mosquitto&) = delete;

  uint16_t port() const { return port_; }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  bool running() const { return pid_ > 0; }

  // Graceful stop: SIGTERM, wait for exit (mosquitto writes its
  // persistence file, so queued QoS 1 messages survive a restart).
  void Stop();
  // SIGKILL and wait.
  void Kill();
  // Starts the broker again on the same port and directory; REQUIREs that
  // it accepts connections within 10 s.
  void Restart();

 private:
  Mosquitto(std::filesystem::path dir, uint16_t port, const MosquittoTls* tls);
  void Launch();

  std::filesystem::path dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// Whether an executable named `name` is on PATH (or in /usr/sbin, where
// Debian installs mosquitto).
bool FindExecutable(const std::string& name, std::string* path);

}  // namespace citynexus::testing
