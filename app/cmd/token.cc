#include "app/cmd/token.h"

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/auth/token_api.h"
#include "app/auth/token_store.h"
#include "app/cmd/common.h"
#include "net/net.h"

namespace citynexus::app {
namespace {

using nlohmann::json;

int Fail(std::ostream& err, const std::string& message) {
  err << "citynexus token: " << message << "\n";
  return kExitFailure;
}

std::optional<std::string> ReadSecretFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string secret;
  std::getline(in, secret);
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) {
    secret.pop_back();
  }
  if (secret.empty()) return std::nullopt;
  return secret;
}

void PrintTable(const std::vector<json>& tokens, std::ostream& out) {
  out << "ID                NAME                 SCOPES                   "
         "EXPIRES               LAST USED\n";
  for (const auto& t : tokens) {
    std::string scopes;
    for (const auto& s : t["scopes"]) {
      scopes += (scopes.empty() ? "" : ",") + s.get<std::string>();
    }
    auto text = [](const json& v) {
      return v.is_null() ? std::string("-") : v.get<std::string>();
    };
    out << t["id"].get<std::string>() << "  " << t["name"].get<std::string>()
        << "  " << scopes << "  " << text(t["expires"]) << "  "
        << text(t["last_used"]) << "\n";
  }
}

// Online: one request to the server's admin API with the admin token.
Result<net::ClientResponse> Call(const std::string& server,
                                 const std::string& admin_secret,
                                 const std::string& method,
                                 const std::string& path, std::string body) {
  net::HttpClient client;
  net::ClientRequest request;
  request.method = method;
  request.url = "http://" + server + path;
  request.headers.emplace_back("Authorization", "Bearer " + admin_secret);
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.body = std::move(body);
  return client.FetchSync(request);
}

int RunToken(const std::vector<std::string>& raw_args, std::ostream& out,
             std::ostream& err) {
  // --scope may repeat; ParseArgs keeps one value per flag, so take them
  // out first.
  std::vector<std::string> args;
  std::vector<std::string> scope_texts;
  for (size_t i = 0; i < raw_args.size(); ++i) {
    const std::string& a = raw_args[i];
    if (a == "--scope" && i + 1 < raw_args.size()) {
      scope_texts.push_back(raw_args[++i]);
    } else if (a.rfind("--scope=", 0) == 0) {
      scope_texts.push_back(a.substr(8));
    } else {
      args.push_back(a);
    }
  }
  Args parsed;
  if (auto done = ParseCommandLine(
          kTokenCommand,
          {.values = {"--name", "--expires", "--data-dir", "--config",
                      "--server", "--token", "--token-file"},
           .switches = {"--json"},
           // The action and its ID: counted per action below.
           .max_positional = SIZE_MAX},
          args, &parsed, out, err)) {
    return *done;
  }
  if (parsed.positional.empty()) {
    return UsageError(kTokenCommand, "missing create, list or revoke", err);
  }
  const std::string action = parsed.positional[0];
  if (action != "create" && action != "list" && action != "revoke") {
    return UsageError(kTokenCommand, "unknown action " + action, err);
  }
  const size_t want_positional = action == "revoke" ? 2 : 1;
  if (parsed.positional.size() != want_positional) {
    return UsageError(kTokenCommand,
                      action == "revoke"
                          ? "revoke needs exactly one ID"
                          : "unexpected argument " + parsed.positional.back(),
                      err);
  }
  const bool online = parsed.Has("--server");
  if (!online && !parsed.Has("--data-dir") && !parsed.Has("--config")) {
    return UsageError(kTokenCommand,
                      "give --data-dir DIR, --config FILE or --server "
                      "HOST:PORT",
                      err);
  }
  if (action == "create") {
    if (!parsed.Has("--name")) {
      return UsageError(kTokenCommand, "create needs --name", err);
    }
    if (scope_texts.empty()) {
      return UsageError(kTokenCommand, "create needs at least one --scope",
                        err);
    }
  }

  if (online) {
    const std::string server = parsed.flags["--server"];
    std::optional<std::string> secret;
    if (parsed.flags.count("--token")) {
      secret = parsed.flags["--token"];
    } else {
      std::string file =
          parsed.flags.count("--token-file")
              ? parsed.flags["--token-file"]
              : (parsed.flags.count("--data-dir")
                     ? parsed.flags["--data-dir"] + "/admin.token"
                     : "");
      if (file.empty()) {
        return UsageError(kTokenCommand,
                          "--server needs an admin token: --token-file FILE "
                          "or --token SECRET",
                          err);
      }
      secret = ReadSecretFile(file);
      if (!secret) return Fail(err, "cannot read a token from " + file);
    }
    Result<net::ClientResponse> response = Status::Ok();
    if (action == "create") {
      json body = {{"name", parsed.flags["--name"]}, {"scopes", scope_texts}};
      if (parsed.flags.count("--expires")) {
        body["expires"] = parsed.flags["--expires"];
      }
      response =
          Call(server, *secret, "POST", "/api/v1/admin/tokens", body.dump());
    } else if (action == "list") {
      response = Call(server, *secret, "GET", "/api/v1/admin/tokens", "");
    } else {
      response = Call(server, *secret, "DELETE",
                      "/api/v1/admin/tokens/" + parsed.positional[1], "");
    }
    if (!response) {
      return Fail(err, "asking the server at " + server + ": " +
                           response.error().message());
    }
    if (response->status / 100 != 2) {
      return Fail(err, "the server at " + server + " answered " +
                           std::to_string(response->status) + ": " +
                           response->body);
    }
    try {
      if (action == "create") {
        const json j = json::parse(response->body);
        err << "created token " << j["token"]["id"].get<std::string>() << " (\""
            << j["token"]["name"].get<std::string>() << "\")\n";
        out << j["secret"].get<std::string>() << "\n";
      } else if (action == "list") {
        const json j = json::parse(response->body);
        if (parsed.Has("--json")) {
          out << j.dump(2) << "\n";
        } else {
          PrintTable(j["tokens"].get<std::vector<json>>(), out);
        }
      } else {
        err << "revoked token " << parsed.positional[1] << "\n";
      }
    } catch (const json::exception& e) {
      return Fail(err, std::string("unexpected answer: ") + e.what());
    }
    return kExitOk;
  }

  std::optional<Config> config = LoadCommandConfig(parsed, err);
  if (!config) return kExitFailure;
  TokenStore tokens(config->data_dir);
  if (action == "create") {
    auto scopes = ParseScopes(scope_texts);
    if (!scopes) return Fail(err, scopes.error().message());
    std::optional<int64_t> expires;
    if (parsed.flags.count("--expires")) {
      auto e = ExpiryFromDuration(parsed.flags["--expires"]);
      if (!e) return Fail(err, e.error().message());
      expires = *e;
    }
    auto created =
        tokens.Create(parsed.flags["--name"], std::move(*scopes), expires);
    if (!created) return Fail(err, created.error().message());
    err << "created token " << created->info.id << " (\"" << created->info.name
        << "\") in " << tokens.path() << "\n";
    out << created->secret << "\n";
    return kExitOk;
  }
  if (action == "list") {
    auto list = tokens.List();
    if (!list) return Fail(err, list.error().message());
    std::vector<json> items;
    for (const auto& t : *list) items.push_back(TokenJson(t));
    if (parsed.Has("--json")) {
      out << json{{"tokens", items}}.dump(2) << "\n";
    } else {
      PrintTable(items, out);
    }
    return kExitOk;
  }
  if (Status s = tokens.Revoke(parsed.positional[1]); !s.ok()) {
    return Fail(err, s.message());
  }
  err << "revoked token " << parsed.positional[1] << "\n";
  return kExitOk;
}

}  // namespace

const Command kTokenCommand = {
    "token", "create, list and revoke API tokens",
    "usage: citynexus token create --name NAME --scope SCOPE [--scope "
    "SCOPE...]\n"
    "                              [--expires DURATION] WHERE\n"
    "       citynexus token list WHERE\n"
    "       citynexus token revoke ID WHERE\n"
    "WHERE: --data-dir DIR | --config FILE                     (offline)\n"
    "     | --server HOST:PORT [--token-file FILE | --token SECRET]  (online)\n"
    "\n"
    "A token is a random 256-bit secret, shown once by create (alone on\n"
    "stdout, so T=$(citynexus token create ...) works) and stored only as a\n"
    "SHA-256 hash. Scopes: read:<glob>, write:<glob> (globs of measurement\n"
    "names, '*' and '?'), admin. A running server sees changes at once.\n"
    "\n"
    "flags:\n"
    "  --name NAME          a label for the token (create)\n"
    "  --scope SCOPE        a permission; repeat for several (create)\n"
    "  --expires DURATION   lifetime such as 90d, 12h, 2w (create; default:\n"
    "                       never)\n"
    "  --data-dir DIR       the server's data dir (tokens.json lives there)\n"
    "  --config FILE        configuration file; its data_dir\n"
    "  --server HOST:PORT   a running server (uses /api/v1/admin/tokens)\n"
    "  --token-file FILE    file holding an admin token for --server\n"
    "                       (default with --data-dir: DIR/admin.token)\n"
    "  --token SECRET       an admin token for --server (visible in ps;\n"
    "                       prefer --token-file)\n"
    "  --json               list: print JSON instead of a table\n"
    "  -h, --help           show this help\n",
    RunToken};

}  // namespace citynexus::app
