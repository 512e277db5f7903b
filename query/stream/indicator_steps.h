// Evaluates indicators when their steps complete ("indicator-steps"
// thread) and hands each step's values to indicator streams and sinks.
//
// Jobs are (indicator id, step) pairs: those the sinks asked for (the
// definition's step) and those open indicator streams follow (possibly
// with a `step=` override), re-read on every wake-up. A job first waits for
// the end of the step in progress when it appears; then, `delay` after each
// step end, it evaluates that one step and emits it. Steps missed while the
// thread was busy are skipped, not replayed.
//
// Thread-safety: AddSink before Start; Start/Stop from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/mutex.h"
#include "query/indicators.h"
#include "query/stream.h"
#include "query/stream/stream_clients.h"

namespace citynexus::query::stream {

// The end of the step of `step` that contains `t_ns` (UTC grid);
// kInvalidArgument for a bad step.
Result<int64_t> StepEndAfter(int64_t t_ns, const std::string& step);

class IndicatorSteps {
 public:
  // All references must outlive this object.
  IndicatorSteps(const IndicatorService& indicators, StreamClients& clients,
                 std::chrono::milliseconds delay);
  ~IndicatorSteps();  // Stop()s

  // `ids` empty: every catalog indicator. kNotFound for an unknown id.
  Status AddSink(std::vector<std::string> ids, IndicatorSink sink);
  void Start();
  // Wakes the thread to pick up new streams now.
  void Poke();
  void Stop();  // idempotent

 private:
  using JobKey = std::pair<std::string, std::string>;  // id, step
  struct Sink {
    std::vector<std::string> ids;
    IndicatorSink sink;
  };

  void Run();
  // Evaluates the step ending at `step_end_ns` and emits it.
  void EmitStep(const JobKey& job, int64_t step_end_ns);
  std::vector<JobKey> WantedJobs();

  const IndicatorService& indicators_;
  StreamClients& clients_;
  const std::chrono::milliseconds delay_;
  std::vector<Sink> sinks_;
  bool started_ = false;

  Mutex mu_;
  CondVar wake_;
  bool stop_ GUARDED_BY(mu_) = false;
  bool poked_ GUARDED_BY(mu_) = false;
  std::thread thread_;

  std::map<JobKey, int64_t> next_end_ns_;  // thread only
};

}  // namespace citynexus::query::stream
