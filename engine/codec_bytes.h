// Byte-level helpers of the chunk codec: LEB128 varints, zig-zag mapping,
// fixed little-endian integers, and a bounds-checked cursor whose errors name
// the byte offset inside the block. Internal to engine/.
//
// Thread-safety: ByteCursor is used by one thread at a time; the free
// functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace citynexus::engine {

// Zig-zag maps signed to unsigned so small magnitudes stay small:
// 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3, ... INT64_MIN -> UINT64_MAX.
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t u) {
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

// LEB128: 7 bits per byte, low groups first, high bit = "more follows".
// At most 10 bytes for a uint64.
inline void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline void PutFixed64LE(uint64_t v, std::string* out) {
  for (int i = 0; i < 8; ++i) {
    out->push_back(static_cast<char>(v & 0xff));
    v >>= 8;
  }
}

// A read position inside an encoded block. Every read checks bounds and
// reports kCorruption with the absolute byte offset on failure.
class ByteCursor {
 public:
  explicit ByteCursor(std::string_view block)
      : data_(reinterpret_cast<const uint8_t*>(block.data())),
        size_(block.size()) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  const uint8_t* current() const { return data_ + pos_; }

  // kCorruption "chunk byte <offset>: <what>" at the current position.
  Status Error(std::string_view what) const { return ErrorAt(pos_, what); }
  static Status ErrorAt(size_t offset, std::string_view what) {
    return Status::Corruption("chunk byte " + std::to_string(offset) + ": " +
                              std::string(what));
  }

  Status ReadByte(uint8_t* v) {
    if (pos_ >= size_) return Error("truncated (expected 1 more byte)");
    *v = data_[pos_++];
    return Status::Ok();
  }

  Status ReadVarint(uint64_t* v) {
    uint64_t result = 0;
    const size_t start = pos_;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= size_) return ErrorAt(start, "truncated varint");
      const uint8_t b = data_[pos_++];
      // The tenth byte may only carry the top bit of a uint64.
      if (shift == 63 && b > 1)
        return ErrorAt(start, "varint overflows 64 bits");
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *v = result;
        return Status::Ok();
      }
    }
    return ErrorAt(start, "varint longer than 10 bytes");
  }

  Status ReadZigZag(int64_t* v) {
    uint64_t u = 0;
    CITYNEXUS_RETURN_IF_ERROR(ReadVarint(&u));
    *v = ZigZagDecode(u);
    return Status::Ok();
  }

  Status ReadFixed64LE(uint64_t* v) {
    if (remaining() < 8) return Error("truncated (expected 8 bytes)");
    uint64_t r = 0;
    for (int i = 7; i >= 0; --i) r = (r << 8) | data_[pos_ + i];
    pos_ += 8;
    *v = r;
    return Status::Ok();
  }

  // Moves past `n` bytes; kCorruption if fewer remain.
  Status Skip(size_t n) {
    if (remaining() < n) return Error("truncated (section needs more bytes)");
    pos_ += n;
    return Status::Ok();
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace citynexus::engine
