// Runs the citynexus CLI in-process (app::Run) and captures its output, for
// the CLI tests that need no real process.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace citynexus::app {

struct CliOutcome {
  int code = -1;
  std::string out;
  std::string err;
};

// `args` are argv[1..]; "citynexus" is prepended as argv[0].
CliOutcome RunCli(std::vector<std::string> args);

// Each line of `text` parsed as JSON (decode output).
std::vector<nlohmann::json> JsonLines(const std::string& text);

// Writes `text` to `dir`/`name` (binary); returns the path.
std::string WriteFile(const testing::TempDir& dir, const std::string& name,
                      const std::string& text);

inline bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace citynexus::app
