#include "app/serve_util.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "support/http_client.h"

namespace citynexus::testing {

ServeProcess::ServeProcess(const std::string& dir,
                           const nlohmann::json& overrides,
                           const std::string& data_dir) {
  std::ifstream in(std::string(CITYNEXUS_SOURCE_DIR) +
                   "/config/citynexus.json");
  nlohmann::json config = nlohmann::json::parse(in);
  config["mqtt"]["brokers"] = nlohmann::json::array();
  config["indicators"]["paths"] = {std::string(CITYNEXUS_SOURCE_DIR) +
                                   "/config/indicators"};
  if (!overrides.is_null()) config.merge_patch(overrides);
  const std::string path = dir + "/citynexus.json";
  std::ofstream(path) << config.dump(2);
  process_ = std::make_unique<Citynexus>(std::vector<std::string>{
      "serve", "--config", path, "--data-dir",
      data_dir.empty() ? dir + "/data" : data_dir, "--listen", "127.0.0.1:0"});
  const auto log = process_->WaitForStderr(" listening on 127.0.0.1:",
                                           std::chrono::seconds(60));
  INFO("stderr: " << process_->Stderr());
  REQUIRE(log.has_value());
  const auto port = ListeningPort(*log);
  REQUIRE(port.has_value());
  port_ = *port;
}

long ServeProcess::RssKiB() const {
  std::ifstream status("/proc/" + std::to_string(process_->pid()) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      long kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return 0;
}

bool ServeProcess::Healthy() const {
  return HttpRequest(port_, "GET", "/healthz").status == 200;
}

}  // namespace citynexus::testing
