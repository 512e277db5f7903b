// WriteWorkers: a small pool of threads that run ingest jobs (decode, resolve
// series, append durably) off the HTTP I/O threads, behind a bounded queue.
//
// When the queue is full, TrySubmit refuses the job at once; the HTTP layer
// turns that into 503 + Retry-After, so a saturated write path pushes back
// instead of growing memory without bound.
//
// Thread-safety: safe for concurrent use. Stop() runs queued jobs to the end,
// then joins; jobs submitted after Stop() are refused.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/mutex.h"

namespace citynexus::connectors {

class WriteWorkers {
 public:
  // `threads` >= 1; `max_queued` >= 1 jobs waiting (running ones not counted).
  WriteWorkers(size_t threads, size_t max_queued);
  ~WriteWorkers();
  WriteWorkers(const WriteWorkers&) = delete;
  WriteWorkers& operator=(const WriteWorkers&) = delete;

  // Queues `job`; false (job not taken) when the queue is full or stopped.
  bool TrySubmit(std::function<void()> job);
  size_t queued() const;
  void Stop();

 private:
  void Loop();

  const size_t max_queued_;
  mutable Mutex mu_;
  CondVar cv_;
  std::deque<std::function<void()>> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace citynexus::connectors
