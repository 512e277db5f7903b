// HTTPS on a real `citynexus serve`: a CA and server certificates made in the
// test with the openssl CLI, real curl and openssl s_client as clients.
// Checks: curl --cacert works (with keep-alive), TLS 1.1 is refused by the
// server, SSE streams over TLS, a certificate swapped on disk + SIGHUP is
// served to the next connection, and a broken new certificate keeps the old.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "app/serve_util.h"

namespace citynexus::testing {
namespace {
using namespace std::chrono_literals;

// Runs `command` through the shell; returns its exit code and stdout+stderr.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) {
    out.append(buf, n);
  }
  const int rc = ::pclose(pipe);
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, out};
}

std::string MakeTempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "cn-https-XXXXXX").string();
  REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  return tmpl;
}

// A CA (ca.pem/ca.key) in `dir`.
void MakeCa(const std::string& dir) {
  const auto [rc, out] =
      Shell("cd " + dir +
            " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
            "'/CN=citynexus test CA' -keyout ca.key -out ca.pem");
  INFO(out);
  REQUIRE(rc == 0);
}

// A server certificate for 127.0.0.1 signed by the CA: <name>.pem, .key.
void MakeServerCert(const std::string& dir, const std::string& name) {
  const auto [rc, out] =
      Shell("cd " + dir +
            " && openssl req -newkey rsa:2048 -nodes -subj '/CN=" + name +
            "' -keyout " + name + ".key -out " + name +
            ".csr && printf 'subjectAltName=IP:127.0.0.1\\n' > " + name +
            ".ext && openssl x509 -req -in " + name +
            ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile " +
            name + ".ext -out " + name + ".pem");
  INFO(out);
  REQUIRE(rc == 0);
}

// The subject of the certificate the server presents to a new connection.
std::string ServedSubject(const std::string& dir, uint16_t port) {
  const auto [rc, out] =
      Shell("openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
            " -CAfile " + dir +
            "/ca.pem </dev/null 2>/dev/null | openssl x509 "
            "-noout -subject");
  INFO(out);
  REQUIRE(rc == 0);
  return out;
}

std::string Curl(const std::string& dir, uint16_t port, const std::string& args,
                 int* rc_out = nullptr) {
  const auto [rc, out] =
      Shell("curl -sS --cacert " + dir + "/ca.pem " + args +
            " https://127.0.0.1:" + std::to_string(port) + "/healthz");
  if (rc_out) *rc_out = rc;
  return out;
}

TEST_CASE("serve over HTTPS: curl, TLS 1.1 refused, SSE, SIGHUP reload",
          "[app][https]") {
  const std::string dir = MakeTempDir();
  MakeCa(dir);
  MakeServerCert(dir, "first");
  MakeServerCert(dir, "second");
  std::filesystem::copy_file(dir + "/first.pem", dir + "/server.pem");
  std::filesystem::copy_file(dir + "/first.key", dir + "/server.key");

  ServeProcess serve(dir,
                     nlohmann::json{{"http",
                                     {{"tls",
                                       {{"cert_file", dir + "/server.pem"},
                                        {"key_file", dir + "/server.key"}}}}}});
  const uint16_t port = serve.port();
  const auto token = serve.process().AdminToken();
  REQUIRE(token.has_value());

  // curl trusts the CA; two requests share one TLS connection.
  {
    int rc = 0;
    const std::string out =
        Curl(dir, port,
             "-v -o /dev/null -o /dev/null -w '%{http_code}\\n'"
             " https://127.0.0.1:" +
                 std::to_string(port) + "/healthz",
             &rc);
    INFO(out);
    CHECK(rc == 0);
    CHECK(out.find("200\n200\n") != std::string::npos);
    CHECK(out.find("Re-using existing connection") != std::string::npos);
    CHECK(out.find("SSL connection using TLSv1.") != std::string::npos);
  }
  // Without the CA the certificate is not trusted; plain HTTP gets nothing.
  {
    const auto [rc, out] = Shell(
        "curl -sS https://127.0.0.1:" + std::to_string(port) + "/healthz");
    INFO(out);
    CHECK(rc == 60);  // peer certificate cannot be authenticated
    const auto [plain_rc, plain_out] = Shell(
        "curl -sS --max-time 20 http://127.0.0.1:" + std::to_string(port) +
        "/healthz");
    INFO(plain_out);
    CHECK(plain_rc != 0);
  }

  // TLS 1.1: the client is allowed to offer it (SECLEVEL=0), the server
  // answers with a protocol_version alert; the same client at TLS 1.2 works.
  {
    const std::string base =
        "openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
        " -CAfile " + dir + "/ca.pem -cipher 'DEFAULT:@SECLEVEL=0' ";
    const auto [rc11, out11] = Shell(base + "-tls1_1 </dev/null");
    INFO(out11);
    CHECK(rc11 != 0);
    CHECK(out11.find("alert protocol version") != std::string::npos);
    const auto [rc12, out12] = Shell(base + "-tls1_2 </dev/null");
    INFO(out12);
    CHECK(rc12 == 0);
    CHECK(out12.find("Verify return code: 0 (ok)") != std::string::npos);
  }

  // SSE over TLS: the stream's first event arrives; curl then times out
  // (exit 28) because the stream stays open.
  {
    int rc = 0;
    const std::string out =
        Shell("curl -sS -N --max-time 3 --cacert " + dir +
              "/ca.pem -H "
              "'Authorization: Bearer " +
              *token + "' 'https://127.0.0.1:" + std::to_string(port) +
              "/api/v1/stream?measurement=tls_probe'")
            .second;
    INFO(out);
    CHECK(out.find("event: subscribed") != std::string::npos);
    (void)rc;
  }

  // Swap the certificate on disk, SIGHUP: the next connection gets it.
  CHECK(ServedSubject(dir, port).find("CN = first") != std::string::npos);
  std::filesystem::copy_file(dir + "/second.pem", dir + "/server.pem",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(dir + "/second.key", dir + "/server.key",
                             std::filesystem::copy_options::overwrite_existing);
  serve.process().Signal(SIGHUP);
  REQUIRE(serve.process()
              .WaitForStderr("reloaded the TLS certificate", 30s)
              .has_value());
  CHECK(ServedSubject(dir, port).find("CN = second") != std::string::npos);

  // A broken new certificate: the reload fails, says why, keeps "second".
  std::ofstream(dir + "/server.pem") << "not a certificate\n";
  serve.process().Signal(SIGHUP);
  const auto log =
      serve.process().WaitForStderr("TLS certificate reload failed", 30s);
  REQUIRE(log.has_value());
  CHECK(log->find("http.tls.cert_file") != std::string::npos);
  CHECK(ServedSubject(dir, port).find("CN = second") != std::string::npos);
  int rc = 0;
  const std::string out =
      Curl(dir, port, "-o /dev/null -w '%{http_code}'", &rc);
  CHECK(rc == 0);
  CHECK(out == "200");

  serve.process().Signal(SIGTERM);
  const auto result = serve.process().Wait(60s);
  REQUIRE(result.has_value());
  CHECK(result->exit_code == 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace citynexus::testing
