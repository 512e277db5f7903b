// Option pollers: the open-data pollers (connectors::PollerOptions).
#include "app/config/fields.h"
#include "app/config/mapping_options.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {
namespace {

using namespace builders;  // NOLINT: the table reads as a list of builders
using connectors::PollerFormat;

std::vector<Option<connectors::PollerOptions>> PollerTable() {
  using P = connectors::PollerOptions;
  constexpr seconds kDay{86400};
  std::vector<Option<P>> o = {
      String<P>({"name", "", "Unique name; metrics label and series source."},
                std::nullopt, Member(&P::name)),
      String<P>({"url", "", "http:// or https:// URL polled."}, std::nullopt,
                Member(&P::url)),
      Enum<P>({"format", "", "What the URL serves."}, "gbfs",
              NamesOf({PollerFormat::kGbfs, PollerFormat::kJson,
                       PollerFormat::kCsv},
                      connectors::PollerFormatName),
              Member(&P::format)),
      Duration<P>({"interval", "", "Time between polls."}, "60s", seconds(1),
                  kDay, Member(&P::interval)),
      Int<P>({"timeout_ms", "ms", "Connect and read timeout of each request."},
             10000, 100, 600000, Member(&P::timeout)),
      Duration<P>({"backoff_max", "", "Longest wait between failing polls."},
                  "15m", seconds(1), kDay, Member(&P::backoff_max)),
      String<P>({"measurement", "", "Measurement of the points."}, std::nullopt,
                Member(&P::measurement)),
      String<P>(
          {"domain", "", "Domain recorded on the series this poller creates."},
          std::nullopt, Member(&P::domain)),
      String<P>({"language", "", "GBFS feed language picked from gbfs.json."},
                std::nullopt, Member(&P::language)),
      String<P>({"system_id", "", "GBFS: tag system_id of every station."},
                std::nullopt, Member(&P::system_id)),
      Int<P>({"information_every", "polls",
              "GBFS: station_information is fetched every this many polls."},
             10, 1, 10000, Member(&P::information_every)),
      String<P>({"tls_ca_file", "",
                 "PEM CA certificates trusted for this https:// URL instead "
                 "of the system store."},
                std::nullopt, Member(&P::tls_ca_file)),
  };
  AddMappingOptions(o);
  return o;
}

void ValidatePoller(const connectors::PollerOptions& p,
                    const std::string& where, ConfigErrors& errors) {
  if (p.format != PollerFormat::kJson && !p.json.records.empty()) {
    errors.Add(where + ".records", "only for format \"json\"");
  }
  if (p.format == PollerFormat::kGbfs && !p.json.time.empty()) {
    errors.Add(where + ".time", "only for formats \"json\" and \"csv\"");
  }
  if (p.format == PollerFormat::kGbfs && !p.json.tags.empty()) {
    errors.Add(where + ".tags", "only for formats \"json\" and \"csv\"");
  }
  if (p.format != PollerFormat::kGbfs &&
      (!p.language.empty() || !p.system_id.empty())) {
    errors.Add(where,
               "\"language\" and \"system_id\" are only for format "
               "\"gbfs\"");
  }
  if (p.format != PollerFormat::kGbfs && p.measurement.empty()) {
    errors.Add(where + ".measurement",
               "required for formats \"json\" and "
               "\"csv\", got none");
    return;
  }
  for (const auto& [member, problem] : connectors::PollerOptionProblems(p)) {
    if (member == "mapping") {
      errors.Add(where, problem);
    } else {
      errors.Add(where + "." + member, problem);
    }
  }
}

}  // namespace

std::vector<Option<Config>> PollerSection() {
  using C = Config;
  using P = connectors::PollerOptions;
  return {
      ObjectArray<C, P>(
          {"pollers", "",
           "Open-data pollers, each an object with the fields below."},
          PollerTable(), ValidatePoller, Member(&C::pollers),
          UniqueKey<P>{&P::name, "name"}),
  };
}

}  // namespace citynexus::app
