// A real `citynexus serve` for hostile-input tests: the shipped config
// without MQTT brokers, with overrides merged in, on a free loopback port;
// plus small probes of the process (resident memory, liveness).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "app/process_util.h"

namespace citynexus::testing {

class ServeProcess {
 public:
  // Starts serve with the shipped config (no brokers) with `overrides`
  // merged in (JSON merge patch), data in `dir`/data. REQUIREs it to log
  // its port within a minute.
  ServeProcess(const std::string& dir, const nlohmann::json& overrides = {},
               const std::string& data_dir = "");
  uint16_t port() const { return port_; }
  Citynexus& process() { return *process_; }
  // VmRSS of the process in KiB from /proc; 0 when unreadable (exited).
  long RssKiB() const;
  // True when the process still runs and GET /healthz answers 200.
  bool Healthy() const;

 private:
  std::unique_ptr<Citynexus> process_;
  uint16_t port_ = 0;
};

}  // namespace citynexus::testing
