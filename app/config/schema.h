// The declaration table of every configuration option, and the machinery that
// applies a parsed JSON document to a Config through it.
//
// Each option is declared ONCE (app/config/sections/) with its JSON path,
// type, unit, default, valid range, meaning and reload behaviour, plus a
// setter that validates a JSON value into the typed struct and a getter that
// turns it back into JSON (for `check-config` and the docs test). Objects are
// not declared: "http" exists because "http.listen" does. An array of objects
// (storage.retention) is one option whose element has its own table of the
// same shape, so later sections (mqtt subscriptions, pollers, indicators,
// facts) are added by appending rows, not by writing parsing code.
//
// Internal to app/: this header exposes nlohmann::json, which no other layer
// may see. Other code uses app/config/config.h.
//
// Thread-safety: the tables are immutable after first use (built once,
// thread-safe static initialisation); the functions are safe for concurrent
// use on distinct Config objects.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/config/options.h"

namespace citynexus::app {

// Ordered so that errors follow file order and the effective configuration
// prints in declaration order.
using Json = nlohmann::ordered_json;

// When a changed value takes effect. Nothing reloads at runtime yet.
enum class Reload {
  kRestart,  // read once at startup
};
std::string_view ReloadName(Reload reload);  // "restart"

// Every problem found while loading, each "path: what was expected, got what".
class ConfigErrors {
 public:
  // `where` is the JSON path ("http.threads", "storage.retention[2].raw");
  // empty for problems of the document as a whole.
  void Add(std::string_view where, std::string_view message);
  bool empty() const { return lines_.empty(); }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;
};

// What the documentation says about one option.
struct OptionInfo {
  // Dotted path relative to the table that declares it: "http.threads" at the
  // top level, "raw" inside a retention rule. DeclaredOptions() flattens
  // element paths to "storage.retention[].raw".
  std::string path;
  // "string", "integer", "enum", "host:port", "duration", "array of
  // duration", "array of object".
  std::string type;
  std::string unit;   // "ms", "bytes", "threads"; empty when none applies
  std::string range;  // "0..256", "\"always\", \"interval\"", "1s..30d"
  std::string meaning;
  // nullopt: the option is optional and absent unless given.
  std::optional<Json> default_value;
  Reload reload = Reload::kRestart;
  // For "array of object": the options of one element.
  std::vector<OptionInfo> element;
};

// One option bound to a field of T.
template <typename T>
struct Option {
  OptionInfo info;
  // Validates `value` (found at JSON path `where`) and stores it in `target`.
  // On a problem, reports it to `errors` (naming `where` and what was
  // expected) and leaves `target` unchanged.
  std::function<void(const Json& value, const std::string& where, T& target,
                     ConfigErrors& errors)>
      set;
  // The current value as JSON; null when an optional value is absent.
  std::function<Json(const T& target)> get;
};

// The top-level table, in documentation order.
const std::vector<Option<Config>>& ConfigOptions();

// Every option, element options included, with absolute paths
// ("storage.retention[].raw"), in documentation order.
std::vector<OptionInfo> DeclaredOptions();

// Applies `document` on top of `config`: declared keys are validated and set,
// unknown keys are reported with a "did you mean" hint, then the checks that
// span several options run. Every problem is added to `errors`; keeps going
// after one. `config` is only meaningful when `errors` stays empty.
void ApplyConfigJson(const Json& document, Config& config,
                     ConfigErrors& errors);

// Every option of `config` at its path (absent optional values left out).
Json ConfigToJson(const Config& config);

}  // namespace citynexus::app
