// Bit-level I/O for the chunk codec: a writer and a bounds-checked reader of
// LSB-first bit streams, and bulk packing/unpacking of fixed-width frames.
//
// Bit order: the first bit written is bit 0 (the least significant bit) of
// the first byte; a multi-bit value is written least significant bit first.
// Frames of fixed-width values therefore read as one little-endian integer,
// which lets the unpacker load 64 bits at once instead of looping per bit.
//
// Thread-safety: BitWriter / BitReader are used by one thread at a time; the
// free functions are pure and safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace citynexus::engine {

// Appends bits to a std::string. Call Finish() once when done; until then the
// last partial 64-bit word is held in the writer.
class BitWriter {
 public:
  // `out` must outlive the writer; bytes are appended after its contents.
  explicit BitWriter(std::string* out) : out_(out) {}
  BitWriter(const BitWriter&) = delete;
  BitWriter& operator=(const BitWriter&) = delete;

  // Writes the low `bits` bits of `value`; `bits` in [0, 64]. Higher bits of
  // `value` are ignored.
  void Write(uint64_t value, int bits);
  void WriteBit(bool bit) { Write(bit ? 1 : 0, 1); }

  // Flushes the pending bits, zero-padding the last byte. No writes after.
  void Finish();

  // Bits written so far (excluding padding).
  uint64_t bits_written() const { return bits_written_; }

 private:
  std::string* out_;
  uint64_t acc_ = 0;  // pending bits, LSB = oldest
  int acc_bits_ = 0;  // number of pending bits, in [0, 63]
  uint64_t bits_written_ = 0;
};

// Reads an LSB-first bit stream from a byte range it does not own (the range
// must outlive the reader). Every read is bounds-checked.
class BitReader {
 public:
  BitReader(const uint8_t* data, size_t size_bytes)
      : data_(data), size_(size_bytes) {}

  // Reads `bits` bits (in [0, 64]) into *value. Returns false, leaving the
  // position unchanged, when fewer than `bits` bits remain.
  bool Read(int bits, uint64_t* value);
  bool ReadBit(bool* bit) {
    uint64_t v = 0;
    if (!Read(1, &v)) return false;
    *bit = v != 0;
    return true;
  }

  uint64_t bit_position() const { return pos_; }
  // Whole bytes touched so far (a partial last byte counts).
  size_t bytes_consumed() const { return static_cast<size_t>((pos_ + 7) / 8); }

 private:
  const uint8_t* data_;
  size_t size_;
  uint64_t pos_ = 0;  // in bits
};

// Bytes needed to hold `count` values of `width` bits, packed back to back.
inline size_t PackedBytes(size_t count, int width) {
  return static_cast<size_t>((static_cast<uint64_t>(count) * width + 7) / 8);
}

// Appends `count` values of `width` bits each ([0, 64]; only the low `width`
// bits of each value are kept) as PackedBytes(count, width) bytes.
void PackBits(const uint64_t* values, size_t count, int width,
              std::string* out);

// Inverse of PackBits: reads `count` values of `width` bits from `in`, which
// holds `in_size` >= PackedBytes(count, width) readable bytes. Never reads
// outside [in, in + in_size). Uses 64-bit loads for all but the last few
// values, so the hot loop has no per-bit branches.
void UnpackBits(const uint8_t* in, size_t in_size, size_t count, int width,
                uint64_t* out);

}  // namespace citynexus::engine
