#include "app/config/sensorthings_options.h"

#include "app/config/config.h"

namespace citynexus::app {

std::vector<Option<Config>> SensorThingsConfigOptions() {
  using builders::BoolOption;
  std::vector<Option<Config>> o;
  o.push_back(BoolOption<Config>(
      {"sensorthings.mqtt", "",
       "SensorThings MQTT extension on the `mqtt.brokers` broker (that must be "
       "set): Observations published to `v1.1/Datastreams(ID)/Observations` "
       "are stored (QoS 1, acknowledged once durable), and every new point "
       "is published to that topic and `v1.1/Observations`."},
      false, [](Config& c, bool v) { c.sensorthings.mqtt = v; },
      [](const Config& c) { return c.sensorthings.mqtt; }));
  return o;
}

}  // namespace citynexus::app
