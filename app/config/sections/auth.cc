// Options auth.*: access control (net::AuthOptions).
#include <string>
#include <utility>

#include "app/config/fields.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {
namespace {

using namespace builders;  // NOLINT: the table reads as a list of builders

// auth.anonymous_read: not a StringList, because it stops at the first bad
// item and has its own messages (kept as they were documented).
Option<Config> AnonymousReadOption() {
  Option<Config> globs;
  globs.info = InfoFrom(
      {"auth.anonymous_read", "",
       "Measurement globs ('*' any run, '?' one character) anyone may read "
       "without a token. Empty: every read needs a token."},
      "array of string", "measurement globs", Json::array());
  globs.set = [](const Json& value, const std::string& where, Config& c,
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
  globs.get = [](const Config& c) { return Json(c.auth.anonymous_read); };
  return globs;
}

}  // namespace

std::vector<Option<Config>> AuthSection() {
  using C = Config;
  using A = net::AuthOptions;
  return {
      AnonymousReadOption(),
      Bool<C>({"auth.query_parameters", "",
               "Accept InfluxDB 1.x credentials in the u and p query "
               "parameters (p is scrubbed from the access log). Headers are "
               "safer: URLs end up in proxy logs."},
              true, Member(&C::auth, &A::query_parameters)),
      Bool<C>({"auth.metrics_anonymous", "",
               "GET /metrics answers without a token. false: any valid token."},
              true, Member(&C::auth, &A::metrics_anonymous)),
  };
}

}  // namespace citynexus::app
