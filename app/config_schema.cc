#include "app/config_schema.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <set>
#include <utility>

#include "app/config.h"
#include "app/config_values.h"

namespace citynexus::app {
namespace {

using std::chrono::seconds;

// A JSON value as shown in an error message: its JSON text, shortened.
std::string Show(const Json& value) {
  std::string text = value.dump();
  constexpr size_t kMax = 60;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return text;
}

std::string Quote(std::string_view s) { return Json(std::string(s)).dump(); }

std::string JoinPath(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}

// What the documentation and the builders below need besides the binding.
struct Doc {
  std::string path;
  std::string unit;
  std::string meaning;
};

OptionInfo InfoFrom(Doc doc, std::string type, std::string range,
                    std::optional<Json> default_value) {
  OptionInfo info;
  info.path = std::move(doc.path);
  info.type = std::move(type);
  info.unit = std::move(doc.unit);
  info.range = std::move(range);
  info.meaning = std::move(doc.meaning);
  info.default_value = std::move(default_value);
  return info;
}

// ---- option builders: one per value syntax ----

template <typename T>
Option<T> StringOption(
    Doc doc, std::optional<std::string> default_value,
    std::function<void(T&, const std::string&)> store,
    std::function<std::optional<std::string>(const T&)> load) {
  Option<T> option;
  option.info = InfoFrom(
      std::move(doc), "string", "non-empty",
      default_value ? std::optional<Json>(*default_value) : std::nullopt);
  option.set = [store](const Json& value, const std::string& where, T& target,
                       ConfigErrors& errors) {
    if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
      errors.Add(where, "expected a non-empty string, got " + Show(value));
      return;
    }
    store(target, value.get<std::string>());
  };
  option.get = [load](const T& target) {
    const std::optional<std::string> v = load(target);
    return v ? Json(*v) : Json();
  };
  return option;
}

template <typename T>
Option<T> IntegerOption(Doc doc, int64_t default_value, int64_t min,
                        int64_t max, std::function<void(T&, int64_t)> store,
                        std::function<int64_t(const T&)> load) {
  Option<T> option;
  option.info = InfoFrom(std::move(doc), "integer",
                         std::to_string(min) + ".." + std::to_string(max),
                         Json(default_value));
  option.set = [store, min, max](const Json& value, const std::string& where,
                                 T& target, ConfigErrors& errors) {
    if (!value.is_number_integer()) {
      errors.Add(where, "expected an integer, got " + Show(value));
      return;
    }
    const bool too_big =
        value.is_number_unsigned() &&
        value.get<uint64_t>() >
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    const int64_t n = too_big ? 0 : value.get<int64_t>();
    if (too_big || n < min || n > max) {
      errors.Add(where, "must be between " + std::to_string(min) + " and " +
                            std::to_string(max) + ", got " + Show(value));
      return;
    }
    store(target, n);
  };
  option.get = [load](const T& target) { return Json(load(target)); };
  return option;
}

template <typename T>
Option<T> EnumOption(Doc doc, std::string default_value,
                     std::vector<std::string> allowed,
                     std::function<void(T&, const std::string&)> store,
                     std::function<std::string(const T&)> load) {
  std::string listed;
  for (const std::string& name : allowed) {
    listed += (listed.empty() ? "" : ", ") + Quote(name);
  }
  Option<T> option;
  option.info =
      InfoFrom(std::move(doc), "enum", listed, Json(std::move(default_value)));
  option.set = [store, allowed, listed](const Json& value,
                                        const std::string& where, T& target,
                                        ConfigErrors& errors) {
    if (value.is_string()) {
      for (const std::string& name : allowed) {
        if (value.get_ref<const std::string&>() == name) {
          store(target, name);
          return;
        }
      }
    }
    errors.Add(where, "expected one of " + listed + ", got " + Show(value));
  };
  option.get = [load](const T& target) { return Json(load(target)); };
  return option;
}

template <typename T>
Option<T> HostPortOption(Doc doc, std::string default_value,
                         std::function<void(T&, const HostPort&)> store,
                         std::function<std::string(const T&)> load) {
  Option<T> option;
  option.info = InfoFrom(std::move(doc), "host:port", "port 0..65535",
                         Json(std::move(default_value)));
  option.set = [store](const Json& value, const std::string& where, T& target,
                       ConfigErrors& errors) {
    std::optional<HostPort> parsed;
    if (value.is_string()) {
      parsed = ParseHostPort(value.get_ref<const std::string&>());
    }
    if (!parsed) {
      errors.Add(where, "expected \"host:port\", got " + Show(value));
      return;
    }
    store(target, *parsed);
  };
  option.get = [load](const T& target) { return Json(load(target)); };
  return option;
}

std::string DurationRange(seconds min, seconds max) {
  return FormatDuration(min) + ".." + FormatDuration(max);
}

// Parses and range-checks one duration; reports and returns nullopt on error.
std::optional<seconds> CheckDuration(const Json& value,
                                     const std::string& where, seconds min,
                                     seconds max, ConfigErrors& errors) {
  std::optional<seconds> parsed;
  if (value.is_string()) {
    parsed = ParseDuration(value.get_ref<const std::string&>());
  }
  if (!parsed) {
    errors.Add(where,
               "expected a duration like \"90s\", \"15m\", \"1h\", \"7d\" or "
               "\"2w\", got " +
                   Show(value));
    return std::nullopt;
  }
  if (*parsed < min || *parsed > max) {
    errors.Add(where, "must be between " + FormatDuration(min) + " and " +
                          FormatDuration(max) + ", got " + Show(value));
    return std::nullopt;
  }
  return parsed;
}

template <typename T>
Option<T> DurationOption(Doc doc, std::optional<std::string> default_value,
                         seconds min, seconds max,
                         std::function<void(T&, seconds)> store,
                         std::function<std::optional<seconds>(const T&)> load) {
  Option<T> option;
  option.info = InfoFrom(
      std::move(doc), "duration", DurationRange(min, max),
      default_value ? std::optional<Json>(*default_value) : std::nullopt);
  option.set = [store, min, max](const Json& value, const std::string& where,
                                 T& target, ConfigErrors& errors) {
    if (auto d = CheckDuration(value, where, min, max, errors)) {
      store(target, *d);
    }
  };
  option.get = [load](const T& target) {
    const std::optional<seconds> d = load(target);
    return d ? Json(FormatDuration(*d)) : Json();
  };
  return option;
}

template <typename T>
Option<T> DurationListOption(
    Doc doc, std::vector<std::string> default_value, seconds min, seconds max,
    std::function<void(T&, std::vector<seconds>)> store,
    std::function<std::vector<seconds>(const T&)> load) {
  Option<T> option;
  option.info = InfoFrom(std::move(doc), "array of duration",
                         DurationRange(min, max) + " each",
                         Json(std::move(default_value)));
  option.set = [store, min, max](const Json& value, const std::string& where,
                                 T& target, ConfigErrors& errors) {
    if (!value.is_array()) {
      errors.Add(where,
                 "expected an array of durations like [\"1h\", "
                 "\"1d\"], got " +
                     Show(value));
      return;
    }
    std::vector<seconds> list;
    bool ok = true;
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string item_where = where + "[" + std::to_string(i) + "]";
      const auto d = CheckDuration(value[i], item_where, min, max, errors);
      if (!d) {
        ok = false;
      } else if (std::find(list.begin(), list.end(), *d) != list.end()) {
        errors.Add(item_where, "duplicate duration " + Show(value[i]));
        ok = false;
      } else {
        list.push_back(*d);
      }
    }
    if (ok) store(target, std::move(list));
  };
  option.get = [load](const T& target) {
    Json out = Json::array();
    for (seconds d : load(target)) out.push_back(FormatDuration(d));
    return out;
  };
  return option;
}

// ---- applying a JSON object to a table ----

// Applies the keys of `object` (found at relative path `rel_prefix`, shown as
// `shown_prefix`) to `target`. A key is either a declared option, an object
// level leading to declared options ("http"), or unknown.
template <typename T>
void ApplyObject(const Json& object, const std::string& rel_prefix,
                 const std::string& shown_prefix,
                 const std::vector<Option<T>>& options, T& target,
                 ConfigErrors& errors) {
  if (!object.is_object()) {
    errors.Add(shown_prefix.empty() ? "the top level" : shown_prefix,
               "expected an object, got " + Show(object));
    return;
  }
  // The names declared at this level, for "did you mean".
  const std::string level = rel_prefix.empty() ? "" : rel_prefix + ".";
  std::vector<std::string> siblings;
  for (const Option<T>& option : options) {
    const std::string& path = option.info.path;
    if (path.compare(0, level.size(), level) != 0) continue;
    std::string name = path.substr(level.size());
    name = name.substr(0, name.find('.'));
    if (std::find(siblings.begin(), siblings.end(), name) == siblings.end()) {
      siblings.push_back(std::move(name));
    }
  }
  for (const auto& [key, value] : object.items()) {
    const std::string rel = JoinPath(rel_prefix, key);
    const std::string shown = JoinPath(shown_prefix, key);
    const Option<T>* exact = nullptr;
    bool is_level = false;
    if (key.find('.') == std::string::npos && !key.empty()) {
      for (const Option<T>& option : options) {
        if (option.info.path == rel) exact = &option;
        if (option.info.path.compare(0, rel.size() + 1, rel + ".") == 0) {
          is_level = true;
        }
      }
    }
    if (exact != nullptr) {
      exact->set(value, shown, target, errors);
    } else if (is_level) {
      ApplyObject(value, rel, shown, options, target, errors);
    } else if (auto hint = ClosestName(key, siblings)) {
      errors.Add(shown, "unknown key; did you mean " +
                            Quote(JoinPath(shown_prefix, *hint)) + "?");
    } else {
      std::string known;
      for (const std::string& name : siblings) {
        known += (known.empty() ? "" : ", ") + Quote(name);
      }
      errors.Add(shown, "unknown key; expected one of " + known);
    }
  }
}

void PutAtPath(Json& root, std::string_view path, Json value) {
  Json* node = &root;
  size_t start = 0;
  for (size_t dot = path.find('.'); dot != std::string_view::npos;
       dot = path.find('.', start)) {
    node = &(*node)[std::string(path.substr(start, dot - start))];
    start = dot + 1;
  }
  (*node)[std::string(path.substr(start))] = std::move(value);
}

template <typename T>
Json ToJson(const std::vector<Option<T>>& options, const T& target) {
  Json out = Json::object();
  for (const Option<T>& option : options) {
    Json value = option.get(target);
    if (!value.is_null()) PutAtPath(out, option.info.path, std::move(value));
  }
  return out;
}

template <typename T>
void ApplyDefaults(const std::vector<Option<T>>& options, T& target) {
  ConfigErrors errors;
  for (const Option<T>& option : options) {
    if (option.info.default_value) {
      option.set(*option.info.default_value, option.info.path, target, errors);
    }
  }
  // A default that fails its own validation is a bug in the table; the
  // config_test checks every default, so this never fires in a release.
  assert(errors.empty());
}

// An array whose elements are objects declared by their own table.
// `validate` checks an element as a whole (after its fields were applied).
template <typename T, typename E>
Option<T> ObjectArrayOption(
    Doc doc, std::vector<Option<E>> element_options,
    std::function<void(const E&, const std::string&, ConfigErrors&)> validate,
    std::function<void(T&, std::vector<E>)> store,
    std::function<const std::vector<E>&(const T&)> load) {
  Option<T> option;
  option.info = InfoFrom(std::move(doc), "array of object", "", Json::array());
  for (const Option<E>& e : element_options) {
    option.info.element.push_back(e.info);
  }
  option.set = [element_options, validate, store](
                   const Json& value, const std::string& where, T& target,
                   ConfigErrors& errors) {
    if (!value.is_array()) {
      errors.Add(where, "expected an array of objects, got " + Show(value));
      return;
    }
    std::vector<E> elements;
    const size_t errors_before = errors.lines().size();
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string item_where = where + "[" + std::to_string(i) + "]";
      E element{};
      ApplyDefaults(element_options, element);
      const size_t item_errors_before = errors.lines().size();
      ApplyObject(value[i], "", item_where, element_options, element, errors);
      // Whole-element checks only make sense when every field parsed.
      if (errors.lines().size() == item_errors_before) {
        validate(element, item_where, errors);
      }
      elements.push_back(std::move(element));
    }
    if (errors.lines().size() == errors_before) {
      store(target, std::move(elements));
    }
  };
  option.get = [element_options, load](const T& target) {
    Json out = Json::array();
    for (const E& element : load(target)) {
      out.push_back(ToJson(element_options, element));
    }
    return out;
  };
  return option;
}

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

std::string_view ReloadName(Reload reload) {
  switch (reload) {
    case Reload::kRestart:
      return "restart";
  }
  return "restart";
}

void ConfigErrors::Add(std::string_view where, std::string_view message) {
  if (where.empty()) {
    lines_.emplace_back(message);
  } else {
    lines_.push_back(std::string(where) + ": " + std::string(message));
  }
}

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
