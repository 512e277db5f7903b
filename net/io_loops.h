// The HTTP server's I/O loops: one io_context per I/O thread, each run by
// its own thread, instead of one io_context shared by all of them.
//
// Why: with one shared io_context, Asio wakes an idle thread to run the
// reactor whenever another one starts a handler, so a small request costs
// ~5.5 thread switches with 2 threads (1 with 1 thread) and ~15 % more CPU.
// With a loop per thread a connection lives on one loop and a request costs
// one switch (the client's wake-up).
//
// The cost of pinning: a request handled synchronously on a loop thread (a
// heavy /query) would stall every other connection of that loop. Two things
// bound it:
//  - new connections go to the loop with the fewest connections among those
//    not busy in a request (PickLoop), so a stalled loop gets none;
//  - a watchdog (CheckStalls on the acceptor's thread, every kStallTick, or
//    kStallRecheck after it saw a loop busy) sees a loop whose thread has
//    been in the same request since the previous check and wakes that
//    loop's rescue thread, which runs the same
//    io_context (Asio allows several threads per io_context; sessions keep
//    their strands, so one connection's handlers never overlap) until the
//    loop's own thread is back. Other connections of a stalled loop thus
//    wait at most about kStallTick + kStallRecheck, not the whole request.
//
// Threads are named "http-io-N" and "http-rescue-N" (loop N).
//
// Thread-safety: Start/Stop from the owner's thread (the server's lifecycle
// lock); PickLoop and CheckStalls from one thread at a time (the acceptor's
// thread); context() and NewTicket() from any thread; RequestScope on the
// thread that handles the request.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "net/net.h"

namespace citynexus::net {

class IoLoops {
 public:
  // How often CheckStalls should run: every kStallTick while no loop is
  // busy (an idle server wakes 100 times a second), kStallRecheck after a
  // check that saw a busy loop (so a long request is rescued within ~3 ms of
  // being seen).
  static constexpr std::chrono::milliseconds kStallTick{10};
  static constexpr std::chrono::milliseconds kStallRecheck{3};

  // Counts a connection on its loop for as long as it lives (PickLoop
  // prefers loops with fewer). Move-only.
  class Ticket {
   public:
    Ticket() = default;
    explicit Ticket(std::shared_ptr<std::atomic<int>> count);
    ~Ticket();
    Ticket(Ticket&& other) noexcept = default;
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;

   private:
    std::shared_ptr<std::atomic<int>> count_;
  };

  // Marks the calling loop thread busy with one request while alive (read
  // by PickLoop and CheckStalls). A no-op on threads that are not loop
  // threads. Not nestable on one thread.
  class RequestScope {
   public:
    RequestScope();
    ~RequestScope();
    RequestScope(const RequestScope&) = delete;
    RequestScope& operator=(const RequestScope&) = delete;

   private:
    std::atomic<uint64_t>* activity_;
  };

  // `loops` >= 1. `rescues` counts rescue runs (may be null).
  IoLoops(int loops, Counter* rescues);
  ~IoLoops();  // Stop()s
  IoLoops(const IoLoops&) = delete;
  IoLoops& operator=(const IoLoops&) = delete;

  size_t size() const { return loops_.size(); }
  boost::asio::io_context& context(size_t loop);
  Ticket NewTicket(size_t loop);

  // Starts one thread per loop.
  void Start();
  // The loop for a new connection: fewest connections, loops busy in a
  // request (and more so stalled ones) last; ties go round robin.
  size_t PickLoop();
  // Watchdog tick: see the header comment. True when a loop's thread was in
  // a request (run the next check after kStallRecheck, not kStallTick).
  bool CheckStalls();
  // Stops every loop and joins all threads (loop and rescue threads).
  // Pending handlers are dropped with the io_contexts. Idempotent.
  void Stop();

 private:
  struct Loop;
  // The rescue thread of `loop`: waits until CheckStalls asks, then runs
  // the loop's io_context while the loop's own thread is in a request.
  void Rescue(Loop* loop);

  std::vector<std::unique_ptr<Loop>> loops_;
  Counter* const rescues_;
  size_t next_ = 0;  // round robin among ties; PickLoop's thread only
};

}  // namespace citynexus::net
