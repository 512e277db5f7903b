// Running the real citynexus binary from tests: fork + exec with stdout and
// stderr captured in files (no pipes that could fill up and block the child).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace citynexus::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // the signal that killed it, 0 if it exited
  std::string out;     // stdout
  std::string err;     // stderr
};

// The port from serve's "listening on 127.0.0.1:<port>" log line in `log`.
std::optional<uint16_t> ListeningPort(const std::string& log);

// Runs CITYNEXUS_BINARY with `args` (argv[1..]) and waits for it. A child
// still running after `deadline` is killed (SIGKILL) and reported as such.
ProcessResult RunCitynexus(
    const std::vector<std::string>& args,
    std::chrono::seconds deadline = std::chrono::seconds(60));

// A citynexus process running in the background; killed (SIGKILL) and reaped
// on destruction if still running.
class Citynexus {
 public:
  explicit Citynexus(const std::vector<std::string>& args);
  ~Citynexus();
  Citynexus(const Citynexus&) = delete;
  Citynexus& operator=(const Citynexus&) = delete;

  // Everything written to stderr so far.
  std::string Stderr() const;
  // Polls stderr until it contains `needle` or the process exits or the
  // deadline passes; returns the stderr text on success.
  std::optional<std::string> WaitForStderr(const std::string& needle,
                                           std::chrono::seconds deadline);
  void Signal(int signal_number);
  // The child's process id (for /proc/<pid>/status), -1 when not started.
  pid_t pid() const { return pid_; }
  // Waits for the process to end; nullopt when it still runs at the deadline.
  std::optional<ProcessResult> Wait(std::chrono::seconds deadline);
  // The secret in <--data-dir>/admin.token (written by serve on first
  // start); WaitForStderr makes it the default Authorization of
  // support/http_client once it exists.
  std::optional<std::string> AdminToken() const;

 private:
  std::string dir_;
  std::string data_dir_;  // the --data-dir argument, if any
  pid_t pid_ = -1;
  std::optional<ProcessResult> result_;
};

}  // namespace citynexus::testing
