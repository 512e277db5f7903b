// GBFS 2.3 station_status / station_information decoder; see gbfs.h.
#include "connectors/decoders/gbfs.h"

#include <optional>
#include <string>
#include <unordered_map>

#include "connectors/decoders/decode_util.h"
#include "connectors/decoders/json_util.h"

namespace citynexus::connectors {
namespace {

using nlohmann::json;

// What station_information contributes to one station.
struct StationInfo {
  std::string_view name;  // in the arena
  std::optional<double> lat, lon;
  std::optional<int64_t> capacity;
  bool virtual_station = false;
  std::string problem_member;  // set when the entry failed validation
  std::string problem;
};

DecodeError StationError(size_t index, std::string_view station_id,
                         std::string_view member, std::string reason) {
  DecodeError e =
      MakeError(DecodeUnit::kStation, index,
                member.empty() ? DecodeElement::kLine : DecodeElement::kMember,
                std::string(member), std::move(reason));
  e.unit_id = std::string(station_id);
  return e;
}

// The data.stations array of a GBFS feed, or the reason it is missing.
Result<const json*> Stations(const json& doc) {
  if (!doc.is_object()) {
    return Status::InvalidArgument("expected a GBFS feed (JSON object), got " +
                                   JsonShown(doc));
  }
  const json* data = Member(doc, "data");
  const json* stations = data != nullptr ? Member(*data, "stations") : nullptr;
  if (stations == nullptr || !stations->is_array()) {
    return Status::InvalidArgument(
        "\"data.stations\": missing or not an array");
  }
  return stations;
}

// A non-negative integer; GBFS counts are JSON integers.
bool IsCount(const json& v) { return v.is_number_unsigned(); }

// GBFS 2.x booleans are JSON true/false; 1.x feeds (still served by some
// systems under a 2.x version string) use 0/1, accepted too.
std::optional<bool> GbfsBool(const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_unsigned() && v.get<uint64_t>() <= 1) {
    return v.get<uint64_t>() == 1;
  }
  return std::nullopt;
}

std::unordered_map<std::string, StationInfo> ReadInformation(
    const json& doc, DecodedBatch* out) {
  std::unordered_map<std::string, StationInfo> infos;
  auto stations = Stations(doc);
  if (!stations) {
    out->errors.push_back(
        MessageError("station_information: " + stations.error().message()));
    return infos;
  }
  for (const json& entry : **stations) {
    const json* id = Member(entry, "station_id");
    if (id == nullptr || !id->is_string()) continue;  // cannot be joined
    StationInfo info;
    auto problem = [&](std::string member, std::string why) {
      if (info.problem.empty()) {
        info.problem_member = "station_information." + member;
        info.problem = std::move(why);
      }
    };
    const json* name = Member(entry, "name");
    if (name != nullptr && name->is_string()) {
      info.name = out->arena.Copy(name->get_ref<const std::string&>());
    } else {
      problem("name", name == nullptr
                          ? "missing required field"
                          : "expected a string, got " + JsonShown(*name));
    }
    auto coordinate = [&](const char* member, double limit) {
      const json* v = Member(entry, member);
      if (v == nullptr) {
        problem(member, "missing required field");
        return std::optional<double>();
      }
      if (!v->is_number() || v->get<double>() < -limit ||
          v->get<double>() > limit) {
        problem(member, "expected a WGS84 coordinate within +-" +
                            std::to_string(static_cast<int>(limit)) + ", got " +
                            JsonShown(*v));
        return std::optional<double>();
      }
      return std::optional<double>(v->get<double>());
    };
    info.lat = coordinate("lat", 90);
    info.lon = coordinate("lon", 180);
    if (const json* capacity = Member(entry, "capacity"); capacity != nullptr) {
      if (IsCount(*capacity)) {
        info.capacity = capacity->get<int64_t>();
      } else {
        problem("capacity",
                "expected a non-negative integer, got " + JsonShown(*capacity));
      }
    }
    if (const json* v = Member(entry, "is_virtual_station"); v != nullptr) {
      info.virtual_station = GbfsBool(*v).value_or(false);
    }
    infos.insert_or_assign(id->get<std::string>(), std::move(info));
  }
  return infos;
}

class StatusDecoder {
 public:
  StatusDecoder(const GbfsOptions& options, DecodedBatch* out)
      : out_(out),
        line_(out),
        measurement_(out->arena.Copy(options.measurement)),
        system_id_(out->arena.Copy(options.system_id)) {}

  void DecodeStation(size_t index, const json& station,
                     std::optional<int64_t> feed_time_ns,
                     const std::unordered_map<std::string, StationInfo>& infos);

 private:
  DecodedBatch* out_;
  LineBuilder line_;
  std::string_view measurement_;
  std::string_view system_id_;
};

void StatusDecoder::DecodeStation(
    size_t index, const json& station, std::optional<int64_t> feed_time_ns,
    const std::unordered_map<std::string, StationInfo>& infos) {
  if (!station.is_object()) {
    out_->errors.push_back(StationError(
        index, "", "", "expected a station object, got " + JsonShown(station)));
    return;
  }
  const json* id = Member(station, "station_id");
  if (id == nullptr || !id->is_string() ||
      id->get_ref<const std::string&>().empty()) {
    out_->errors.push_back(StationError(
        index, "", "station_id",
        id == nullptr ? "missing required field"
                      : "expected a non-empty string, got " + JsonShown(*id)));
    return;
  }
  const std::string& station_id = id->get_ref<const std::string&>();
  auto fail = [&](std::string_view member, std::string reason) {
    line_.Abort();
    out_->errors.push_back(
        StationError(index, station_id, member, std::move(reason)));
  };
  auto info_it = infos.find(station_id);
  const StationInfo* info = info_it != infos.end() ? &info_it->second : nullptr;

  int64_t time_ns = 0;
  if (const json* reported = Member(station, "last_reported");
      reported != nullptr) {
    if (!reported->is_number_integer()) {
      fail("last_reported",
           "expected POSIX seconds, got " + JsonShown(*reported));
      return;
    }
    auto ns =
        EpochIntegerToNs(reported->get<int64_t>(), TimeFormat::kEpochSeconds);
    if (!ns) {
      fail("last_reported", ns.error().message());
      return;
    }
    time_ns = *ns;
  } else if (feed_time_ns) {
    time_ns = *feed_time_ns;
  } else {
    fail("last_reported", "missing, and the feed has no last_updated");
    return;
  }

  line_.Begin(measurement_, time_ns, index);
  line_.AddTag("station_id", out_->arena.Copy(station_id));
  if (!system_id_.empty()) line_.AddTag("system_id", system_id_);

  // Counts. num_docks_available is required by GBFS 2.x except at stations
  // with unlimited docking (virtual or valet stations), which the status
  // feed alone cannot tell apart (station_information may be absent or
  // stale). Its absence is legal and does not mean 0: the other fields are
  // stored, no docks point is written, nothing is rejected.
  struct Count {
    const char* name;
    bool required;
  };
  const Count counts[] = {{"num_bikes_available", true},
                          {"num_docks_available", false},
                          {"num_bikes_disabled", false},
                          {"num_docks_disabled", false}};
  for (const Count& count : counts) {
    const json* v = Member(station, count.name);
    if (v == nullptr) {
      if (count.required) {
        fail(count.name, "missing required field");
        return;
      }
      continue;
    }
    if (!IsCount(*v)) {
      fail(count.name, "expected a non-negative integer, got " + JsonShown(*v));
      return;
    }
    line_.AddField(count.name, FieldValue::Int(v->get<int64_t>()));
  }
  for (const char* name : {"is_installed", "is_renting", "is_returning"}) {
    const json* v = Member(station, name);
    if (v == nullptr) {
      fail(name, "missing required field");
      return;
    }
    auto b = GbfsBool(*v);
    if (!b) {
      fail(name, "expected a boolean, got " + JsonShown(*v));
      return;
    }
    line_.AddField(name, FieldValue::Int(*b ? 1 : 0));
  }

  if (info != nullptr && info->problem.empty() && info->capacity) {
    line_.AddField("capacity", FieldValue::Int(*info->capacity));
  }
  const uint32_t line_index = line_.Commit();
  if (info == nullptr) return;
  if (!info->problem.empty()) {
    out_->errors.push_back(
        StationError(index, station_id, info->problem_member, info->problem));
    return;
  }
  DecodedSeriesMeta meta;
  meta.line_index = line_index;
  meta.description = info->name;
  meta.latitude = info->lat;
  meta.longitude = info->lon;
  out_->series_meta.push_back(meta);
}

}  // namespace

void DecodeGbfsStationStatus(std::string_view status_body,
                             std::string_view information_body,
                             const GbfsOptions& options, DecodedBatch* out) {
  out->Clear();
  out->line_unit = DecodeUnit::kStation;
  auto status = ParseJsonPayload(status_body, out, "station_status");
  if (!status) return;
  auto stations = Stations(*status);
  if (!stations) {
    out->errors.push_back(
        MessageError("station_status: " + stations.error().message()));
    return;
  }
  std::optional<int64_t> feed_time_ns;
  if (const json* updated = Member(*status, "last_updated");
      updated != nullptr && updated->is_number_integer()) {
    auto ns =
        EpochIntegerToNs(updated->get<int64_t>(), TimeFormat::kEpochSeconds);
    if (ns) feed_time_ns = *ns;
  }
  if (!feed_time_ns) {
    // Required by GBFS; without it we still have each last_reported.
    out->errors.push_back(MessageError(
        "station_status: \"last_updated\": missing or not POSIX seconds; "
        "stations without last_reported are rejected"));
  }

  std::unordered_map<std::string, StationInfo> infos;
  if (!information_body.empty()) {
    if (auto information =
            ParseJsonPayload(information_body, out, "station_information")) {
      infos = ReadInformation(*information, out);
    }
  }

  StatusDecoder decoder(options, out);
  for (size_t i = 0; i < (*stations)->size(); ++i) {
    decoder.DecodeStation(i, (**stations)[i], feed_time_ns, infos);
  }
}

}  // namespace citynexus::connectors
