// IndicatorSteps: indicator values at step completion; see
// indicator_steps.h.
#include "query/stream/indicator_steps.h"

#include <algorithm>
#include <set>

#include "common/clock.h"
#include "common/log.h"
#include "query/indicators/step_grid.h"

namespace citynexus::query::stream {
namespace {
// Upper bound on one sleep, so new streams are picked up soon even without
// a Poke().
constexpr auto kMaxSleep = std::chrono::milliseconds(250);

}  // namespace

Result<int64_t> StepEndAfter(int64_t t_ns, const std::string& step) {
  auto grid = indicators::MakeStepGrid(t_ns, t_ns + 1, step, "", 4);
  if (!grid) {
    return grid.error();
  }
  if (grid->size() == 0) {
    return Status::InvalidArgument("step \"" + step + "\" gives no step");
  }
  return grid->ends[0];
}

IndicatorSteps::IndicatorSteps(const IndicatorService& indicators,
                               StreamClients& clients,
                               std::chrono::milliseconds delay)
    : indicators_(indicators), clients_(clients), delay_(delay) {}

IndicatorSteps::~IndicatorSteps() { Stop(); }

Status IndicatorSteps::AddSink(std::vector<std::string> ids,
                               IndicatorSink sink) {
  if (ids.empty()) {
    for (const auto& def : indicators_.catalog().All()) {
      ids.push_back(def.id);
    }
  }
  for (const auto& id : ids) {
    if (indicators_.catalog().Find(id) == nullptr) {
      return Status::NotFound("no indicator \"" + id + "\" in the catalog");
    }
  }
  sinks_.push_back({std::move(ids), std::move(sink)});
  return Status::Ok();
}

void IndicatorSteps::Start() {
  if (started_) {
    return;
  }
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void IndicatorSteps::Poke() {
  {
    MutexLock lock(&mu_);
    poked_ = true;
  }
  wake_.SignalAll();
}

void IndicatorSteps::Stop() {
  if (!started_) {
    return;
  }
  started_ = false;
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  wake_.SignalAll();
  thread_.join();
}

std::vector<IndicatorSteps::JobKey> IndicatorSteps::WantedJobs() {
  std::set<JobKey> jobs;
  for (const Sink& sink : sinks_) {
    for (const auto& id : sink.ids) {
      jobs.emplace(id, indicators_.catalog().Find(id)->step);
    }
  }
  for (auto& job : clients_.IndicatorSubscriptions()) {
    jobs.insert(std::move(job));
  }
  return {jobs.begin(), jobs.end()};
}

void IndicatorSteps::Run() {
  const int64_t delay_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(delay_).count();
  while (true) {
    const std::vector<JobKey> jobs = WantedJobs();
    // Forget jobs nobody wants any more.
    std::erase_if(next_end_ns_, [&](const auto& entry) {
      return !std::binary_search(jobs.begin(), jobs.end(), entry.first);
    });
    int64_t now = UnixNowNs();
    int64_t next_wake = now + kMaxSleep.count() * 1000000;
    for (const JobKey& job : jobs) {
      auto it = next_end_ns_.find(job);
      if (it == next_end_ns_.end()) {
        auto end = StepEndAfter(now, job.second);
        if (!end) {
          continue;  // validated when the stream opened; cannot happen
        }
        it = next_end_ns_.emplace(job, *end).first;
      }
      if (now >= it->second + delay_ns) {
        EmitStep(job, it->second);
        now = UnixNowNs();
        auto end = StepEndAfter(now, job.second);
        it->second = end ? *end : now + kMaxSleep.count() * 1000000;
      }
      next_wake = std::min(next_wake, it->second + delay_ns);
    }
    MutexLock lock(&mu_);
    const auto sleep =
        std::chrono::nanoseconds(std::max<int64_t>(next_wake - UnixNowNs(), 0));
    const auto deadline = std::chrono::steady_clock::now() + sleep;
    while (!stop_ && !poked_ && wake_.WaitUntil(&mu_, deadline)) {
    }
    if (stop_) {
      return;
    }
    poked_ = false;
  }
}

void IndicatorSteps::EmitStep(const JobKey& job, int64_t step_end_ns) {
  const IndicatorDefinition* def = indicators_.catalog().Find(job.first);
  if (def == nullptr) {
    return;
  }
  EvaluationRequest request;
  request.start_ns = step_end_ns - 1;  // the step that ends at step_end_ns
  request.end_ns = step_end_ns;
  request.step = job.second;
  auto result = indicators_.Evaluate(job.first, request);
  if (!result) {
    CN_LOG(kWarn, "stream")
        << "evaluating " << job.first << " (step " << job.second
        << ") for the live stream: " << result.error().ToString();
    return;
  }
  IndicatorStepValues values;
  values.definition = def;
  values.step = job.second;
  values.step_start_ns =
      result->steps.empty() ? step_end_ns : result->steps.front();
  values.step_end_ns = step_end_ns;
  for (IndicatorSeries& s : result->series) {
    std::erase_if(s.points, [&](const IndicatorPoint& p) {
      return p.t_ns != values.step_start_ns;
    });
    if (!s.points.empty()) {
      values.series.push_back(std::move(s));
    }
  }
  clients_.ForEach([&](StreamClient& client) {
    if (client.indicator_id == job.first &&
        client.indicator_step == job.second) {
      clients_.Send(client, IndicatorEvents(values, client.epoch_divisor_ns),
                    values.series.size());
    }
  });
  for (const Sink& sink : sinks_) {
    if (job.second == def->step && std::find(sink.ids.begin(), sink.ids.end(),
                                             job.first) != sink.ids.end()) {
      sink.sink(values);
    }
  }
}

}  // namespace citynexus::query::stream
