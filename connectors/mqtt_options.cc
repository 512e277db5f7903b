#include "connectors/mqtt_options.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <string>

#include "common/enum_names.h"

namespace citynexus::connectors {

namespace {

// Both directions of the format names (config, logs, dead letters).
constexpr EnumName<MqttFormat> kFormatNames[] = {
    {"line_protocol", MqttFormat::kLineProtocol},
    {"senml", MqttFormat::kSenml},
    {"ttn", MqttFormat::kTtn},
    {"json", MqttFormat::kJson},
    {"value", MqttFormat::kValue},
};

}  // namespace

std::string_view MqttFormatName(MqttFormat format) {
  return NameOf(kFormatNames, format, "unknown");
}

Result<MqttFormat> ParseMqttFormat(std::string_view name) {
  if (auto format = ValueOf(kFormatNames, name)) return *format;
  return Status::InvalidArgument(
      "expected one of \"line_protocol\", \"senml\", \"ttn\", \"json\", "
      "\"value\", got \"" +
      std::string(name) + "\"");
}

Status ValidateBrokerUri(std::string_view uri) {
  const size_t sep = uri.find("://");
  // Built by appending: g++ 12 warns (-Wrestrict, a known false positive)
  // on "\"" + std::string + "\"".
  std::string shown = "\"";
  shown.append(uri).append("\"");
  if (sep == std::string_view::npos) {
    return Status::InvalidArgument(
        "expected a broker URI like \"tcp://host:1883\" or "
        "\"ssl://host:8883\", got " +
        shown);
  }
  const std::string_view scheme = uri.substr(0, sep);
  if (scheme != "tcp" && scheme != "mqtt" && scheme != "ssl" &&
      scheme != "mqtts") {
    return Status::InvalidArgument(
        "broker URI scheme must be tcp, mqtt, ssl or mqtts, got " + shown);
  }
  std::string_view rest = uri.substr(sep + 3);
  std::string_view host;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("unclosed [ in broker URI " + shown);
    }
    host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return Status::InvalidArgument("unexpected text after the host in " +
                                       shown);
      }
      port = rest.substr(1);
    }
  } else {
    const size_t colon = rest.find(':');
    host = rest.substr(0, colon);
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (host.empty() || host.find_first_of("/?# ") != std::string_view::npos) {
    return Status::InvalidArgument("broker URI needs a host name, got " +
                                   shown);
  }
  if (port.empty() && uri.back() == ':') {
    return Status::InvalidArgument("broker URI has an empty port: " + shown);
  }
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] =
        std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return Status::InvalidArgument(
          "broker URI port must be a number 1..65535 with nothing after it, "
          "got " +
          shown);
    }
  }
  return Status::Ok();
}

Status ReadMqttPasswordFile(MqttOptions& options) {
  if (options.password_file.empty()) return Status::Ok();
  const std::string& path = options.password_file;
  if (!options.password.empty()) {
    return Status::InvalidArgument(
        "set either mqtt.password or mqtt.password_file, not both");
  }
  // A password is short; a bound keeps a wrong path (a log, a device) from
  // being read whole.
  constexpr size_t kMaxBytes = 4096;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument("mqtt.password_file: cannot read " + path +
                                   ": " + std::strerror(errno));
  }
  std::string content(kMaxBytes + 1, '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  if (in.bad()) {
    return Status::InvalidArgument("mqtt.password_file: cannot read " + path);
  }
  content.resize(static_cast<size_t>(in.gcount()));
  if (content.size() > kMaxBytes) {
    return Status::InvalidArgument("mqtt.password_file: " + path +
                                   " is larger than 4 KiB; expected the "
                                   "password alone");
  }
  if (!content.empty() && content.back() == '\n') content.pop_back();
  if (!content.empty() && content.back() == '\r') content.pop_back();
  if (content.empty()) {
    return Status::InvalidArgument("mqtt.password_file: " + path +
                                   " is empty; expected the password");
  }
  options.password = std::move(content);
  options.password_file.clear();
  return Status::Ok();
}

}  // namespace citynexus::connectors
