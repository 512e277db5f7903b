// MQTT topic helpers for the MQTT connector: splitting topics into levels,
// matching topic filters (wildcards, shared subscriptions) and reading tag
// values from topic levels.
//
// Internal to connectors/. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace citynexus::connectors {

// "a/b//c" -> {"a", "b", "", "c"}. Views into `topic`.
std::vector<std::string_view> TopicLevels(std::string_view topic);

// The filter the broker matches for `subscription`: "$share/g/a/+" -> "a/+";
// other filters are returned unchanged.
std::string_view MatchingFilter(std::string_view subscription);

// Whether `topic` (a concrete topic name) matches `filter` (after
// MatchingFilter) per MQTT 3.1.1 section 4.7: `+` one level, `#` this and all
// deeper levels (including the parent: "a/#" matches "a"), and a leading
// wildcard never matches topics starting with `$`.
bool TopicMatches(std::string_view filter, std::string_view topic);

// Resolves `tags_from_topic` (tag name -> level index) against `topic`.
// Returns (name, value) pairs viewing `topic` and the names; kInvalidArgument
// when the topic has too few levels or a wanted level is empty.
Result<std::vector<std::pair<std::string_view, std::string_view>>>
TagsFromTopic(std::string_view topic,
              const std::vector<std::pair<std::string, int>>& tags_from_topic);

}  // namespace citynexus::connectors
