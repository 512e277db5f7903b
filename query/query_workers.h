// A small pool of query threads that splits one statement's work over many
// series (e.g. sum over 100k series GROUP BY district) into tasks, runs them
// on the pool and on the requesting thread, and hands their results back to
// the requesting thread in task order, so that merging stays sequential and
// the answer is bit-identical to a single-threaded run (floating-point sums
// added in the same order).
//
// Bounds: at most `window` tasks run ahead of the one being consumed, so the
// memory of finished-but-unconsumed results is bounded by the caller's task
// size. The requesting thread alone calls `poll` (the query guard, which is
// single-threaded) and `consume`; tasks only call `produce`. No task runs
// after RunOrdered returns: it waits for the pool's threads to leave the job,
// even when it fails or is stopped.
//
// Thread-safety: safe for concurrent use; concurrent jobs share the threads
// first come, first served (each caller also works on its own job, so a job
// always progresses even when every pool thread is busy elsewhere).
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "common/thread_annotations.h"

namespace citynexus::query {

class QueryWorkers {
 public:
  // `threads` pool threads (>= 1), started on first use.
  explicit QueryWorkers(size_t threads);
  ~QueryWorkers();
  QueryWorkers(const QueryWorkers&) = delete;
  QueryWorkers& operator=(const QueryWorkers&) = delete;

  size_t threads() const { return threads_; }

  // Threads a statement may use for `parallelism` (the query.parallelism
  // option): 0 means one per core; 1 disables the pool.
  static size_t Resolve(size_t parallelism);

  // Runs produce(i) for every i in [0, n) (any thread, at most `window`
  // ahead of consumption) and consume(i) on the calling thread in ascending
  // i once produce(i) has finished. Returns the first non-OK status in task
  // order: produce(i)'s (consume(i) is then not called), consume(i)'s, or
  // poll()'s, which the caller runs between its own steps and at least every
  // few milliseconds while it waits. After a failure no new task starts.
  Status RunOrdered(size_t n, size_t window,
                    const std::function<Status(size_t)>& produce,
                    const std::function<Status(size_t)>& consume,
                    const std::function<Status()>& poll);

 private:
  struct Job;
  void Loop();
  void StartLocked() REQUIRES(mu_);

  const size_t threads_;
  Mutex mu_;
  CondVar work_;  // a job was queued, or shutdown
  std::deque<Job*> jobs_ GUARDED_BY(mu_);
  bool shutdown_ GUARDED_BY(mu_) = false;
  std::vector<std::thread> pool_ GUARDED_BY(mu_);
};

}  // namespace citynexus::query
