// The one way to parse JSON a client sent (HTTP bodies, MQTT payloads, polled
// feeds, query parameters): bounded nesting depth, no exceptions.
//
// Why a depth limit: nlohmann::json 3.11 parses 100k nested '[' fine, but
// dump(), copies and destruction of such a value recurse once per level and
// overflow the stack. Real payloads nest a handful of levels; 64 leaves room.
//
// Header-only on purpose: common/ has no JSON dependency; each layer that
// parses JSON already links nlohmann_json privately.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace citynexus {

// Deepest nesting of arrays and objects accepted in client JSON.
inline constexpr int kMaxJsonDepth = 64;

// Deepest nesting of '[' / '{' in `text`, ignoring brackets inside strings;
// stops counting (returns a value > `limit`) as soon as `limit` is passed.
// Linear and iterative: safe on any input.
inline int JsonNestingDepth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// Parses `text` as one JSON document nested at most `max_depth` levels.
// kInvalidArgument "JSON nested deeper than the limit of 64 levels" or
// "not valid JSON: <parser message>" (with `what` in front when given).
inline Result<nlohmann::json> ParseJsonLimited(std::string_view text,
                                               int max_depth = kMaxJsonDepth,
                                               std::string_view what = {}) {
  const std::string prefix = what.empty() ? "" : std::string(what) + ": ";
  if (JsonNestingDepth(text, max_depth) > max_depth) {
    return Status::InvalidArgument(prefix +
                                   "JSON nested deeper than the limit of " +
                                   std::to_string(max_depth) + " levels");
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    return Status::InvalidArgument(prefix + "not valid JSON: " + e.what());
  }
}

}  // namespace citynexus
