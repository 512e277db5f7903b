#include "app/config/schema.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "app/config/config.h"
#include "app/config/values.h"
#include "app/config/limits_options.h"
#include "app/config/mapping_options.h"
#include "app/config/option_builders.h"

namespace citynexus::app {
namespace {

using namespace builders;  // NOLINT: the table reads as a list of builders
using std::chrono::seconds;

// ---- the declarations ----

using engine::RetentionRule;
using engine::SyncMode;
constexpr seconds kMinute{60};
constexpr seconds kDay{86400};

// ---- mqtt: the MQTT connector (connectors::MqttOptions) ----

using connectors::MqttFormat;
using connectors::MqttOptions;
using connectors::MqttSubscription;

// `mqtt.brokers`: an array of broker URIs, each checked.
Option<Config> BrokerListOption(Doc doc) {
  Option<Config> option;
  option.info =
      InfoFrom(std::move(doc), "array of string",
               "tcp://, mqtt://, ssl:// or mqtts:// URIs", Json::array());
  option.set = [](const Json& value, const std::string& where, Config& target,
                  ConfigErrors& errors) {
    if (!value.is_array()) {
      errors.Add(where,
                 "expected an array of broker URIs like "
                 "[\"tcp://localhost:1883\"], got " +
                     Show(value));
      return;
    }
    std::vector<std::string> brokers;
    bool ok = true;
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string item = where + "[" + std::to_string(i) + "]";
      if (!value[i].is_string()) {
        errors.Add(item, "expected a broker URI string, got " + Show(value[i]));
        ok = false;
        continue;
      }
      const std::string& uri = value[i].get_ref<const std::string&>();
      Status s = connectors::ValidateBrokerUri(uri);
      if (!s.ok()) {
        errors.Add(item, s.message());
        ok = false;
        continue;
      }
      brokers.push_back(uri);
    }
    if (ok) target.mqtt.brokers = std::move(brokers);
  };
  option.get = [](const Config& target) {
    Json out = Json::array();
    for (const std::string& b : target.mqtt.brokers) out.push_back(b);
    return out;
  };
  return option;
}

// `tags_from_topic`: an object of tag name -> 0-based topic level.
Option<MqttSubscription> TagsFromTopicOption(Doc doc) {
  Option<MqttSubscription> option;
  option.info =
      InfoFrom(std::move(doc), "object of integer", "0..63 each", std::nullopt);
  option.set = [](const Json& value, const std::string& where,
                  MqttSubscription& target, ConfigErrors& errors) {
    if (!value.is_object()) {
      errors.Add(where,
                 "expected an object of tag name -> topic level, like "
                 "{\"sensor\": 2}, got " +
                     Show(value));
      return;
    }
    std::vector<std::pair<std::string, int>> tags;
    bool ok = true;
    for (const auto& [name, level] : value.items()) {
      const std::string item = JoinPath(where, name);
      if (name.empty()) {
        errors.Add(where, "tag names must be non-empty");
        ok = false;
      } else if (!level.is_number_integer() ||
                 (level.is_number_unsigned() && level.get<uint64_t>() > 63) ||
                 (!level.is_number_unsigned() &&
                  (level.get<int64_t>() < 0 || level.get<int64_t>() > 63))) {
        errors.Add(item,
                   "expected an integer topic level 0..63 (0-based), got " +
                       Show(level));
        ok = false;
      } else {
        tags.emplace_back(name, level.get<int>());
      }
    }
    if (ok) {
      std::sort(tags.begin(), tags.end());
      target.tags_from_topic = std::move(tags);
    }
  };
  option.get = [](const MqttSubscription& target) {
    if (target.tags_from_topic.empty()) return Json();
    Json out = Json::object();
    for (const auto& [name, level] : target.tags_from_topic) out[name] = level;
    return out;
  };
  return option;
}

std::optional<std::string> NonEmpty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

std::vector<Option<MqttSubscription>> MqttSubscriptionOptions() {
  using S = MqttSubscription;
  std::vector<Option<S>> o;
  o.push_back(StringOption<S>(
      {"topic", "",
       "Topic filter; wildcards + and #, shared subscriptions as "
       "$share/<group>/<filter>."},
      std::nullopt, [](S& s, const std::string& v) { s.topic = v; },
      [](const S& s) { return NonEmpty(s.topic); }));
  o.push_back(EnumOption<S>(
      {"format", "", "Payload format of the messages."}, "line_protocol",
      {"line_protocol", "senml", "ttn", "json", "value"},
      [](S& s, const std::string& v) {
        s.format = connectors::ParseMqttFormat(v).value();
      },
      [](const S& s) {
        return std::string(connectors::MqttFormatName(s.format));
      }));
  o.push_back(StringOption<S>(
      {"measurement", "",
       "Measurement of the points (value, json: required; senml, ttn: "
       "optional)."},
      std::nullopt, [](S& s, const std::string& v) { s.measurement = v; },
      [](const S& s) { return NonEmpty(s.measurement); }));
  o.push_back(StringOption<S>(
      {"field", "", "Field of the points (format value)."}, std::nullopt,
      [](S& s, const std::string& v) { s.field = v; },
      [](const S& s) { return NonEmpty(s.field); }));
  o.push_back(EnumOption<S>(
      {"precision", "",
       "Unit of timestamps in line protocol payloads (format line_protocol)."},
      "ns", {"ns", "us", "ms", "s"},
      [](S& s, const std::string& v) {
        s.precision = connectors::ParsePrecision(v, false).value();
      },
      [](const S& s) {
        switch (s.precision) {
          case connectors::Precision::kMicrosecond:
            return std::string("us");
          case connectors::Precision::kMillisecond:
            return std::string("ms");
          case connectors::Precision::kSecond:
            return std::string("s");
          default:
            return std::string("ns");
        }
      }));
  AddMappingOptions(o);
  o.push_back(TagsFromTopicOption(
      {"tags_from_topic", "",
       "Tags taken from topic levels: tag name -> 0-based level."}));
  o.push_back(StringOption<S>(
      {"unit", "", "Unit recorded on the series this subscription creates."},
      std::nullopt, [](S& s, const std::string& v) { s.unit = v; },
      [](const S& s) { return NonEmpty(s.unit); }));
  o.push_back(StringOption<S>(
      {"domain", "",
       "Domain recorded on the series this subscription creates."},
      std::nullopt, [](S& s, const std::string& v) { s.domain = v; },
      [](const S& s) { return NonEmpty(s.domain); }));
  return o;
}

void ValidateMqttSubscription(const MqttSubscription& s,
                              const std::string& where, ConfigErrors& errors) {
  if (s.topic.empty()) {
    errors.Add(where + ".topic", "expected a topic filter, got none");
  } else if (Status v = connectors::ValidateTopicFilter(s.topic); !v.ok()) {
    errors.Add(where + ".topic", v.message());
  }
  const std::string format(connectors::MqttFormatName(s.format));
  if (s.format != MqttFormat::kJson) {
    const connectors::JsonMappingRule& rule = s.json;
    for (const auto& [key, given] :
         {std::pair<const char*, bool>{"records", !rule.records.empty()},
          {"time", !rule.time.empty()},
          {"fields", !rule.fields.empty()},
          {"tags", !rule.tags.empty()}}) {
      if (given) {
        errors.Add(where + "." + key, "only for format \"json\"; " +
                                          Quote(format) +
                                          " payloads are not mapped");
      }
    }
  }
  if (s.format == MqttFormat::kJson) {
    if (s.measurement.empty()) {
      errors.Add(where + ".measurement",
                 "required for format \"json\", got none");
      return;
    }
    if (!s.field.empty()) {
      errors.Add(where + ".field",
                 "only for format \"value\"; format \"json\" takes "
                 "\"fields\" (field name -> JSON Pointer)");
      return;
    }
    connectors::JsonMappingRule rule = s.json;
    rule.measurement = s.measurement;
    if (Status v = connectors::ValidateJsonMappingRule(rule); !v.ok()) {
      errors.Add(where, v.message());
    }
    return;
  }
  if (s.format == MqttFormat::kValue) {
    if (s.measurement.empty()) {
      errors.Add(where + ".measurement",
                 "required for format \"value\", got none");
    }
    if (s.field.empty()) {
      errors.Add(where + ".field", "required for format \"value\", got none");
    }
    return;
  }
  if (s.format == MqttFormat::kLineProtocol && !s.measurement.empty()) {
    errors.Add(where + ".measurement",
               "only for formats \"value\", \"senml\" and \"ttn\"; "
               "line protocol payloads name their measurement");
  }
  if (!s.field.empty()) {
    errors.Add(where + ".field", "only for format \"value\"; " + Quote(format) +
                                     " payloads name their fields");
  }
}

// ---- pollers: the open-data pollers (connectors::PollerOptions) ----

using connectors::PollerFormat;
using connectors::PollerOptions;

std::vector<Option<PollerOptions>> PollerOptionTable() {
  using P = PollerOptions;
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  std::vector<Option<P>> o;
  o.push_back(StringOption<P>(
      {"name", "", "Unique name; metrics label and series source."},
      std::nullopt, [](P& p, const std::string& v) { p.name = v; },
      [](const P& p) { return NonEmpty(p.name); }));
  o.push_back(StringOption<P>(
      {"url", "", "http:// or https:// URL polled."}, std::nullopt,
      [](P& p, const std::string& v) { p.url = v; },
      [](const P& p) { return NonEmpty(p.url); }));
  o.push_back(EnumOption<P>(
      {"format", "", "What the URL serves."}, "gbfs", {"gbfs", "json", "csv"},
      [](P& p, const std::string& v) {
        p.format = connectors::ParsePollerFormat(v).value();
      },
      [](const P& p) {
        return std::string(connectors::PollerFormatName(p.format));
      }));
  o.push_back(DurationOption<P>(
      {"interval", "", "Time between polls."}, "60s", seconds(1), kDay,
      [](P& p, seconds d) { p.interval = duration_cast<milliseconds>(d); },
      [](const P& p) -> std::optional<seconds> {
        return duration_cast<seconds>(p.interval);
      }));
  o.push_back(IntegerOption<P>(
      {"timeout_ms", "ms", "Connect and read timeout of each request."}, 10000,
      100, 600000, [](P& p, int64_t v) { p.timeout = milliseconds(v); },
      [](const P& p) { return static_cast<int64_t>(p.timeout.count()); }));
  o.push_back(DurationOption<P>(
      {"backoff_max", "", "Longest wait between failing polls."}, "15m",
      seconds(1), kDay,
      [](P& p, seconds d) { p.backoff_max = duration_cast<milliseconds>(d); },
      [](const P& p) -> std::optional<seconds> {
        return duration_cast<seconds>(p.backoff_max);
      }));
  o.push_back(StringOption<P>(
      {"measurement", "", "Measurement of the points."}, std::nullopt,
      [](P& p, const std::string& v) { p.measurement = v; },
      [](const P& p) { return NonEmpty(p.measurement); }));
  o.push_back(StringOption<P>(
      {"domain", "", "Domain recorded on the series this poller creates."},
      std::nullopt, [](P& p, const std::string& v) { p.domain = v; },
      [](const P& p) { return NonEmpty(p.domain); }));
  o.push_back(StringOption<P>(
      {"language", "", "GBFS feed language picked from gbfs.json."},
      std::nullopt, [](P& p, const std::string& v) { p.language = v; },
      [](const P& p) { return NonEmpty(p.language); }));
  o.push_back(StringOption<P>(
      {"system_id", "", "GBFS: tag system_id of every station."}, std::nullopt,
      [](P& p, const std::string& v) { p.system_id = v; },
      [](const P& p) { return NonEmpty(p.system_id); }));
  o.push_back(IntegerOption<P>(
      {"information_every", "polls",
       "GBFS: station_information is fetched every this many polls."},
      10, 1, 10000,
      [](P& p, int64_t v) { p.information_every = static_cast<int>(v); },
      [](const P& p) { return int64_t{p.information_every}; }));
  AddMappingOptions(o);
  return o;
}

void ValidatePoller(const PollerOptions& p, const std::string& where,
                    ConfigErrors& errors) {
  if (p.format != PollerFormat::kJson && !p.json.records.empty()) {
    errors.Add(where + ".records", "only for format \"json\"");
  }
  if (p.format == PollerFormat::kGbfs && !p.json.time.empty()) {
    errors.Add(where + ".time", "only for formats \"json\" and \"csv\"");
  }
  if (p.format == PollerFormat::kGbfs && !p.json.tags.empty()) {
    errors.Add(where + ".tags", "only for formats \"json\" and \"csv\"");
  }
  if (p.format != PollerFormat::kGbfs &&
      (!p.language.empty() || !p.system_id.empty())) {
    errors.Add(where,
               "\"language\" and \"system_id\" are only for format "
               "\"gbfs\"");
  }
  if (p.format != PollerFormat::kGbfs && p.measurement.empty()) {
    errors.Add(where + ".measurement",
               "required for formats \"json\" and "
               "\"csv\", got none");
    return;
  }
  for (const auto& [member, problem] : connectors::PollerOptionProblems(p)) {
    if (member == "mapping") {
      errors.Add(where, problem);
    } else {
      errors.Add(where + "." + member, problem);
    }
  }
}

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
  o.push_back(IntegerOption<C>(
      {"storage.rollup_cache_mb", "MiB",
       "Memory for the decoded daily rollups (the coarsest resolution) of "
       "recently read series: long-range aggregates, indicators and last() "
       "read them from memory. About 30 kB per series and year. 0 turns the "
       "cache off."},
      256, 0, 1 << 20,
      [](C& c, int64_t v) {
        c.storage.rollup_cache_bytes = static_cast<size_t>(v) << 20;
      },
      [](const C& c) {
        return static_cast<int64_t>(c.storage.rollup_cache_bytes >> 20);
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

  o.push_back(ObjectArrayOption<C, connectors::IngestSource>(
      {"ingest.sources", "",
       "Mappings served at POST /api/v1/ingest/{name}: JSON or CSV bodies "
       "turned into points by the keys below."},
      IngestSourceOptions(true),
      [](const connectors::IngestSource& s, const std::string& where,
         ConfigErrors& errors) {
        ValidateIngestSource(s, where, true, errors);
      },
      [](C& c, std::vector<connectors::IngestSource> v) {
        c.ingest.sources = std::move(v);
      },
      [](const C& c) -> const std::vector<connectors::IngestSource>& {
        return c.ingest.sources;
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
  o.push_back(DurationOption<C>(
      {"query.timeout", "",
       "Time one query or indicator evaluation may run before it is stopped "
       "(504; InfluxQL reports it per statement). Queries also stop when "
       "their client disconnects."},
      "1m", seconds(1), kDay, [](C& c, seconds d) { c.query.timeout = d; },
      [](const C& c) -> std::optional<seconds> {
        return std::chrono::duration_cast<seconds>(c.query.timeout);
      }));

  // ---- mqtt: the MQTT connector (connectors::MqttOptions) ----
  o.push_back(BrokerListOption(
      {"mqtt.brokers", "",
       "Broker URIs tried in order; empty turns the connector off."}));
  o.push_back(StringOption<C>(
      {"mqtt.client_id", "",
       "MQTT client id; the broker keeps the persistent session under it."},
      "citynexus", [](C& c, const std::string& v) { c.mqtt.client_id = v; },
      [](const C& c) { return NonEmpty(c.mqtt.client_id); }));
  o.push_back(StringOption<C>(
      {"mqtt.username", "", "User name sent to the broker."}, std::nullopt,
      [](C& c, const std::string& v) { c.mqtt.username = v; },
      [](const C& c) { return NonEmpty(c.mqtt.username); }));
  o.push_back(StringOption<C>(
      {"mqtt.password", "", "Password sent to the broker."}, std::nullopt,
      [](C& c, const std::string& v) { c.mqtt.password = v; },
      [](const C& c) { return NonEmpty(c.mqtt.password); }));
  o.push_back(StringOption<C>(
      {"mqtt.ca_file", "", "PEM CA certificates for ssl:// brokers."},
      std::nullopt, [](C& c, const std::string& v) { c.mqtt.ca_file = v; },
      [](const C& c) { return NonEmpty(c.mqtt.ca_file); }));
  o.push_back(StringOption<C>(
      {"mqtt.cert_file", "", "PEM client certificate for ssl:// brokers."},
      std::nullopt, [](C& c, const std::string& v) { c.mqtt.cert_file = v; },
      [](const C& c) { return NonEmpty(c.mqtt.cert_file); }));
  o.push_back(StringOption<C>(
      {"mqtt.key_file", "", "PEM client private key for ssl:// brokers."},
      std::nullopt, [](C& c, const std::string& v) { c.mqtt.key_file = v; },
      [](const C& c) { return NonEmpty(c.mqtt.key_file); }));
  o.push_back(IntegerOption<C>(
      {"mqtt.keepalive_s", "s", "MQTT keepalive interval."}, 30, 5, 3600,
      [](C& c, int64_t v) { c.mqtt.keepalive = seconds(v); },
      [](const C& c) {
        return static_cast<int64_t>(c.mqtt.keepalive.count());
      }));
  o.push_back(IntegerOption<C>(
      {"mqtt.qos", "", "QoS of every subscription."}, 1, 0, 2,
      [](C& c, int64_t v) { c.mqtt.qos = static_cast<int>(v); },
      [](const C& c) { return int64_t{c.mqtt.qos}; }));
  o.push_back(ObjectArrayOption<C, MqttSubscription>(
      {"mqtt.subscriptions", "",
       "Topic subscriptions, each with its payload format and mapping."},
      MqttSubscriptionOptions(), ValidateMqttSubscription,
      [](C& c, std::vector<MqttSubscription> v) {
        c.mqtt.subscriptions = std::move(v);
      },
      [](const C& c) -> const std::vector<MqttSubscription>& {
        return c.mqtt.subscriptions;
      }));
  // ---- indicators and city facts (query/indicators.h) ----
  {
    Option<C> paths;
    paths.info = InfoFrom(
        {"indicators.paths", "",
         "Directories with indicator definitions (one JSON file per "
         "indicator). Relative paths are relative to the config file's "
         "directory. Empty: no indicators."},
        "array of string", "non-empty strings", Json::array());
    paths.set = [](const Json& value, const std::string& where, C& c,
                   ConfigErrors& errors) {
      if (!value.is_array()) {
        errors.Add(where,
                   "expected an array of directory names, got " + Show(value));
        return;
      }
      std::vector<std::string> dirs;
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string() || value[i].get<std::string>().empty()) {
          errors.Add(where + "[" + std::to_string(i) + "]",
                     "expected a directory name, got " + Show(value[i]));
          return;
        }
        dirs.push_back(value[i].get<std::string>());
      }
      c.indicator_paths = std::move(dirs);
    };
    paths.get = [](const C& c) { return Json(c.indicator_paths); };
    o.push_back(std::move(paths));
  }
  {
    Option<C> facts;
    facts.info = InfoFrom(
        {"facts", "",
         "Static city facts for indicators: name -> number, or name -> "
         "[{\"from\": \"YYYY-MM-DD\", \"value\": number}, ...] for values "
         "with validity periods (the one in force at each step applies)."},
        "object", "name -> number or periods", Json::object());
    facts.set = [](const Json& value, const std::string& where, C& c,
                   ConfigErrors& errors) {
      if (!value.is_object()) {
        errors.Add(where, "expected an object of fact name -> value, got " +
                              Show(value));
        return;
      }
      auto parsed = query::FactsFromJson(value.dump());
      if (!parsed) {
        errors.Add(where, parsed.error().message());
        return;
      }
      c.facts = std::move(*parsed);
      c.facts_json = value.dump();
    };
    facts.get = [](const C& c) { return Json::parse(c.facts_json); };
    o.push_back(std::move(facts));
  }

  o.push_back(StringOption<C>(
      {"indicators.publish.topic_prefix", "",
       "Publish every indicator value to MQTT (mqtt.brokers) as a retained "
       "message on \"{prefix}/{indicator id}\" when a step completes. "
       "Unset: nothing is published."},
      std::nullopt,
      [](C& c, const std::string& v) { c.indicator_publish.topic_prefix = v; },
      [](const C& c) { return NonEmpty(c.indicator_publish.topic_prefix); }));
  {
    Option<C> ids;
    ids.info = InfoFrom(
        {"indicators.publish.ids", "",
         "Indicators to publish; empty: all of the catalog. Unknown ids stop "
         "the server at startup."},
        "array of string", "indicator ids", Json::array());
    ids.set = [](const Json& value, const std::string& where, C& c,
                 ConfigErrors& errors) {
      if (!value.is_array()) {
        errors.Add(where,
                   "expected an array of indicator ids, got " + Show(value));
        return;
      }
      std::vector<std::string> list;
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string() || value[i].get<std::string>().empty()) {
          errors.Add(where + "[" + std::to_string(i) + "]",
                     "expected an indicator id, got " + Show(value[i]));
          return;
        }
        list.push_back(value[i].get<std::string>());
      }
      c.indicator_publish.ids = std::move(list);
    };
    ids.get = [](const C& c) { return Json(c.indicator_publish.ids); };
    o.push_back(std::move(ids));
  }
  o.push_back(IntegerOption<C>(
      {"indicators.publish.qos", "", "QoS of published indicator values."}, 1,
      0, 2,
      [](C& c, int64_t v) { c.indicator_publish.qos = static_cast<int>(v); },
      [](const C& c) { return int64_t{c.indicator_publish.qos}; }));

  // ---- stream: GET /api/v1/stream (query::StreamOptions) ----
  o.push_back(IntegerOption<C>(
      {"stream.heartbeat_ms", "ms",
       "How often every open stream gets a heartbeat comment line."},
      15000, 100, 3600000,
      [](C& c, int64_t v) {
        c.stream.heartbeat_interval = std::chrono::milliseconds(v);
      },
      [](const C& c) {
        return static_cast<int64_t>(c.stream.heartbeat_interval.count());
      }));
  o.push_back(IntegerOption<C>(
      {"stream.client_buffer_bytes", "bytes",
       "Bytes that may wait to be sent to one stream client; a client that "
       "falls further behind gets a notice event and is disconnected."},
      1 << 20, 4096, int64_t{1} << 30,
      [](C& c, int64_t v) {
        c.stream.client_buffer_bytes = static_cast<size_t>(v);
      },
      [](const C& c) {
        return static_cast<int64_t>(c.stream.client_buffer_bytes);
      }));
  o.push_back(IntegerOption<C>(
      {"stream.max_clients", "streams", "Open streams; more get 503."}, 1000, 1,
      100000,
      [](C& c, int64_t v) { c.stream.max_clients = static_cast<size_t>(v); },
      [](const C& c) { return static_cast<int64_t>(c.stream.max_clients); }));
  o.push_back(IntegerOption<C>(
      {"stream.max_queued_points", "points",
       "Points waiting to be matched against streams; beyond that point "
       "streams are closed with a notice (ingest never waits)."},
      1000000, 1000, int64_t{1} << 30,
      [](C& c, int64_t v) {
        c.stream.max_queued_points = static_cast<size_t>(v);
      },
      [](const C& c) {
        return static_cast<int64_t>(c.stream.max_queued_points);
      }));
  o.push_back(IntegerOption<C>(
      {"stream.indicator_delay_ms", "ms",
       "How long after a step ends its indicator value is computed (for "
       "streams and MQTT), so late points of the step still count."},
      1000, 0, 3600000,
      [](C& c, int64_t v) {
        c.stream.indicator_delay = std::chrono::milliseconds(v);
      },
      [](const C& c) {
        return static_cast<int64_t>(c.stream.indicator_delay.count());
      }));

  // ---- pollers: the open-data pollers (connectors::PollerOptions) ----
  o.push_back(ObjectArrayOption<C, PollerOptions>(
      {"pollers", "",
       "Open-data pollers, each an object with the fields below."},
      PollerOptionTable(), ValidatePoller,
      [](C& c, std::vector<PollerOptions> v) { c.pollers = std::move(v); },
      [](const C& c) -> const std::vector<PollerOptions>& {
        return c.pollers;
      }));
  for (auto& option : LimitsOptions()) o.push_back(std::move(option));
  return o;
}

// Checks that span several options; run after every option was applied.
void CheckConfig(const Config& config, ConfigErrors& errors) {
  const std::string& prefix = config.indicator_publish.topic_prefix;
  if (!prefix.empty()) {
    if (config.mqtt.brokers.empty()) {
      errors.Add("indicators.publish.topic_prefix",
                 "publishing needs a broker: set mqtt.brokers");
    }
    if (prefix.find_first_of("+#") != std::string::npos ||
        prefix.back() == '/') {
      errors.Add("indicators.publish.topic_prefix",
                 "must be a topic without wildcards (+, #) or a trailing "
                 "'/', got " +
                     Quote(prefix));
    }
  }
  for (size_t i = 0; i < config.pollers.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (config.pollers[i].name == config.pollers[j].name) {
        errors.Add("pollers[" + std::to_string(i) + "].name",
                   Quote(config.pollers[i].name) +
                       " is already the name of "
                       "pollers[" +
                       std::to_string(j) + "]");
        break;
      }
    }
  }
  const auto& sources = config.ingest.sources;
  for (size_t i = 0; i < sources.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (sources[i].name == sources[j].name) {
        errors.Add("ingest.sources[" + std::to_string(i) + "].name",
                   Quote(sources[i].name) +
                       " is already the name of ingest.sources[" +
                       std::to_string(j) + "]");
        break;
      }
    }
  }
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
