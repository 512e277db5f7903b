// Topic filters, topic matching, tags from topic levels and broker URIs.
#include "connectors/mqtt_topic.h"

#include <catch2/catch.hpp>

#include "connectors/mqtt_options.h"

using namespace citynexus::connectors;

TEST_CASE("topic filters match MQTT wildcard rules", "[connectors][mqtt]") {
  CHECK(TopicMatches("city/+/traffic", "city/Mitte/traffic"));
  CHECK_FALSE(TopicMatches("city/+/traffic", "city/Mitte/x/traffic"));
  CHECK_FALSE(TopicMatches("city/+/traffic", "city/traffic"));
  CHECK(TopicMatches("city/#", "city/a/b/c"));
  CHECK(TopicMatches("city/#", "city"));  // # includes the parent level
  CHECK(TopicMatches("#", "a"));
  CHECK_FALSE(TopicMatches("#", "$SYS/broker/uptime"));
  CHECK_FALSE(TopicMatches("+/broker/uptime", "$SYS/broker/uptime"));
  CHECK(TopicMatches("$SYS/#", "$SYS/broker/uptime"));
  CHECK(TopicMatches("a//b", "a//b"));
  CHECK(TopicMatches("a/+/b", "a//b"));  // an empty level is a level
  CHECK_FALSE(TopicMatches("a/b", "a/b/c"));
}

TEST_CASE("shared subscriptions match on the filter after the group",
          "[connectors][mqtt]") {
  CHECK(MatchingFilter("$share/citynexus/sensors/+") == "sensors/+");
  CHECK(MatchingFilter("sensors/+") == "sensors/+");
  CHECK(TopicMatches(MatchingFilter("$share/g/sensors/+"), "sensors/T1"));
}

TEST_CASE("topic filter validation rejects misplaced wildcards",
          "[connectors][mqtt]") {
  CHECK(ValidateTopicFilter("a/+/b").ok());
  CHECK(ValidateTopicFilter("a/#").ok());
  CHECK(ValidateTopicFilter("#").ok());
  CHECK(ValidateTopicFilter("$share/group/a/+").ok());
  CHECK_FALSE(ValidateTopicFilter("").ok());
  CHECK_FALSE(ValidateTopicFilter("a/#/b").ok());
  CHECK_FALSE(ValidateTopicFilter("a/b+").ok());
  CHECK_FALSE(ValidateTopicFilter("a/x#").ok());
  CHECK_FALSE(ValidateTopicFilter("$share/group").ok());
  CHECK_FALSE(ValidateTopicFilter("$share//a").ok());
  CHECK_FALSE(ValidateTopicFilter("$share/g+/a").ok());
  CHECK(ValidateTopicFilter("a/#/b").message().find("last") !=
        std::string::npos);
}

TEST_CASE("tags are read from 0-based topic levels", "[connectors][mqtt]") {
  auto tags =
      TagsFromTopic("city/Mitte/traffic/K12", {{"district", 1}, {"sensor", 3}});
  REQUIRE(tags.has_value());
  REQUIRE(tags->size() == 2);
  CHECK((*tags)[0].first == "district");
  CHECK((*tags)[0].second == "Mitte");
  CHECK((*tags)[1].second == "K12");

  auto short_topic = TagsFromTopic("city/Mitte", {{"sensor", 3}});
  REQUIRE_FALSE(short_topic.has_value());
  CHECK(short_topic.error().message().find("level 3") != std::string::npos);

  auto empty_level = TagsFromTopic("city//traffic", {{"district", 1}});
  REQUIRE_FALSE(empty_level.has_value());
  CHECK(empty_level.error().message().find("empty") != std::string::npos);
}

TEST_CASE("broker URIs need a known scheme, a host and a valid port",
          "[connectors][mqtt]") {
  CHECK(ValidateBrokerUri("tcp://localhost:1883").ok());
  CHECK(ValidateBrokerUri("ssl://broker.example:8883").ok());
  CHECK(ValidateBrokerUri("mqtt://10.0.0.1").ok());
  CHECK(ValidateBrokerUri("tcp://[::1]:1883").ok());
  CHECK_FALSE(ValidateBrokerUri("localhost:1883").ok());
  CHECK_FALSE(ValidateBrokerUri("http://localhost:1883").ok());
  CHECK_FALSE(ValidateBrokerUri("tcp://:1883").ok());
  CHECK_FALSE(ValidateBrokerUri("tcp://host:0").ok());
  CHECK_FALSE(ValidateBrokerUri("tcp://host:70000").ok());
  CHECK_FALSE(ValidateBrokerUri("tcp://host:18x").ok());
  CHECK_FALSE(ValidateBrokerUri("tcp://host:").ok());
  CHECK_FALSE(ValidateBrokerUri("tcp://host/path").ok());
}
