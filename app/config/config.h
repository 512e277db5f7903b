// Loading the configuration: one JSON file (docs/configuration.md), optional
// command-line overrides, and the effective configuration as JSON.
//
// Loading reports EVERY problem, not only the first, each naming its JSON
// path and what was expected:
//   http.threads: must be between 0 and 256, got 999
//   htp: unknown key; did you mean "http"?
//   line 3, column 14: syntax error while parsing object key - ...
//
// Thread-safety: stateless functions; safe for concurrent use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/config/options.h"
#include "common/status.h"

namespace citynexus::app {

// A value given outside the file (a command-line flag), set at a dotted JSON
// path before validation, so it is checked like the file's own value and
// replaces it: {"http.listen", "127.0.0.1:0"}.
struct ConfigOverride {
  std::string path;
  std::string value;  // a JSON string value
};

// A Config holding every declared default (the built-in configuration).
Config DefaultConfig();

// Parses `text` (a JSON object; every key optional) on top of the defaults,
// then applies `overrides`. On failure returns kInvalidArgument whose message
// holds every problem, one per line, without a file name.
Result<Config> LoadConfigText(
    std::string_view text, const std::vector<ConfigOverride>& overrides = {});

// LoadConfigText on the contents of `path`. kNotFound / kIOError (message
// names the file) when it cannot be read; kInvalidArgument as above.
Result<Config> LoadConfigFile(
    const std::string& path, const std::vector<ConfigOverride>& overrides = {});

// The defaults plus `overrides`; kInvalidArgument as above.
Result<Config> LoadDefaultConfigWith(
    const std::vector<ConfigOverride>& overrides);

// Every option of `config` as pretty-printed JSON (2-space indent, declaration
// order), defaults filled in. Loading this text yields `config` again, except
// that an inline `mqtt.password` is printed as kRedactedSecret.
inline constexpr const char* kRedactedSecret = "(set, not shown)";
std::string EffectiveConfigJson(const Config& config);

}  // namespace citynexus::app
