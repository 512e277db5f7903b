#include "connectors/poller_gbfs.h"

#include <nlohmann/json.hpp>

#include "connectors/decoders/json_util.h"

namespace citynexus::connectors {
namespace {

// The URL of the feed called `name` in a feeds array; "" when absent.
std::string FeedUrl(const nlohmann::json& feeds, std::string_view name) {
  for (const nlohmann::json& feed : feeds) {
    if (!feed.is_object()) continue;
    const auto n = feed.find("name");
    const auto u = feed.find("url");
    if (n != feed.end() && u != feed.end() && n->is_string() &&
        u->is_string() && n->get_ref<const std::string&>() == name) {
      return u->get<std::string>();
    }
  }
  return "";
}

}  // namespace

Result<GbfsDiscovery> ParseGbfsDiscovery(std::string_view body,
                                         std::string_view language) {
  Result<nlohmann::json> doc = ParseJsonBody(body);
  if (!doc) return doc.error();
  const nlohmann::json& root = *doc;
  if (!root.is_object() || !root.contains("data") ||
      !root["data"].is_object()) {
    return Status::InvalidArgument(
        "not a GBFS document: expected an object with a \"data\" object");
  }
  const nlohmann::json& data = root["data"];
  GbfsDiscovery out;
  if (data.contains("stations")) return out;  // station_status itself
  const nlohmann::json* feeds = nullptr;
  if (data.contains("feeds") && data["feeds"].is_array()) {
    feeds = &data["feeds"];  // GBFS 3.0: no language level
  } else {
    std::string available;
    for (const auto& [lang, value] : data.items()) {
      if (!value.is_object() || !value.contains("feeds") ||
          !value["feeds"].is_array()) {
        continue;
      }
      available += (available.empty() ? "\"" : ", \"") + lang + "\"";
      if (feeds == nullptr && (language.empty() || lang == language)) {
        feeds = &value["feeds"];
        out.language = lang;
      }
    }
    if (feeds == nullptr) {
      if (available.empty()) {
        return Status::InvalidArgument(
            "not a GBFS gbfs.json or station_status document: \"data\" has "
            "neither \"stations\" nor feeds");
      }
      return Status::InvalidArgument("gbfs.json has no language \"" +
                                     std::string(language) +
                                     "\" (available: " + available + ")");
    }
  }
  out.is_discovery = true;
  out.status_url = FeedUrl(*feeds, "station_status");
  out.information_url = FeedUrl(*feeds, "station_information");
  if (out.status_url.empty()) {
    return Status::InvalidArgument(
        "gbfs.json lists no station_status feed" +
        (out.language.empty() ? std::string()
                              : " for language \"" + out.language + "\""));
  }
  return out;
}

}  // namespace citynexus::connectors
