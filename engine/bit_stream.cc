// Bit-level I/O for the chunk codec (see bit_stream.h).
#include "engine/bit_stream.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace citynexus::engine {
namespace {

// Little-endian 64-bit load from possibly unaligned memory.
inline uint64_t LoadLE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) {
    v = __builtin_bswap64(v);
  }
  return v;
}

inline uint64_t LowMask(int bits) {
  return bits >= 64 ? ~uint64_t{0} : ((uint64_t{1} << bits) - 1);
}

// Reads `width` bits at bit offset `bit` one byte at a time; only touches
// bytes below `size`. The caller guarantees bit + width <= size * 8.
inline uint64_t ReadBitsSlow(const uint8_t* data, size_t size, uint64_t bit,
                             int width) {
  uint64_t value = 0;
  int got = 0;
  size_t byte = static_cast<size_t>(bit >> 3);
  int shift = static_cast<int>(bit & 7);
  while (got < width && byte < size) {
    uint64_t chunk = static_cast<uint64_t>(data[byte]) >> shift;
    value |= chunk << got;  // got < 64 here
    got += 8 - shift;
    shift = 0;
    ++byte;
  }
  return value & LowMask(width);
}

}  // namespace

void BitWriter::Write(uint64_t value, int bits) {
  if (bits <= 0) return;
  value &= LowMask(bits);
  bits_written_ += static_cast<uint64_t>(bits);
  acc_ |= value << acc_bits_;  // acc_bits_ < 64
  const int total = acc_bits_ + bits;
  if (total < 64) {
    acc_bits_ = total;
    return;
  }
  // A full word is ready: emit it and keep the bits that did not fit.
  char word[8];
  uint64_t le = acc_;
  for (char& b : word) {
    b = static_cast<char>(le & 0xff);
    le >>= 8;
  }
  out_->append(word, sizeof(word));
  const int used = 64 - acc_bits_;  // bits of `value` already emitted
  acc_ = used >= 64 ? 0 : (value >> used);
  acc_bits_ = total - 64;
}

void BitWriter::Finish() {
  while (acc_bits_ > 0) {
    out_->push_back(static_cast<char>(acc_ & 0xff));
    acc_ >>= 8;
    acc_bits_ -= 8;
  }
  acc_ = 0;
  acc_bits_ = 0;
}

bool BitReader::Read(int bits, uint64_t* value) {
  if (bits <= 0) {
    *value = 0;
    return true;
  }
  const uint64_t total_bits = static_cast<uint64_t>(size_) * 8;
  if (pos_ > total_bits || total_bits - pos_ < static_cast<uint64_t>(bits)) {
    return false;
  }
  const size_t byte = static_cast<size_t>(pos_ >> 3);
  const int shift = static_cast<int>(pos_ & 7);
  uint64_t v;
  if (byte + 8 <= size_) {
    v = LoadLE64(data_ + byte) >> shift;
    if (shift + bits > 64) {
      // The value spills into a ninth byte, which exists because the range
      // check above passed.
      v |= static_cast<uint64_t>(data_[byte + 8]) << (64 - shift);
    }
    v &= LowMask(bits);
  } else {
    v = ReadBitsSlow(data_, size_, pos_, bits);
  }
  pos_ += static_cast<uint64_t>(bits);
  *value = v;
  return true;
}

void PackBits(const uint64_t* values, size_t count, int width,
              std::string* out) {
  if (width <= 0 || count == 0) return;
  BitWriter writer(out);
  for (size_t i = 0; i < count; ++i) writer.Write(values[i], width);
  writer.Finish();
}

void UnpackBits(const uint8_t* in, size_t in_size, size_t count, int width,
                uint64_t* out) {
  if (width <= 0) {
    std::fill(out, out + count, uint64_t{0});
    return;
  }
  size_t i = 0;
  if (width <= 56 && in_size >= 8) {
    // Value i starts at byte floor(i*w/8) with a shift <= 7, so with w <= 56
    // one 8-byte load covers it. The load is in bounds while
    // floor(i*w/8) <= in_size - 8, i.e. i*w < (in_size - 7) * 8.
    const uint64_t limit_bits = static_cast<uint64_t>(in_size - 7) * 8;
    size_t fast = static_cast<size_t>((limit_bits - 1) / width + 1);
    if (fast > count) fast = count;
    const uint64_t mask = LowMask(width);
    uint64_t bit = 0;
    for (; i < fast; ++i, bit += static_cast<uint64_t>(width)) {
      out[i] = (LoadLE64(in + (bit >> 3)) >> (bit & 7)) & mask;
    }
  }
  for (; i < count; ++i) {
    out[i] = ReadBitsSlow(in, in_size, static_cast<uint64_t>(i) * width, width);
  }
}

}  // namespace citynexus::engine
