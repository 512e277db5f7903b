#include "connectors/mqtt_topic.h"

#include <string>

#include "connectors/mqtt_options.h"

namespace citynexus::connectors {
namespace {

constexpr std::string_view kSharePrefix = "$share/";

bool IsWildcardLevel(std::string_view level) {
  return level == "+" || level == "#";
}

}  // namespace

std::vector<std::string_view> TopicLevels(std::string_view topic) {
  std::vector<std::string_view> levels;
  size_t start = 0;
  while (true) {
    const size_t slash = topic.find('/', start);
    if (slash == std::string_view::npos) {
      levels.push_back(topic.substr(start));
      return levels;
    }
    levels.push_back(topic.substr(start, slash - start));
    start = slash + 1;
  }
}

std::string_view MatchingFilter(std::string_view subscription) {
  if (subscription.substr(0, kSharePrefix.size()) != kSharePrefix) {
    return subscription;
  }
  const size_t group_end = subscription.find('/', kSharePrefix.size());
  if (group_end == std::string_view::npos) return {};
  return subscription.substr(group_end + 1);
}

bool TopicMatches(std::string_view filter, std::string_view topic) {
  if (!topic.empty() && topic.front() == '$' &&
      (filter.empty() || filter.front() == '+' || filter.front() == '#')) {
    return false;  // $SYS/... is never matched by a leading wildcard
  }
  const std::vector<std::string_view> f = TopicLevels(filter);
  const std::vector<std::string_view> t = TopicLevels(topic);
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") return true;  // matches this level and all below
    if (i >= t.size()) return false;
    if (f[i] != "+" && f[i] != t[i]) return false;
  }
  // ("a/#" matching "a" returned above: "#" also matches its parent.)
  return f.size() == t.size();
}

Result<std::vector<std::pair<std::string_view, std::string_view>>>
TagsFromTopic(std::string_view topic,
              const std::vector<std::pair<std::string, int>>& tags_from_topic) {
  std::vector<std::pair<std::string_view, std::string_view>> tags;
  if (tags_from_topic.empty()) return tags;
  const std::vector<std::string_view> levels = TopicLevels(topic);
  for (const auto& [name, index] : tags_from_topic) {
    if (index < 0 || static_cast<size_t>(index) >= levels.size()) {
      return Status::InvalidArgument(
          "tags_from_topic: tag \"" + name + "\" wants topic level " +
          std::to_string(index) + " but topic \"" + std::string(topic) +
          "\" has " + std::to_string(levels.size()) + " level(s)");
    }
    if (levels[index].empty()) {
      return Status::InvalidArgument("tags_from_topic: tag \"" + name +
                                     "\": topic level " +
                                     std::to_string(index) + " of \"" +
                                     std::string(topic) + "\" is empty");
    }
    tags.emplace_back(name, levels[index]);
  }
  return tags;
}

Status ValidateTopicFilter(std::string_view filter) {
  if (filter.empty()) {
    return Status::InvalidArgument("expected a non-empty topic filter");
  }
  std::string_view plain = filter;
  if (filter.substr(0, kSharePrefix.size()) == kSharePrefix) {
    const size_t group_end = filter.find('/', kSharePrefix.size());
    const std::string_view group =
        group_end == std::string_view::npos
            ? filter.substr(kSharePrefix.size())
            : filter.substr(kSharePrefix.size(),
                            group_end - kSharePrefix.size());
    if (group.empty() || group_end == std::string_view::npos ||
        group.find_first_of("+#") != std::string_view::npos) {
      return Status::InvalidArgument(
          "shared subscription must be \"$share/<group>/<filter>\" with a "
          "group name without wildcards, got \"" +
          std::string(filter) + "\"");
    }
    plain = filter.substr(group_end + 1);
    if (plain.empty()) {
      return Status::InvalidArgument(
          "shared subscription \"" + std::string(filter) +
          "\" has an empty topic filter after the group");
    }
  }
  const std::vector<std::string_view> levels = TopicLevels(plain);
  for (size_t i = 0; i < levels.size(); ++i) {
    const std::string_view level = levels[i];
    if (level.find_first_of("+#") != std::string_view::npos &&
        !IsWildcardLevel(level)) {
      return Status::InvalidArgument(
          "wildcards + and # must fill a whole topic level, got \"" +
          std::string(filter) + "\"");
    }
    if (level == "#" && i + 1 != levels.size()) {
      return Status::InvalidArgument("# must be the last topic level, got \"" +
                                     std::string(filter) + "\"");
    }
  }
  if (plain.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("topic filter contains a NUL byte");
  }
  return Status::Ok();
}

}  // namespace citynexus::connectors
