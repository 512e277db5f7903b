#include "app/process_util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/http_client.h"

namespace citynexus::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string MakeTempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "citynexus-cli-XXXXXX")
          .string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + pattern);
  }
  return pattern;
}

pid_t Spawn(const std::vector<std::string>& args, const std::string& dir) {
  std::vector<std::string> argv_storage = {CITYNEXUS_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out_path = dir + "/stdout";
  const std::string err_path = dir + "/stderr";
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0 || err < 0) _exit(127);
    dup2(out, 1);
    dup2(err, 2);
    // The test runner may have signals blocked; the child starts clean.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Reaps `pid` if it ended; fills `result` from the status.
bool TryReap(pid_t pid, ProcessResult* result) {
  int status = 0;
  const pid_t r = waitpid(pid, &status, WNOHANG);
  if (r != pid) return false;
  if (WIFEXITED(status)) {
    result->exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result->signal = WTERMSIG(status);
  }
  return true;
}

}  // namespace

std::optional<uint16_t> ListeningPort(const std::string& log) {
  // The HTTP server logs "http: listening on HOST:PORT" and serve then
  // logs "app: citynexus VERSION listening on HOST:PORT"; a test may read
  // the log between the two, so either line will do (same port).
  const size_t line =
      std::min(log.find("app: citynexus "), log.find("http: listening on "));
  if (line == std::string::npos) return std::nullopt;
  const std::string needle = " listening on 127.0.0.1:";
  const size_t at = log.find(needle, line);
  if (at == std::string::npos) return std::nullopt;
  const long port = std::strtol(log.c_str() + at + needle.size(), nullptr, 10);
  if (port <= 0 || port > 65535) return std::nullopt;
  return static_cast<uint16_t>(port);
}

ProcessResult RunCitynexus(const std::vector<std::string>& args,
                           std::chrono::seconds deadline) {
  Citynexus process(args);
  if (auto result = process.Wait(deadline)) return *result;
  process.Signal(SIGKILL);
  auto killed = process.Wait(std::chrono::seconds(60));
  return killed ? *killed : ProcessResult{};
}

Citynexus::Citynexus(const std::vector<std::string>& args)
    : dir_(MakeTempDir()), pid_(Spawn(args, dir_)) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--data-dir") data_dir_ = args[i + 1];
  }
}

std::optional<std::string> Citynexus::AdminToken() const {
  if (data_dir_.empty()) return std::nullopt;
  std::ifstream in(data_dir_ + "/admin.token");
  std::string secret;
  if (!std::getline(in, secret) || secret.empty()) return std::nullopt;
  return secret;
}

Citynexus::~Citynexus() {
  if (!result_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string Citynexus::Stderr() const { return ReadFile(dir_ + "/stderr"); }

std::optional<std::string> Citynexus::WaitForStderr(
    const std::string& needle, std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    std::string text = Stderr();
    if (text.find(needle) != std::string::npos) {
      // The server wrote its first admin token before it logged anything
      // a test waits for: let the test's requests carry it.
      if (auto secret = AdminToken()) {
        SetDefaultAuthorization("Bearer " + *secret);
      }
      return text;
    }
    if (result_ || Wait(std::chrono::seconds(0))) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

void Citynexus::Signal(int signal_number) {
  if (!result_) kill(pid_, signal_number);
}

std::optional<ProcessResult> Citynexus::Wait(std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!result_) {
    ProcessResult r;
    if (TryReap(pid_, &r)) {
      r.out = ReadFile(dir_ + "/stdout");
      r.err = ReadFile(dir_ + "/stderr");
      result_ = r;
      break;
    }
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return result_;
}

}  // namespace citynexus::testing
