// Inverted index of the series catalog (see postings_index.h).
#include "engine/postings_index.h"

#include <algorithm>
#include <optional>

namespace citynexus::engine {
namespace {

// Reads an escaped name of a canonical key up to one of `stops`.
void ReadName(std::string_view text, size_t& pos, std::string_view stops,
              std::string* out) {
  out->clear();
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '\\' && pos + 1 < text.size()) {
      out->push_back(text[pos + 1]);
      pos += 2;
      continue;
    }
    if (stops.find(c) != std::string_view::npos) break;
    out->push_back(c);
    ++pos;
  }
}

void InsertId(Postings* p, SeriesId id) {
  if (p->empty() || p->back() < id) {
    p->push_back(id);
    return;
  }
  auto it = std::lower_bound(p->begin(), p->end(), id);
  if (it == p->end() || *it != id) p->insert(it, id);
}

Postings Intersect(const Postings& a, const Postings& b) {
  Postings out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(),
                        std::back_inserter(out));
  return out;
}

Postings Subtract(const Postings& a, const Postings& b) {
  Postings out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                      std::back_inserter(out));
  return out;
}

// The smallest id in both lists: walks the shorter one and binary-searches
// the longer, so a one-id list against 100k ids costs one search.
std::optional<SeriesId> FirstCommon(const Postings& a, const Postings& b) {
  const Postings& small = a.size() <= b.size() ? a : b;
  const Postings& large = a.size() <= b.size() ? b : a;
  auto from = large.begin();
  for (SeriesId id : small) {
    from = std::lower_bound(from, large.end(), id);
    if (from == large.end()) return std::nullopt;
    if (*from == id) return id;
  }
  return std::nullopt;
}

bool Holds(const TagMatcher& m, std::string_view value) {
  switch (m.op) {
    case TagMatcher::Op::kEqual:
      return value == m.value;
    case TagMatcher::Op::kNotEqual:
      return value != m.value;
    case TagMatcher::Op::kMatch:
      return m.matches && m.matches(value);
    case TagMatcher::Op::kNotMatch:
      return !(m.matches && m.matches(value));
  }
  return false;
}

// Heap bytes of one tree node holding `payload` bytes (rb header + malloc).
size_t NodeBytes(size_t payload) { return 32 + payload + 16; }
size_t StringHeap(const std::string& s) {
  return s.capacity() > 15 ? s.capacity() + 1 + 16 : 0;
}
size_t PostingsHeap(const Postings& p) {
  return p.capacity() == 0
             ? 0
             : std::max<size_t>(32, p.capacity() * sizeof(SeriesId) + 16);
}

}  // namespace

bool PostingsIndex::Add(SeriesId id, std::string_view canonical) {
  std::string measurement, key, value, field;
  size_t pos = 0;
  ReadName(canonical, pos, "{", &measurement);
  if (pos >= canonical.size() || measurement.empty()) return false;
  ++pos;  // '{'
  std::vector<std::pair<std::string, std::string>> tags;
  while (pos < canonical.size() && canonical[pos] != '}') {
    ReadName(canonical, pos, "=}", &key);
    if (pos >= canonical.size() || canonical[pos] != '=') return false;
    ++pos;
    ReadName(canonical, pos, ",}", &value);
    tags.emplace_back(key, value);
    if (pos < canonical.size() && canonical[pos] == ',') ++pos;
  }
  if (pos + 1 >= canonical.size() || canonical[pos + 1] != '#') return false;
  pos += 2;
  ReadName(canonical, pos, "", &field);
  if (field.empty()) return false;

  // try_emplace moves the key only when it inserts.
  Measurement& m =
      measurements_.try_emplace(std::move(measurement)).first->second;
  InsertId(&m.all, id);
  InsertId(&m.fields.try_emplace(std::move(field)).first->second, id);
  for (auto& [k, v] : tags) {
    auto& values = m.tags.try_emplace(std::move(k)).first->second;
    InsertId(&values.try_emplace(std::move(v)).first->second, id);
  }
  return true;
}

size_t PostingsIndex::MeasurementSize(std::string_view measurement) const {
  auto it = measurements_.find(measurement);
  return it == measurements_.end() ? 0 : it->second.all.size();
}

std::vector<std::string> PostingsIndex::Measurements() const {
  std::vector<std::string> out;
  out.reserve(measurements_.size());
  for (const auto& [name, m] : measurements_) out.push_back(name);
  return out;
}

bool PostingsIndex::Narrows(const SeriesFilter& filter) {
  return !filter.field.empty() || !filter.tags.empty() ||
         !filter.matchers.empty();
}

Postings PostingsIndex::SelectIn(const Measurement& m,
                                 const SeriesFilter& filter) {
  std::optional<Postings> cur;  // nullopt: every series of m
  static const Postings kNone;
  auto keep = [&](const Postings& p) { cur = cur ? Intersect(*cur, p) : p; };
  auto drop = [&](const Postings& p) {
    if (!p.empty()) cur = Subtract(cur ? *cur : m.all, p);
  };
  auto values_of = [&](const std::string& key)
      -> const std::map<std::string, Postings, std::less<>>* {
    auto it = m.tags.find(key);
    return it == m.tags.end() ? nullptr : &it->second;
  };
  auto exact = [&](const std::string& key,
                   const std::string& value) -> const Postings& {
    const auto* values = values_of(key);
    if (values == nullptr) return kNone;
    auto it = values->find(value);
    return it == values->end() ? kNone : it->second;
  };

  // Cheapest and most selective first: field, equal tags, then the rest.
  if (!filter.field.empty()) {
    auto it = m.fields.find(filter.field);
    keep(it == m.fields.end() ? kNone : it->second);
  }
  for (const auto& [k, v] : filter.tags) {
    if (cur && cur->empty()) return {};
    // No series stores an empty tag value under `tags` semantics.
    keep(v.empty() ? kNone : exact(k, v));
  }
  for (int pass = 0; pass < 2; ++pass) {
    for (const TagMatcher& t : filter.matchers) {
      if (cur && cur->empty()) return {};
      const bool equal = t.op == TagMatcher::Op::kEqual && !t.value.empty();
      if ((pass == 0) != equal) continue;
      if (equal) {
        keep(exact(t.key, t.value));
        continue;
      }
      if (t.op == TagMatcher::Op::kNotEqual && !t.value.empty()) {
        drop(exact(t.key, t.value));
        continue;
      }
      // Visit the values of the key only. When "" (a missing tag) matches,
      // the series lacking the tag are in, so drop the non-matching values
      // instead of keeping the matching ones.
      const bool missing_matches = Holds(t, "");
      Postings picked;
      if (const auto* values = values_of(t.key)) {
        for (const auto& [v, p] : *values) {
          if (Holds(t, v) != missing_matches) {
            picked.insert(picked.end(), p.begin(), p.end());
          }
        }
      }
      std::sort(picked.begin(), picked.end());
      picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
      if (missing_matches) {
        drop(picked);
      } else {
        keep(picked);
      }
    }
  }
  return cur ? std::move(*cur) : m.all;
}

Postings PostingsIndex::Select(const SeriesFilter& filter) const {
  if (!filter.measurement.empty()) {
    auto it = measurements_.find(filter.measurement);
    if (it == measurements_.end()) return {};
    return SelectIn(it->second, filter);
  }
  Postings out;
  for (const auto& [name, m] : measurements_) {
    Postings part = SelectIn(m, filter);
    out.insert(out.end(), part.begin(), part.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

SeriesSummary PostingsIndex::Summarize(
    const SeriesFilter& filter,
    const std::function<bool(std::string_view key)>& values_of,
    const std::vector<uint8_t>& types) const {
  SeriesSummary out;
  auto mit = measurements_.find(filter.measurement);
  if (mit == measurements_.end()) return out;
  const Measurement& m = mit->second;
  const bool narrow = Narrows(filter);
  Postings selected;
  if (narrow) selected = SelectIn(m, filter);
  const Postings& ids = narrow ? selected : m.all;
  out.series = ids.size();
  if (ids.empty()) return out;
  auto first_of = [&](const Postings& p) -> std::optional<SeriesId> {
    if (!narrow) return p.empty() ? std::nullopt : std::optional(p.front());
    return FirstCommon(p, ids);
  };
  for (const auto& [key, values] : m.tags) {
    const bool list = values_of && values_of(key);
    std::vector<std::string> listed;
    bool present = false;
    for (const auto& [v, p] : values) {
      if (!first_of(p)) continue;
      present = true;
      if (!list) break;
      listed.push_back(v);
    }
    if (present) out.tags.emplace(key, std::move(listed));
  }
  for (const auto& [field, p] : m.fields) {
    auto id = first_of(p);
    if (!id || *id >= types.size() || types[*id] == 0) continue;
    out.fields.emplace(field, static_cast<ValueType>(types[*id]));
  }
  return out;
}

size_t PostingsIndex::MemoryBytes() const {
  size_t bytes = 0;
  for (const auto& [name, m] : measurements_) {
    bytes += NodeBytes(sizeof(std::string) + sizeof(Measurement)) +
             StringHeap(name) + PostingsHeap(m.all);
    for (const auto& [f, p] : m.fields) {
      bytes += NodeBytes(sizeof(std::string) + sizeof(Postings)) +
               StringHeap(f) + PostingsHeap(p);
    }
    for (const auto& [k, values] : m.tags) {
      bytes += NodeBytes(sizeof(std::string) + sizeof(values)) + StringHeap(k);
      for (const auto& [v, p] : values) {
        bytes += NodeBytes(sizeof(std::string) + sizeof(Postings)) +
                 StringHeap(v) + PostingsHeap(p);
      }
    }
  }
  return bytes;
}

}  // namespace citynexus::engine
