// GBFS auto-discovery for the pollers: which feeds a gbfs.json lists.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace citynexus::connectors {

struct GbfsDiscovery {
  // False when the document is not gbfs.json but a station_status feed
  // (data.stations): the poller then decodes it directly.
  bool is_discovery = false;
  std::string language;         // the language picked ("" for GBFS 3.0)
  std::string status_url;       // station_status feed (required)
  std::string information_url;  // station_information feed; may be empty
};

// Reads `body`: a GBFS 2.x gbfs.json (data.<language>.feeds[]), a GBFS 3.0
// gbfs.json (data.feeds[]) or a station_status document. `language` picks
// the 2.x language ("" = the first listed). Feed URLs are returned as
// written. kInvalidArgument naming the problem: not JSON, no `data`, the
// requested language missing (the available ones are listed), no
// station_status feed.
Result<GbfsDiscovery> ParseGbfsDiscovery(std::string_view body,
                                         std::string_view language);

}  // namespace citynexus::connectors
