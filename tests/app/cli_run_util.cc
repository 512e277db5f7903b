#include "app/cli_run_util.h"

#include <sstream>

#include "app/cli.h"

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

}  // namespace citynexus::app
