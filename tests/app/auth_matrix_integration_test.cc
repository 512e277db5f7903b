// Access control on a real `citynexus serve` (issue #10): every route ×
// every kind of caller × every credential form, private names never leaking
// through SHOW or FROM /regex/, no secret in the data dir, log or /metrics,
// and the influx 1.x CLI with -username/-password.
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/process_util.h"
#include "support/http_client.h"
#include "support/sse_client.h"
#include "support/temp_dir.h"

namespace citynexus {
namespace {

using std::chrono::seconds;
using testing::HttpRequest;

constexpr const char* kConfig = R"({"auth": {"anonymous_read": ["pub_*"]}})";

// kOpen: every caller, even with wrong credentials (no data behind it).
// kRead/kWrite/kAdmin: the scope (anonymous: 401, token without it: 403).
// kFiltered: anyone with valid or no credentials gets 200 and sees only what
// it may read (checked separately below); invalid credentials get 401.
enum class Need { kOpen, kRead, kWrite, kAdmin, kFiltered };

struct Route {
  std::string method;
  std::string target;  // may already hold a query string
  std::string body;
  Need need;
  bool stream = false;
};

// Every route of a default `serve` (no MQTT broker, no ingest sources).
// `datastream` is the SensorThings id of series priv_m#f (written first),
// `asset` a dashboard file ("/assets/app-<hash>.js", named by index.html).
std::vector<Route> Routes(const std::string& datastream,
                          const std::string& asset) {
  const std::string observation = R"({"Datastream": {"@iot.id": )" +
                                  datastream +
                                  R"(}, "result": 4, "phenomenonTime": )"
                                  R"("2024-05-01T12:00:00Z"})";
  return {
      {"GET", "/healthz", "", Need::kOpen},
      {"GET", "/ping", "", Need::kOpen},
      {"GET", "/api/v1/version", "", Need::kOpen},
      {"GET", "/api/v1/openapi.json", "", Need::kOpen},
      {"GET", "/metrics", "", Need::kOpen},
      {"POST", "/write?db=x", "priv_m f=1", Need::kWrite},
      {"POST", "/api/v2/write?bucket=x", "priv_m f=2", Need::kWrite},
      {"POST", "/api/v1/senml?measurement=priv_m", R"([{"n":"f","v":3}])",
       Need::kWrite},
      {"GET", "/query?db=x&q=SELECT%20*%20FROM%20priv_m", "", Need::kRead},
      {"POST", "/query?db=x&q=SELECT%20*%20FROM%20priv_m", "", Need::kRead},
      {"GET", "/api/v1/query?measurement=priv_m&field=f&start=0", "",
       Need::kRead},
      {"GET", "/api/v1/series?measurement=priv_m", "", Need::kRead},
      {"GET", "/api/v1/stream?measurement=priv_m", "", Need::kRead, true},
      {"GET", "/api/v1/deadletters", "", Need::kAdmin},
      {"POST", "/api/v1/admin/backup", "{}", Need::kAdmin},
      {"GET", "/api/v1/admin/tokens", "", Need::kAdmin},
      {"POST", "/api/v1/admin/tokens", "{}", Need::kAdmin},
      {"DELETE", "/api/v1/admin/tokens/0000000000000000", "", Need::kAdmin},
      // Dashboard (static files, no data).
      {"GET", "/", "", Need::kOpen},
      {"GET", asset, "", Need::kOpen},
      // Prometheus HTTP API: a caller that may read nothing at all is
      // refused (nothing public is stored here); the rest see only what they
      // may read (the leak test below).
      {"GET", "/prometheus/api/v1/query?query=priv_m_f", "", Need::kRead},
      {"POST", "/prometheus/api/v1/query?query=priv_m_f", "", Need::kRead},
      {"GET",
       "/prometheus/api/v1/query_range?query=priv_m_f&start=0&end=60&step=15",
       "", Need::kRead},
      {"GET", "/prometheus/api/v1/series?match[]=priv_m_f", "", Need::kRead},
      {"GET", "/prometheus/api/v1/labels", "", Need::kRead},
      {"GET", "/prometheus/api/v1/label/__name__/values", "", Need::kRead},
      // SensorThings: reads filtered to what the caller may read; the one
      // write route (Observations) needs write on the Datastream's
      // measurement.
      {"GET", "/v1.1", "", Need::kFiltered},
      {"GET", "/v1.1/Things", "", Need::kFiltered},
      {"GET", "/v1.1/Datastreams", "", Need::kFiltered},
      {"GET", "/v1.1/Observations", "", Need::kFiltered},
      {"POST", "/v1.1/Observations", observation, Need::kWrite},
  };
}

enum class Form { kToken, kBearer, kBasic, kTokenUserSecret, kQueryParams };

std::string FormName(Form f) {
  switch (f) {
    case Form::kToken:
      return "Token";
    case Form::kBearer:
      return "Bearer";
    case Form::kBasic:
      return "Basic";
    case Form::kTokenUserSecret:
      return "Token user:secret";
    case Form::kQueryParams:
      return "u/p params";
  }
  return "?";
}

std::string Base64(const std::string& in) {
  static const char* k =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += k[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += k[(acc << (6 - bits)) & 63];
  while (out.size() % 4) out += '=';
  return out;
}

// Header line and target for presenting `secret` in `form`.
std::pair<std::string, std::string> Present(const std::string& target,
                                            const std::string& secret,
                                            Form form) {
  switch (form) {
    case Form::kToken:
      return {"Token " + secret, target};
    case Form::kBearer:
      return {"Bearer " + secret, target};
    case Form::kBasic:
      return {"Basic " + Base64("anyone:" + secret), target};
    case Form::kTokenUserSecret:
      return {"Token someone:" + secret, target};
    case Form::kQueryParams:
      return {"", target + (target.find('?') == std::string::npos ? "?" : "&") +
                      "u=x&p=" + secret};
  }
  return {"", target};
}

int Send(uint16_t port, const Route& route, const std::string& authorization,
         const std::string& target) {
  if (route.stream) {
    const std::string saved = testing::DefaultAuthorization();
    testing::SetDefaultAuthorization(authorization);
    auto client = testing::SseClient::Open(port, target);
    testing::SetDefaultAuthorization(saved);
    return client->status();
  }
  // Server{} cleared the default Authorization: "" sends none.
  return HttpRequest(port, route.method, target, route.body,
                     authorization.empty()
                         ? ""
                         : "Authorization: " + authorization + "\r\n")
      .status;
}

std::string Create(const std::string& data_dir, const std::string& name,
                   const std::vector<std::string>& scopes,
                   const std::string& expires = "") {
  std::vector<std::string> args = {"token",  "create", "--data-dir",
                                   data_dir, "--name", name};
  for (const auto& s : scopes) {
    args.push_back("--scope");
    args.push_back(s);
  }
  if (!expires.empty()) {
    args.push_back("--expires");
    args.push_back(expires);
  }
  auto r = testing::RunCitynexus(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string secret = r.out;
  while (!secret.empty() && secret.back() == '\n') secret.pop_back();
  REQUIRE(secret.rfind("cnx_", 0) == 0);
  REQUIRE(secret.find('\n') == std::string::npos);  // the secret alone
  return secret;
}

// The SensorThings @iot.id of the (only) Datastream whose JSON mentions
// `measurement`, as the admin sees it; "" when there is none.
std::string DatastreamId(uint16_t port, const std::string& admin,
                         const std::string& measurement) {
  const auto r = HttpRequest(port, "GET", "/v1.1/Datastreams", "",
                             "Authorization: Bearer " + admin + "\r\n");
  REQUIRE(r.status == 200);
  const nlohmann::json doc = nlohmann::json::parse(r.body);
  for (const auto& ds : doc["value"]) {
    if (ds.dump().find(measurement) == std::string::npos) continue;
    const auto& id = ds["@iot.id"];
    return id.is_string() ? id.get<std::string>() : id.dump();
  }
  return "";
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Server {
  testing::TempDir dir;
  std::string data_dir = dir.str() + "/data";
  std::unique_ptr<testing::Citynexus> process;
  uint16_t port = 0;
  std::string admin;

  Server() {
    const std::string config = dir.str() + "/citynexus.json";
    std::ofstream(config) << kConfig;
    process = std::make_unique<testing::Citynexus>(
        std::vector<std::string>{"serve", "--config", config, "--data-dir",
                                 data_dir, "--listen", "127.0.0.1:0"});
    auto log = process->WaitForStderr(" listening on 127.0.0.1:", seconds(60));
    INFO(process->Stderr());
    REQUIRE(log.has_value());
    port = testing::ListeningPort(*log).value();
    admin = process->AdminToken().value();
    testing::SetDefaultAuthorization("");
  }
  ~Server() { testing::SetDefaultAuthorization(""); }
};

}  // namespace

TEST_CASE("every route x caller x credential form gets the right status",
          "[app][auth][integration]") {
  Server s;
  // The first start created the admin token file, mode 0600.
  const auto perms =
      std::filesystem::status(s.data_dir + "/admin.token").permissions();
  CHECK((perms & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read |
         std::filesystem::perms::owner_write));
  CHECK(s.process->Stderr().find(s.data_dir + "/admin.token") !=
        std::string::npos);
  CHECK(s.process->Stderr().find(s.admin) == std::string::npos);

  // Tokens made offline while the server holds the store.
  const std::string reader = Create(s.data_dir, "reader", {"read:*"});
  const std::string writer = Create(s.data_dir, "writer", {"write:*"});
  const std::string revoked = Create(s.data_dir, "gone", {"admin"});
  const std::string expired = Create(s.data_dir, "old", {"admin"}, "1s");
  {
    auto list = testing::RunCitynexus(
        {"token", "list", "--data-dir", s.data_dir, "--json"});
    REQUIRE(list.exit_code == 0);
    CHECK(list.out.find(revoked) == std::string::npos);  // never secrets
    const size_t at = list.out.find("\"gone\"");
    REQUIRE(at != std::string::npos);
    const size_t id_at = list.out.rfind("\"id\": \"", at);
    REQUIRE(id_at != std::string::npos);
    const std::string id = list.out.substr(id_at + 7, 16);
    auto r = testing::RunCitynexus(
        {"token", "revoke", id, "--data-dir", s.data_dir});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  // The expiry is one second after creation: wait it out (not a timing
  // threshold on the system under test, only the token's own lifetime).
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  // A private series, so SensorThings has a Datastream to write to.
  REQUIRE(HttpRequest(s.port, "POST", "/write?db=x", "priv_m f=0 1000000000",
                      "Authorization: Bearer " + s.admin + "\r\n")
              .status == 204);
  const std::string datastream = DatastreamId(s.port, s.admin, "priv_m");
  REQUIRE_FALSE(datastream.empty());
  // The dashboard's file names carry a content hash: take one from "/".
  const auto index = HttpRequest(s.port, "GET", "/");
  REQUIRE(index.status == 200);
  const size_t asset_at = index.body.find("/assets/");
  REQUIRE(asset_at != std::string::npos);
  const std::string asset = index.body.substr(
      asset_at, index.body.find_first_of("\"' >", asset_at) - asset_at);
  REQUIRE(HttpRequest(s.port, "GET", asset).status == 200);
  const std::vector<Route> routes = Routes(datastream, asset);

  struct Caller {
    std::string name;
    std::string secret;  // empty: no credentials
    bool valid;
    bool read, write, admin;
  };
  const std::vector<Caller> callers = {
      {"none", "", false, false, false, false},
      {"wrong", "cnx_wrongwrongwrongwrongwrongwrongwrongwrongwro", false, false,
       false, false},
      {"expired", expired, false, false, false, false},
      {"revoked", revoked, false, false, false, false},
      {"read-only", reader, true, true, false, false},
      {"write-only", writer, true, false, true, false},
      {"admin", s.admin, true, true, true, true},
  };
  const std::vector<Form> forms = {Form::kToken, Form::kBearer, Form::kBasic,
                                   Form::kTokenUserSecret, Form::kQueryParams};

  std::map<std::string, int> failures;
  int checked = 0;
  for (const Route& route : routes) {
    for (const Caller& caller : callers) {
      for (Form form : forms) {
        if (caller.secret.empty() && form != Form::kToken) continue;
        auto [authorization, target] =
            caller.secret.empty()
                ? std::pair<std::string, std::string>{"", route.target}
                : Present(route.target, caller.secret, form);
        const int status = Send(s.port, route, authorization, target);
        bool allowed = false;
        switch (route.need) {
          case Need::kOpen:
            allowed = true;
            break;
          case Need::kRead:
            allowed = caller.read;
            break;
          case Need::kWrite:
            allowed = caller.write;
            break;
          case Need::kAdmin:
            allowed = caller.admin;
            break;
          case Need::kFiltered:
            allowed = caller.valid || caller.secret.empty();
            break;
        }
        const std::string label = route.method + " " + route.target + " as " +
                                  caller.name + " via " + FormName(form);
        INFO(label << " -> " << status);
        ++checked;
        if (allowed) {
          CHECK(status != 401);
          CHECK(status != 403);
          CHECK(status >= 200);
          CHECK(status < 500);
        } else if (!caller.valid) {
          CHECK(status == 401);
        } else {
          CHECK(status == 403);
        }
      }
    }
  }
  CHECK(checked == static_cast<int>(routes.size()) * (1 + 6 * 5));
}

TEST_CASE("401 answers carry WWW-Authenticate; /query answers InfluxDB's shape",
          "[app][auth][integration]") {
  Server s;
  auto r = HttpRequest(s.port, "GET", "/api/v1/series?measurement=priv");
  CHECK(r.status == 401);
  CHECK(r.headers["www-authenticate"] == "Basic realm=\"citynexus\"");
  r = HttpRequest(s.port, "GET", "/query?db=x&q=SELECT%20*%20FROM%20priv", "",
                  "Authorization: Bearer cnx_nope\r\n");
  CHECK(r.status == 401);
  CHECK(r.body.rfind("{\"error\":\"", 0) == 0);
  const std::string reader = Create(s.data_dir, "pub", {"read:pub_*"});
  r = HttpRequest(s.port, "GET", "/query?db=x&q=SELECT%20*%20FROM%20priv", "",
                  "Authorization: Bearer " + reader + "\r\n");
  CHECK(r.status == 403);
  CHECK(r.body.rfind("{\"error\":\"error authorizing query: ", 0) == 0);
  // A write naming a forbidden measurement is refused whole.
  const std::string writer = Create(s.data_dir, "w", {"write:pub_*"});
  r = HttpRequest(s.port, "POST", "/write?db=x", "pub_a f=1\npriv_b f=1\n",
                  "Authorization: Token " + writer + "\r\n");
  CHECK(r.status == 403);
  CHECK(r.body.find("priv_b") != std::string::npos);
  r = HttpRequest(s.port, "GET", "/api/v1/series?measurement=pub_a");
  CHECK(r.status == 200);
  CHECK(r.body == "{\"series\":[]}");  // nothing of it was stored
}

TEST_CASE("private measurement names never leak through SHOW or FROM /regex/",
          "[app][auth][integration]") {
  Server s;
  auto w = HttpRequest(
      s.port, "POST", "/write?db=x",
      "pub_traffic,site=a count=1\npriv_meter,household=h42 kwh=3\n",
      "Authorization: Bearer " + s.admin + "\r\n");
  REQUIRE(w.status == 204);
  const std::string narrow = Create(s.data_dir, "narrow", {"read:pub_*"});
  const std::vector<std::string> statements = {
      "SHOW MEASUREMENTS",
      "SHOW SERIES",
      "SHOW TAG KEYS",
      "SHOW TAG VALUES WITH KEY = \"household\"",
      "SHOW TAG VALUES FROM /.*/ WITH KEY =~ /.*/",
      "SHOW FIELD KEYS",
      "SELECT * FROM /.*/",
      "SELECT * FROM /priv/"};
  for (const std::string& auth :
       {std::string(), "Authorization: Bearer " + narrow + "\r\n"}) {
    for (const auto& q : statements) {
      std::string encoded;
      for (char c : q) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
          encoded += c;
        } else {
          char buf[4];
          std::snprintf(buf, sizeof buf, "%%%02X",
                        static_cast<unsigned char>(c));
          encoded += buf;
        }
      }
      auto r = HttpRequest(s.port, "GET", "/query?db=x&q=" + encoded, "", auth);
      INFO((auth.empty() ? "anonymous: " : "read:pub_*: ")
           << q << " -> " << r.body);
      CHECK(r.status == 200);
      CHECK(r.body.find("priv") == std::string::npos);
      CHECK(r.body.find("household") == std::string::npos);
      CHECK(r.body.find("h42") == std::string::npos);
    }
    auto series = HttpRequest(s.port, "GET", "/api/v1/series", "", auth);
    CHECK(series.status == 200);
    CHECK(series.body.find("priv") == std::string::npos);
    CHECK(series.body.find("pub_traffic") != std::string::npos);
  }
  // The admin sees both.
  auto r = HttpRequest(s.port, "GET", "/query?db=x&q=SHOW%20MEASUREMENTS", "",
                       "Authorization: Bearer " + s.admin + "\r\n");
  CHECK(r.body.find("priv_meter") != std::string::npos);
}

TEST_CASE(
    "private series never leak through the Prometheus API or SensorThings",
    "[app][auth][integration]") {
  Server s;
  auto w = HttpRequest(s.port, "POST", "/write?db=x",
                       "pub_traffic,site=a count=1 1000000000\n"
                       "priv_meter,household=h42 kwh=3 1000000000\n",
                       "Authorization: Bearer " + s.admin + "\r\n");
  REQUIRE(w.status == 204);
  const std::string narrow = Create(s.data_dir, "narrow", {"read:pub_*"});
  const std::vector<std::string> targets = {
      "/prometheus/api/v1/query?query=%7B__name__%3D~%22.%2B%22%7D&time=1",
      "/prometheus/api/v1/query_range?query=%7B__name__%3D~%22.%2B%22%7D"
      "&start=0&end=60&step=15",
      "/prometheus/api/v1/series?match[]=%7B__name__%3D~%22.%2B%22%7D",
      "/prometheus/api/v1/labels",
      "/prometheus/api/v1/label/__name__/values",
      "/prometheus/api/v1/label/household/values",
      "/v1.1/Things",
      "/v1.1/Datastreams",
      "/v1.1/ObservedProperties",
      "/v1.1/Observations"};
  for (const std::string& auth :
       {std::string(), "Authorization: Bearer " + narrow + "\r\n"}) {
    for (const std::string& target : targets) {
      const auto r = HttpRequest(s.port, "GET", target, "", auth);
      INFO((auth.empty() ? "anonymous: " : "read:pub_*: ")
           << target << " -> " << r.status << " " << r.body);
      CHECK(r.status == 200);
      CHECK(r.body.find("priv") == std::string::npos);
      CHECK(r.body.find("household") == std::string::npos);
      CHECK(r.body.find("h42") == std::string::npos);
    }
    // The public series is there (the filter is not "nothing at all").
    const auto names = HttpRequest(
        s.port, "GET", "/prometheus/api/v1/label/__name__/values", "", auth);
    CHECK(names.body.find("pub_traffic") != std::string::npos);
    const auto things = HttpRequest(s.port, "GET", "/v1.1/Things", "", auth);
    CHECK(things.body.find("pub_traffic") != std::string::npos);
  }
  // The admin sees both (so the checks above can fail).
  const std::string bearer = "Authorization: Bearer " + s.admin + "\r\n";
  CHECK(HttpRequest(s.port, "GET", "/prometheus/api/v1/label/__name__/values",
                    "", bearer)
            .body.find("priv_meter") != std::string::npos);
  CHECK(HttpRequest(s.port, "GET", "/v1.1/Things", "", bearer)
            .body.find("priv_meter") != std::string::npos);
  // A private Datastream is not even addressable for a narrow token.
  const std::string id = DatastreamId(s.port, s.admin, "priv_meter");
  REQUIRE_FALSE(id.empty());
  CHECK(HttpRequest(s.port, "GET", "/v1.1/Datastreams(" + id + ")", "",
                    "Authorization: Bearer " + narrow + "\r\n")
            .status == 404);
}

TEST_CASE(
    "tokens work online and no secret appears in data dir, log or "
    "/metrics",
    "[app][auth][integration]") {
  Server s;
  std::vector<std::string> secrets = {s.admin};
  // Online create with the admin token read from its file.
  auto created = testing::RunCitynexus(
      {"token", "create", "--server", "127.0.0.1:" + std::to_string(s.port),
       "--token-file", s.data_dir + "/admin.token", "--name", "online",
       "--scope", "write:pub_*", "--scope", "read:pub_*"});
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  std::string online = created.out;
  online.pop_back();
  secrets.push_back(online);
  secrets.push_back(Create(s.data_dir, "offline", {"read:*"}));
  for (const auto& secret : secrets) {
    auto r = HttpRequest(s.port, "GET", "/api/v1/series?u=x&p=" + secret);
    CHECK(r.status == 200);
  }
  auto metrics = HttpRequest(s.port, "GET", "/metrics");
  REQUIRE(metrics.status == 200);
  // A clean stop flushes last-used times into tokens.json.
  s.process->Signal(SIGTERM);
  REQUIRE(s.process->Wait(seconds(60)).has_value());
  const std::string log = s.process->Stderr();
  std::string data;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(s.data_dir)) {
    if (!entry.is_regular_file()) continue;
    if (entry.path().filename() == "admin.token") continue;  // by design
    data += ReadAll(entry.path());
  }
  CHECK(data.find("\"last_used\": \"") == std::string::npos);  // unix seconds
  for (const auto& secret : secrets) {
    INFO(secret.substr(0, 8));
    CHECK(log.find(secret) == std::string::npos);
    CHECK(metrics.body.find(secret) == std::string::npos);
    CHECK(data.find(secret) == std::string::npos);
    CHECK(data.find(secret.substr(4)) == std::string::npos);
  }
  CHECK(log.find("p=[redacted]") != std::string::npos);
}

TEST_CASE("the influx 1.x CLI writes and reads with -username/-password",
          "[app][auth][integration]") {
  if (!std::filesystem::exists("/usr/bin/influx")) {
    WARN("influx CLI (Debian influxdb-client) not installed; skipped");
    return;
  }
  Server s;
  const std::string token =
      Create(s.data_dir, "cli", {"write:pub_cli", "read:pub_cli"});
  const std::string base = "/usr/bin/influx -host 127.0.0.1 -port " +
                           std::to_string(s.port) + " -username x -password " +
                           token + " -database citynexus ";
  auto run = [](const std::string& cmd) {
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
    return out;
  };
  auto wrote = run(base + "-execute 'INSERT pub_cli,site=a v=42'");
  INFO(wrote);
  auto read = run(base + "-execute 'SELECT v FROM pub_cli' -format csv");
  INFO(read);
  CHECK(read.find("42") != std::string::npos);
  auto denied =
      run("/usr/bin/influx -host 127.0.0.1 -port " + std::to_string(s.port) +
          " -username x -password wrong -database citynexus -execute "
          "'SELECT v FROM pub_cli'");
  INFO(denied);
  CHECK(denied.find("42") == std::string::npos);
}

}  // namespace citynexus
