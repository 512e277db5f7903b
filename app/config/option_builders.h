// The building blocks of the option table (app/config/sections/*.cc, through
// the member-bound builders of app/config/fields.h): one
// builder per value syntax (string, integer, enum, host:port, duration,
// array of durations, array of objects), each producing an Option<T> whose
// setter validates and reports errors in the common wording, and the generic
// walk that applies a JSON object to a table (unknown keys, "did you mean").
//
// Internal to app/ config loading. Thread-safety: stateless functions.
#pragma once

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/config/schema.h"
#include "app/config/values.h"

namespace citynexus::app::builders {

using std::chrono::seconds;

// A JSON value as shown in an error message: its JSON text, shortened.
std::string Show(const Json& value);
// `s` as a JSON string literal: "http".
std::string Quote(std::string_view s);
// "http" + "listen" -> "http.listen"; an empty prefix gives the key.
std::string JoinPath(std::string_view prefix, std::string_view key);
// Sets `value` at dotted `path` below `root`, creating objects on the way.
void PutAtPath(Json& root, std::string_view path, Json value);

// What the documentation and the builders below need besides the binding.
struct Doc {
  std::string path;
  std::string unit;
  std::string meaning;
};

OptionInfo InfoFrom(Doc doc, std::string type, std::string range,
                    std::optional<Json> default_value);
// "1m..30d"
std::string DurationRange(std::chrono::seconds min, std::chrono::seconds max);
// Parses and range-checks one duration; reports and returns nullopt on error.
std::optional<std::chrono::seconds> CheckDuration(const Json& value,
                                                  const std::string& where,
                                                  std::chrono::seconds min,
                                                  std::chrono::seconds max,
                                                  ConfigErrors& errors);

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

// A JSON boolean.
template <typename T>
Option<T> BoolOption(Doc doc, bool default_value,
                     std::function<void(T&, bool)> store,
                     std::function<bool(const T&)> load) {
  Option<T> option;
  option.info =
      InfoFrom(std::move(doc), "boolean", "true, false", Json(default_value));
  option.set = [store](const Json& value, const std::string& where, T& target,
                       ConfigErrors& errors) {
    if (!value.is_boolean()) {
      errors.Add(where, "expected true or false, got " + Show(value));
      return;
    }
    store(target, value.get<bool>());
  };
  option.get = [load](const T& target) { return Json(load(target)); };
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
// `validate` checks an element as a whole (after its fields were applied);
// `validate_all` (optional) checks the elements together (unique names) once
// every element is valid.
template <typename T, typename E>
Option<T> ObjectArrayOption(
    Doc doc, std::vector<Option<E>> element_options,
    std::function<void(const E&, const std::string&, ConfigErrors&)> validate,
    std::function<void(T&, std::vector<E>)> store,
    std::function<const std::vector<E>&(const T&)> load,
    std::function<void(const std::vector<E>&, const std::string&,
                       ConfigErrors&)>
        validate_all = {}) {
  Option<T> option;
  option.info = InfoFrom(std::move(doc), "array of object", "", Json::array());
  for (const Option<E>& e : element_options) {
    option.info.element.push_back(e.info);
  }
  option.set = [element_options, validate, store, validate_all](
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
    if (validate_all && errors.lines().size() == errors_before) {
      validate_all(elements, where, errors);
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

}  // namespace citynexus::app::builders
