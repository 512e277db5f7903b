// Options sensorthings.*: the OGC SensorThings API (SensorThingsOptions).
#include "app/config/fields.h"
#include "app/config/sections/sections.h"

namespace citynexus::app {

std::vector<Option<Config>> SensorThingsSection() {
  using namespace builders;  // NOLINT: the table reads as a list of builders
  using C = Config;
  return {
      Bool<C>({"sensorthings.mqtt", "",
               "SensorThings MQTT extension on the `mqtt.brokers` broker (that "
               "must be set): Observations published to "
               "`v1.1/Datastreams(ID)/Observations` are stored (QoS 1, "
               "acknowledged once durable), and every new point is published "
               "to that topic and `v1.1/Observations`."},
              false, Member(&C::sensorthings, &SensorThingsOptions::mqtt)),
  };
}

}  // namespace citynexus::app
