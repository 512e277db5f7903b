// Integer column codec of the chunk format: a sequence of int64 values is
// kept as is, or turned into deltas, deltas of deltas, or offsets from a
// straight line (whichever is smallest), divided by their common divisor,
// and bit-packed in frames of 128 values, each frame with its own base
// (minimum) and bit width. Used for timestamps, integer values,
// decimal-scaled floats, boolean run lengths and string dictionary indices.
// Layout: docs/format/chunk.md, section "Integer column". Internal to engine/.
//
// All arithmetic wraps modulo 2^64, so every int64 sequence (INT64_MIN next
// to INT64_MAX included) round-trips exactly.
//
// Thread-safety: pure functions; safe for concurrent use (the encoder's
// working buffers are per thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "engine/coding.h"

namespace citynexus::engine {

// Values per bit-packed frame. Small enough that one outlier widens only its
// own frame, large enough that the 2+ byte frame header is negligible.
inline constexpr size_t kIntColumnFrameSize = 128;

// Which transforms EncodeIntColumn may try (bit mask); it keeps the smallest.
inline constexpr uint8_t kIntOrderRaw = 1 << 0;    // values as they are
inline constexpr uint8_t kIntOrderDelta = 1 << 1;  // v[i] - v[i-1]
inline constexpr uint8_t kIntOrderDoD = 1 << 2;    // delta-of-delta
// v[i] - i * slope, slope = the median delta: the offsets of a jittered
// regular series from its grid. They span half the range of the deltas
// (one bit less per point) and decode without a serial prefix sum.
inline constexpr uint8_t kIntOrderLinear = 1 << 3;
inline constexpr uint8_t kIntOrderAll =
    kIntOrderRaw | kIntOrderDelta | kIntOrderDoD | kIntOrderLinear;

// Appends the encoding of values[0..count) to `out`, choosing among the
// transforms in `orders` (non-zero mask) the one giving the fewest bytes
// (ties: the lower transform). Each candidate is sized exactly without being
// written; only the chosen one is encoded.
// The count is not stored: the decoder must know it.
void EncodeIntColumn(const int64_t* values, size_t count, uint8_t orders,
                     std::string* out);

// Decodes `count` values written by EncodeIntColumn at the cursor into
// out[0..count) and advances the cursor past them. kCorruption (with byte
// offset) on truncated or malformed input; `out` is then partly written.
Status DecodeIntColumn(ByteCursor* cursor, size_t count, int64_t* out);

// Walks the frame headers of a column of `count` values at `cursor` (a copy:
// the caller's position does not move) and checks that every frame fits in
// the remaining bytes, without unpacking anything. Lets a decoder prove that
// a point count read from a block is backed by real data before it
// allocates count-sized arrays. kCorruption (with byte offset) otherwise.
Status CheckIntColumnFits(ByteCursor cursor, size_t count);

// Smallest number of bytes an encoded column of `count` values can occupy;
// decoders use it to reject absurd counts before allocating.
inline size_t MinIntColumnBytes(size_t count) {
  // header byte + per frame at least a width byte and a one-byte base;
  // up to two leading values are stored outside the frames.
  const size_t framed = count > 2 ? count - 2 : 0;
  return 1 + 2 * ((framed + kIntColumnFrameSize - 1) / kIntColumnFrameSize);
}

}  // namespace citynexus::engine
