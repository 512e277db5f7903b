// Typed field builders: one call declares one option bound to a struct member
// (kvrocks' src/config/config.cc is the model), so a section of the option
// table reads as one line per option with its doc string, unit, default and
// range, and no hand-written setter/getter lambdas.
//
//   Int<Config>({"http.threads", "threads", "I/O threads; 0 = one per core."},
//               Member(&Config::http, &net::ServerOptions::threads), 0, 0, 256)
//
// Member(&A::b, &B::c, ...) names the field: a path of member pointers from
// the table's struct to the bound member. Each builder converts between the
// JSON value and the member's type:
//   Bool        bool members;
//   Int         integral members, or std::chrono durations counted in their
//               own period (milliseconds for an "ms" option, seconds for "s");
//   String      std::string; an empty member is "absent" (null in the JSON);
//   Enum        any enum, with its {name, value} table;
//   Duration    std::chrono::seconds/milliseconds, or std::optional<seconds>
//               (an option without default that may stay absent);
//   DurationList  std::vector<seconds>, no duplicates;
//   StringList  std::vector<std::string>, non-empty items, each optionally
//               checked by a Status-returning function;
//   ObjectArray std::vector<E> of objects declared by their own table, with
//               an optional member that must be unique across the elements.
// Options whose value maps onto several members (host:port) or whose JSON is
// a free-form object (facts) use the lower-level builders of
// app/config/option_builders.h or fill an Option<T> directly.
//
// Internal to app/config. Thread-safety: stateless functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "app/config/option_builders.h"
#include "common/status.h"

namespace citynexus::app::builders {

namespace detail {
template <typename Obj>
constexpr Obj& Walk(Obj& object) {
  return object;
}
template <typename Obj, typename M, typename... Ms>
constexpr auto& Walk(Obj& object, M member, Ms... rest) {
  return Walk(object.*member, rest...);
}
template <typename D>
struct IsDuration : std::false_type {};
template <typename R, typename P>
struct IsDuration<std::chrono::duration<R, P>> : std::true_type {};
}  // namespace detail

// The member reached from a T by following `members` (const or not).
template <typename... Ms>
auto Member(Ms... members) {
  return [=](auto& object) -> auto& {
    return detail::Walk(object, members...);
  };
}

// The type of the member an accessor reaches from a T.
template <typename T, typename At>
using FieldType =
    std::remove_reference_t<decltype(std::declval<At>()(std::declval<T&>()))>;

template <typename T, typename At>
Option<T> Int(Doc doc, int64_t default_value, int64_t min, int64_t max, At at) {
  using V = FieldType<T, At>;
  return IntegerOption<T>(
      std::move(doc), default_value, min, max,
      [at](T& t, int64_t v) {
        if constexpr (detail::IsDuration<V>::value) {
          at(t) = V(v);
        } else {
          at(t) = static_cast<V>(v);
        }
      },
      [at](const T& t) {
        if constexpr (detail::IsDuration<V>::value) {
          return static_cast<int64_t>(at(t).count());
        } else {
          return static_cast<int64_t>(at(t));
        }
      });
}

template <typename T, typename At>
Option<T> Bool(Doc doc, bool default_value, At at) {
  return BoolOption<T>(
      std::move(doc), default_value, [at](T& t, bool v) { at(t) = v; },
      [at](const T& t) { return static_cast<bool>(at(t)); });
}

template <typename T, typename At>
Option<T> String(Doc doc, std::optional<std::string> default_value, At at) {
  return StringOption<T>(
      std::move(doc), std::move(default_value),
      [at](T& t, const std::string& v) { at(t) = v; },
      [at](const T& t) -> std::optional<std::string> {
        if (at(t).empty()) return std::nullopt;
        return at(t);
      });
}

// {name, value} pairs for Enum from the values and the layer's own naming
// function, so the names are written once (where the enum lives).
template <typename E, typename NameFn>
std::vector<std::pair<std::string, E>> NamesOf(std::initializer_list<E> values,
                                               NameFn name) {
  std::vector<std::pair<std::string, E>> out;
  for (E value : values) out.emplace_back(std::string(name(value)), value);
  return out;
}

template <typename T, typename At>
Option<T> Enum(Doc doc, std::string default_value,
               std::vector<std::pair<std::string, FieldType<T, At>>> names,
               At at) {
  std::vector<std::string> allowed;
  for (const auto& entry : names) allowed.push_back(entry.first);
  return EnumOption<T>(
      std::move(doc), std::move(default_value), std::move(allowed),
      [at, names](T& t, const std::string& v) {
        for (const auto& [name, value] : names) {
          if (name == v) at(t) = value;
        }
      },
      [at, names](const T& t) {
        for (const auto& [name, value] : names) {
          if (value == at(t)) return name;
        }
        return names.front().first;
      });
}

template <typename T, typename At>
Option<T> Duration(Doc doc, std::optional<std::string> default_value,
                   seconds min, seconds max, At at) {
  using V = FieldType<T, At>;
  return DurationOption<T>(
      std::move(doc), std::move(default_value), min, max,
      [at](T& t, seconds d) {
        if constexpr (detail::IsDuration<V>::value) {
          at(t) = std::chrono::duration_cast<V>(d);
        } else {
          at(t) = d;  // std::optional<seconds>
        }
      },
      [at](const T& t) -> std::optional<seconds> {
        if constexpr (detail::IsDuration<V>::value) {
          return std::chrono::duration_cast<seconds>(at(t));
        } else {
          return at(t);
        }
      });
}

template <typename T, typename At>
Option<T> DurationList(Doc doc, std::vector<std::string> default_value,
                       seconds min, seconds max, At at) {
  return DurationListOption<T>(
      std::move(doc), std::move(default_value), min, max,
      [at](T& t, std::vector<seconds> v) { at(t) = std::move(v); },
      [at](const T& t) { return at(t); });
}

// What a StringList calls its list and its items in error messages, and an
// optional check of each item.
struct ListWords {
  std::string range;  // documented range, e.g. "non-empty strings"
  std::string list;   // "an array of <list>", e.g. "directory names"
  std::string item;   // "expected <item>", e.g. "a directory name"
  std::function<Status(const std::string&)> check;
};

// Reports a problem per bad item (all of them) and stores nothing then.
Option<std::vector<std::string>> StringListOption(Doc doc, ListWords words);

template <typename T, typename At>
Option<T> StringList(Doc doc, ListWords words, At at) {
  Option<std::vector<std::string>> list =
      StringListOption(std::move(doc), std::move(words));
  Option<T> option;
  option.info = std::move(list.info);
  option.set = [set = std::move(list.set), at](
                   const Json& value, const std::string& where, T& target,
                   ConfigErrors& errors) {
    set(value, where, at(target), errors);
  };
  option.get = [at](const T& target) { return Json(at(target)); };
  return option;
}

// Adds "<where>[i].<key>: \"x\" is already the name of <where>[j]" for every
// element whose `key` repeats an earlier one.
template <typename E>
void CheckUnique(const std::vector<E>& elements, std::string E::*member,
                 const std::string& key, const std::string& where,
                 ConfigErrors& errors) {
  for (size_t i = 0; i < elements.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (elements[i].*member == elements[j].*member) {
        errors.Add(where + "[" + std::to_string(i) + "]." + key,
                   Quote(elements[i].*member) + " is already the name of " +
                       where + "[" + std::to_string(j) + "]");
        break;
      }
    }
  }
}

// An array of objects bound to a std::vector<E> member. `unique` (optional)
// names a string member, and its key, that must differ between elements.
template <typename E>
struct UniqueKey {
  std::string E::*member = nullptr;
  std::string key;
};

template <typename T, typename E, typename At>
Option<T> ObjectArray(
    Doc doc, std::vector<Option<E>> element_options,
    std::function<void(const E&, const std::string&, ConfigErrors&)> validate,
    At at, UniqueKey<E> unique = {}) {
  return ObjectArrayOption<T, E>(
      std::move(doc), std::move(element_options),
      std::move(validate),
      [at](T& t, std::vector<E> v) { at(t) = std::move(v); },
      [at](const T& t) -> const std::vector<E>& { return at(t); },
      unique.member == nullptr
          ? std::function<void(const std::vector<E>&, const std::string&,
                               ConfigErrors&)>()
          : [unique](const std::vector<E>& elements, const std::string& where,
                     ConfigErrors& errors) {
              CheckUnique(elements, unique.member, unique.key, where, errors);
            });
}

}  // namespace citynexus::app::builders
