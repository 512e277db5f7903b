#include "app/config/schema.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/config/config.h"
#include "app/config/option_builders.h"
#include "app/config/sections/sections.h"
#include "app/config/values.h"

namespace citynexus::app {
namespace {

using namespace builders;  // NOLINT: Quote, ApplyObject, ToJson, ApplyDefaults
using std::chrono::seconds;

void Append(std::vector<Option<Config>>& table,
            std::vector<Option<Config>> section) {
  for (Option<Config>& option : section) table.push_back(std::move(option));
}

// The whole table, in documentation order: one line per section
// (app/config/sections/*.cc). A new section is one more line here.
std::vector<Option<Config>> BuildConfigOptions() {
  std::vector<Option<Config>> o;
  Append(o, GeneralSection());
  Append(o, HttpSection());
  Append(o, StorageSection());
  Append(o, IngestSection());
  Append(o, QuerySection());
  Append(o, MqttSection());
  Append(o, IndicatorSection());
  Append(o, StreamSection());
  Append(o, PollerSection());
  Append(o, AuthSection());
  Append(o, PromqlSection());
  Append(o, SensorThingsSection());
  return o;
}

// Options that were renamed. There is one way to write each option: an old
// name is an error that names the new one (not a silent alias, and clearer
// than "unknown key").
constexpr std::pair<std::string_view, std::string_view> kRenamed[] = {
    {"mqtt.ca_file", "mqtt.tls.ca_file"},
    {"mqtt.cert_file", "mqtt.tls.cert_file"},
    {"mqtt.key_file", "mqtt.tls.key_file"},
};

// `document` without the renamed keys it uses, each reported.
Json WithoutRenamedKeys(const Json& document, ConfigErrors& errors) {
  Json out = document;
  for (const auto& [old_path, new_path] : kRenamed) {
    Json* parent = &out;
    std::string_view rest = old_path;
    for (size_t dot = rest.find('.'); dot != std::string_view::npos && parent;
         dot = rest.find('.')) {
      const std::string level(rest.substr(0, dot));
      parent = parent->is_object() && parent->contains(level)
                   ? &(*parent)[level]
                   : nullptr;
      rest.remove_prefix(dot + 1);
    }
    const std::string key(rest);
    if (parent == nullptr || !parent->is_object() || !parent->contains(key)) {
      continue;
    }
    errors.Add(old_path,
               "renamed to " + Quote(new_path) + "; move the value there");
    parent->erase(key);
  }
  return out;
}

// Checks that span several options; run after every option was applied.
void CheckConfig(const Config& config, ConfigErrors& errors) {
  if (!config.mqtt.password.empty() && !config.mqtt.password_file.empty()) {
    errors.Add("mqtt.password_file",
               "set either mqtt.password or mqtt.password_file, not both");
  }
  if (config.sensorthings.mqtt && config.mqtt.brokers.empty()) {
    errors.Add("sensorthings.mqtt",
               "the MQTT extension needs a broker: set mqtt.brokers");
  }
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
  ApplyObject(WithoutRenamedKeys(document, errors), "", "", ConfigOptions(),
              config, errors);
  // Cross-option checks would report follow-on noise after a failed option.
  if (errors.lines().size() == before) CheckConfig(config, errors);
}

Json ConfigToJson(const Config& config) {
  return ToJson(ConfigOptions(), config);
}

}  // namespace citynexus::app
