// DeadLetterStore: the last N MQTT messages that could not be turned into
// points (undecodable payload, topic too short for tags_from_topic, write
// rejected), kept in memory for GET /api/v1/deadletters so an operator can
// see what a sensor actually sends. Bounded: the oldest letter is dropped
// when the store is full; payloads are truncated to kDeadLetterPayloadBytes.
// Nothing survives a restart (the broker's retained/queued messages and the
// sender are the source of truth).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/mutex.h"
#include "connectors/mqtt_options.h"

namespace citynexus::connectors {

class DeadLetterStore {
 public:
  // `capacity` > 0: letters kept.
  explicit DeadLetterStore(size_t capacity);

  // Records one rejected message; copies at most kDeadLetterPayloadBytes of
  // `payload` and drops the oldest letter when full.
  void Add(int64_t time_ns, std::string_view topic,
           std::string_view subscription, std::string_view error,
           std::string_view payload);

  // The kept letters, oldest first.
  std::vector<DeadLetter> Snapshot() const;
  // Letters ever added (including dropped ones).
  uint64_t total() const;

 private:
  const size_t capacity_;
  mutable Mutex mu_;
  std::deque<DeadLetter> letters_ GUARDED_BY(mu_);
  uint64_t total_ GUARDED_BY(mu_) = 0;
};

// The JSON body of GET /api/v1/deadletters:
// {"capacity":1000,"total":7,"dead_letters":[{"time":"2026-...Z",
//  "time_ns":...,"topic":...,"subscription":...,"error":...,
//  "payload":...,"payload_bytes":...,"truncated":false}, ...]}
// newest first. Payload bytes that are not valid UTF-8 are replaced by
// U+FFFD so any payload can be shown.
std::string DeadLettersJson(const std::vector<DeadLetter>& letters,
                            size_t capacity, uint64_t total);

}  // namespace citynexus::connectors
