// Integer column codec (see codec_int_column.h and docs/format/chunk.md).
#include "engine/codec_int_column.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <numeric>
#include <vector>

#include "engine/bit_stream.h"

namespace citynexus::engine {
namespace {

// Header byte: bits 0-1 transform (0 raw, 1 delta, 2 delta-of-delta,
// 3 linear), bit 2 "a divisor follows", bits 3-7 zero (reserved; a set bit
// is corruption).
constexpr uint8_t kOrderMask = 0x03;
constexpr uint8_t kHasDivisor = 0x04;
constexpr uint8_t kReservedBits = 0xf8;
constexpr int kLinear = 3;

inline uint64_t U(int64_t v) { return static_cast<uint64_t>(v); }
inline int64_t S(uint64_t v) { return static_cast<int64_t>(v); }
inline uint64_t UnsignedAbs(int64_t v) { return v < 0 ? 0 - U(v) : U(v); }

// The most common step of a regular series: the median of the deltas.
// `scratch` holds the deltas.
int64_t MedianDelta(const int64_t* values, size_t count,
                    std::vector<int64_t>* scratch) {
  if (count < 2) return 0;
  std::vector<int64_t>& deltas = *scratch;
  deltas.resize(count - 1);
  for (size_t i = 1; i < count; ++i) {
    deltas[i - 1] = S(U(values[i]) - U(values[i - 1]));
  }
  auto mid = deltas.begin() + static_cast<std::ptrdiff_t>(deltas.size() / 2);
  std::nth_element(deltas.begin(), mid, deltas.end());
  return *mid;
}

// Applies the order-`order` difference transform in wrap-around arithmetic.
void Transform(const int64_t* values, size_t count, int order, int64_t* out) {
  for (size_t i = 0; i < count; ++i) out[i] = values[i];
  for (int o = 0; o < order; ++o) {
    // Differences of the previous pass, keeping its first `o + 1` entries.
    for (size_t i = count; i-- > static_cast<size_t>(o) + 1;) {
      out[i] = S(U(out[i]) - U(out[i - 1]));
    }
  }
}

// Division by a constant `d` (> 0) of numbers it is known to divide, as a
// shift and a multiplication by the inverse of its odd part modulo 2^64
// (exact division, Granlund & Montgomery 1994): a hardware divide costs
// tens of cycles per value. Also tests divisibility of magnitudes by the
// same trick: for odd o, x is a multiple of o iff x * inv(o) <= max / o.
class ExactDivisor {
 public:
  explicit ExactDivisor(uint64_t d)
      : shift_(std::countr_zero(d)), odd_(d >> shift_) {
    uint64_t x = odd_;  // inverse modulo 2^3; each step doubles the bits
    for (int i = 0; i < 5; ++i) x *= 2 - odd_ * x;
    inverse_ = x;
    limit_ = UINT64_MAX / odd_;
  }
  // v / d for a v that d divides (arithmetic shift of a multiple of 2^k is
  // exact; the quotient fits int64, so the wrapped product is it).
  int64_t Divide(int64_t v) const { return S(U(v >> shift_) * inverse_); }
  bool Divides(uint64_t magnitude) const {
    if ((magnitude & ((uint64_t{1} << shift_) - 1)) != 0) return false;
    return (magnitude >> shift_) * inverse_ <= limit_;
  }

 private:
  int shift_;
  uint64_t odd_;
  uint64_t inverse_ = 0;
  uint64_t limit_ = 0;
};

// gcd of the magnitudes of values[0..count) (0 when all are 0). The running
// gcd only changes when a value is not a multiple of it, at most 64 times,
// so the loop is a multiply and a compare per value.
uint64_t CommonDivisor(const int64_t* values, size_t count) {
  size_t i = 0;
  uint64_t divisor = 0;
  while (i < count && divisor == 0) divisor = UnsignedAbs(values[i++]);
  while (i < count && divisor != 1) {
    const ExactDivisor test(divisor);
    for (; i < count; ++i) {
      const uint64_t magnitude = UnsignedAbs(values[i]);
      if (!test.Divides(magnitude)) break;
    }
    if (i == count) break;
    divisor = std::gcd(divisor, UnsignedAbs(values[i++]));
  }
  return divisor;
}

// Bytes of the LEB128 varint of `v` (PutVarint64).
inline size_t VarintLength(uint64_t v) {
  return static_cast<size_t>((std::bit_width(v | 1) + 6) / 7);
}

// One transform of a column, worked out up to the bytes: the framed values
// already divided by the divisor, and each frame's base and width. Choosing
// among the transforms only needs `size`; only the winner is written.
struct Candidate {
  int order = 0;
  int64_t slope = 0;
  size_t head = 0;         // leading values stored as varints, outside frames
  uint64_t divisor = 0;    // > 1 when stored
  std::vector<int64_t> t;  // transformed values; framed ones divided
  std::vector<int64_t> frame_base;
  std::vector<uint8_t> frame_width;
  size_t size = 0;  // exact encoded bytes
};

// Working buffers of EncodeIntColumn, kept per thread between calls.
struct Scratch {
  Candidate best, candidate;
  std::vector<int64_t> deltas;
};
// Columns longer than this release their buffers after encoding, so a
// thread keeps at most ~3 * 8 * kScratchKeptValues bytes.
constexpr size_t kScratchKeptValues = 1 << 16;

// Fills `c` for `order` and computes the exact size of its encoding.
void PrepareOrder(const int64_t* values, size_t count, int order,
                  std::vector<int64_t>* deltas, Candidate* c) {
  c->order = order;
  c->t.resize(count);
  int64_t* t = c->t.data();
  c->slope = 0;
  c->head = 0;
  if (order == kLinear) {
    c->slope = MedianDelta(values, count, deltas);
    for (size_t i = 0; i < count; ++i) {
      t[i] = S(U(values[i]) - i * U(c->slope));
    }
  } else {
    Transform(values, count, order, t);
    c->head = std::min(static_cast<size_t>(order), count);
  }

  // Common divisor of the framed values: timestamps in ns on a 1 s grid, or
  // counters stepping by 10, shrink by many bits.
  const uint64_t divisor = CommonDivisor(t + c->head, count - c->head);
  const bool has_divisor =
      divisor > 1 && divisor <= static_cast<uint64_t>(INT64_MAX);
  c->divisor = has_divisor ? divisor : 0;

  size_t size = 1;  // header byte
  if (order == kLinear) size += VarintLength(ZigZagEncode(c->slope));
  if (has_divisor) size += VarintLength(divisor);
  for (size_t i = 0; i < c->head; ++i) size += VarintLength(ZigZagEncode(t[i]));

  if (has_divisor) {
    // Exact: divisor divides every value and is positive, so no overflow.
    const ExactDivisor d(divisor);
    for (size_t i = c->head; i < count; ++i) t[i] = d.Divide(t[i]);
  }
  c->frame_base.clear();
  c->frame_width.clear();
  for (size_t start = c->head; start < count; start += kIntColumnFrameSize) {
    const size_t n = std::min(kIntColumnFrameSize, count - start);
    const int64_t* q = t + start;
    int64_t lo = q[0], hi = q[0];
    for (size_t i = 1; i < n; ++i) {
      lo = std::min(lo, q[i]);
      hi = std::max(hi, q[i]);
    }
    const int width = std::bit_width(U(hi) - U(lo));
    c->frame_base.push_back(lo);
    c->frame_width.push_back(static_cast<uint8_t>(width));
    size += 1 + VarintLength(ZigZagEncode(lo)) + PackedBytes(n, width);
  }
  c->size = size;
}

// Appends the encoding of a prepared candidate (exactly c.size bytes).
void WriteCandidate(const Candidate& c, size_t count, std::string* out) {
  const bool has_divisor = c.divisor > 1;
  out->push_back(static_cast<char>(static_cast<uint8_t>(c.order) |
                                   (has_divisor ? kHasDivisor : uint8_t{0})));
  if (c.order == kLinear) PutVarint64(out, ZigZagEncode(c.slope));
  if (has_divisor) PutVarint64(out, c.divisor);
  const int64_t* t = c.t.data();
  for (size_t i = 0; i < c.head; ++i) PutVarint64(out, ZigZagEncode(t[i]));

  uint64_t packed[kIntColumnFrameSize];
  size_t frame = 0;
  for (size_t start = c.head; start < count;
       start += kIntColumnFrameSize, ++frame) {
    const size_t n = std::min(kIntColumnFrameSize, count - start);
    const int64_t* q = t + start;
    const int64_t lo = c.frame_base[frame];
    const int width = c.frame_width[frame];
    out->push_back(static_cast<char>(width));
    PutVarint64(out, ZigZagEncode(lo));
    for (size_t i = 0; i < n; ++i) packed[i] = U(q[i]) - U(lo);
    PackBits(packed, n, width, out);
  }
}

}  // namespace

void EncodeIntColumn(const int64_t* values, size_t count, uint8_t orders,
                     std::string* out) {
  // Every allowed transform is sized exactly without being written; only
  // the smallest is encoded (writing all of them was ~10% of ingest).
  // Per-thread buffers: most columns are short, so allocating the working
  // arrays for every column cost as much as filling them.
  thread_local Scratch scratch;
  Candidate& best = scratch.best;
  Candidate& candidate = scratch.candidate;
  std::vector<int64_t>& deltas = scratch.deltas;
  bool have_best = false;
  for (int order = 0; order <= kLinear; ++order) {
    if ((orders & (1u << order)) == 0) continue;
    PrepareOrder(values, count, order, &deltas, &candidate);
    // Ties keep the lower order: it decodes with fewer passes.
    if (!have_best || candidate.size < best.size) {
      std::swap(best, candidate);
      have_best = true;
    }
  }
  if (!have_best) {  // programmer error; fall back to the raw order
    PrepareOrder(values, count, 0, &deltas, &best);
  }
  out->reserve(out->size() + best.size);
  WriteCandidate(best, count, out);
  if (count > kScratchKeptValues) scratch = Scratch();  // bound kept memory
}

namespace {

// Reads the column header (transform, slope, divisor) and the head values.
// `head_out` may be null when only the structure is being checked.
Status ReadColumnHeader(ByteCursor* cursor, size_t count, int* order_out,
                        int64_t* slope_out, uint64_t* divisor_out,
                        size_t* head_count, int64_t* head_out) {
  const size_t header_at = cursor->position();
  uint8_t header = 0;
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadByte(&header));
  const int order = header & kOrderMask;
  if ((header & kReservedBits) != 0) {
    return ByteCursor::ErrorAt(header_at, "bad integer column header");
  }
  int64_t slope = 0;
  if (order == kLinear) CITYNEXUS_RETURN_IF_ERROR(cursor->ReadZigZag(&slope));
  uint64_t divisor = 1;
  if (header & kHasDivisor) {
    const size_t at = cursor->position();
    CITYNEXUS_RETURN_IF_ERROR(cursor->ReadVarint(&divisor));
    if (divisor < 2 || divisor > static_cast<uint64_t>(INT64_MAX)) {
      return ByteCursor::ErrorAt(at, "bad integer column divisor");
    }
  }
  const size_t head =
      order == kLinear ? 0 : std::min(static_cast<size_t>(order), count);
  for (size_t i = 0; i < head; ++i) {
    int64_t v = 0;
    CITYNEXUS_RETURN_IF_ERROR(cursor->ReadZigZag(&v));
    if (head_out != nullptr) head_out[i] = v;
  }
  *order_out = order;
  *slope_out = slope;
  *divisor_out = divisor;
  *head_count = head;
  return Status::Ok();
}

// Reads a frame header and checks that its packed bytes are present.
Status ReadFrameHeader(ByteCursor* cursor, size_t n, int* width_out,
                       int64_t* base_out, size_t* bytes_out) {
  const size_t frame_at = cursor->position();
  uint8_t width = 0;
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadByte(&width));
  if (width > 64) {
    return ByteCursor::ErrorAt(frame_at, "frame bit width above 64");
  }
  CITYNEXUS_RETURN_IF_ERROR(cursor->ReadZigZag(base_out));
  const size_t bytes = PackedBytes(n, width);
  if (cursor->remaining() < bytes) {
    return cursor->Error("truncated bit-packed frame");
  }
  *width_out = width;
  *bytes_out = bytes;
  return Status::Ok();
}

}  // namespace

Status CheckIntColumnFits(ByteCursor cursor, size_t count) {
  int order = 0;
  int64_t slope = 0;
  uint64_t divisor = 1;
  size_t head = 0;
  CITYNEXUS_RETURN_IF_ERROR(ReadColumnHeader(&cursor, count, &order, &slope,
                                             &divisor, &head, nullptr));
  for (size_t start = head; start < count; start += kIntColumnFrameSize) {
    const size_t n = std::min(kIntColumnFrameSize, count - start);
    int width = 0;
    int64_t base = 0;
    size_t bytes = 0;
    CITYNEXUS_RETURN_IF_ERROR(
        ReadFrameHeader(&cursor, n, &width, &base, &bytes));
    CITYNEXUS_RETURN_IF_ERROR(cursor.Skip(bytes));
  }
  return Status::Ok();
}

Status DecodeIntColumn(ByteCursor* cursor, size_t count, int64_t* out) {
  int order = 0;
  int64_t slope = 0;
  uint64_t divisor = 1;
  size_t head = 0;
  CITYNEXUS_RETURN_IF_ERROR(
      ReadColumnHeader(cursor, count, &order, &slope, &divisor, &head, out));

  for (size_t start = head; start < count; start += kIntColumnFrameSize) {
    const size_t n = std::min(kIntColumnFrameSize, count - start);
    int width = 0;
    int64_t base = 0;
    size_t bytes = 0;
    CITYNEXUS_RETURN_IF_ERROR(
        ReadFrameHeader(cursor, n, &width, &base, &bytes));
    int64_t* dst = out + start;
    if (width == 0) {
      const int64_t v = S(U(base) * divisor);
      std::fill(dst, dst + n, v);
    } else {
      // int64_t and uint64_t may alias each other.
      uint64_t* u = reinterpret_cast<uint64_t*>(dst);
      UnpackBits(cursor->current(), cursor->remaining(), n, width, u);
      const uint64_t b = U(base);
      if (divisor == 1) {
        for (size_t i = 0; i < n; ++i) u[i] += b;
      } else {
        for (size_t i = 0; i < n; ++i) u[i] = (u[i] + b) * divisor;
      }
    }
    CITYNEXUS_RETURN_IF_ERROR(cursor->Skip(bytes));
  }

  uint64_t* u = reinterpret_cast<uint64_t*>(out);
  if (order == kLinear) {
    const uint64_t step = U(slope);
    for (size_t i = 0; i < count; ++i) u[i] += i * step;
    return Status::Ok();
  }
  // Undo the difference passes: prefix sums, innermost first.
  for (int o = order; o-- > 0;) {
    const size_t from = static_cast<size_t>(o) + 1;
    if (count <= from) continue;
    uint64_t acc = u[from - 1];
    for (size_t i = from; i < count; ++i) {
      acc += u[i];
      u[i] = acc;
    }
  }
  return Status::Ok();
}

}  // namespace citynexus::engine
