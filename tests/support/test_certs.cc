#include "support/test_certs.h"

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <utility>

namespace citynexus::testing {
namespace {

// Runs `command` through the shell; its exit code and stdout+stderr.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(("(" + command + ") 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int rc = ::pclose(pipe);
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, out};
}

}  // namespace

bool HaveOpenssl() { return Shell("openssl version").first == 0; }

void MakeTestCa(const std::string& dir) {
  const auto [rc, out] =
      Shell("cd '" + dir +
            "' && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
            "'/CN=citynexus test CA' -keyout ca.key -out ca.pem");
  INFO(out);
  REQUIRE(rc == 0);
}

void MakeTestServerCert(const std::string& dir, const std::string& name,
                        const std::string& san) {
  const auto [rc, out] =
      Shell("cd '" + dir +
            "' && openssl req -newkey rsa:2048 -nodes -subj '/CN=" + name +
            "' -keyout " + name + ".key -out " + name +
            ".csr && printf 'subjectAltName=" + san + "\\n' > " + name +
            ".ext && openssl x509 -req -in " + name +
            ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile " +
            name + ".ext -out " + name + ".pem");
  INFO(out);
  REQUIRE(rc == 0);
}

}  // namespace citynexus::testing
