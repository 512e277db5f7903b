// The names of an enum's values as one table read both ways: value -> name
// for output, name -> value for parsing. A switch for one direction and an
// if-chain for the other drift apart; one table cannot.
//
//   constexpr EnumName<LogLevel> kLevelNames[] = {
//       {"debug", LogLevel::kDebug}, {"info", LogLevel::kInfo}, ...};
//   NameOf(kLevelNames, level, "info")  ->  "debug"
//   ValueOf(kLevelNames, "info")        ->  LogLevel::kInfo (nullopt if none)
//
// Thread-safety: pure functions over constant tables.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace citynexus {

template <typename Enum>
struct EnumName {
  std::string_view name;
  Enum value;
};

// The name of `value` in `names`; `unknown` when the table lacks it.
template <typename Enum, size_t N>
constexpr std::string_view NameOf(const EnumName<Enum> (&names)[N], Enum value,
                                  std::string_view unknown) {
  for (const EnumName<Enum>& n : names) {
    if (n.value == value) return n.name;
  }
  return unknown;
}

// The value named `name` (exact, case-sensitive match); nullopt for none.
template <typename Enum, size_t N>
constexpr std::optional<Enum> ValueOf(const EnumName<Enum> (&names)[N],
                                      std::string_view name) {
  for (const EnumName<Enum>& n : names) {
    if (n.name == name) return n.value;
  }
  return std::nullopt;
}

}  // namespace citynexus
