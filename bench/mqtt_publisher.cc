// mqtt_publisher: publishes a fixed, deterministic line-protocol stream to an
// MQTT broker as fast as the broker acknowledges it, for scripts/mqtt-bench.sh.
// One process for the whole stream (mosquitto_pub starts one per message,
// far too slow to load a broker), a bounded window of unacknowledged
// messages, and a JSON summary on stdout.
//
//   mqtt_publisher --uri tcp://127.0.0.1:1883 --topic bench/lp/urban
//                  --messages 200000 [--lines 1] [--qos 1] [--window 1000]
//                  [--series 1000] [--client-id ID]
//
// Message m carries `lines` lines k = m*lines .. m*lines+lines-1, each one
// point: `air,district=dDD,station=SNNNN no2=V T` for series k % series at
// minute k / series of 2026-01-05, so every point of the stream has its own
// (series, time) and a reader can count exactly how many arrived.
#include <mqtt/async_client.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>

namespace {

struct Args {
  std::string uri;
  std::string topic;
  long messages = 0;
  long lines = 1;
  int qos = 1;
  long window = 1000;
  long series = 1000;
  std::string client_id = "citynexus-bench-publisher";
};

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << "mqtt_publisher: " << problem
            << "\nusage: mqtt_publisher --uri URI --topic TOPIC --messages N "
               "[--lines L] [--qos 0|1|2] [--window W] [--series S] "
               "[--client-id ID]\n";
  std::exit(2);
}

long PositiveNumber(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v <= 0) {
    Usage(flag + ": expected a positive integer, got \"" + text + "\"");
  }
  return v;
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Usage(flag + ": missing value");
    const std::string value = argv[++i];
    if (flag == "--uri") {
      a.uri = value;
    } else if (flag == "--topic") {
      a.topic = value;
    } else if (flag == "--messages") {
      a.messages = PositiveNumber(flag, value);
    } else if (flag == "--lines") {
      a.lines = PositiveNumber(flag, value);
    } else if (flag == "--qos") {
      if (value != "0" && value != "1" && value != "2") {
        Usage("--qos: expected 0, 1 or 2, got \"" + value + "\"");
      }
      a.qos = value[0] - '0';
    } else if (flag == "--window") {
      a.window = PositiveNumber(flag, value);
    } else if (flag == "--series") {
      a.series = PositiveNumber(flag, value);
    } else if (flag == "--client-id") {
      a.client_id = value;
    } else {
      Usage("unknown flag " + flag);
    }
  }
  if (a.uri.empty() || a.topic.empty() || a.messages == 0) {
    Usage("--uri, --topic and --messages are required");
  }
  return a;
}

// Line k of the stream (see the header comment), appended to `out`.
void AppendLine(long k, long series, std::string* out) {
  constexpr long long kStartNs = 1'767'571'200'000'000'000LL;  // 2026-01-05
  const long s = k % series;
  const long long t = kStartNs + (k / series) * 60'000'000'000LL;
  char line[128];
  const int n =
      std::snprintf(line, sizeof line,
                    "air,district=d%02ld,station=S%04ld no2=%ld.%ld %lld\n",
                    s % 12 + 1, s, 10 + (k * 7919) % 40, (k * 31) % 10, t);
  out->append(line, static_cast<size_t>(n));
}

// Counts acknowledgements and lets the publisher wait for window space.
class Window : public mqtt::iaction_listener {
 public:
  explicit Window(long size) : size_(size) {}
  void Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return in_flight_ < size_; });
    ++in_flight_;
  }
  void WaitEmpty() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return in_flight_ == 0; });
  }
  long failed() const { return failed_; }

 private:
  void Release() {
    std::lock_guard lock(mu_);
    --in_flight_;
    cv_.notify_all();
  }
  void on_success(const mqtt::token&) override { Release(); }
  void on_failure(const mqtt::token&) override {
    ++failed_;
    Release();
  }

  const long size_;
  std::mutex mu_;
  std::condition_variable cv_;
  long in_flight_ = 0;  // GUARDED_BY(mu_)
  std::atomic<long> failed_{0};
};

}  // namespace

int main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  try {
    // Paho counts publishes not yet written to the socket as "buffered"
    // (default limit 100); the window is the real bound.
    mqtt::async_client client(args.uri, args.client_id,
                              static_cast<int>(args.window) + 1);
    mqtt::connect_options options;
    options.set_clean_session(true);
    options.set_max_inflight(static_cast<int>(args.window) + 1);
    client.connect(options)->wait();

    Window window(args.window);
    std::string payload;
    long long bytes = 0;
    const auto start = std::chrono::steady_clock::now();
    for (long m = 0; m < args.messages; ++m) {
      payload.clear();
      for (long l = 0; l < args.lines; ++l) {
        AppendLine(m * args.lines + l, args.series, &payload);
      }
      payload.pop_back();  // no trailing newline, like most devices send
      bytes += static_cast<long long>(payload.size());
      window.Acquire();
      client.publish(args.topic, payload.data(), payload.size(), args.qos,
                     false, nullptr, window);
    }
    window.WaitEmpty();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    client.disconnect()->wait();
    if (window.failed() > 0) {
      std::cerr << "mqtt_publisher: " << window.failed()
                << " publish(es) failed\n";
      return 1;
    }
    std::printf(
        "{\"messages\": %ld, \"points\": %ld, \"payload_bytes\": %lld, "
        "\"seconds\": %.6f, \"messages_per_s\": %.1f}\n",
        args.messages, args.messages * args.lines, bytes, seconds,
        static_cast<double>(args.messages) / seconds);
  } catch (const std::exception& e) {
    std::cerr << "mqtt_publisher: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
