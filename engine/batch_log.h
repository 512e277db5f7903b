// Batch log records: one record per Append call, stored in the `log` column
// family under an 8-byte big-endian sequence number until the points are
// sealed into chunks. Replayed into the head at open.
//
// Record layout (docs/format/storage.md):
//   version u8 (=1) | varint count | count × point
//   point = varint (series_id << 2 | type-1) | varint zigzag(ts - prev_ts)
//           | value: float = 8 bytes LE IEEE bits, int = varint zigzag,
//                    bool = 1 byte, string = varint len | bytes
// prev_ts starts at 0. The type tag makes records self-describing, so replay
// does not depend on the catalog.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "engine/engine.h"

namespace citynexus::engine {

// A decoded point referring into the record bytes (valid while they are).
struct LogPoint {
  SeriesId series = 0;
  int64_t timestamp_ns = 0;
  ValueType type = ValueType::kFloat;
  uint64_t bits = 0;      // float bits, int64, or bool (0/1)
  std::string_view text;  // kString only
};

// Appends one record holding points[i] for each i in `indexes` to `out`.
void EncodeLogRecord(std::span<const Point> points,
                     std::span<const uint32_t> indexes, std::string* out);

// Calls `visit` for each point in record order. kCorruption (with the byte
// offset) on malformed input; points before the error have been visited.
Status DecodeLogRecord(std::string_view record,
                       const std::function<void(const LogPoint&)>& visit);

}  // namespace citynexus::engine
