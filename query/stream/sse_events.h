// Server-sent event text for GET /api/v1/stream: the point selector, the
// event framing (text/event-stream, WHATWG HTML "Server-sent events") and
// the JSON data of point, indicator and notice events.
//
// Thread-safety: pure functions and immutable values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "net/net.h"
#include "query/stream.h"

namespace citynexus::query::stream {

// Which points a stream follows; empty parts match everything.
struct PointSelector {
  std::string measurement;
  std::string field;
  std::vector<std::pair<std::string, std::string>> tags;  // each must equal

  bool Matches(const engine::SeriesKey& key) const;
};

// `measurement`, `field` and `tag.K=V` query parameters; kInvalidArgument
// for an empty tag name.
Result<PointSelector> PointSelectorFromRequest(const net::Request& request);

// One event: "event: <name>\ndata: <data>\n\n" (`data` must not contain a
// newline; JSON from nlohmann never does).
std::string EventText(std::string_view name, std::string_view data);
// A comment line, ignored by clients: ": <text>\n\n".
std::string CommentText(std::string_view text);

// The series part of a point event, built once per series:
// {"series":"<canonical>","measurement":..,"field":..,"tags":{..},
// without the closing brace.
std::string PointJsonPrefix(const engine::SeriesKey& key);
// A whole point event: prefix + "time" (in units of `epoch_divisor_ns`
// nanoseconds) + "value".
std::string PointEvent(const std::string& prefix, const engine::Point& point,
                       int64_t epoch_divisor_ns);

// One indicator event per output series of `values`:
// {"id","unit","step","time","labels","value","coverage","quality"}.
std::string IndicatorEvents(const IndicatorStepValues& values,
                            int64_t epoch_divisor_ns);

// {"code": code, "message": message} as a `notice` event.
std::string NoticeEvent(std::string_view code, std::string_view message);

}  // namespace citynexus::query::stream
