// Byte encodings of the store's RocksDB keys and small value helpers.
// Internal to engine/; the layouts are documented in docs/format/storage.md.
//
// Keys use fixed-width big-endian integers, signed ones sign-flipped, so that
// byte order equals numeric order. Varints appear only inside values.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/engine.h"

namespace citynexus::engine {

// ---- fixed-width and variable-length integers ----

inline void PutBE64(std::string* out, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out->append(buf, 8);
}

inline uint64_t GetBE64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

inline void PutBE32(std::string* out, uint32_t v) {
  char buf[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                 static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(buf, 4);
}

inline uint32_t GetBE32(const char* p) {
  return (uint32_t{static_cast<uint8_t>(p[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(p[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(p[2])} << 8) |
         uint32_t{static_cast<uint8_t>(p[3])};
}

// Signed to unsigned with the sign bit flipped: preserves order under
// unsigned (byte-wise) comparison.
inline uint64_t FlipSign(int64_t v) {
  return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63);
}
inline int64_t UnflipSign(uint64_t v) {
  return static_cast<int64_t>(v ^ (uint64_t{1} << 63));
}

inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

inline void PutVarint(std::string* out, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

// Reads a varint at *p (< end). Returns false on truncation or overlong input.
inline bool GetVarint(const char** p, const char* end, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && *p < end; shift += 7) {
    uint64_t byte = static_cast<uint8_t>(**p);
    ++*p;
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

inline void PutFixed64(std::string* out, uint64_t v) {
  char buf[8];
  std::memcpy(buf, &v, 8);  // little-endian hosts only (x86-64, arm64)
  out->append(buf, 8);
}
inline uint64_t GetFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// ---- time windows ----

// Start of the epoch-aligned window of width `width_ns` containing `ts`
// (floor division, correct for negative timestamps).
inline int64_t WindowStart(int64_t ts, int64_t width_ns) {
  int64_t r = ts % width_ns;
  if (r < 0) r += width_ns;
  return ts - r;
}

// ---- key layouts (see docs/format/storage.md) ----

// `log` CF: sequence BE8.
std::string LogKey(uint64_t sequence);
// `chunks` CF: series id BE8 ‖ window start (sign-flipped BE8).
std::string ChunkKey(SeriesId id, int64_t window_start_ns);
// `rollups` CF: series id BE8 ‖ resolution seconds BE4 ‖ window start (flipped
// BE8).
std::string RollupKey(SeriesId id, uint32_t resolution_s,
                      int64_t window_start_ns);
// `series` CF: 'i' ‖ id BE8 -> series record; 'k' ‖ canonical -> id BE8.
std::string SeriesIdKey(SeriesId id);
std::string SeriesCanonicalKey(std::string_view canonical);

// Parses a chunk key; false when it is not 16 bytes.
bool ParseChunkKey(std::string_view key, SeriesId* id, int64_t* window_start);

// Human-readable key for error messages ("series 42 window
// 1717200000000000000").
std::string DescribeChunkKey(std::string_view key);

}  // namespace citynexus::engine
