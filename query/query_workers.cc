#include "query/query_workers.h"

#include <algorithm>
#include <chrono>

namespace citynexus::query {

// One RunOrdered call, on the caller's stack. Pool threads enter it only
// through jobs_ (under mu_) and count themselves in `inside`; the caller
// removes it from jobs_ and waits for inside == 0 before returning.
struct QueryWorkers::Job {
  Job(size_t tasks, size_t ahead, const std::function<Status(size_t)>* fn)
      : n(tasks), window(std::max<size_t>(ahead, 1)), produce(fn) {
    MutexLock lock(&mu);
    done.assign(n, false);
    status.assign(n, Status::Ok());
  }

  const size_t n;
  const size_t window;
  const std::function<Status(size_t)>* const produce;
  Mutex mu;
  CondVar changed;  // a task finished, consumption advanced, a thread left
  size_t next GUARDED_BY(mu) = 0;      // next task to claim
  size_t consumed GUARDED_BY(mu) = 0;  // tasks handed to consume
  bool stop GUARDED_BY(mu) = false;    // no new task starts
  int inside GUARDED_BY(mu) = 0;       // pool threads working on the job
  std::vector<bool> done GUARDED_BY(mu);
  std::vector<Status> status GUARDED_BY(mu);

  bool HasWork() REQUIRES(mu) { return !stop && next < n; }
  bool Claimable() REQUIRES(mu) {
    return HasWork() && next < consumed + window;
  }
  // Claims and runs the next task with `mu` released meanwhile.
  void RunNext() REQUIRES(mu) {
    const size_t i = next++;
    mu.Unlock();
    Status st = (*produce)(i);
    mu.Lock();
    if (!st.ok()) stop = true;  // later tasks cannot change the answer
    status[i] = std::move(st);
    done[i] = true;
    changed.SignalAll();
  }
};

QueryWorkers::QueryWorkers(size_t threads)
    : threads_(std::max<size_t>(threads, 1)) {}

QueryWorkers::~QueryWorkers() {
  std::vector<std::thread> pool;
  {
    MutexLock lock(&mu_);
    shutdown_ = true;
    pool.swap(pool_);
  }
  work_.SignalAll();
  for (auto& t : pool) t.join();
}

size_t QueryWorkers::Resolve(size_t parallelism) {
  if (parallelism > 0) return parallelism;
  return std::max(1u, std::thread::hardware_concurrency());
}

void QueryWorkers::StartLocked() {
  if (!pool_.empty() || shutdown_) return;
  for (size_t i = 0; i < threads_; ++i) pool_.emplace_back([this] { Loop(); });
}

void QueryWorkers::Loop() {
  MutexLock lock(&mu_);
  while (true) {
    while (!shutdown_ && jobs_.empty()) work_.Wait(&mu_);
    if (shutdown_) return;
    Job* job = jobs_.front();
    {
      MutexLock job_lock(&job->mu);
      if (!job->HasWork()) {
        jobs_.pop_front();  // finished or stopped: nothing left to claim
        continue;
      }
      ++job->inside;
    }
    lock.Unlock();
    {
      MutexLock job_lock(&job->mu);
      while (job->HasWork()) {
        if (job->Claimable()) {
          job->RunNext();
        } else {
          job->changed.Wait(&job->mu);  // the window is full
        }
      }
      --job->inside;
      job->changed.SignalAll();
    }
    lock.Lock();
  }
}

Status QueryWorkers::RunOrdered(size_t n, size_t window,
                                const std::function<Status(size_t)>& produce,
                                const std::function<Status(size_t)>& consume,
                                const std::function<Status()>& poll) {
  if (n == 0) return Status::Ok();
  Job job(n, window, &produce);
  {
    MutexLock lock(&mu_);
    StartLocked();
    jobs_.push_back(&job);
  }
  work_.SignalAll();
  Status result;
  {
    MutexLock lock(&job.mu);
    while (job.consumed < n) {
      const size_t i = job.consumed;
      if (job.done[i]) {
        if (!job.status[i].ok()) {
          result = job.status[i];
          break;
        }
        lock.Unlock();
        Status st = consume(i);
        if (st.ok()) st = poll();
        lock.Lock();
        if (!st.ok()) {
          result = std::move(st);
          break;
        }
        ++job.consumed;
        job.changed.SignalAll();
        continue;
      }
      if (job.Claimable()) {
        job.RunNext();
        continue;
      }
      // Task i runs on a pool thread: wait for it, polling the guard.
      job.changed.WaitFor(&job.mu, std::chrono::milliseconds(5));
      lock.Unlock();
      Status st = poll();
      lock.Lock();
      if (!st.ok()) {
        result = std::move(st);
        break;
      }
    }
    job.stop = true;
    job.changed.SignalAll();
  }
  {
    MutexLock lock(&mu_);
    auto it = std::find(jobs_.begin(), jobs_.end(), &job);
    if (it != jobs_.end()) jobs_.erase(it);
  }
  MutexLock lock(&job.mu);
  while (job.inside > 0) job.changed.Wait(&job.mu);
  return result;
}

}  // namespace citynexus::query
