#include "app/cmd/demo_live.h"

#include <mqtt/async_client.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <thread>

#include "app/cmd/demo_lines.h"
#include "app/cmd/demo_signals.h"
#include "common/clock.h"

namespace citynexus::app::demo {
namespace {

constexpr int kWaterMeters = 4;

std::string Rfc3339(int64_t t_s) {
  std::time_t t = static_cast<std::time_t>(t_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Base64(const unsigned char* data, size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < n; i += 3) {
    const uint32_t b0 = data[i];
    const uint32_t b1 = i + 1 < n ? data[i + 1] : 0;
    const uint32_t b2 = i + 2 < n ? data[i + 2] : 0;
    const uint32_t v = (b0 << 16) | (b1 << 8) | b2;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < n ? kAlphabet[v & 63] : '=';
  }
  return out;
}

// Paho throws; the demo keeps going over HTTP when the broker is away.
class MqttOut {
 public:
  MqttOut(const std::string& broker, const std::string& client_id,
          std::ostream& log)
      : log_(log) {
    if (broker.empty()) return;
    try {
      client_ = std::make_unique<mqtt::async_client>(broker, client_id);
      auto options = mqtt::connect_options_builder()
                         .clean_session(true)
                         .automatic_reconnect(std::chrono::seconds(1),
                                              std::chrono::seconds(10))
                         .connect_timeout(std::chrono::seconds(5))
                         .finalize();
      client_->connect(options)->wait_for(std::chrono::seconds(5));
    } catch (const std::exception& e) {
      log_ << "demo: MQTT broker " << broker << ": " << e.what()
           << " (retrying in the background)\n";
    }
  }
  ~MqttOut() {
    if (!client_) return;
    try {
      if (client_->is_connected())
        client_->disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const std::exception&) {
    }
  }
  bool enabled() const { return client_ != nullptr; }
  bool Publish(const std::string& topic, const std::string& payload) {
    if (!client_ || !client_->is_connected()) return false;
    try {
      client_->publish(topic, payload.data(), payload.size(), 1, false);
      return true;
    } catch (const std::exception& e) {
      log_ << "demo: MQTT publish to " << topic << ": " << e.what() << "\n";
      return false;
    }
  }

 private:
  std::ostream& log_;
  std::unique_ptr<mqtt::async_client> client_;
};

// Line protocol over MQTT has no precision parameter: the subscription's
// default (nanoseconds) applies, so the seconds stamps get nine zeros.
std::string WithNanosecondStamps(const std::string& lines) {
  std::string out;
  out.reserve(lines.size() + lines.size() / 8);
  for (char c : lines) {
    if (c == '\n') out += "000000000";
    out += c;
  }
  return out;
}

}  // namespace

std::string TtnWaterMeterUplink(const DemoCity& city, int meter, int64_t t_s,
                                int64_t counter) {
  // A household meter: about 0.3 m3 a day since the meter was installed,
  // more on hot days (the same coupling as the districts).
  const double days = static_cast<double>(t_s - 1704067200) / 86400.0;
  const double hot = std::max(
      0.0, DailyMaxTemperatureC(city, LocalTimeAt(t_s).day_index) - 25);
  const double litres =
      42000 + meter * 7000 + days * (280 + 25 * meter) + hot * 3;
  const double battery_v = 3.65 - 0.0004 * std::fmod(days, 1000) - 0.02 * meter;
  const uint32_t l = static_cast<uint32_t>(litres);
  const unsigned char frame[5] = {
      static_cast<unsigned char>(l >> 24), static_cast<unsigned char>(l >> 16),
      static_cast<unsigned char>(l >> 8), static_cast<unsigned char>(l),
      static_cast<unsigned char>(std::lround(battery_v / 0.02))};
  char eui[20];
  std::snprintf(eui, sizeof eui, "70B3D57ED005A%03X", meter + 1);
  char decoded[120];
  std::snprintf(decoded, sizeof decoded,
                R"({"volume_m3":%.3f,"battery_v":%.2f})", l / 1000.0,
                std::lround(battery_v / 0.02) * 0.02);
  const double rssi =
      -70 - 40 * Noise01(city.seed, 900, meter, static_cast<uint64_t>(counter));
  const double snr =
      9 - 12 * Noise01(city.seed, 901, meter, static_cast<uint64_t>(counter));
  char metadata[200];
  std::snprintf(
      metadata, sizeof metadata,
      R"([{"gateway_ids":{"gateway_id":"gw-rathaus"},"rssi":%.0f,"snr":%.1f}])",
      rssi, snr);
  const std::string device = "wm-0" + std::to_string(meter + 1);
  const std::string at = Rfc3339(t_s);
  return std::string(R"({"end_device_ids":{"device_id":")") + device +
         R"(","application_ids":{"application_id":")" + kTtnApplication +
         R"("},"dev_eui":")" + eui + R"("},"received_at":")" + at +
         R"(","uplink_message":{"f_port":1,"f_cnt":)" +
         std::to_string(counter) + R"(,"frm_payload":")" +
         Base64(frame, sizeof frame) + R"(","decoded_payload":)" + decoded +
         R"(,"rx_metadata":)" + metadata + R"(,"received_at":")" + at +
         R"("}})";
}

std::string SenmlPack(const DemoCity& city, int64_t t_s) {
  const LocalTime lt = LocalTimeAt(t_s);
  const double level_cm =
      310 + 80 * SmoothNoise(city.seed, 902, t_s / 86400.0 / 5) +
      40 * std::cos(2 * 3.14159265 * (lt.day_of_year - 40) / 365);
  double flow = 0;
  for (size_t i = 0; i < city.segments.size(); ++i) {
    flow += TrafficFlowPerHour(city, static_cast<int>(i), t_s);
  }
  const double noise_db = 42 + 10 * std::log10(1 + flow / 200);
  char pack[400];
  std::snprintf(
      pack, sizeof pack,
      R"([{"bn":"urn:dev:citynexus-demo:","bt":%lld,"n":"river-1:level","u":"cm","v":%.1f},)"
      R"({"n":"noise-ring:laeq","u":"dB","v":%.1f}])",
      static_cast<long long>(t_s), level_cm, noise_db);
  return pack;
}

Status RunLive(const DemoCity& city, DemoHttp& http, const LiveOptions& options,
               int64_t resume_from_s, std::ostream& log) {
  MqttOut mqtt(options.broker, options.client_id, log);
  int64_t prev = resume_from_s;
  int64_t ticks = 0, lines = 0, counter = 0;
  auto last_log = std::chrono::steady_clock::now();
  bool warned_mqtt = false;
  const auto stopped = [&] {
    return options.stop != nullptr && options.stop->load();
  };
  while (!stopped() && (options.max_ticks == 0 || ticks < options.max_ticks)) {
    const int64_t now = UnixNowSeconds();
    if (now <= prev) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    const int64_t dt = now - prev;
    std::string http_lines;
    AppendFeedLines(city, Feed::kEnergy, now, dt, &http_lines);
    AppendFeedLines(city, Feed::kWater, now, dt, &http_lines);
    // A local midnight passed: the day's summary (tmax, billing, registers).
    for (int64_t day = LocalTimeAt(prev).day_index + 1;
         day <= LocalTimeAt(now).day_index; ++day) {
      AppendFeedLines(city, Feed::kDaily, day * 86400 - 3600, 0, &http_lines);
    }
    std::string mobility, environment;
    AppendFeedLines(city, Feed::kMobility, now, dt, &mobility);
    AppendFeedLines(city, Feed::kEnvironment, now, dt, &environment);
    const std::string senml = SenmlPack(city, now);
    const int meter = static_cast<int>(counter % kWaterMeters);
    const std::string uplink =
        TtnWaterMeterUplink(city, meter, now, counter / kWaterMeters + 1);
    ++counter;

    bool mqtt_ok =
        mqtt.Publish(kTopicMobility, WithNanosecondStamps(mobility)) &&
        mqtt.Publish(kTopicEnvironment, WithNanosecondStamps(environment)) &&
        mqtt.Publish(std::string(kTopicSenmlPrefix) + "sensors", senml) &&
        mqtt.Publish("v3/" + std::string(kTtnApplication) +
                         "@ttn/devices/wm-0" + std::to_string(meter + 1) +
                         "/up",
                     uplink);
    if (!mqtt_ok) {
      // No broker (or not yet): the same lines over HTTP, so the city
      // stays complete; the LoRaWAN meters have no other way in.
      if (!warned_mqtt && mqtt.enabled()) {
        log << "demo: MQTT not connected; sending traffic and air over HTTP "
               "meanwhile\n";
        warned_mqtt = true;
      }
      http_lines += mobility + environment;
      if (Status s = http.WriteSenml(senml); !s.ok())
        log << "demo: " << s.message() << "\n";
    }
    Status s = http.WriteLines(http_lines, /*gzip=*/false);
    if (!s.ok()) {
      if (s.code() == StatusCode::kUnauthenticated ||
          s.code() == StatusCode::kPermissionDenied) {
        return s;
      }
      log << "demo: " << s.message() << " (retrying next tick)\n";
    } else {
      prev = now;
      ++ticks;
      for (char c : http_lines + mobility + environment) lines += c == '\n';
    }
    if (std::chrono::steady_clock::now() - last_log >
        std::chrono::seconds(60)) {
      last_log = std::chrono::steady_clock::now();
      log << "demo: live, " << ticks << " ticks, " << lines << " lines so far\n"
          << std::flush;
    }
    for (int i = 0; i < options.interval_s * 10 && !stopped(); ++i) {
      if (options.max_ticks != 0 && ticks >= options.max_ticks) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return Status::Ok();
}

}  // namespace citynexus::app::demo
