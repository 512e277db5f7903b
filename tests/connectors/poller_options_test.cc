// Poller option checks, the backoff schedule and GBFS discovery parsing.
#include "connectors/poller_options.h"

#include <catch2/catch.hpp>

#include "connectors/poller_gbfs.h"

namespace citynexus::connectors {
namespace {

using std::chrono::milliseconds;

TEST_CASE("poller delay doubles per failure, is capped and resets",
          "[connectors][pollers]") {
  const milliseconds i(1000), max(10000);
  CHECK(PollerDelay(i, max, 0) == i);
  CHECK(PollerDelay(i, max, 1) == milliseconds(2000));
  CHECK(PollerDelay(i, max, 3) == milliseconds(8000));
  CHECK(PollerDelay(i, max, 4) == max);
  CHECK(PollerDelay(i, max, 1000000) == max);
  // A cap below the interval never makes failures poll faster.
  CHECK(PollerDelay(milliseconds(60000), milliseconds(1000), 5) ==
        milliseconds(60000));
}

TEST_CASE("ValidatePollers names empty and repeated names, bad URLs and rules",
          "[connectors][pollers]") {
  PollerOptions good;
  good.name = "bikes";
  good.url = "https://gbfs.example/gbfs.json";
  CHECK(ValidatePollers({good}).ok());
  PollerOptions csv = good;
  csv.name = "air";
  csv.format = PollerFormat::kCsv;
  const Status no_rule = ValidatePollers({good, csv});
  CHECK(no_rule.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(no_rule.message(), Catch::Contains("pollers[1] \"air\": mapping"));
  csv.csv.measurement = "air";
  csv.csv.fields = {{"pm10", "pm10", MappedType::kFloat}};
  CHECK(ValidatePollers({good, csv}).ok());
  const Status twice = ValidatePollers({good, good});
  CHECK_THAT(twice.message(), Catch::Contains("used by an earlier poller"));
  PollerOptions bad = good;
  bad.name = "";
  bad.url = "ftp://x";
  const Status s = ValidatePollers({bad});
  CHECK_THAT(s.message(), Catch::Contains("name: required"));
  CHECK_THAT(s.message(), Catch::Contains("url: "));
  CHECK(ParsePollerFormat("csv").value() == PollerFormat::kCsv);
  CHECK_FALSE(ParsePollerFormat("xml").has_value());
}

TEST_CASE("GBFS discovery picks the language and the station feeds",
          "[connectors][pollers][gbfs]") {
  const char* doc = R"({"data": {
    "de": {"feeds": [{"name": "station_status", "url": "https://x/de/s.json"}]},
    "en": {"feeds": [{"name": "station_information", "url": "https://x/en/i.json"},
                     {"name": "station_status", "url": "https://x/en/s.json"}]}}})";
  auto first = ParseGbfsDiscovery(doc, "");
  REQUIRE(first.has_value());
  CHECK(first->is_discovery);
  CHECK(first->language == "de");
  CHECK(first->status_url == "https://x/de/s.json");
  CHECK(first->information_url.empty());
  auto en = ParseGbfsDiscovery(doc, "en");
  REQUIRE(en.has_value());
  CHECK(en->status_url == "https://x/en/s.json");
  CHECK(en->information_url == "https://x/en/i.json");
  auto fr = ParseGbfsDiscovery(doc, "fr");
  REQUIRE_FALSE(fr.has_value());
  CHECK_THAT(fr.error().message(), Catch::Contains("\"de\", \"en\""));

  auto v3 = ParseGbfsDiscovery(
      R"({"data": {"feeds": [{"name": "station_status", "url": "s"}]}})", "");
  REQUIRE(v3.has_value());
  CHECK(v3->status_url == "s");
  auto status = ParseGbfsDiscovery(R"({"data": {"stations": []}})", "");
  REQUIRE(status.has_value());
  CHECK_FALSE(status->is_discovery);
  CHECK_FALSE(ParseGbfsDiscovery("[1]", "").has_value());
  CHECK_FALSE(ParseGbfsDiscovery("not json", "").has_value());
  auto no_status = ParseGbfsDiscovery(
      R"({"data": {"en": {"feeds": [{"name": "x", "url": "y"}]}}})", "");
  REQUIRE_FALSE(no_status.has_value());
  CHECK_THAT(no_status.error().message(), Catch::Contains("station_status"));
}

}  // namespace
}  // namespace citynexus::connectors
