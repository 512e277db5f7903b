// Batch log record encoding (see batch_log.h).
#include "engine/batch_log.h"

#include <cstring>

#include "engine/keys.h"

namespace citynexus::engine {

namespace {
constexpr uint8_t kLogVersion = 1;
}  // namespace

void EncodeLogRecord(std::span<const Point> points,
                     std::span<const uint32_t> indexes, std::string* out) {
  out->reserve(out->size() + 4 + indexes.size() * 14);
  out->push_back(static_cast<char>(kLogVersion));
  PutVarint64(out, indexes.size());
  int64_t prev_ts = 0;
  for (uint32_t i : indexes) {
    const Point& p = points[i];
    ValueType type = TypeOf(p.value);
    PutVarint64(out, (p.series << 2) | (static_cast<uint64_t>(type) - 1));
    PutVarint64(out, ZigZagEncode(static_cast<int64_t>(
                         static_cast<uint64_t>(p.timestamp_ns) -
                         static_cast<uint64_t>(prev_ts))));
    prev_ts = p.timestamp_ns;
    switch (type) {
      case ValueType::kFloat: {
        uint64_t bits;
        double v = std::get<double>(p.value);
        std::memcpy(&bits, &v, 8);
        PutFixed64LE(out, bits);
        break;
      }
      case ValueType::kInt:
        PutVarint64(out, ZigZagEncode(std::get<int64_t>(p.value)));
        break;
      case ValueType::kBool:
        out->push_back(std::get<bool>(p.value) ? 1 : 0);
        break;
      case ValueType::kString: {
        const std::string& s = std::get<std::string>(p.value);
        PutVarint64(out, s.size());
        out->append(s);
        break;
      }
    }
  }
}

Status DecodeLogRecord(std::string_view record,
                       const std::function<void(const LogPoint&)>& visit) {
  const char* begin = record.data();
  const char* p = begin;
  const char* end = begin + record.size();
  auto bad = [&](std::string_view why) {
    return Status::Corruption("log record at byte " +
                              std::to_string(p - begin) + ": " +
                              std::string(why));
  };
  if (p == end) return bad("empty record");
  if (static_cast<uint8_t>(*p) != kLogVersion) {
    return bad("unknown version byte");
  }
  ++p;
  uint64_t count;
  if (!GetVarint64(&p, end, &count)) return bad("truncated count");
  int64_t prev_ts = 0;
  LogPoint point;
  for (uint64_t n = 0; n < count; ++n) {
    uint64_t tag, delta;
    if (!GetVarint64(&p, end, &tag) || !GetVarint64(&p, end, &delta)) {
      return bad("truncated point header");
    }
    point.series = tag >> 2;
    point.type = static_cast<ValueType>((tag & 3) + 1);
    point.timestamp_ns =
        static_cast<int64_t>(static_cast<uint64_t>(prev_ts) +
                             static_cast<uint64_t>(ZigZagDecode(delta)));
    prev_ts = point.timestamp_ns;
    point.text = {};
    switch (point.type) {
      case ValueType::kFloat:
        if (end - p < 8) return bad("truncated float");
        point.bits = DecodeFixed64LE(p);
        p += 8;
        break;
      case ValueType::kInt: {
        uint64_t z;
        if (!GetVarint64(&p, end, &z)) return bad("truncated integer");
        point.bits = static_cast<uint64_t>(ZigZagDecode(z));
        break;
      }
      case ValueType::kBool:
        if (p == end) return bad("truncated bool");
        point.bits = static_cast<uint8_t>(*p++) != 0;
        break;
      case ValueType::kString: {
        uint64_t len;
        if (!GetVarint64(&p, end, &len) ||
            len > static_cast<uint64_t>(end - p)) {
          return bad("truncated string");
        }
        point.text = std::string_view(p, len);
        p += len;
        break;
      }
    }
    visit(point);
  }
  if (p != end) return bad("trailing bytes");
  return Status::Ok();
}

}  // namespace citynexus::engine
