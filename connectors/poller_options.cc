#include "connectors/poller_options.h"

#include <algorithm>
#include <set>

#include "common/enum_names.h"
#include "net/net.h"

namespace citynexus::connectors {

namespace {

constexpr EnumName<PollerFormat> kFormatNames[] = {
    {"gbfs", PollerFormat::kGbfs},
    {"json", PollerFormat::kJson},
    {"csv", PollerFormat::kCsv}};

}  // namespace

std::string_view PollerFormatName(PollerFormat format) {
  return NameOf(kFormatNames, format, "gbfs");
}

Result<PollerFormat> ParsePollerFormat(std::string_view name) {
  if (auto format = ValueOf(kFormatNames, name)) return *format;
  return Status::InvalidArgument(
      "poller format must be \"gbfs\", \"json\" or "
      "\"csv\", got \"" +
      std::string(name) + "\"");
}

std::vector<std::pair<std::string, std::string>> PollerOptionProblems(
    const PollerOptions& options) {
  std::vector<std::pair<std::string, std::string>> problems;
  if (options.name.empty()) problems.emplace_back("name", "required");
  if (options.url.empty()) {
    problems.emplace_back("url", "required");
  } else if (auto url = net::ParseHttpUrl(options.url); !url) {
    problems.emplace_back("url", url.error().message());
  } else if (!options.tls_ca_file.empty() && !url->tls()) {
    problems.emplace_back("tls_ca_file", "only for https:// URLs");
  }
  if (options.interval <= std::chrono::milliseconds(0)) {
    problems.emplace_back("interval", "must be positive");
  }
  if (options.timeout <= std::chrono::milliseconds(0)) {
    problems.emplace_back("timeout_ms", "must be positive");
  }
  if (options.information_every < 1) {
    problems.emplace_back("information_every", "must be at least 1");
  }
  Status rule;
  switch (options.format) {
    case PollerFormat::kGbfs:
      if (!options.json.fields.empty() || !options.csv.fields.empty()) {
        problems.emplace_back("fields",
                              "only for formats \"json\" and \"csv\"; GBFS "
                              "feeds have fixed fields");
      }
      break;
    case PollerFormat::kJson: {
      // The poller's `measurement` fills the rule's when that is empty.
      JsonMappingRule json = options.json;
      if (json.measurement.empty()) json.measurement = options.measurement;
      rule = ValidateJsonMappingRule(json);
      break;
    }
    case PollerFormat::kCsv: {
      CsvMappingRule csv = options.csv;
      if (csv.measurement.empty()) csv.measurement = options.measurement;
      rule = ValidateCsvMappingRule(csv);
      break;
    }
  }
  if (!rule.ok()) problems.emplace_back("mapping", rule.message());
  return problems;
}

Status ValidatePollers(const std::vector<PollerOptions>& pollers) {
  std::string message;
  std::set<std::string> names;
  for (size_t i = 0; i < pollers.size(); ++i) {
    const std::string where =
        "pollers[" + std::to_string(i) + "] \"" + pollers[i].name + "\"";
    for (const auto& [member, problem] : PollerOptionProblems(pollers[i])) {
      message += (message.empty() ? "" : "; ") + where + ": " + member + ": " +
                 problem;
    }
    if (!pollers[i].name.empty() && !names.insert(pollers[i].name).second) {
      message += (message.empty() ? "" : "; ") + where +
                 ": name: used by an earlier poller";
    }
  }
  if (message.empty()) return Status::Ok();
  return Status::InvalidArgument(message);
}

std::chrono::milliseconds PollerDelay(std::chrono::milliseconds interval,
                                      std::chrono::milliseconds backoff_max,
                                      int consecutive_errors) {
  if (consecutive_errors <= 0) return interval;
  const std::chrono::milliseconds cap = std::max(backoff_max, interval);
  std::chrono::milliseconds delay = interval;
  for (int i = 0; i < consecutive_errors && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

}  // namespace citynexus::connectors
