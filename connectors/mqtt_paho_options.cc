#include "connectors/mqtt_paho_options.h"

#include <algorithm>
#include <chrono>

namespace citynexus::connectors {
namespace {

bool IsTlsUri(const std::string& uri) {
  return uri.starts_with("ssl://") || uri.starts_with("mqtts://");
}

}  // namespace

mqtt::connect_options PahoConnectOptions(
    const MqttOptions& options, bool clean_session,
    std::function<void(const std::string&)> on_tls_error) {
  mqtt::connect_options opts;
  opts.set_clean_session(clean_session);
  opts.set_keep_alive_interval(options.keepalive);
  opts.set_connect_timeout(std::chrono::seconds(10));
  opts.set_automatic_reconnect(options.reconnect_min, options.reconnect_max);
  opts.set_servers(mqtt::string_collection::create(options.brokers));
  if (!options.username.empty()) opts.set_user_name(options.username);
  if (!options.password.empty()) opts.set_password(options.password);
  if (std::any_of(options.brokers.begin(), options.brokers.end(), IsTlsUri)) {
    mqtt::ssl_options ssl;
    if (!options.ca_file.empty()) ssl.set_trust_store(options.ca_file);
    if (!options.cert_file.empty()) ssl.set_key_store(options.cert_file);
    if (!options.key_file.empty()) ssl.set_private_key(options.key_file);
    ssl.set_enable_server_cert_auth(true);
    // Host name check: without it any certificate from a trusted CA would do.
    ssl.set_verify(options.tls_verify);
    if (on_tls_error) ssl.set_error_handler(std::move(on_tls_error));
    opts.set_ssl(std::move(ssl));
  }
  return opts;
}

}  // namespace citynexus::connectors
