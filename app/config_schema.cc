#include "app/config_schema.h"

#include <cassert>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "app/config.h"
#include "app/config_values.h"
#include "app/option_builders.h"

namespace citynexus::app {
namespace {

using namespace builders;  // NOLINT: the table reads as a list of builders
using std::chrono::seconds;

// ---- the declarations ----

using engine::RetentionRule;
using engine::SyncMode;
constexpr seconds kMinute{60};
constexpr seconds kDay{86400};

std::vector<Option<RetentionRule>> RetentionRuleOptions() {
  using R = RetentionRule;
  std::vector<Option<R>> o;
  o.push_back(StringOption<R>(
      {"measurement", "",
       "Glob (`*`, `?`) over measurement names this rule applies to."},
      std::nullopt, [](R& r, const std::string& v) { r.measurement_glob = v; },
      [](const R& r) -> std::optional<std::string> {
        if (r.measurement_glob.empty()) return std::nullopt;
        return r.measurement_glob;
      }));
  o.push_back(StringOption<R>(
      {"domain", "",
       "Series domain this rule applies to (`mobility`, `energy`, `water`, "
       "...)."},
      std::nullopt, [](R& r, const std::string& v) { r.domain = v; },
      [](const R& r) -> std::optional<std::string> {
        if (r.domain.empty()) return std::nullopt;
        return r.domain;
      }));
  o.push_back(DurationOption<R>(
      {"raw", "", "How long raw points are kept; absent = forever."},
      std::nullopt, kMinute, 520 * 7 * kDay,
      [](R& r, seconds d) { r.raw_max_age = d; },
      [](const R& r) { return r.raw_max_age; }));
  o.push_back(DurationOption<R>(
      {"rollups", "", "How long rollups are kept; absent = forever."},
      std::nullopt, kMinute, 520 * 7 * kDay,
      [](R& r, seconds d) { r.rollup_max_age = d; },
      [](const R& r) { return r.rollup_max_age; }));
  return o;
}

std::vector<Option<Config>> BuildConfigOptions() {
  using C = Config;
  std::vector<Option<C>> o;

  o.push_back(StringOption<C>(
      {"data_dir", "",
       "Directory of the store; created if missing. Relative paths are "
       "relative to the working directory."},
      "./data", [](C& c, const std::string& v) { c.data_dir = v; },
      [](const C& c) -> std::optional<std::string> { return c.data_dir; }));
  o.push_back(EnumOption<C>(
      {"log_level", "", "Minimum level of log lines written to stderr."},
      "info", {"debug", "info", "warn", "error"},
      [](C& c, const std::string& v) {
        [[maybe_unused]] const bool known = ParseLogLevel(v, &c.log_level);
        assert(known);
      },
      [](const C& c) { return std::string(LogLevelName(c.log_level)); }));

  // ---- http: the HTTP server (net::ServerOptions) ----
  o.push_back(HostPortOption<C>(
      {"http.listen", "",
       "Address the HTTP server binds. Port 0 picks a free port (the bound "
       "port is logged). IPv6 hosts in brackets: \"[::1]:8080\"."},
      "127.0.0.1:8080",
      [](C& c, const HostPort& v) {
        c.http.host = v.host;
        c.http.port = v.port;
      },
      [](const C& c) { return FormatHostPort(c.http.host, c.http.port); }));
  o.push_back(IntegerOption<C>(
      {"http.threads", "threads",
       "I/O threads serving HTTP; 0 = one per CPU core."},
      0, 0, 256, [](C& c, int64_t v) { c.http.threads = static_cast<int>(v); },
      [](const C& c) { return int64_t{c.http.threads}; }));
  o.push_back(IntegerOption<C>(
      {"http.max_body_bytes", "bytes",
       "Largest accepted request body; larger requests get 413."},
      int64_t{32} << 20, 1024, int64_t{1} << 30,
      [](C& c, int64_t v) { c.http.max_body_bytes = static_cast<uint64_t>(v); },
      [](const C& c) { return static_cast<int64_t>(c.http.max_body_bytes); }));
  o.push_back(IntegerOption<C>(
      {"http.read_timeout_ms", "ms",
       "How long a connection may take to send a complete request (and idle "
       "between keep-alive requests) before it is closed."},
      30000, 100, 3600000,
      [](C& c, int64_t v) {
        c.http.read_timeout = std::chrono::milliseconds(v);
      },
      [](const C& c) {
        return static_cast<int64_t>(c.http.read_timeout.count());
      }));

  // ---- storage: the embedded store (engine::StoreOptions) ----
  o.push_back(EnumOption<C>(
      {"storage.sync", "",
       "When an acknowledged write is safe against power loss: \"always\" "
       "fsyncs before acknowledging (concurrent writes share one fsync); "
       "\"interval\" fsyncs every storage.sync_interval_ms (a process crash "
       "still loses nothing)."},
      "interval", {"always", "interval"},
      [](C& c, const std::string& v) {
        c.storage.sync =
            v == "always" ? SyncMode::kAlways : SyncMode::kInterval;
      },
      [](const C& c) {
        return std::string(c.storage.sync == SyncMode::kAlways ? "always"
                                                               : "interval");
      }));
  o.push_back(IntegerOption<C>(
      {"storage.sync_interval_ms", "ms",
       "Longest time between fsyncs with storage.sync \"interval\"."},
      1000, 1, 60000,
      [](C& c, int64_t v) {
        c.storage.sync_interval = std::chrono::milliseconds(v);
      },
      [](const C& c) {
        return static_cast<int64_t>(c.storage.sync_interval.count());
      }));
  o.push_back(DurationListOption<C>(
      {"storage.rollups", "",
       "Rollup bucket widths kept per series (count, sum, min, max, first, "
       "last). Each must divide storage.block_window; no duplicates."},
      {"1h", "1d"}, seconds(1), 30 * kDay,
      [](C& c, std::vector<seconds> v) {
        c.storage.rollup_resolutions = std::move(v);
      },
      [](const C& c) { return c.storage.rollup_resolutions; }));
  o.push_back(DurationOption<C>(
      {"storage.block_window", "",
       "Time span of one sealed, compressed block per series "
       "(epoch-aligned)."},
      "1d", kMinute, 30 * kDay,
      [](C& c, seconds v) { c.storage.block_window = v; },
      [](const C& c) -> std::optional<seconds> {
        return c.storage.block_window;
      }));
  o.push_back(ObjectArrayOption<C, RetentionRule>(
      {"storage.retention", "",
       "Retention rules; the first rule matching a series applies (by "
       "measurement glob or domain). Series no rule matches keep everything."},
      RetentionRuleOptions(),
      [](const RetentionRule& r, const std::string& where,
         ConfigErrors& errors) {
        if (r.measurement_glob.empty() && r.domain.empty()) {
          errors.Add(where,
                     "expected \"measurement\" or \"domain\" (which series "
                     "the rule applies to), got neither");
        }
      },
      [](C& c, std::vector<RetentionRule> v) {
        c.storage.retention = std::move(v);
      },
      [](const C& c) -> const std::vector<RetentionRule>& {
        return c.storage.retention;
      }));

  // ---- ingest: the HTTP write endpoints (connectors::HttpIngestOptions) ----
  o.push_back(IntegerOption<C>(
      {"ingest.write_threads", "threads",
       "Threads that decode write requests and append them to the store, "
       "off the HTTP I/O threads."},
      2, 1, 64,
      [](C& c, int64_t v) { c.ingest.write_threads = static_cast<size_t>(v); },
      [](const C& c) { return static_cast<int64_t>(c.ingest.write_threads); }));
  o.push_back(IntegerOption<C>(
      {"ingest.max_queued_requests", "requests",
       "Write requests that may wait for a write thread; beyond that writes "
       "get 503 with Retry-After instead of growing memory."},
      64, 1, 100000,
      [](C& c, int64_t v) {
        c.ingest.max_queued_requests = static_cast<size_t>(v);
      },
      [](const C& c) {
        return static_cast<int64_t>(c.ingest.max_queued_requests);
      }));

  // ---- query: guards of the read API (query::QueryOptions) ----
  o.push_back(IntegerOption<C>(
      {"query.max_series", "series",
       "Series one query may select; more answers 422 naming this limit."},
      10000, 1, 10000000,
      [](C& c, int64_t v) { c.query.max_series = static_cast<size_t>(v); },
      [](const C& c) { return static_cast<int64_t>(c.query.max_series); }));
  o.push_back(IntegerOption<C>(
      {"query.max_points", "points",
       "Raw points one query may read; more answers 422 naming this limit."},
      50000000, 1000, int64_t{1} << 40,
      [](C& c, int64_t v) { c.query.max_points = static_cast<uint64_t>(v); },
      [](const C& c) { return static_cast<int64_t>(c.query.max_points); }));
  o.push_back(IntegerOption<C>(
      {"query.max_buckets", "values",
       "Values (series x buckets) one aggregation may return; more answers "
       "422 naming this limit."},
      1000000, 100, int64_t{1} << 32,
      [](C& c, int64_t v) { c.query.max_buckets = static_cast<size_t>(v); },
      [](const C& c) { return static_cast<int64_t>(c.query.max_buckets); }));
  return o;
}

// Checks that span several options; run after every option was applied.
void CheckConfig(const Config& config, ConfigErrors& errors) {
  const auto& rollups = config.storage.rollup_resolutions;
  const seconds window = config.storage.block_window;
  for (size_t i = 0; i < rollups.size(); ++i) {
    if (window.count() % rollups[i].count() != 0) {
      errors.Add("storage.rollups[" + std::to_string(i) + "]",
                 "must divide storage.block_window (" + FormatDuration(window) +
                     "), got " + Quote(FormatDuration(rollups[i])));
    }
  }
}

}  // namespace

const std::vector<Option<Config>>& ConfigOptions() {
  static const std::vector<Option<Config>> options = BuildConfigOptions();
  return options;
}

std::vector<OptionInfo> DeclaredOptions() {
  std::vector<OptionInfo> out;
  for (const Option<Config>& option : ConfigOptions()) {
    out.push_back(option.info);
    for (OptionInfo element : option.info.element) {
      element.path = option.info.path + "[]." + element.path;
      out.push_back(std::move(element));
    }
  }
  return out;
}

Config DefaultConfig() {
  Config config;
  ApplyDefaults(ConfigOptions(), config);
  return config;
}

void ApplyConfigJson(const Json& document, Config& config,
                     ConfigErrors& errors) {
  const size_t before = errors.lines().size();
  ApplyObject(document, "", "", ConfigOptions(), config, errors);
  // Cross-option checks would report follow-on noise after a failed option.
  if (errors.lines().size() == before) CheckConfig(config, errors);
}

Json ConfigToJson(const Config& config) {
  return ToJson(ConfigOptions(), config);
}

}  // namespace citynexus::app
