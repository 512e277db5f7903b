// Event text of GET /api/v1/stream; see sse_events.h.
#include "query/stream/sse_events.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <variant>

#include "common/time_format.h"
#include "query/time_parse.h"

namespace citynexus::query::stream {
namespace {
using json = nlohmann::json;

json LabelsJson(const std::map<std::string, std::string>& labels) {
  json out = json::object();
  for (const auto& [k, v] : labels) {
    out[k] = v;
  }
  return out;
}

json OptionalNumber(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? json(*v) : json(nullptr);
}

}  // namespace

bool PointSelector::Matches(const engine::SeriesKey& key) const {
  if (!measurement.empty() && key.measurement != measurement) {
    return false;
  }
  if (!field.empty() && key.field != field) {
    return false;
  }
  for (const auto& wanted : tags) {
    if (std::find(key.tags.begin(), key.tags.end(), wanted) == key.tags.end()) {
      return false;
    }
  }
  return true;
}

Result<PointSelector> PointSelectorFromRequest(const net::Request& request) {
  PointSelector selector;
  for (const auto& [name, value] : request.query) {
    if (name == "measurement") {
      selector.measurement = value;
    } else if (name == "field") {
      selector.field = value;
    } else if (name.starts_with("tag.")) {
      if (name.size() == 4) {
        return Status::InvalidArgument(
            "tag.: a tag parameter needs a name, as in tag.sensor=K12");
      }
      selector.tags.emplace_back(name.substr(4), value);
    }
  }
  return selector;
}

std::string EventText(std::string_view name, std::string_view data) {
  std::string out;
  out.reserve(name.size() + data.size() + 16);
  out += "event: ";
  out += name;
  out += "\ndata: ";
  out += data;
  out += "\n\n";
  return out;
}

std::string CommentText(std::string_view text) {
  std::string out = ": ";
  out += text;
  out += "\n\n";
  return out;
}

std::string PointJsonPrefix(const engine::SeriesKey& key) {
  json tags = json::object();
  for (const auto& [k, v] : key.tags) {
    tags[k] = v;
  }
  std::string out = "{\"series\":";
  out += json(key.Canonical()).dump();
  out += ",\"measurement\":";
  out += json(key.measurement).dump();
  out += ",\"field\":";
  out += json(key.field).dump();
  out += ",\"tags\":";
  out += tags.dump();
  return out;
}

std::string PointEvent(const std::string& prefix, const engine::Point& point,
                       int64_t epoch_divisor_ns) {
  std::string data = prefix;
  data += ",\"time\":";
  data += std::to_string(point.timestamp_ns / epoch_divisor_ns);
  data += ",\"value\":";
  std::visit(
      [&data](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, double>) {
          data += std::isfinite(v) ? json(v).dump() : "null";
        } else {
          data += json(v).dump();
        }
      },
      point.value);
  data += "}";
  return EventText("point", data);
}

std::string IndicatorEvents(const IndicatorStepValues& values,
                            int64_t epoch_divisor_ns) {
  std::string out;
  for (const IndicatorSeries& s : values.series) {
    for (const IndicatorPoint& p : s.points) {
      json data = {{"id", values.definition->id},
                   {"unit", values.definition->unit},
                   {"step", values.step},
                   {"time", p.t_ns / epoch_divisor_ns},
                   {"labels", LabelsJson(s.labels)},
                   {"value", OptionalNumber(p.value)},
                   {"coverage", p.coverage},
                   {"quality", std::string(QualityName(p.quality))}};
      out += EventText("indicator", data.dump());
    }
  }
  return out;
}

std::string NoticeEvent(std::string_view code, std::string_view message) {
  json data = {{"code", std::string(code)}, {"message", std::string(message)}};
  return EventText("notice", data.dump());
}

}  // namespace citynexus::query::stream

namespace citynexus::query {

std::string IndicatorStepJson(const IndicatorStepValues& values) {
  using nlohmann::json;
  json series = json::array();
  for (const IndicatorSeries& s : values.series) {
    for (const IndicatorPoint& p : s.points) {
      json labels = json::object();
      for (const auto& [k, v] : s.labels) {
        labels[k] = v;
      }
      series.push_back(
          {{"labels", labels},
           {"value", p.value && std::isfinite(*p.value) ? json(*p.value)
                                                        : json(nullptr)},
           {"coverage", p.coverage},
           {"quality", std::string(QualityName(p.quality))}});
    }
  }
  json doc = {{"id", values.definition->id},
              {"name", values.definition->name},
              {"unit", values.definition->unit},
              {"step", values.step},
              {"time", FormatRfc3339(values.step_start_ns)},
              {"time_ns", values.step_start_ns},
              {"series", series}};
  return doc.dump();
}

}  // namespace citynexus::query
