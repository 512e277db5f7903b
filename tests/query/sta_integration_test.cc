// SensorThings API 1.1 against a real server on loopback and a real store.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "query/sta/model.h"
#include "query/sta_util.h"

namespace citynexus::testing {
namespace {

using nlohmann::json;

constexpr int64_t kMinute = 60'000'000'000;
constexpr int64_t kDay2024 = 1704067200'000'000'000;  // 2024-01-01T00:00:00Z

// Percent-encodes a query value.
std::string Q(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// The server's absolute links start with this (the client sends this Host).
const std::string kBase = "http://127.0.0.1/v1.1";

struct City {
  StaServer server;
  uint64_t vehicles = 0, speed = 0, pankow = 0, water = 0;

  City() {
    engine::SeriesMeta located{"1/h", "mobility", "", "http", 52.52, 13.40};
    vehicles = server.AddSeries("traffic{district=Mitte,sensor=K12}#vehicles",
                                located);
    engine::SeriesMeta speed_meta = located;
    speed_meta.unit = "km/h";
    speed = server.AddSeries("traffic{district=Mitte,sensor=K12}#speed",
                             speed_meta);
    pankow =
        server.AddSeries("traffic{district=Pankow,sensor=K13}#vehicles",
                         {"1/h", "mobility", "", "mqtt:city/traffic", {}, {}});
    water = server.AddSeries("water{meter=W1}#level",
                             {"m", "water", "", "http", {}, {}});
    // One day of 1-minute data: value = minute of the day.
    std::vector<std::pair<int64_t, engine::Value>> day;
    for (int i = 0; i < 1440; ++i)
      day.push_back({kDay2024 + i * kMinute, double(i)});
    server.Append(vehicles, day);
    server.Append(speed, {{kDay2024, 31.5}, {kDay2024 + kMinute, 33.0}});
    server.Append(pankow, {{kDay2024, 5.0},
                           {kDay2024 + 2 * kMinute, 7.0},
                           {kDay2024 + 4 * kMinute, 9.0}});
    server.Append(water, {{kDay2024, 1.25}});
  }
};

std::string Ds(uint64_t id) {
  return "/v1.1/Datastreams(" + std::to_string(id) + ")";
}

}  // namespace

TEST_CASE(
    "sta: the service root lists every entity set and the conformance classes",
    "[query][sta][integration]") {
  City city;
  json root = city.server.GetJson("/v1.1");
  REQUIRE(root["value"].size() == 8);
  CHECK(root["value"][0] ==
        json{{"name", "Things"}, {"url", kBase + "/Things"}});
  CHECK(root["value"][6]["name"] == "Observations");
  const json& conformance = root["serverSettings"]["conformance"];
  CHECK(std::find(
            conformance.begin(), conformance.end(),
            "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data") !=
        conformance.end());
}

TEST_CASE("sta: series map to Datastreams and Things with stable ids and links",
          "[query][sta][integration]") {
  City city;
  json ds = city.server.GetJson(Ds(city.vehicles));
  CHECK(ds["@iot.id"] == city.vehicles);
  CHECK(ds["@iot.selfLink"] ==
        kBase + "/Datastreams(" + std::to_string(city.vehicles) + ")");
  CHECK(ds["Observations@iot.navigationLink"] ==
        ds["@iot.selfLink"].get<std::string>() + "/Observations");
  CHECK(ds["name"] == "traffic{district=Mitte,sensor=K12}#vehicles");
  CHECK(ds["unitOfMeasurement"]["symbol"] == "1/h");
  CHECK(ds["properties"]["measurement"] == "traffic");
  CHECK(ds["properties"]["field"] == "vehicles");
  CHECK(ds["properties"]["tags"] ==
        json{{"district", "Mitte"}, {"sensor", "K12"}});
  CHECK(ds["observationType"] ==
        "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement");

  const uint64_t thing_id =
      query::sta::StableId("thing", "traffic{district=Mitte,sensor=K12}");
  json thing = city.server.GetJson(Ds(city.vehicles) + "/Thing");
  CHECK(thing["@iot.id"] == thing_id);
  CHECK(thing["properties"]["measurement"] == "traffic");
  json things_ds = city.server.GetJson(
      "/v1.1/Things(" + std::to_string(thing_id) + ")/Datastreams");
  REQUIRE(things_ds["value"].size() == 2);
  json loc = city.server.GetJson("/v1.1/Things(" + std::to_string(thing_id) +
                                 ")/Locations");
  REQUIRE(loc["value"].size() == 1);
  CHECK(loc["value"][0]["location"] ==
        json{{"type", "Point"}, {"coordinates", {13.40, 52.52}}});
  json sensor = city.server.GetJson(Ds(city.pankow) + "/Sensor");
  CHECK(sensor["name"] == "mqtt:city/traffic");
  CHECK(sensor["@iot.id"] ==
        query::sta::StableId("sensor", "mqtt:city/traffic"));
  json op = city.server.GetJson(Ds(city.speed) + "/ObservedProperty");
  CHECK(op["properties"] ==
        json{{"measurement", "traffic"}, {"field", "speed"}});

  // Property, $value, and an Observation by id.
  CHECK(city.server.GetJson(Ds(city.speed) + "/name") ==
        json{{"name", "traffic{district=Mitte,sensor=K12}#speed"}});
  HttpReply value =
      city.server.Get(Ds(city.speed) + "/unitOfMeasurement/$value");
  CHECK(value.status == 200);  // an object's $value is its JSON text
  CHECK(json::parse(value.body)["symbol"] == "km/h");
  value = city.server.Get(Ds(city.speed) + "/description/$value");
  CHECK(value.status == 200);
  CHECK(value.body.find("speed") != std::string::npos);
  const std::string obs_id =
      query::sta::ObservationId(city.speed, kDay2024 + kMinute);
  json obs = city.server.GetJson("/v1.1/Observations('" + obs_id + "')");
  CHECK(obs["result"] == 33.0);
  CHECK(obs["phenomenonTime"] == "2024-01-01T00:01:00.000Z");
  CHECK(city.server.GetJson("/v1.1/Observations('" + obs_id +
                            "')/Datastream")["@iot.id"] == city.speed);
  CHECK(city.server
            .Get("/v1.1/Observations('" + std::to_string(city.speed) + "-5')")
            .status == 404);
  CHECK(city.server.Get("/v1.1/Things(12345)").status == 404);
  CHECK(city.server.Get("/v1.1/Nonsense").status == 404);
}

TEST_CASE(
    "sta: $top, $skip, $count and @iot.nextLink page through Observations",
    "[query][sta][integration]") {
  City city;
  json page = city.server.GetJson(Ds(city.vehicles) +
                                  "/Observations?$top=2&$count=true");
  CHECK(page["@iot.count"] == 1440);
  REQUIRE(page["value"].size() == 2);
  CHECK(page["value"][1]["result"] == 1.0);
  const std::string next = page["@iot.nextLink"];
  CHECK(next.find("$top=2&$skip=2") != std::string::npos);
  json second =
      city.server.GetJson(next.substr(std::string("http://127.0.0.1").size()));
  CHECK(second["value"][0]["result"] == 2.0);
  CHECK(second["@iot.count"] == 1440);
  // Default page size 100; the last page has no nextLink.
  CHECK(city.server.GetJson(Ds(city.vehicles) + "/Observations")["value"]
            .size() == 100);
  json last =
      city.server.GetJson(Ds(city.vehicles) + "/Observations?$skip=1438");
  CHECK(last["value"].size() == 2);
  CHECK(!last.contains("@iot.nextLink"));
  // Entity sets count and page too.
  json ds = city.server.GetJson("/v1.1/Datastreams?$top=1&$count=true");
  CHECK(ds["@iot.count"] == 4);
  CHECK(ds["value"].size() == 1);
  CHECK(ds.contains("@iot.nextLink"));
}

TEST_CASE("sta: $filter on properties, strings, arithmetic and time ranges",
          "[query][sta][integration]") {
  City city;
  auto count = [&](const std::string& path, const std::string& filter) {
    json j =
        city.server.GetJson(path + "?$count=true&$top=0&$filter=" + Q(filter));
    return j["@iot.count"].get<int>();
  };
  CHECK(count("/v1.1/Datastreams", "properties/measurement eq 'traffic'") == 3);
  CHECK(count("/v1.1/Datastreams", "properties/tags/sensor eq 'K13'") == 1);
  CHECK(count("/v1.1/Datastreams",
              "properties/measurement eq 'traffic' and not (properties/field "
              "eq 'speed')") == 2);
  CHECK(count("/v1.1/Datastreams",
              "startswith(name,'water') or substringof('Pankow', name)") == 2);
  CHECK(count("/v1.1/Datastreams",
              "tolower(unitOfMeasurement/symbol) eq 'km/h'") == 1);
  CHECK(count("/v1.1/Datastreams", "length(properties/field) gt 5") == 2);
  CHECK(count("/v1.1/Datastreams",
              "Thing/properties/tags/district eq 'Mitte'") == 2);
  CHECK(count("/v1.1/Things", "properties/measurement eq 'water'") == 1);
  const std::string obs = Ds(city.vehicles) + "/Observations";
  CHECK(count(obs,
              "phenomenonTime ge 2024-01-01T01:00:00Z and phenomenonTime lt "
              "2024-01-01T02:00:00Z") == 60);
  CHECK(count(obs,
              "phenomenonTime gt 2024-01-01T01:00:00Z and phenomenonTime le "
              "2024-01-01T02:00:00Z") == 60);
  CHECK(count(obs, "hour(phenomenonTime) eq 3") == 60);
  CHECK(count(obs, "result mul 2 ge 2000 and result sub 1 lt 1100") == 101);
  CHECK(count(obs, "result mod 100 eq 0") == 15);
  CHECK(count(obs, "phenomenonTime lt 2024-01-01T00:10:00+01:00") == 0);
  CHECK(count(obs, "result eq 5 or result eq 7") == 2);
  // A time-filtered page starts at the range.
  json page =
      city.server.GetJson(obs + "?$top=1&$filter=" +
                          Q("phenomenonTime ge 2024-01-01T12:00:00.000Z"));
  CHECK(page["value"][0]["result"] == 720.0);
}

TEST_CASE("sta: $orderby, $select and nested $expand",
          "[query][sta][integration]") {
  City city;
  json ds = city.server.GetJson("/v1.1/Datastreams?$orderby=" + Q("name desc") +
                                "&$select=name,id");
  REQUIRE(ds["value"].size() == 4);
  CHECK(ds["value"][0] ==
        json{{"name", "water{meter=W1}#level"}, {"@iot.id", city.water}});
  json top = city.server.GetJson(Ds(city.vehicles) + "/Observations?$orderby=" +
                                 Q("result desc") + "&$top=3");
  CHECK(top["value"][0]["result"] == 1439.0);
  CHECK(top["value"][2]["result"] == 1437.0);
  // The map view's "latest value of every Datastream".
  json latest = city.server.GetJson(
      "/v1.1/Datastreams?$expand=" +
      Q("Observations($orderby=phenomenonTime desc;$top=1)"));
  REQUIRE(latest["value"].size() == 4);
  for (const auto& d : latest["value"]) {
    REQUIRE(d["Observations"].size() == 1);
    if (d["@iot.id"] == city.vehicles) {
      CHECK(d["Observations"][0]["result"] == 1439.0);
      CHECK(d["Observations"][0]["phenomenonTime"] ==
            "2024-01-01T23:59:00.000Z");
    }
    if (d["@iot.id"] == city.pankow)
      CHECK(d["Observations"][0]["result"] == 9.0);
  }
  // Nested expand with its own options, and a path expand.
  json things = city.server.GetJson(
      "/v1.1/Things?$filter=" + Q("properties/tags/sensor eq 'K12'") +
      "&$expand=" +
      Q("Datastreams($select=name;$orderby=name;$expand=Observations($top=1;$"
        "select=result;$count=true)),Locations"));
  REQUIRE(things["value"].size() == 1);
  const json& t = things["value"][0];
  REQUIRE(t["Datastreams"].size() == 2);
  CHECK(t["Datastreams"][0]["name"] ==
        "traffic{district=Mitte,sensor=K12}#speed");
  CHECK(t["Datastreams"][0]["Observations"] ==
        json::array({json{{"result", 31.5}}}));
  CHECK(t["Datastreams"][0]["Observations@iot.count"] == 2);
  CHECK(t["Locations"].size() == 1);
  json path_expand = city.server.GetJson("/v1.1/Things?$expand=" +
                                         Q("Datastreams/Sensor($select=name)"));
  for (const auto& th : path_expand["value"]) {
    for (const auto& d : th["Datastreams"]) CHECK(d["Sensor"].size() == 1);
  }
  json obs_expand = city.server.GetJson(
      Ds(city.speed) + "/Observations?$expand=Datastream($select=name)");
  CHECK(obs_expand["value"][0]["Datastream"]["name"] ==
        "traffic{district=Mitte,sensor=K12}#speed");
}

TEST_CASE(
    "sta: malformed options answer 400 with the position, unsupported ones 501",
    "[query][sta][integration]") {
  City city;
  HttpReply r = city.server.Get("/v1.1/Datastreams?$filter=" + Q("name eq"));
  CHECK(r.status == 400);
  CHECK(r.body.find("$filter: position 8") != std::string::npos);
  r = city.server.Get("/v1.1/Datastreams?$filter=" + Q("name eq 'x"));
  CHECK(r.status == 400);
  CHECK(r.body.find("unterminated string") != std::string::npos);
  CHECK(city.server.Get("/v1.1/Datastreams?$filter=" + Q("((name eq 'x')"))
            .status == 400);
  CHECK(city.server.Get("/v1.1/Datastreams?$filter=" + Q("nosuch(name)"))
            .status == 400);
  CHECK(city.server.Get("/v1.1/Datastreams?$top=-1").status == 400);
  CHECK(city.server.Get("/v1.1/Datastreams?$count=yes").status == 400);
  CHECK(city.server.Get("/v1.1/Datastreams?$search=x").status == 501);
  CHECK(city.server
            .Get("/v1.1/Datastreams?$filter=" +
                 Q("geo.distance(observedArea, geography'POINT(1 2)') lt 1"))
            .status == 501);
  CHECK(city.server
            .Get("/v1.1/Datastreams?$expand=" +
                 Q("Thing($expand=Datastreams($expand=Thing($expand="
                   "Datastreams($expand=Thing))))"))
            .status == 400);
  CHECK(city.server.Get("/v1.1/Datastreams?$expand=Nope").status == 400);
  std::string deep(200, '(');
  CHECK(city.server.Get("/v1.1/Datastreams?$filter=" + Q(deep + "1")).status ==
        400);
  CHECK(
      city.server.Get("/v1.1/Datastreams?$filter=" + Q(std::string(5000, 'a')))
          .status == 400);
  CHECK(city.server.Get("/v1.1/Datastreams/$ref").status == 501);
}

TEST_CASE(
    "sta: $aggregate returns one Observation per bucket, calendar days with "
    "$tz",
    "[query][sta][integration]") {
  City city;
  const std::string range =
      Q("phenomenonTime ge 2024-01-01T00:00:00Z and phenomenonTime lt "
        "2024-01-02T00:00:00Z");
  json hourly = city.server.GetJson(
      Ds(city.vehicles) +
      "/Observations?$aggregate=mean&$interval=PT1H&$filter=" + range);
  REQUIRE(hourly["value"].size() == 24);
  CHECK(hourly["value"][0]["result"] == 29.5);
  CHECK(hourly["value"][0]["phenomenonTime"] ==
        "2024-01-01T00:00:00.000Z/2024-01-01T01:00:00.000Z");
  CHECK(hourly["value"][23]["result"] == 23 * 60 + 29.5);
  json counts = city.server.GetJson(
      Ds(city.vehicles) +
      "/Observations?$aggregate=count&$interval=PT6H&$filter=" + range);
  REQUIRE(counts["value"].size() == 4);
  CHECK(counts["value"][3]["result"] == 360);
  json maxes = city.server.GetJson(
      Ds(city.vehicles) +
      "/Observations?$aggregate=max&$interval=P1D&$filter=" + range);
  CHECK(maxes["value"] ==
        json::array({json{
            {"phenomenonTime",
             "2024-01-01T00:00:00.000Z/2024-01-02T00:00:00.000Z"},
            {"resultTime", "2024-01-02T00:00:00.000Z"},
            {"result", 1439.0},
            {"Datastream@iot.navigationLink",
             kBase + "/Datastreams(" + std::to_string(city.vehicles) + ")"}}}));
  // Berlin days: 2024-01-01 starts at 23:00 UTC the day before.
  json berlin = city.server.GetJson(Ds(city.vehicles) +
                                    "/Observations?$aggregate=count&$interval="
                                    "P1D&$tz=Europe/Berlin&$filter=" +
                                    range);
  REQUIRE(berlin["value"].size() == 2);
  CHECK(berlin["value"][0]["phenomenonTime"] ==
        "2023-12-31T23:00:00.000Z/2024-01-01T23:00:00.000Z");
  CHECK(berlin["value"][0]["result"] == 1380);
  CHECK(berlin["value"][1]["result"] == 60);
  json desc = city.server.GetJson(
      Ds(city.vehicles) +
      "/Observations?$aggregate=last&$interval=PT1H&$top=1&$orderby=" +
      Q("phenomenonTime desc") + "&$filter=" + range);
  CHECK(desc["value"][0]["result"] == 1439.0);
  CHECK(city.server.Get(Ds(city.vehicles) + "/Observations?$aggregate=mean")
            .status == 400);
  CHECK(city.server
            .Get(Ds(city.vehicles) +
                 "/Observations?$aggregate=mean&$interval=PT1H")
            .status == 400);
  CHECK(city.server
            .Get(Ds(city.vehicles) +
                 "/Observations?$aggregate=median&$interval=PT1H")
            .status == 400);
  CHECK(
      city.server
          .Get(Ds(city.vehicles) + "/Observations?$aggregate=mean&$interval=1h")
          .status == 400);
  CHECK(city.server
            .Get(Ds(city.vehicles) +
                 "/Observations?$aggregate=mean&$interval=PT1S&$filter=" +
                 Q("phenomenonTime ge 2000-01-01T00:00:00Z"))
            .status == 400);  // too many buckets
  CHECK(city.server
            .Get("/v1.1/Observations?$aggregate=mean&$interval=PT1H&$filter=" +
                 range)
            .status == 501);
}

TEST_CASE("sta: $resultFormat=dataArray reads", "[query][sta][integration]") {
  City city;
  json j = city.server.GetJson(
      Ds(city.pankow) + "/Observations?$resultFormat=dataArray&$select=" +
      Q("phenomenonTime,result"));
  REQUIRE(j["value"].size() == 1);
  CHECK(j["value"][0]["components"] ==
        json::array({"phenomenonTime", "result"}));
  CHECK(j["value"][0]["dataArray@iot.count"] == 3);
  CHECK(j["value"][0]["dataArray"][2] ==
        json::array({"2024-01-01T00:04:00.000Z", 9.0}));
  CHECK(city.server.Get("/v1.1/Things?$resultFormat=dataArray").status == 400);
}

TEST_CASE(
    "sta: POST Observations are ordinary points, read back through InfluxQL",
    "[query][sta][integration]") {
  City city;
  HttpReply r = city.server.Send(
      "POST", "/v1.1/Observations",
      R"({"phenomenonTime":"2024-01-02T10:00:00Z","result":42,)"
      R"("Datastream":{"@iot.id":)" +
          std::to_string(city.pankow) + "}}");
  REQUIRE(r.status == 201);
  const std::string id = query::sta::ObservationId(
      city.pankow, kDay2024 + 86400'000'000'000 + 10 * 3600'000'000'000);
  CHECK(r.headers["location"] == kBase + "/Observations('" + id + "')");
  CHECK(json::parse(r.body)["result"] == 42.0);
  r = city.server.Send(
      "POST", Ds(city.pankow) + "/Observations",
      R"({"phenomenonTime":"2024-01-02T12:00:00+01:00","result":43.5})");
  REQUIRE(r.status == 201);
  // The same points through InfluxQL and the JSON API.
  json influx =
      city.server.GetJson("/query?db=citynexus&q=" +
                          Q("SELECT vehicles FROM traffic WHERE sensor = 'K13' "
                            "AND time >= '2024-01-02T00:00:00Z'"));
  INFO(influx.dump());
  const json& values = influx["results"][0]["series"][0]["values"];
  REQUIRE(values.size() == 2);
  CHECK(values[0][1] == 42.0);
  CHECK(values[1][1] == 43.5);
  json api = city.server.GetJson(
      "/api/v1/"
      "query?measurement=traffic&field=vehicles&tag.sensor=K13&start=2024-01-"
      "02T00:00:00Z&end=2024-01-03T00:00:00Z");
  CHECK(api.dump().find("43.5") != std::string::npos);
  // And back through STA.
  json back = city.server.GetJson("/v1.1/Observations('" + id + "')");
  CHECK(back["result"] == 42.0);
  // Refusals.
  CHECK(city.server
            .Send("POST", Ds(city.pankow) + "/Observations",
                  R"({"result":"text"})")
            .status == 400);
  CHECK(city.server
            .Send("POST", Ds(city.pankow) + "/Observations",
                  R"({"phenomenonTime":"2024-13-01T00:00:00Z","result":1})")
            .status == 400);
  CHECK(city.server.Send("POST", "/v1.1/Observations", R"({"result":1})")
            .status == 400);
  CHECK(city.server.Send("POST", Ds(999) + "/Observations", R"({"result":1})")
            .status == 404);
  CHECK(city.server
            .Send("POST", Ds(city.pankow) + "/Observations",
                  std::string(100, '['))
            .status == 400);
  CHECK(city.server.Send("POST", "/v1.1/Things", R"({"name":"x"})").status ==
        501);
  CHECK(city.server.Send("DELETE", "/v1.1/Observations('" + id + "')", "")
            .status == 501);
  CHECK(city.server.Send("PATCH", Ds(city.pankow), R"({"name":"x"})").status ==
        501);
}

TEST_CASE(
    "sta: CreateObservations answers one URL or \"error\" per row (OGC 18-088 "
    "example)",
    "[query][sta][integration]") {
  City city;
  // The request of OGC 18-088 §14.3.2 with our Datastream ids, plus one row
  // whose result does not fit the Datastream and one malformed row.
  const std::string body = R"([
    {"Datastream": {"@iot.id": )" +
                           std::to_string(city.vehicles) + R"(},
     "components": ["phenomenonTime", "result", "FeatureOfInterest/id"],
     "dataArray@iot.count": 2,
     "dataArray": [["2010-12-23T10:20:00-0700", 20, 1], ["2010-12-23T10:21:00-0700", 30, 1]]},
    {"Datastream": {"@iot.id": )" +
                           std::to_string(city.pankow) + R"(},
     "components": ["phenomenonTime", "result", "FeatureOfInterest/id"],
     "dataArray@iot.count": 4,
     "dataArray": [["2010-12-23T10:20:00-0700", 65, 1], ["2010-12-23T10:21:00-0700", 60, 1],
                   ["2010-12-23T10:22:00-0700", "sixty", 1], ["2010-12-23T10:23:00-0700"]]}
  ])";
  HttpReply r = city.server.Send("POST", "/v1.1/CreateObservations", body);
  REQUIRE(r.status == 201);
  json urls = json::parse(r.body);
  REQUIRE(urls.size() == 6);
  const int64_t t0 = 1293124800'000'000'000;  // 2010-12-23T17:20:00Z
  CHECK(urls[0] == kBase + "/Observations('" +
                       query::sta::ObservationId(city.vehicles, t0) + "')");
  CHECK(urls[3] == kBase + "/Observations('" +
                       query::sta::ObservationId(city.pankow, t0 + kMinute) +
                       "')");
  CHECK(urls[4] == "error");
  CHECK(urls[5] == "error");
  json stored =
      city.server.GetJson(Ds(city.pankow) + "/Observations?$filter=" +
                          Q("phenomenonTime lt 2011-01-01T00:00:00Z"));
  REQUIRE(stored["value"].size() == 2);
  CHECK(stored["value"][0]["result"] == 65.0);
  CHECK(stored["value"][1]["result"] == 60.0);
}

TEST_CASE(
    "sta: the caller sees and writes only the measurements its scopes allow",
    "[query][sta][integration]") {
  City city;
  const std::string reader = "read:traffic";
  json things = city.server.GetJson("/v1.1/Things?$count=true", reader);
  CHECK(things["@iot.count"] == 2);
  CHECK(things.dump().find("water") == std::string::npos);
  CHECK(city.server.GetJson("/v1.1/Datastreams?$count=true",
                            reader)["@iot.count"] == 3);
  CHECK(city.server.GetJson("/v1.1/ObservedProperties?$count=true",
                            reader)["@iot.count"] == 2);
  CHECK(city.server.GetJson("/v1.1/Datastreams?$count=true&$filter=" +
                                Q("properties/measurement eq 'water'"),
                            reader)["@iot.count"] == 0);
  CHECK(city.server.Get(Ds(city.water), reader).status == 404);
  CHECK(city.server.Get(Ds(city.water) + "/Observations", reader).status ==
        404);
  CHECK(city.server
            .Get("/v1.1/Observations('" +
                     query::sta::ObservationId(city.water, kDay2024) + "')",
                 reader)
            .status == 404);
  json all_obs =
      city.server.GetJson("/v1.1/Observations?$count=true&$top=0", reader);
  CHECK(all_obs["@iot.count"] == 1440 + 2 + 3);
  // Anonymous callers see nothing unless declared public.
  CHECK(city.server.GetJson("/v1.1/Datastreams?$count=true",
                            "anonymous")["@iot.count"] == 0);
  // Writes need write on the measurement.
  const std::string obs =
      R"({"phenomenonTime":"2024-02-01T00:00:00Z","result":1})";
  CHECK(city.server.Send("POST", Ds(city.pankow) + "/Observations", obs, reader)
            .status == 403);
  CHECK(city.server
            .Send("POST", Ds(city.pankow) + "/Observations", obs, "anonymous")
            .status == 401);
  CHECK(
      city.server
          .Send("POST", Ds(city.pankow) + "/Observations", obs, "write:traffic")
          .status == 201);
  CHECK(city.server
            .Send("POST", Ds(city.water) + "/Observations", obs,
                  "read:traffic write:traffic")
            .status == 404);
  CHECK(city.server
            .Send("POST", Ds(city.water) + "/Observations", obs, "read:water")
            .status == 403);
}

}  // namespace citynexus::testing
