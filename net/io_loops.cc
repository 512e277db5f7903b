// IoLoops: one io_context per I/O thread, the new-connection placement and
// the stall rescue; see io_loops.h.
#include "net/io_loops.h"

#include <pthread.h>

#include <exception>
#include <limits>
#include <string>
#include <system_error>

#include "common/log.h"

namespace citynexus::net {
namespace asio = boost::asio;

namespace {
// How long a rescue thread blocks in one run_one_for before it looks again
// whether the loop's own thread is back.
constexpr auto kRescueSlice = std::chrono::milliseconds(5);

// The activity counter of the calling thread when it runs a loop (its own
// or as the rescue); null on every other thread. Odd while in a request.
thread_local std::atomic<uint64_t>* tl_activity = nullptr;

// "http-io-3", "http-rescue-3": top and perf show which loop burns CPU.
void NameThisThread(const char* role, size_t loop) {
  const std::string name = std::string(role) + std::to_string(loop);
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

// Handlers do not throw (sessions catch handler exceptions), but an escaping
// exception must not take the process down with it.
template <typename Fn>
bool RunGuarded(Fn&& fn) {
  try {
    fn();
    return true;
  } catch (const std::exception& e) {
    CN_LOG(kError, "http") << "I/O thread caught: " << e.what();
  } catch (...) {
    CN_LOG(kError, "http") << "I/O thread caught a non-exception";
  }
  return false;
}
}  // namespace

struct IoLoops::Loop {
  // The default concurrency hint (not 1): a rescue thread may run this
  // io_context beside the loop's own thread, and with hint 1 Asio would not
  // wake a second thread for queued handlers. With a single thread running
  // it the default hint costs nothing extra: no waiter, no signal.
  asio::io_context ioc;
  size_t index = 0;  // set before its threads start
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
      work;
  std::thread thread;
  std::atomic<uint64_t> activity{0};         // the loop thread's
  std::atomic<uint64_t> rescue_activity{0};  // the rescue thread's
  std::shared_ptr<std::atomic<int>> connections =
      std::make_shared<std::atomic<int>>(0);
  std::atomic<bool> stalled{false};
  uint64_t last_seen = 0;  // CheckStalls' thread only

  Mutex mu;
  CondVar cv;
  bool rescue_wanted GUARDED_BY(mu) = false;
  bool quit GUARDED_BY(mu) = false;
  // Started by CheckStalls the first time the loop stalls; joined by Stop
  // (which runs after CheckStalls' thread has stopped).
  std::thread rescuer;
};

// ---- Ticket ----

IoLoops::Ticket::Ticket(std::shared_ptr<std::atomic<int>> count)
    : count_(std::move(count)) {
  if (count_) {
    count_->fetch_add(1, std::memory_order_relaxed);
  }
}

IoLoops::Ticket::~Ticket() {
  if (count_) {
    count_->fetch_sub(1, std::memory_order_relaxed);
  }
}

IoLoops::Ticket& IoLoops::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    if (count_) {
      count_->fetch_sub(1, std::memory_order_relaxed);
    }
    count_ = std::move(other.count_);
  }
  return *this;
}

// ---- RequestScope ----

IoLoops::RequestScope::RequestScope() : activity_(tl_activity) {
  if (activity_ != nullptr) {
    activity_->fetch_add(1, std::memory_order_relaxed);  // odd: busy
  }
}

IoLoops::RequestScope::~RequestScope() {
  if (activity_ != nullptr) {
    activity_->fetch_add(1, std::memory_order_relaxed);  // even: idle
  }
}

// ---- IoLoops ----

IoLoops::IoLoops(int loops, Counter* rescues) : rescues_(rescues) {
  const int n = loops < 1 ? 1 : loops;
  for (int i = 0; i < n; ++i) {
    loops_.push_back(std::make_unique<Loop>());
  }
}

IoLoops::~IoLoops() { Stop(); }

asio::io_context& IoLoops::context(size_t loop) { return loops_[loop]->ioc; }

IoLoops::Ticket IoLoops::NewTicket(size_t loop) {
  return Ticket(loops_[loop]->connections);
}

void IoLoops::Start() {
  for (auto& l : loops_) {
    l->work.emplace(l->ioc.get_executor());
  }
  for (size_t i = 0; i < loops_.size(); ++i) {
    Loop* loop = loops_[i].get();
    loop->index = i;
    loop->thread = std::thread([loop] {
      NameThisThread("http-io-", loop->index);
      tl_activity = &loop->activity;
      while (!RunGuarded([loop] { loop->ioc.run(); })) {
      }
    });
  }
}

size_t IoLoops::PickLoop() {
  const size_t n = loops_.size();
  size_t best = 0;
  int64_t best_score = std::numeric_limits<int64_t>::max();
  for (size_t k = 0; k < n; ++k) {
    const size_t i = (next_ + k) % n;
    const Loop& l = *loops_[i];
    int64_t score = l.connections->load(std::memory_order_relaxed);
    // In a request right now, on its own thread or its rescue thread.
    if ((l.activity.load(std::memory_order_relaxed) |
         l.rescue_activity.load(std::memory_order_relaxed)) &
        1) {
      score += int64_t{1} << 32;
    }
    if (l.stalled.load(std::memory_order_relaxed)) {
      score += int64_t{1} << 48;  // in one request for a tick or more
    }
    if (score < best_score) {
      best_score = score;
      best = i;
    }
  }
  next_ = (best + 1) % n;
  return best;
}

bool IoLoops::CheckStalls() {
  bool any_busy = false;
  for (auto& l : loops_) {
    Loop* loop = l.get();
    const uint64_t a = loop->activity.load(std::memory_order_relaxed);
    any_busy = any_busy || (a & 1) != 0;
    const bool stalled = (a & 1) != 0 && a == loop->last_seen;
    loop->last_seen = a;
    loop->stalled.store(stalled, std::memory_order_relaxed);
    if (!stalled) {
      continue;
    }
    if (!loop->rescuer.joinable()) {
      try {
        loop->rescuer = std::thread([this, loop] { Rescue(loop); });
      } catch (const std::system_error& e) {
        CN_LOG(kWarn, "http")
            << "cannot start an I/O rescue thread: " << e.what();
        continue;
      }
    }
    MutexLock lock(&loop->mu);
    if (!loop->rescue_wanted) {
      loop->rescue_wanted = true;
      loop->cv.Signal();
    }
  }
  return any_busy;
}

void IoLoops::Rescue(Loop* loop) {
  NameThisThread("http-rescue-", loop->index);
  tl_activity = &loop->rescue_activity;
  while (true) {
    {
      MutexLock lock(&loop->mu);
      while (!loop->rescue_wanted && !loop->quit) {
        loop->cv.Wait(&loop->mu);
      }
      if (loop->quit) {
        return;
      }
    }
    if (rescues_ != nullptr) {
      rescues_->Inc();
    }
    // Serve the loop's other connections while its thread is in a request.
    while ((loop->activity.load(std::memory_order_relaxed) & 1) != 0 &&
           !loop->ioc.stopped()) {
      RunGuarded([loop] { loop->ioc.run_one_for(kRescueSlice); });
    }
    MutexLock lock(&loop->mu);
    loop->rescue_wanted = false;
  }
}

void IoLoops::Stop() {
  for (auto& l : loops_) {
    l->work.reset();
    l->ioc.stop();
    MutexLock lock(&l->mu);
    l->quit = true;
    l->cv.Signal();
  }
  for (auto& l : loops_) {
    if (l->thread.joinable()) {
      l->thread.join();
    }
    if (l->rescuer.joinable()) {
      l->rescuer.join();
    }
  }
}

}  // namespace citynexus::net
