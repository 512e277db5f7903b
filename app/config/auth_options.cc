#include "app/config/auth_options.h"

#include <string>

#include "common/glob.h"

namespace citynexus::app {

std::vector<Option<Config>> AuthOptions() {
  using C = Config;
  using namespace builders;  // NOLINT: the option builders
  std::vector<Option<C>> o;
  {
    Option<C> globs;
    globs.info = InfoFrom(
        {"auth.anonymous_read", "",
         "Measurement globs ('*' any run, '?' one character) anyone may read "
         "without a token. Empty: every read needs a token."},
        "array of string", "measurement globs", Json::array());
    globs.set = [](const Json& value, const std::string& where, C& c,
                   ConfigErrors& errors) {
      if (!value.is_array()) {
        errors.Add(where,
                   "expected an array of measurement globs, got " + Show(value));
        return;
      }
      std::vector<std::string> list;
      for (size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string() || value[i].get<std::string>().empty()) {
          errors.Add(where + "[" + std::to_string(i) + "]",
                     "expected a measurement glob, got " + Show(value[i]));
          return;
        }
        list.push_back(value[i].get<std::string>());
      }
      c.auth.anonymous_read = std::move(list);
    };
    globs.get = [](const C& c) { return Json(c.auth.anonymous_read); };
    o.push_back(std::move(globs));
  }
  o.push_back(BoolOption<C>(
      {"auth.query_parameters", "",
       "Accept InfluxDB 1.x credentials in the u and p query parameters (p "
       "is scrubbed from the access log). Headers are safer: URLs end up in "
       "proxy logs."},
      true, [](C& c, bool v) { c.auth.query_parameters = v; },
      [](const C& c) { return c.auth.query_parameters; }));
  o.push_back(BoolOption<C>(
      {"auth.metrics_anonymous", "",
       "GET /metrics answers without a token. false: any valid token."},
      true, [](C& c, bool v) { c.auth.metrics_anonymous = v; },
      [](const C& c) { return c.auth.metrics_anonymous; }));
  // Broker certificate host-name check; with the auth options because it is
  // part of the same issue (#10) and keeps schema.cc untouched.
  o.push_back(BoolOption<C>(
      {"mqtt.tls.verify", "",
       "Check that an ssl:// broker's certificate names the broker's host "
       "(Paho checks only the chain otherwise). Also applies to the "
       "indicator publisher."},
      true, [](C& c, bool v) { c.mqtt.tls_verify = v; },
      [](const C& c) { return c.mqtt.tls_verify; }));
  return o;
}

}  // namespace citynexus::app
