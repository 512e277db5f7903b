#include "app/cli_run_util.h"

#include <fstream>
#include <sstream>

#include "app/cmd/cli.h"

namespace citynexus::app {

CliOutcome RunCli(std::vector<std::string> args) {
  args.insert(args.begin(), "citynexus");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out;
  std::ostringstream err;
  CliOutcome o;
  o.code = Run(static_cast<int>(argv.size()), argv.data(), out, err);
  o.out = out.str();
  o.err = err.str();
  return o;
}

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::string WriteFile(const testing::TempDir& dir, const std::string& name,
                      const std::string& text) {
  const std::string path = dir.str() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace citynexus::app
