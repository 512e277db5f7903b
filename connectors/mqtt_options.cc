#include "connectors/mqtt_options.h"

#include <charconv>
#include <string>

namespace citynexus::connectors {

std::string_view MqttFormatName(MqttFormat format) {
  switch (format) {
    case MqttFormat::kLineProtocol:
      return "line_protocol";
    case MqttFormat::kSenml:
      return "senml";
    case MqttFormat::kTtn:
      return "ttn";
    case MqttFormat::kJson:
      return "json";
    case MqttFormat::kValue:
      return "value";
  }
  return "unknown";
}

Result<MqttFormat> ParseMqttFormat(std::string_view name) {
  for (MqttFormat f :
       {MqttFormat::kLineProtocol, MqttFormat::kSenml, MqttFormat::kTtn,
        MqttFormat::kJson, MqttFormat::kValue}) {
    if (MqttFormatName(f) == name) return f;
  }
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

}  // namespace citynexus::connectors
