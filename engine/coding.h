// Byte coding of the store's keys and values, in one place (leveldb's
// util/coding.h is the model). Every helper names its byte order, and every
// writer takes the destination first: Put...(std::string* dst, value).
//
//   Fixed-width big-endian   PutFixed32BE / PutFixed64BE, DecodeFixed..BE:
//                            RocksDB keys, so byte order equals numeric order
//                            (signed values go through FlipSign first).
//   Fixed-width little-endian PutFixed64LE / DecodeFixed64LE: float bits in
//                            values (explicit shifts, the same bytes on any
//                            host).
//   LEB128 varints           PutVarint64, GetVarint64: 7 bits a byte, low
//                            groups first, at most 10 bytes; values only.
//   Zig-zag                  ZigZagEncode / ZigZagDecode: signed -> unsigned
//                            so small magnitudes make short varints.
//
// ByteCursor reads a whole encoded value with bounds checks; its errors are
// kCorruption naming what was read ("chunk", "log record") and the byte
// offset, like the formats in docs/format/ describe them.
//
// Internal to engine/. Thread-safety: the free functions are pure; a
// ByteCursor is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace citynexus::engine {

// ---- fixed width ----

inline void PutFixed32BE(std::string* dst, uint32_t v) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 4);
}
inline void PutFixed64BE(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}
inline void PutFixed64LE(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}

// The Decode functions read exactly 4 or 8 bytes at `p`; the caller checks
// that they are there.
inline uint32_t DecodeFixed32BE(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline uint64_t DecodeFixed64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline uint64_t DecodeFixed64LE(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// Signed to unsigned with the sign bit flipped: preserves order under
// unsigned (byte-wise) comparison, for big-endian keys.
inline uint64_t FlipSign(int64_t v) {
  return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63);
}
inline int64_t UnflipSign(uint64_t v) {
  return static_cast<int64_t>(v ^ (uint64_t{1} << 63));
}

// ---- variable length ----

// 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3, ... INT64_MIN -> UINT64_MAX.
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t u) {
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

inline void PutVarint64(std::string* dst, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  dst->append(buf, n);
}

// Reads a varint at *p (< limit) and advances *p past it. False on
// truncation, on more than 10 bytes, or when it overflows 64 bits (*p is
// then unspecified). For hot paths that report their own error; ByteCursor
// is the checked reader.
inline bool GetVarint64(const char** p, const char* limit, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && *p < limit; shift += 7) {
    const uint64_t byte = static_cast<uint8_t>(**p);
    ++*p;
    if (shift == 63 && byte > 1) return false;
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

// ---- the checked reader ----

// A read position inside one encoded value. Every read checks bounds and
// reports kCorruption "<what> byte <offset>: <problem>" with the absolute
// offset of the item that failed.
class ByteCursor {
 public:
  // `what` names the value in errors ("chunk", "log record").
  explicit ByteCursor(std::string_view data, std::string_view what = "chunk")
      : data_(reinterpret_cast<const uint8_t*>(data.data())),
        size_(data.size()),
        what_(what) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  const uint8_t* current() const { return data_ + pos_; }

  // kCorruption at the current position.
  Status Error(std::string_view problem) const {
    return ErrorAt(pos_, problem, what_);
  }
  // kCorruption at `offset` of a value named `what`.
  static Status ErrorAt(size_t offset, std::string_view problem,
                        std::string_view what = "chunk") {
    return Status::Corruption(std::string(what) + " byte " +
                              std::to_string(offset) + ": " +
                              std::string(problem));
  }

  Status ReadByte(uint8_t* v) {
    if (pos_ >= size_) return Error("truncated (expected 1 more byte)");
    *v = data_[pos_++];
    return Status::Ok();
  }

  Status ReadVarint(uint64_t* v) {
    const size_t start = pos_;
    const char* p = reinterpret_cast<const char*>(data_ + pos_);
    const char* limit = reinterpret_cast<const char*>(data_ + size_);
    if (!GetVarint64(&p, limit, v)) {
      return ErrorAt(
          start, p >= limit ? "truncated varint" : "varint overflows 64 bits",
          what_);
    }
    pos_ = static_cast<size_t>(reinterpret_cast<const uint8_t*>(p) - data_);
    return Status::Ok();
  }

  Status ReadZigZag(int64_t* v) {
    uint64_t u = 0;
    CITYNEXUS_RETURN_IF_ERROR(ReadVarint(&u));
    *v = ZigZagDecode(u);
    return Status::Ok();
  }

  Status ReadFixed64LE(uint64_t* v) {
    if (remaining() < 8) return Error("truncated (expected 8 bytes)");
    *v = DecodeFixed64LE(reinterpret_cast<const char*>(data_ + pos_));
    pos_ += 8;
    return Status::Ok();
  }

  // A varint length followed by that many bytes.
  Status ReadLengthPrefixed(std::string_view* bytes) {
    const size_t start = pos_;
    uint64_t len = 0;
    CITYNEXUS_RETURN_IF_ERROR(ReadVarint(&len));
    if (len > remaining()) return ErrorAt(start, "truncated string", what_);
    *bytes = std::string_view(reinterpret_cast<const char*>(data_ + pos_),
                              static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
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
  std::string_view what_;
  size_t pos_ = 0;
};

}  // namespace citynexus::engine
