// Options indicators.* and facts: indicator definitions, city facts, and the
// publishing of indicator values to MQTT (query/indicators.h).
#include "app/config/fields.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {
namespace {

using namespace builders;  // NOLINT: the table reads as a list of builders

// `facts`: a free-form object validated by the indicator layer's parser.
Option<Config> FactsOption(Doc doc) {
  Option<Config> facts;
  facts.info = InfoFrom(std::move(doc), "object", "name -> number or periods",
                        Json::object());
  facts.set = [](const Json& value, const std::string& where, Config& c,
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
  facts.get = [](const Config& c) { return Json::parse(c.facts_json); };
  return facts;
}

}  // namespace

std::vector<Option<Config>> IndicatorSection() {
  using C = Config;
  using P = IndicatorPublishOptions;
  return {
      StringList<C>(
          {"indicators.paths", "",
           "Directories with indicator definitions (one JSON file "
           "per indicator). Relative paths are relative to the "
           "config file's directory. Empty: no indicators."},
          {"non-empty strings", "directory names", "a directory name", nullptr},
          Member(&C::indicator_paths)),
      FactsOption(
          {"facts", "",
           "Static city facts for indicators: name -> number, or name -> "
           "[{\"from\": \"YYYY-MM-DD\", \"value\": number}, ...] for values "
           "with validity periods (the one in force at each step applies)."}),
      String<C>({"indicators.publish.topic_prefix", "",
                 "Publish every indicator value to MQTT (mqtt.brokers) as a "
                 "retained message on \"{prefix}/{indicator id}\" when a step "
                 "completes. Unset: nothing is published."},
                std::nullopt, Member(&C::indicator_publish, &P::topic_prefix)),
      StringList<C>(
          {"indicators.publish.ids", "",
           "Indicators to publish; empty: all of the catalog. "
           "Unknown ids stop the server at startup."},
          {"indicator ids", "indicator ids", "an indicator id", nullptr},
          Member(&C::indicator_publish, &P::ids)),
      Int<C>(
          {"indicators.publish.qos", "", "QoS of published indicator values."},
          1, 0, 2, Member(&C::indicator_publish, &P::qos)),
  };
}

}  // namespace citynexus::app
