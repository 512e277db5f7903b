// ChunkColumns helpers (see columns.h).
#include "engine/columns.h"

#include <algorithm>

namespace citynexus::engine {

void AppendPoint(const ChunkColumns& from, size_t i, ChunkColumns* to) {
  to->timestamps.push_back(from.timestamps[i]);
  switch (from.type) {
    case ValueType::kFloat:
      to->floats.push_back(from.floats[i]);
      break;
    case ValueType::kInt:
      to->ints.push_back(from.ints[i]);
      break;
    case ValueType::kBool:
      to->bools.push_back(from.bools[i]);
      break;
    case ValueType::kString:
      to->strings.push_back(from.strings[i]);
      break;
  }
}

void MergeColumns(const ChunkColumns& older, const ChunkColumns& newer,
                  ChunkColumns* out) {
  out->Clear();
  out->type = newer.size() > 0 ? newer.type : older.type;
  size_t i = 0, j = 0;
  while (i < older.size() || j < newer.size()) {
    if (j == newer.size() ||
        (i < older.size() && older.timestamps[i] < newer.timestamps[j])) {
      AppendPoint(older, i++, out);
    } else {
      if (i < older.size() && older.timestamps[i] == newer.timestamps[j]) ++i;
      AppendPoint(newer, j++, out);
    }
  }
}

void SliceColumns(ChunkColumns* c, int64_t start_ns, int64_t end_ns) {
  auto lo =
      std::lower_bound(c->timestamps.begin(), c->timestamps.end(), start_ns) -
      c->timestamps.begin();
  auto hi =
      std::lower_bound(c->timestamps.begin(), c->timestamps.end(), end_ns) -
      c->timestamps.begin();
  if (hi < lo) hi = lo;
  auto cut = [&](auto& v) {
    if (v.empty()) return;
    v.erase(v.begin() + hi, v.end());
    v.erase(v.begin(), v.begin() + lo);
  };
  cut(c->timestamps);
  cut(c->floats);
  cut(c->ints);
  cut(c->bools);
  cut(c->strings);
}

Sample SampleAt(const ChunkColumns& c, size_t i) {
  Sample s;
  s.timestamp_ns = c.timestamps[i];
  switch (c.type) {
    case ValueType::kFloat:
      s.value = c.floats[i];
      break;
    case ValueType::kInt:
      s.value = c.ints[i];
      break;
    case ValueType::kBool:
      s.value = c.bools[i] != 0;
      break;
    case ValueType::kString:
      s.value = c.strings[i];
      break;
  }
  return s;
}

double DoubleAt(const ChunkColumns& c, size_t i) {
  if (c.type == ValueType::kFloat) return c.floats[i];
  if (c.type == ValueType::kInt) return static_cast<double>(c.ints[i]);
  return 0;
}

}  // namespace citynexus::engine
