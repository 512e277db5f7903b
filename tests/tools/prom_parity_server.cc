// The citynexus side of `make test-prom-parity`: a store in a fresh data
// directory loaded with the parity samples, serving the Prometheus API
// (query/promql.h) on a free loopback port.
//
// Why not `citynexus serve`: until the server fills Request::access from
// tokens (access-control issue #10), a served request carries no access and
// the Prometheus routes answer 401, as the contract requires. This program
// attaches the caller the parity run needs: net::Access::Internal(), or a
// token-scoped Access with --read-globs (to check that private series stay
// invisible).
//
// Usage: prom_parity_server --data-dir DIR --load SAMPLES.tsv --port-file F
//          [--read-globs "traffic,air*"]
// SAMPLES.tsv lines: measurement TAB field TAB k=v,k=v TAB type(f|i) TAB
// unix_ms TAB value. Runs until SIGINT or SIGTERM.
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "net/net.h"
#include "query/promql.h"

namespace cn = citynexus;

namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

int Fail(const std::string& message) {
  std::cerr << "prom_parity_server: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  if (args["--data-dir"].empty() || args["--load"].empty() ||
      args["--port-file"].empty()) {
    return Fail(
        "usage: --data-dir DIR --load SAMPLES.tsv --port-file F [--read-globs "
        "a,b]");
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  cn::engine::StoreOptions options;
  options.data_dir = args["--data-dir"];
  auto store = cn::engine::OpenStore(options);
  if (!store) return Fail(store.error().ToString());

  std::ifstream in(args["--load"]);
  if (!in) return Fail("cannot read " + args["--load"]);
  std::map<std::string, cn::engine::SeriesId> ids;
  std::vector<cn::engine::Point> batch;
  auto flush = [&]() -> bool {
    if (batch.empty()) return true;
    auto written = (*store)->Append(batch);
    if (!written || !written->rejected.empty()) return false;
    batch.clear();
    return true;
  };
  std::string line;
  size_t points = 0;
  while (std::getline(in, line)) {
    const auto cols = Split(line, '\t');
    if (cols.size() != 6) return Fail("bad line: " + line);
    cn::engine::SeriesKey key;
    key.measurement = cols[0];
    key.field = cols[1];
    for (const auto& kv : Split(cols[2], ',')) {
      const size_t eq = kv.find('=');
      if (eq != std::string::npos)
        key.tags.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    key.SortTags();
    const bool integer = cols[3] == "i";
    const std::string canonical = key.Canonical();
    auto it = ids.find(canonical);
    if (it == ids.end()) {
      auto info = (*store)->GetOrCreateSeries(
          key, integer ? cn::engine::ValueType::kInt
                       : cn::engine::ValueType::kFloat);
      if (!info) return Fail(info.error().ToString());
      it = ids.emplace(canonical, info->id).first;
    }
    cn::engine::Point p;
    p.series = it->second;
    p.timestamp_ns = std::stoll(cols[4]) * 1000000;
    if (integer) {
      p.value = static_cast<int64_t>(std::stoll(cols[5]));
    } else {
      p.value = std::strtod(cols[5].c_str(), nullptr);
    }
    batch.push_back(std::move(p));
    ++points;
    if (batch.size() >= 10000 && !flush()) return Fail("append failed");
  }
  if (!flush()) return Fail("append failed");
  std::cerr << "prom_parity_server: loaded " << points << " points into "
            << ids.size() << " series\n";

  std::shared_ptr<const cn::net::Access> access = cn::net::Access::Internal();
  if (!args["--read-globs"].empty()) {
    std::vector<cn::net::Scope> scopes;
    for (const auto& glob : Split(args["--read-globs"], ',')) {
      scopes.push_back({cn::net::Scope::Kind::kRead, glob});
    }
    access = cn::net::Access::ForToken("parity", "parity", scopes, {});
  }

  cn::net::Router inner;
  cn::query::RegisterPrometheusRoutes(inner, **store, cn::query::QueryOptions{},
                                      cn::query::PromqlOptions{}, "parity");
  // Every request gets `access`, then goes to the route it names.
  cn::net::Router outer;
  for (const char* method : {"GET", "POST"}) {
    for (const char* pattern :
         {"/prometheus/api/v1/{a}", "/prometheus/api/v1/{a}/{b}",
          "/prometheus/api/v1/{a}/{b}/{c}"}) {
      outer.AddAsync(
          method, pattern,
          [&inner, access](cn::net::Request req, cn::net::Responder respond) {
            auto match = inner.Find(req.method, req.path);
            if (match.handler == nullptr) {
              respond(cn::net::Response::Error(404, "not_found", "no route"));
              return;
            }
            req.access = access;
            req.path_params = match.params;
            (*match.handler)(std::move(req), std::move(respond));
          });
    }
  }
  cn::net::ServerOptions server_options;
  server_options.port = 0;
  server_options.threads = 2;
  cn::net::MetricsRegistry metrics;
  cn::net::HttpServer server(server_options, outer, metrics);
  if (cn::Status st = server.Start(); !st.ok()) return Fail(st.ToString());
  {
    std::ofstream port_file(args["--port-file"]);
    port_file << server.port() << "\n";
  }
  int sig = 0;
  sigwait(&signals, &sig);
  server.Stop();
  return 0;
}
