// Rollup computation and records (see rollups.h).
#include "engine/rollups.h"

#include <cmath>

#include "engine/columns.h"
#include "engine/keys.h"

namespace citynexus::engine {

namespace {
constexpr uint8_t kRollupVersion = 1;
constexpr int kBlocks = 3;

// A sum of decimal readings carries float rounding noise (21.4 + 0.1 is not
// the double nearest 21.5), which defeats the codec's decimal mode. Store the
// shortest decimal (scale <= 9) within 1e-12 relative instead: far inside the
// 1e-9 agreement promised with raw aggregation, and a few bits per bucket.
double RoundSum(double sum) {
  if (!std::isfinite(sum) || sum == 0) return sum;
  double scale = 1;
  for (int s = 0; s <= 9; ++s, scale *= 10) {
    double scaled = sum * scale;
    if (std::abs(scaled) > 9e15) break;  // beyond exact integers
    double candidate = std::round(scaled) / scale;
    if (std::abs(candidate - sum) <= 1e-12 * std::abs(sum)) return candidate;
  }
  return sum;
}
}  // namespace

void AddToBucket(Bucket* b, int64_t ts, double value) {
  if (b->count == 0) {
    b->sum = value;
    b->min = b->max = b->first = b->last = value;
    b->first_ns = b->last_ns = ts;
    b->count = 1;
    return;
  }
  ++b->count;
  b->sum += value;
  if (value < b->min) b->min = value;
  if (value > b->max) b->max = value;
  if (ts < b->first_ns) {
    b->first_ns = ts;
    b->first = value;
  }
  if (ts >= b->last_ns) {
    b->last_ns = ts;
    b->last = value;
  }
}

void CombineBuckets(Bucket* into, const Bucket& from) {
  if (from.count == 0) return;
  if (into->count == 0) {
    int64_t start = into->start_ns;
    *into = from;
    into->start_ns = start;
    return;
  }
  into->count += from.count;
  into->sum += from.sum;
  if (from.min < into->min) into->min = from.min;
  if (from.max > into->max) into->max = from.max;
  if (from.first_ns < into->first_ns) {
    into->first_ns = from.first_ns;
    into->first = from.first;
  }
  if (from.last_ns >= into->last_ns) {
    into->last_ns = from.last_ns;
    into->last = from.last;
  }
}

std::vector<Bucket> ComputeRollup(const ChunkColumns& columns,
                                  int64_t resolution_ns) {
  std::vector<Bucket> out;
  for (size_t i = 0; i < columns.size(); ++i) {
    int64_t ts = columns.timestamps[i];
    int64_t start = WindowStart(ts, resolution_ns);
    if (out.empty() || out.back().start_ns != start) {
      out.emplace_back();
      out.back().start_ns = start;
    }
    AddToBucket(&out.back(), ts, DoubleAt(columns, i));
  }
  return out;
}

namespace {

// Synthetic strictly ascending timestamps 0..n-1 for the packed columns.
void Sequence(ChunkColumns* c, size_t n) {
  c->timestamps.resize(n);
  for (size_t i = 0; i < n; ++i) c->timestamps[i] = static_cast<int64_t>(i);
}

}  // namespace

Status EncodeRollupRecord(const std::vector<Bucket>& buckets,
                          std::string* out) {
  size_t n = buckets.size();
  ChunkColumns cols[kBlocks];
  cols[0].type = ValueType::kInt;
  cols[1].type = ValueType::kInt;
  cols[2].type = ValueType::kFloat;
  Sequence(&cols[1], 2 * n);
  Sequence(&cols[2], 5 * n);
  cols[1].ints.resize(2 * n);
  cols[2].floats.resize(5 * n);
  for (size_t i = 0; i < n; ++i) {
    const Bucket& b = buckets[i];
    cols[0].timestamps.push_back(b.start_ns);
    cols[0].ints.push_back(static_cast<int64_t>(b.count));
    cols[1].ints[i] = b.first_ns - b.start_ns;
    cols[1].ints[n + i] = b.last_ns - b.start_ns;
    cols[2].floats[i] = RoundSum(b.sum);
    cols[2].floats[n + i] = b.min;
    cols[2].floats[2 * n + i] = b.max;
    cols[2].floats[3 * n + i] = b.first;
    cols[2].floats[4 * n + i] = b.last;
  }
  out->push_back(static_cast<char>(kRollupVersion));
  std::string block;
  for (const auto& c : cols) {
    block.clear();
    CITYNEXUS_RETURN_IF_ERROR(EncodeChunk(c, &block));
    PutVarint64(out, block.size());
    out->append(block);
  }
  return Status::Ok();
}

Status DecodeRollupRecord(std::string_view record, std::vector<Bucket>* out) {
  out->clear();
  if (record.empty() || static_cast<uint8_t>(record[0]) != kRollupVersion) {
    return Status::Corruption("rollup record: bad version byte");
  }
  const char* p = record.data() + 1;
  const char* end = record.data() + record.size();
  ChunkColumns cols[kBlocks];
  for (int k = 0; k < kBlocks; ++k) {
    uint64_t len;
    if (!GetVarint64(&p, end, &len) || len > static_cast<uint64_t>(end - p)) {
      return Status::Corruption("rollup record: truncated block " +
                                std::to_string(k));
    }
    CITYNEXUS_RETURN_IF_ERROR(
        DecodeChunk(std::string_view(p, len), &cols[k])
            .WithContext("rollup record block " + std::to_string(k)));
    p += len;
  }
  size_t n = cols[0].size();
  if (cols[0].ints.size() != n || cols[1].ints.size() != 2 * n ||
      cols[2].floats.size() != 5 * n) {
    return Status::Corruption("rollup record: column sizes differ");
  }
  out->resize(n);
  for (size_t i = 0; i < n; ++i) {
    Bucket& b = (*out)[i];
    b.start_ns = cols[0].timestamps[i];
    b.count = static_cast<uint64_t>(cols[0].ints[i]);
    b.first_ns = b.start_ns + cols[1].ints[i];
    b.last_ns = b.start_ns + cols[1].ints[n + i];
    b.sum = cols[2].floats[i];
    b.min = cols[2].floats[n + i];
    b.max = cols[2].floats[2 * n + i];
    b.first = cols[2].floats[3 * n + i];
    b.last = cols[2].floats[4 * n + i];
  }
  return Status::Ok();
}

}  // namespace citynexus::engine
