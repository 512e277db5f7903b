// Options at the top level: data_dir, log_level.
#include "app/config/fields.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {

std::vector<Option<Config>> GeneralSection() {
  using namespace builders;  // NOLINT: the table reads as a list of builders
  using C = Config;
  return {
      String<C>({"data_dir", "",
                 "Directory of the store; created if missing. Relative paths "
                 "are relative to the working directory."},
                "./data", Member(&C::data_dir)),
      Enum<C>(
          {"log_level", "", "Minimum level of log lines written to stderr."},
          "info",
          {{"debug", LogLevel::kDebug},
           {"info", LogLevel::kInfo},
           {"warn", LogLevel::kWarn},
           {"error", LogLevel::kError}},
          Member(&C::log_level)),
  };
}

}  // namespace citynexus::app
