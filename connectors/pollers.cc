#include "connectors/pollers.h"

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <thread>
#include <utility>

#include "common/clock.h"
#include "common/log.h"
#include "common/mutex.h"
#include "connectors/decoders/csv_mapping.h"
#include "connectors/decoders/gbfs.h"
#include "connectors/decoders/json_mapping.h"
#include "connectors/point_writer.h"
#include "connectors/poller_gbfs.h"
#include "connectors/series_meta_applier.h"

namespace citynexus::connectors {
namespace {

constexpr const char* kComponent = "poller";

}  // namespace

// One poller: its thread, its conditional-request cache and its counters.
class Pollers::Poller {
 public:
  Poller(PollerOptions options, engine::Store& store,
         net::MetricsRegistry& metrics, net::HttpClient& client)
      : options_(std::move(options)),
        client_(client),
        writer_(store, "poller:" + options_.name),
        metadata_(store, kComponent) {
    if (options_.json.measurement.empty()) {
      options_.json.measurement = options_.measurement;
    }
    if (options_.csv.measurement.empty()) {
      options_.csv.measurement = options_.measurement;
    }
    state_.name = options_.name;
    const net::Labels labels = {{"poller", options_.name}};
    up_ = metrics.GetGauge("citynexus_poller_up",
                           "1 when the poller's last poll succeeded.", labels);
    last_success_ = metrics.GetGauge(
        "citynexus_poller_last_success_timestamp_seconds",
        "Unix time of the poller's last successful poll.", labels);
    errors_ = metrics.GetCounter("citynexus_poller_errors_total",
                                 "Polls that failed.", labels);
    points_ = metrics.GetCounter("citynexus_poller_points_total",
                                 "Points stored by the poller.", labels);
    not_modified_ = metrics.GetCounter(
        "citynexus_poller_not_modified_total",
        "Polls answered 304 Not Modified (nothing new).", labels);
    rejected_ = metrics.GetCounter(
        "citynexus_poller_rejected_total",
        "Lines or fields the poller's decoder or the store rejected.", labels);
  }

  ~Poller() { Join(); }

  void Start() {
    thread_ = std::thread([this] { Loop(); });
  }
  void RequestStop() {
    {
      MutexLock lock(&mu_);
      stopping_ = true;
    }
    cv_.SignalAll();
  }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

  PollerState State() const {
    MutexLock lock(&mu_);
    return state_;
  }

 private:
  struct Fetched {
    bool not_modified = false;
    std::string body;  // the new body, or the cached one after a 304
  };
  // Conditional-request state of one URL.
  struct Cached {
    std::string etag;
    std::string last_modified;
    std::string body;
  };

  void Loop() {
    while (true) {
      {
        MutexLock lock(&mu_);
        if (stopping_) return;
      }
      Status status = PollOnce();
      MutexLock lock(&mu_);
      ++state_.polls;
      if (status.ok()) {
        state_.consecutive_errors = 0;
        state_.last_error.clear();
        state_.last_success_ns = UnixNowNs();
        up_->Set(1);
        last_success_->Set(static_cast<double>(state_.last_success_ns) / 1e9);
      } else if (!stopping_) {
        ++state_.errors;
        ++state_.consecutive_errors;
        state_.last_error = status.ToString();
        errors_->Inc();
        up_->Set(0);
        CN_LOG(kWarn, kComponent)
            << options_.name << ": poll failed (" << state_.consecutive_errors
            << " in a row): " << state_.last_error;
      }
      state_.next_delay = PollerDelay(options_.interval, options_.backoff_max,
                                      state_.consecutive_errors);
      const auto deadline =
          std::chrono::steady_clock::now() + state_.next_delay;
      while (!stopping_ && cv_.WaitUntil(&mu_, deadline)) {
      }
    }
  }

  // GET `url` with the conditional headers of its last answer.
  Result<Fetched> Fetch(const std::string& url) {
    Cached& cached = cache_[url];
    net::ClientRequest request;
    request.url = url;
    request.timeout = options_.timeout;
    if (!cached.etag.empty()) {
      request.headers.emplace_back("If-None-Match", cached.etag);
    }
    if (!cached.last_modified.empty()) {
      request.headers.emplace_back("If-Modified-Since", cached.last_modified);
    }
    Result<net::ClientResponse> response = client_.FetchSync(request);
    if (!response) return response.error();
    Fetched out;
    if (response->status == 304) {
      out.not_modified = true;
      out.body = cached.body;
      return out;
    }
    if (response->status < 200 || response->status > 299) {
      return Status::Unavailable("GET " + url + ": HTTP " +
                                 std::to_string(response->status));
    }
    cached.etag = response->Header("etag").value_or("");
    cached.last_modified = response->Header("last-modified").value_or("");
    cached.body = response->body;
    out.body = std::move(response->body);
    return out;
  }

  void CountNotModified() {
    not_modified_->Inc();
    MutexLock lock(&mu_);
    ++state_.not_modified;
  }

  Status PollOnce() {
    if (options_.format == PollerFormat::kGbfs) return PollGbfs();
    Result<Fetched> fetched = Fetch(options_.url);
    if (!fetched) return fetched.error();
    if (fetched->not_modified) {
      CountNotModified();
      return Status::Ok();
    }
    DecodedBatch batch;
    Status s =
        options_.format == PollerFormat::kJson
            ? DecodeMappedJson(fetched->body, options_.json, UnixNowNs(),
                               &batch)
            : DecodeMappedCsv(fetched->body, options_.csv, UnixNowNs(), &batch);
    if (!s.ok()) return s;
    return Store(batch);
  }

  Status PollGbfs() {
    std::string status_body;
    bool have_status_body = false;
    if (status_url_.empty()) {
      // Discover: the configured URL is gbfs.json or station_status itself.
      Result<Fetched> root = Fetch(options_.url);
      if (!root) return root.error();
      Result<GbfsDiscovery> found =
          ParseGbfsDiscovery(root->body, options_.language);
      if (!found) return found.error().WithContext(options_.url);
      if (found->is_discovery) {
        Result<net::HttpUrl> base = net::ParseHttpUrl(options_.url);
        if (!base) return base.error();
        auto status = net::ResolveHttpUrl(*base, found->status_url);
        if (!status) return status.error().WithContext("station_status URL");
        status_url_ = status->ToString();
        information_url_.clear();
        if (!found->information_url.empty()) {
          auto info = net::ResolveHttpUrl(*base, found->information_url);
          if (info) information_url_ = info->ToString();
        }
        CN_LOG(kInfo, kComponent)
            << options_.name << ": GBFS feeds"
            << " station_status " << status_url_ << ", station_information "
            << (information_url_.empty() ? "(none)" : information_url_);
      } else {
        status_url_ = options_.url;
        information_url_.clear();
        status_body = std::move(root->body);
        have_status_body = !root->not_modified;
        if (root->not_modified) {
          CountNotModified();
          return Status::Ok();
        }
      }
      polls_since_information_ = options_.information_every;  // fetch now
    }
    if (!information_url_.empty() &&
        polls_since_information_ >= options_.information_every) {
      Result<Fetched> info = Fetch(information_url_);
      if (info) {
        information_body_ = std::move(info->body);
        polls_since_information_ = 0;
      } else {
        // Stations still decode without names and positions.
        CN_LOG(kWarn, kComponent)
            << options_.name
            << ": station_information: " << info.error().ToString();
      }
    }
    ++polls_since_information_;
    if (!have_status_body) {
      Result<Fetched> status = Fetch(status_url_);
      if (!status) {
        // The discovery file may have moved the feeds: look again next time.
        if (status_url_ != options_.url) status_url_.clear();
        return status.error();
      }
      if (status->not_modified) {
        CountNotModified();
        return Status::Ok();
      }
      status_body = std::move(status->body);
    }
    GbfsOptions gbfs;
    if (!options_.measurement.empty()) gbfs.measurement = options_.measurement;
    gbfs.system_id = options_.system_id;
    DecodedBatch batch;
    DecodeGbfsStationStatus(status_body, information_body_, gbfs, &batch);
    if (batch.lines.empty() && !batch.errors.empty() &&
        batch.errors.front().unit == DecodeUnit::kMessage) {
      return Status::InvalidArgument(batch.errors.front().ToString())
          .WithContext(status_url_);
    }
    return Store(batch);
  }

  // Writes `batch` durably, counts and logs what was rejected, and records
  // payload and configured metadata on the series.
  Status Store(const DecodedBatch& batch) {
    WriteOutcome outcome;
    if (!batch.lines.empty()) {
      Result<WriteOutcome> written = writer_.Write(batch);
      if (!written) return written.error().WithContext("storing points");
      outcome = std::move(*written);
    } else {
      outcome.rejected = batch.errors;
    }
    points_->Inc(static_cast<double>(outcome.points_written));
    rejected_->Inc(static_cast<double>(outcome.rejected.size()));
    {
      MutexLock lock(&mu_);
      state_.points += outcome.points_written;
      state_.rejected += outcome.rejected.size();
    }
    if (!outcome.rejected.empty()) {
      CN_LOG(kWarn, kComponent)
          << options_.name << ": " << outcome.rejected.size()
          << " rejected, first: " << outcome.rejected.front().ToString();
    }
    if (outcome.points_written > 0) {
      metadata_.Apply(batch, /*unit=*/"", options_.domain);
    }
    if (outcome.points_written == 0 && !outcome.rejected.empty()) {
      return Status::InvalidArgument("nothing stored: " +
                                     outcome.rejected.front().ToString());
    }
    return Status::Ok();
  }

  PollerOptions options_;
  net::HttpClient& client_;
  PointWriter writer_;
  net::Counter* up_;
  net::Counter* last_success_;
  net::Counter* errors_;
  net::Counter* points_;
  net::Counter* not_modified_;
  net::Counter* rejected_;
  std::thread thread_;

  // Touched by the poller thread only.
  std::map<std::string, Cached> cache_;
  std::string status_url_;  // empty: discover on the next poll
  std::string information_url_;
  std::string information_body_;
  int polls_since_information_ = 0;
  SeriesMetaApplier metadata_;

  mutable Mutex mu_;
  CondVar cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  PollerState state_ GUARDED_BY(mu_);
};

Pollers::Pollers(engine::Store& store, net::MetricsRegistry& metrics,
                 std::vector<PollerOptions> pollers)
    : options_(std::move(pollers)), store_(store), metrics_(metrics) {}

Pollers::~Pollers() { Stop(); }

Status Pollers::Start() {
  MutexLock lock(&mu_);
  if (started_ || stopped_ || options_.empty()) return Status::Ok();
  CITYNEXUS_RETURN_IF_ERROR(ValidatePollers(options_));
  for (const PollerOptions& options : options_) {
    std::error_code ec;
    if (!options.tls_ca_file.empty() &&
        !std::filesystem::is_regular_file(options.tls_ca_file, ec)) {
      return Status::InvalidArgument(
          "poller \"" + options.name + "\": tls_ca_file \"" +
          options.tls_ca_file + "\" does not exist or is not a file");
    }
  }
  started_ = true;
  for (const PollerOptions& options : options_) {
    std::unique_ptr<net::HttpClient>& client = clients_[options.tls_ca_file];
    if (!client) {
      net::ClientOptions client_options;
      client_options.ca_file = options.tls_ca_file;
      client = std::make_unique<net::HttpClient>(client_options);
    }
    pollers_.push_back(
        std::make_unique<Poller>(options, store_, metrics_, *client));
  }
  for (auto& poller : pollers_) poller->Start();
  CN_LOG(kInfo, kComponent) << pollers_.size() << " poller(s) started";
  return Status::Ok();
}

void Pollers::Stop(std::chrono::milliseconds grace) {
  {
    // Not held while joining: Health() from /healthz must not wait for it.
    // pollers_ and clients_ no longer change once stopped_ is set.
    MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
    if (!started_) return;
  }
  for (auto& poller : pollers_) poller->RequestStop();
  // Cancels fetches in flight; their threads see stopping_ and leave.
  // One grace for all clients together, not one each.
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto& entry : clients_) {
    entry.second->Shutdown(
        std::max(std::chrono::milliseconds(0),
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     deadline - std::chrono::steady_clock::now())));
  }
  for (auto& poller : pollers_) poller->Join();
}

bool Pollers::enabled() const { return !options_.empty(); }

Status Pollers::Health() const {
  std::string failing;
  for (const PollerState& state : States()) {
    if (state.consecutive_errors >= kUnhealthyAfter) {
      failing += (failing.empty() ? "" : "; ") + state.name + " (" +
                 std::to_string(state.consecutive_errors) +
                 " failed polls): " + state.last_error;
    }
  }
  if (failing.empty()) return Status::Ok();
  return Status::Unavailable("pollers failing: " + failing);
}

std::vector<PollerState> Pollers::States() const {
  MutexLock lock(&mu_);
  std::vector<PollerState> out;
  for (const auto& poller : pollers_) out.push_back(poller->State());
  return out;
}

}  // namespace citynexus::connectors
