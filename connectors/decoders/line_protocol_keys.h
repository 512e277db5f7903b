// Key order and repeated keys within one line of line protocol: tags are
// sorted by key and may not repeat; repeated field keys keep the last value.
//
// Header-only, like line_protocol_numbers.h: they run for every line, and
// the parser inlines them.
//
// Internal to connectors/decoders/line_protocol*.cc. Thread-safety: pure
// functions; a FieldDeduper belongs to one parser.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "connectors/decoders/decoded.h"

namespace citynexus::connectors::line_protocol_internal {

// Byte order of two non-empty keys (string_view::compare), deciding on the
// first byte inline: tag keys mostly differ there, and a memcmp call costs
// more than the comparison itself.
inline int CompareKeys(std::string_view a, std::string_view b) {
  const auto a0 = static_cast<unsigned char>(a[0]);
  const auto b0 = static_cast<unsigned char>(b[0]);
  if (a0 != b0) return a0 < b0 ? -1 : 1;
  return a.compare(b);
}

// Sorts `tags` by key (byte order). Returns the first repeated key, or
// nullptr when the keys are unique.
inline const DecodedTag* SortTagsByKey(std::span<DecodedTag> tags) {
  auto first = tags.begin();
  auto last = tags.end();
  // Most writers send tags sorted already: one pass of comparisons finds
  // that and the duplicates; sort only when the order is off.
  bool sorted = true;
  auto duplicate = last;  // the first repeated key, if sorted
  for (auto it = first + 1; it < last && sorted; ++it) {
    const int order = CompareKeys((it - 1)->key, it->key);
    if (order == 0 && duplicate == last) duplicate = it;
    sorted = order <= 0;
  }
  if (sorted) return duplicate == last ? nullptr : &*duplicate;
  std::sort(first, last, [](const DecodedTag& a, const DecodedTag& b) {
    return a.key < b.key;
  });
  for (auto it = first + 1; it < last; ++it) {
    if (it->key == (it - 1)->key) return &*it;
  }
  return nullptr;
}

// Removes repeated field keys, keeping scratch space between lines.
class FieldDeduper {
 public:
  // Repeated keys among (*fields)[begin..]: the last value wins (what
  // InfluxDB stores, since a later write of the same series and timestamp
  // overwrites an earlier one). Keeps input order of the survivors and
  // returns their count.
  size_t Dedupe(std::vector<DecodedField>* out, size_t begin) {
    auto& fields = *out;
    const size_t n = fields.size() - begin;
    keep_.assign(n, 1);
    bool any = false;
    if (n <= 32) {
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = i + 1; j < n; ++j) {
          if (fields[begin + i].key == fields[begin + j].key) {
            keep_[i] = 0;
            any = true;
            break;
          }
        }
      }
    } else {
      order_.resize(n);
      for (size_t i = 0; i < n; ++i) order_[i] = static_cast<uint32_t>(i);
      std::stable_sort(order_.begin(), order_.end(),
                       [&](uint32_t a, uint32_t b) {
                         return fields[begin + a].key < fields[begin + b].key;
                       });
      for (size_t k = 0; k + 1 < n; ++k) {
        if (fields[begin + order_[k]].key ==
            fields[begin + order_[k + 1]].key) {
          keep_[order_[k]] = 0;
          any = true;
        }
      }
    }
    if (!any) return n;
    size_t w = begin;
    for (size_t i = 0; i < n; ++i) {
      if (keep_[i]) fields[w++] = fields[begin + i];
    }
    fields.resize(w);
    return w - begin;
  }

 private:
  std::vector<uint8_t> keep_;
  std::vector<uint32_t> order_;
};

}  // namespace citynexus::connectors::line_protocol_internal
