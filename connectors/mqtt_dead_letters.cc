#include "connectors/mqtt_dead_letters.h"

#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace citynexus::connectors {
DeadLetterStore::DeadLetterStore(size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity) {}

void DeadLetterStore::Add(int64_t time_ns, std::string_view topic,
                          std::string_view subscription, std::string_view error,
                          std::string_view payload) {
  DeadLetter letter;
  letter.time_ns = time_ns;
  letter.topic = topic;
  letter.subscription = subscription;
  letter.error = error;
  letter.payload = payload.substr(0, kDeadLetterPayloadBytes);
  letter.payload_bytes = payload.size();
  MutexLock lock(&mu_);
  if (letters_.size() == capacity_) letters_.pop_front();
  letters_.push_back(std::move(letter));
  ++total_;
}

std::vector<DeadLetter> DeadLetterStore::Snapshot() const {
  MutexLock lock(&mu_);
  return {letters_.begin(), letters_.end()};
}

uint64_t DeadLetterStore::total() const {
  MutexLock lock(&mu_);
  return total_;
}

std::string DeadLettersJson(const std::vector<DeadLetter>& letters,
                            size_t capacity, uint64_t total) {
  nlohmann::json list = nlohmann::json::array();
  for (auto it = letters.rbegin(); it != letters.rend(); ++it) {
    list.push_back(
        {{"time", FormatRfc3339(it->time_ns, Rfc3339Fraction::kAlwaysNine)},
         {"time_ns", it->time_ns},
         {"topic", it->topic},
         {"subscription", it->subscription},
         {"error", it->error},
         {"payload", it->payload},
         {"payload_bytes", it->payload_bytes},
         {"truncated", it->payload.size() < it->payload_bytes}});
  }
  nlohmann::json body = {{"capacity", capacity},
                         {"total", total},
                         {"dead_letters", std::move(list)}};
  // Payloads are arbitrary bytes: replace invalid UTF-8 instead of throwing.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace citynexus::connectors
