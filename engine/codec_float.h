// Float value section of the chunk format. Three modes, chosen per block:
//   decimal: every value is m / 10^s for a small scale s and an integer m
//            (sensor readings like 21.4 or 1013.25); the m are stored with
//            the integer column codec, typically in a few bits per point.
//   xor:     Gorilla-style XOR against the previous value, for full-precision
//            data (and NaN, infinities, -0.0, subnormals).
//   raw:     8 bytes per value, when XOR would be larger.
// Every mode round-trips the IEEE-754 bits exactly; the decimal mode is only
// chosen after checking that the decoder's arithmetic reproduces each value.
// Layout: docs/format/chunk.md. Internal to engine/.
//
// Thread-safety: pure functions; safe for concurrent use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/coding.h"

namespace citynexus::engine {

// Largest decimal scale tried: 10^9 keeps sensor-style values well inside
// the 2^53 range where every integer is an exact double.
inline constexpr int kMaxDecimalScale = 9;

// Float section mode byte.
enum class FloatMode : uint8_t { kDecimal = 0, kXor = 1, kRaw = 2 };

// The value the decoder computes for mantissa `m` at scale `s`; the encoder
// checks candidates with this same function, so both sides agree bit for bit.
double DecimalToDouble(int64_t m, int scale);

// Smallest scale s in [0, kMaxDecimalScale] at which every value equals
// DecimalToDouble(m_i, s) bit-exactly for some |m_i| <= 2^53; fills
// scaled[0..count) with the m_i. Returns -1 when no scale fits.
int FindDecimalScale(const double* values, size_t count, int64_t* scaled);

// Appends the float section (mode byte + payload) for values[0..count).
void EncodeFloatColumn(const double* values, size_t count, std::string* out);

// Decodes `count` values of a float section at the cursor. `scratch` is
// reused for decimal mantissas (its contents are unspecified afterwards).
// kCorruption with byte offset on bad input.
Status DecodeFloatColumn(ByteCursor* cursor, size_t count, double* out,
                         std::vector<int64_t>* scratch);

}  // namespace citynexus::engine
