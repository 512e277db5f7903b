#include "connectors/mosquitto_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace citynexus::testing {
namespace {

uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  socklen_t len = sizeof(addr);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok =
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

bool FindExecutable(const std::string& name, std::string* path) {
  std::string dirs = std::getenv("PATH") ? std::getenv("PATH") : "";
  dirs += ":/usr/sbin:/usr/local/sbin";
  std::istringstream in(dirs);
  std::string dir;
  while (std::getline(in, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) {
      *path = candidate;
      return true;
    }
  }
  return false;
}

std::unique_ptr<Mosquitto> Mosquitto::Start(const std::filesystem::path& dir) {
  std::string binary;
  if (!FindExecutable("mosquitto", &binary)) return nullptr;
  std::filesystem::create_directories(dir);
  std::unique_ptr<Mosquitto> broker(new Mosquitto(dir, FreePort(), nullptr));
  broker->Launch();
  return broker;
}

std::unique_ptr<Mosquitto> Mosquitto::Start(const std::filesystem::path& dir,
                                            const MosquittoTls& tls) {
  std::string binary;
  if (!FindExecutable("mosquitto", &binary)) return nullptr;
  std::filesystem::create_directories(dir);
  std::unique_ptr<Mosquitto> broker(new Mosquitto(dir, FreePort(), &tls));
  broker->Launch();
  return broker;
}

Mosquitto::Mosquitto(std::filesystem::path dir, uint16_t port,
                     const MosquittoTls* tls)
    : dir_(std::move(dir)), port_(port) {
  std::ofstream conf(dir_ / "mosquitto.conf");
  conf << "listener " << port_ << " 127.0.0.1\n";
  if (tls != nullptr) {
    conf << "certfile " << tls->cert_file << "\n"
         << "keyfile " << tls->key_file << "\n"
         << "allow_anonymous false\n"
         << "password_file " << tls->password_file << "\n";
  } else {
    conf << "allow_anonymous true\n";
  }
  conf << "persistence true\n"
       << "persistence_location " << (dir_ / "").string() << "\n"
       << "autosave_interval 1\n"
       // Queue far more than a test publishes for a disconnected client
       // (the default of 1000 would silently drop the rest).
       << "max_queued_messages 100000\n"
       << "log_dest stderr\n"
       // Started as root, mosquitto drops to user "mosquitto", which cannot
       // write the persistence file into our (root-owned, 0700) temp dir:
       // every save fails and a restart forgets all sessions and queues.
       << (geteuid() == 0 ? "user root\n" : "")
       << "log_type error\nlog_type warning\nlog_type notice\n";
}

Mosquitto::~Mosquitto() { Kill(); }

void Mosquitto::Launch() {
  std::string binary;
  REQUIRE(FindExecutable("mosquitto", &binary));
  const std::string conf = (dir_ / "mosquitto.conf").string();
  const std::string log = (dir_ / "mosquitto.log").string();
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execl(binary.c_str(), binary.c_str(), "-c", conf.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  pid_ = pid;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!Accepts(port_)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL("mosquitto exited at startup; its log:\n" << ReadFile(log));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      FAIL("mosquitto did not accept connections within 10 s; its log:\n"
           << ReadFile(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Mosquitto::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void Mosquitto::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void Mosquitto::Restart() {
  REQUIRE(pid_ <= 0);
  Launch();
}

}  // namespace citynexus::testing
