#include "connectors/write_workers.h"

#include <algorithm>

namespace citynexus::connectors {

WriteWorkers::WriteWorkers(size_t threads, size_t max_queued)
    : max_queued_(std::max<size_t>(1, max_queued)) {
  threads = std::max<size_t>(1, threads);
  for (size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { Loop(); });
  }
}

WriteWorkers::~WriteWorkers() { Stop(); }

bool WriteWorkers::TrySubmit(std::function<void()> job) {
  {
    MutexLock lock(&mu_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(std::move(job));
  }
  cv_.Signal();
  return true;
}

size_t WriteWorkers::queued() const {
  MutexLock lock(&mu_);
  return queue_.size();
}

void WriteWorkers::Stop() {
  {
    MutexLock lock(&mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.SignalAll();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void WriteWorkers::Loop() {
  for (;;) {
    std::function<void()> job;
    {
      MutexLock lock(&mu_);
      while (!stopping_ && queue_.empty()) cv_.Wait(&mu_);
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

}  // namespace citynexus::connectors
