// Runs the citynexus CLI in-process (app::Run) and captures its output, for
// the CLI tests that need no real process.
#pragma once

#include <string>
#include <vector>

namespace citynexus::app {

struct CliOutcome {
  int code = -1;
  std::string out;
  std::string err;
};

// `args` are argv[1..]; "citynexus" is prepended as argv[0].
CliOutcome RunCli(std::vector<std::string> args);

inline bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace citynexus::app
