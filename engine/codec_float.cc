// Float value section (see codec_float.h and docs/format/chunk.md).
#include "engine/codec_float.h"

#include <bit>
#include <cmath>
#include <cstring>

#include "engine/bit_stream.h"
#include "engine/codec_int_column.h"

namespace citynexus::engine {
namespace {

// Powers of ten up to 10^9 are exact doubles.
constexpr double kPow10[kMaxDecimalScale + 1] = {1e0, 1e1, 1e2, 1e3, 1e4,
                                                 1e5, 1e6, 1e7, 1e8, 1e9};
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

inline uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

// Rounds v * 10^scale to the nearest integer m (ties away from zero) and
// reports whether DecimalToDouble(m, scale) gives back v's exact bits.
// NaN, infinities and huge values fail the range check; -0.0 fails the
// bit comparison (0 / 10^s is +0.0).
bool TryScale(double v, int scale, int64_t* m) {
  const double x = v * kPow10[scale];
  if (!(std::fabs(x) <= kMaxExactInteger)) return false;
  int64_t r = static_cast<int64_t>(x);  // truncates; exact in this range
  const double frac = x - static_cast<double>(r);  // exact as well
  if (frac >= 0.5) {
    ++r;
  } else if (frac <= -0.5) {
    --r;
  }
  if (Bits(DecimalToDouble(r, scale)) != Bits(v)) return false;
  *m = r;
  return true;
}

// Gorilla XOR layout, LSB-first bits:
//   first value: 64 bits
//   then per value, x = bits ^ previous bits:
//     '0'                              x == 0
//     '1' '0' <len bits>               x fits the previous window
//     '1' '1' <5: lead> <6: len-1> <len bits>   new window
// where lead = leading zeros of x (capped at 31), len = meaningful bits.
void EncodeXor(const double* values, size_t count, std::string* out) {
  BitWriter w(out);
  uint64_t prev = Bits(values[0]);
  w.Write(prev, 64);
  int prev_lead = -1;  // no window yet
  int prev_trail = 0;
  for (size_t i = 1; i < count; ++i) {
    const uint64_t cur = Bits(values[i]);
    const uint64_t x = cur ^ prev;
    prev = cur;
    if (x == 0) {
      w.WriteBit(false);
      continue;
    }
    w.WriteBit(true);
    int lead = std::countl_zero(x);
    if (lead > 31) lead = 31;
    const int trail = std::countr_zero(x);
    if (prev_lead >= 0 && lead >= prev_lead && trail >= prev_trail) {
      w.WriteBit(false);
      w.Write(x >> prev_trail, 64 - prev_lead - prev_trail);
    } else {
      const int len = 64 - lead - trail;
      w.WriteBit(true);
      w.Write(static_cast<uint64_t>(lead), 5);
      w.Write(static_cast<uint64_t>(len - 1), 6);
      w.Write(x >> trail, len);
      prev_lead = lead;
      prev_trail = trail;
    }
  }
  w.Finish();
}

Status DecodeXor(ByteCursor* cursor, size_t count, double* out) {
  const size_t start = cursor->position();
  BitReader r(cursor->current(), cursor->remaining());
  auto truncated = [&] {
    return ByteCursor::ErrorAt(start + r.bytes_consumed(),
                               "truncated xor float stream");
  };
  uint64_t prev = 0;
  if (!r.Read(64, &prev)) return truncated();
  out[0] = std::bit_cast<double>(prev);
  int prev_lead = -1;
  int prev_trail = 0;
  for (size_t i = 1; i < count; ++i) {
    uint64_t control = 0;
    if (!r.Read(1, &control)) return truncated();
    if (control != 0) {
      if (!r.Read(1, &control)) return truncated();
      uint64_t meaningful = 0;
      if (control == 0) {
        if (prev_lead < 0) {
          return ByteCursor::ErrorAt(start + r.bytes_consumed(),
                                     "xor window reused before defined");
        }
        if (!r.Read(64 - prev_lead - prev_trail, &meaningful)) {
          return truncated();
        }
        prev ^= meaningful << prev_trail;
      } else {
        uint64_t lead = 0, len_minus_1 = 0;
        if (!r.Read(5, &lead) || !r.Read(6, &len_minus_1)) return truncated();
        const int len = static_cast<int>(len_minus_1) + 1;
        if (static_cast<int>(lead) + len > 64) {
          return ByteCursor::ErrorAt(start + r.bytes_consumed(),
                                     "xor window exceeds 64 bits");
        }
        if (!r.Read(len, &meaningful)) return truncated();
        prev_lead = static_cast<int>(lead);
        prev_trail = 64 - prev_lead - len;
        prev ^= meaningful << prev_trail;
      }
    }
    out[i] = std::bit_cast<double>(prev);
  }
  return cursor->Skip(r.bytes_consumed());
}

}  // namespace

double DecimalToDouble(int64_t m, int scale) {
  return static_cast<double>(m) / kPow10[scale];
}

int FindDecimalScale(const double* values, size_t count, int64_t* scaled) {
  int scale = 0;
  int64_t m = 0;
  // Raise the scale until each value fits; earlier values were only checked
  // at smaller scales, so verify everything again at the final one.
  for (size_t i = 0; i < count; ++i) {
    while (!TryScale(values[i], scale, &m)) {
      if (++scale > kMaxDecimalScale) return -1;
    }
  }
  for (;;) {
    size_t i = 0;
    while (i < count && TryScale(values[i], scale, &scaled[i])) ++i;
    if (i == count) return scale;
    if (++scale > kMaxDecimalScale) return -1;
  }
}

void EncodeFloatColumn(const double* values, size_t count, std::string* out) {
  if (count == 0) {
    out->push_back(static_cast<char>(FloatMode::kRaw));
    return;
  }
  std::vector<int64_t> scaled(count);
  const int scale = FindDecimalScale(values, count, scaled.data());
  if (scale >= 0) {
    out->push_back(static_cast<char>(FloatMode::kDecimal));
    out->push_back(static_cast<char>(scale));
    EncodeIntColumn(scaled.data(), count, kIntOrderAll, out);
    return;
  }
  std::string xor_bytes;
  EncodeXor(values, count, &xor_bytes);
  if (xor_bytes.size() < count * 8) {
    out->push_back(static_cast<char>(FloatMode::kXor));
    out->append(xor_bytes);
    return;
  }
  out->push_back(static_cast<char>(FloatMode::kRaw));
  for (size_t i = 0; i < count; ++i) PutFixed64LE(out, Bits(values[i]));
}

Status DecodeFloatColumn(ByteCursor* cursor, size_t count, double* out,
                         std::vector<int64_t>* scratch) {
  const size_t mode_at = cursor->position();
  uint8_t mode = 0;
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadByte(&mode));
  switch (static_cast<FloatMode>(mode)) {
    case FloatMode::kDecimal: {
      const size_t scale_at = cursor->position();
      uint8_t scale = 0;
      CITYNEXUS_RETURN_IF_ERROR(cursor->ReadByte(&scale));
      if (scale > kMaxDecimalScale) {
        return ByteCursor::ErrorAt(scale_at, "decimal scale out of range");
      }
      scratch->resize(count);
      CITYNEXUS_RETURN_IF_ERROR(
          DecodeIntColumn(cursor, count, scratch->data()));
      const int64_t* m = scratch->data();
      const double p = kPow10[scale];
      for (size_t i = 0; i < count; ++i) {
        out[i] = static_cast<double>(m[i]) / p;
      }
      return Status::Ok();
    }
    case FloatMode::kXor:
      if (count == 0) return Status::Ok();
      return DecodeXor(cursor, count, out);
    case FloatMode::kRaw:
      if (cursor->remaining() / 8 < count) {
        return cursor->Error("truncated raw float section");
      }
      for (size_t i = 0; i < count; ++i) {
        uint64_t bits = 0;
        CITYNEXUS_RETURN_IF_ERROR(cursor->ReadFixed64LE(&bits));
        out[i] = std::bit_cast<double>(bits);
      }
      return Status::Ok();
  }
  return ByteCursor::ErrorAt(mode_at, "unknown float mode");
}

}  // namespace citynexus::engine
