// Paho connect options from citynexus' MQTT settings, shared by the
// subscribing connector and the indicator publisher so both connect, log in
// and verify TLS the same way.
#pragma once

#include <mqtt/connect_options.h>

#include <functional>
#include <string>

#include "connectors/connectors.h"

namespace citynexus::connectors {

// Brokers, keep-alive, credentials, bounded automatic reconnect, and TLS
// (CA, client certificate and key, server certificate checked) when any
// broker URI is ssl:// or mqtts://. `clean_session` false keeps a persistent
// session (the broker queues QoS 1 messages while we are away).
// `on_tls_error` (may be empty) receives TLS handshake errors.
mqtt::connect_options PahoConnectOptions(
    const MqttOptions& options, bool clean_session,
    std::function<void(const std::string&)> on_tls_error = {});

}  // namespace citynexus::connectors
