// In-memory series catalog (see series_catalog.h).
#include "engine/series_catalog.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "engine/keys.h"
#include "engine/series_key_internal.h"

namespace citynexus::engine {

namespace {

constexpr uint8_t kRecordVersion = 1;
constexpr size_t kMinBlockBytes = 64 * 1024;

void PutString(std::string* out, std::string_view s) {
  PutVarint64(out, s.size());
  out->append(s);
}

bool GetString(const char** p, const char* end, std::string_view* s) {
  uint64_t len;
  if (!GetVarint64(p, end, &len) || len > static_cast<uint64_t>(end - *p)) {
    return false;
  }
  *s = std::string_view(*p, len);
  *p += len;
  return true;
}

// The canonical key inside a record, without decoding the rest.
std::string_view RecordCanonical(std::string_view record) {
  const char* p = record.data() + 2;
  std::string_view canonical;
  GetString(&p, record.data() + record.size(), &canonical);
  return canonical;
}

uint64_t HashKey(std::string_view s) {
  return std::hash<std::string_view>{}(s);
}

}  // namespace

std::string EncodeSeriesRecord(ValueType type, std::string_view canonical,
                               const SeriesMeta& meta) {
  std::string out;
  out.push_back(static_cast<char>(kRecordVersion));
  out.push_back(static_cast<char>(type));
  PutString(&out, canonical);
  uint8_t flags = (meta.latitude ? 1 : 0) | (meta.longitude ? 2 : 0);
  out.push_back(static_cast<char>(flags));
  PutString(&out, meta.unit);
  PutString(&out, meta.domain);
  PutString(&out, meta.description);
  PutString(&out, meta.source);
  uint64_t bits;
  if (meta.latitude) {
    std::memcpy(&bits, &*meta.latitude, 8);
    PutFixed64LE(&out, bits);
  }
  if (meta.longitude) {
    std::memcpy(&bits, &*meta.longitude, 8);
    PutFixed64LE(&out, bits);
  }
  return out;
}

Status DecodeSeriesRecord(std::string_view record, SeriesInfo* info) {
  auto bad = [](std::string_view why) {
    return Status::Corruption("series record: " + std::string(why));
  };
  if (record.size() < 3) return bad("truncated header");
  if (static_cast<uint8_t>(record[0]) != kRecordVersion) {
    return bad("unknown version byte " +
               std::to_string(static_cast<uint8_t>(record[0])));
  }
  uint8_t type = static_cast<uint8_t>(record[1]);
  if (type < 1 || type > 4) return bad("bad value type");
  info->type = static_cast<ValueType>(type);
  const char* p = record.data() + 2;
  const char* end = record.data() + record.size();
  std::string_view canonical, unit, domain, description, source;
  if (!GetString(&p, end, &canonical)) return bad("truncated key");
  auto key = SeriesKey::Parse(canonical);
  if (!key) return bad(key.error().message());
  info->key = std::move(key.value());
  if (p >= end) return bad("truncated metadata");
  uint8_t flags = static_cast<uint8_t>(*p++);
  if (!GetString(&p, end, &unit) || !GetString(&p, end, &domain) ||
      !GetString(&p, end, &description) || !GetString(&p, end, &source)) {
    return bad("truncated metadata");
  }
  info->meta = SeriesMeta{};
  info->meta.unit = unit;
  info->meta.domain = domain;
  info->meta.description = description;
  info->meta.source = source;
  for (int bit = 0; bit < 2; ++bit) {
    if ((flags & (1 << bit)) == 0) continue;
    if (end - p < 8) return bad("truncated location");
    uint64_t raw = DecodeFixed64LE(p);
    p += 8;
    double v;
    std::memcpy(&v, &raw, 8);
    (bit == 0 ? info->meta.latitude : info->meta.longitude) = v;
  }
  return Status::Ok();
}

SeriesCatalog::SeriesCatalog() : index_(1024, 0) {}

const char* SeriesCatalog::StoreRecord(std::string_view record) {
  std::string len;
  PutVarint64(&len, record.size());  // short: stays in the SSO buffer
  size_t need = len.size() + record.size();
  if (blocks_.empty() || block_used_ + need > block_size_) {
    block_size_ = std::max(kMinBlockBytes, need);
    blocks_.push_back(std::make_unique<char[]>(block_size_));
    arena_bytes_ += block_size_;
    block_used_ = 0;
  }
  char* dst = blocks_.back().get() + block_used_;
  std::memcpy(dst, len.data(), len.size());
  std::memcpy(dst + len.size(), record.data(), record.size());
  block_used_ += need;
  return dst;
}

std::string_view SeriesCatalog::RecordAt(SeriesId id) const {
  if (id >= records_.size() || records_[id] == nullptr) return {};
  const char* p = records_[id];
  uint64_t len = 0;
  GetVarint64(&p, p + 10, &len);
  return std::string_view(p, len);
}

std::optional<SeriesId> SeriesCatalog::FindLocked(
    std::string_view canonical) const {
  size_t mask = index_.size() - 1;
  for (size_t i = HashKey(canonical) & mask;; i = (i + 1) & mask) {
    SeriesId id = index_[i];
    if (id == 0) return std::nullopt;
    if (RecordCanonical(RecordAt(id)) == canonical) return id;
  }
}

void SeriesCatalog::Grow() {
  std::vector<SeriesId> old;
  old.swap(index_);
  index_.assign(old.size() * 2, 0);
  for (SeriesId id : old) {
    if (id != 0) IndexInsert(id);
  }
}

void SeriesCatalog::IndexInsert(SeriesId id) {
  size_t mask = index_.size() - 1;
  size_t i = HashKey(RecordCanonical(RecordAt(id))) & mask;
  while (index_[i] != 0) i = (i + 1) & mask;
  index_[i] = id;
}

Status SeriesCatalog::PostingsInsert(SeriesId id) {
  std::string_view canonical = RecordCanonical(RecordAt(id));
  if (!postings_.Add(id, canonical)) {
    return Status::Corruption("series " + std::to_string(id) +
                              ": bad series key \"" + std::string(canonical) +
                              "\"");
  }
  return Status::Ok();
}

Status SeriesCatalog::Load(SeriesId id, std::string_view record) {
  WriterMutexLock lock(&mu_);
  // Only the parts the index needs are checked here (a full decode costs
  // about half of the open time of a 1M-series catalog); Get() decodes and
  // reports the rest.
  auto bad = [&](std::string_view why) {
    return Status::Corruption("series " + std::to_string(id) + ": " +
                              std::string(why));
  };
  if (id == 0) return Status::Corruption("series id 0 in the catalog");
  if (record.size() < 3 || static_cast<uint8_t>(record[0]) != kRecordVersion) {
    return bad("bad series record header");
  }
  uint8_t type = static_cast<uint8_t>(record[1]);
  if (type < 1 || type > 4) return bad("bad value type");
  const char* p = record.data() + 2;
  std::string_view canonical;
  if (!GetString(&p, record.data() + record.size(), &canonical) ||
      canonical.empty()) {
    return bad("truncated series key");
  }
  bool is_new = id >= records_.size() || records_[id] == nullptr;
  if (id >= records_.size()) {
    records_.resize(id + 1, nullptr);
    types_.resize(id + 1, 0);
  }
  records_[id] = StoreRecord(record);
  types_[id] = type;
  if (is_new) {
    if ((count_ + 1) * 10 > index_.size() * 7) Grow();
    IndexInsert(id);
    ++count_;
    CITYNEXUS_RETURN_IF_ERROR(PostingsInsert(id));
  }
  next_id_ = std::max(next_id_, id + 1);
  return Status::Ok();
}

void SeriesCatalog::SetLimits(uint64_t max_series,
                              uint64_t max_series_per_measurement) {
  WriterMutexLock lock(&mu_);
  max_series_ = max_series;
  max_series_per_measurement_ = max_series_per_measurement;
}

Result<SeriesInfo> SeriesCatalog::GetOrCreate(const SeriesKey& key,
                                              ValueType type,
                                              const Persist& persist) {
  if (key.measurement.empty()) {
    return Status::InvalidArgument("series key has an empty measurement");
  }
  if (key.field.empty()) {
    return Status::InvalidArgument("series key has an empty field");
  }
  std::string canonical = key.Canonical();
  if (auto found = Lookup(canonical)) return *found;
  WriterMutexLock lock(&mu_);
  if (auto id = FindLocked(canonical)) {
    SeriesInfo info;
    CITYNEXUS_RETURN_IF_ERROR(DecodeSeriesRecord(RecordAt(*id), &info));
    info.id = *id;
    return info;
  }
  if (max_series_ > 0 && count_ >= max_series_) {
    refused_.fetch_add(1);
    return Status::ResourceExhausted("max_series limit of " +
                                     std::to_string(max_series_) +
                                     " series reached (storage.max_series)");
  }
  if (max_series_per_measurement_ > 0) {
    if (postings_.MeasurementSize(key.measurement) >=
        max_series_per_measurement_) {
      refused_.fetch_add(1);
      return Status::ResourceExhausted(
          "max_series_per_measurement limit of " +
          std::to_string(max_series_per_measurement_) +
          " series reached for measurement \"" + key.measurement +
          "\" (storage.max_series_per_measurement)");
    }
  }
  SeriesId id = next_id_;
  std::string record = EncodeSeriesRecord(type, canonical, SeriesMeta{});
  CITYNEXUS_RETURN_IF_ERROR(persist(id, record));
  ++next_id_;
  if (id >= records_.size()) {
    records_.resize(id + 1, nullptr);
    types_.resize(id + 1, 0);
  }
  records_[id] = StoreRecord(record);
  types_[id] = static_cast<uint8_t>(type);
  if ((count_ + 1) * 10 > index_.size() * 7) Grow();
  IndexInsert(id);
  ++count_;
  // The key was built by SeriesKey::Canonical, so it parses; were it not
  // to, the series would still be found by key, only not by its tags.
  (void)PostingsInsert(id);
  version_.fetch_add(1, std::memory_order_release);
  SeriesInfo info;
  info.id = id;
  info.key = key;
  info.type = type;
  return info;
}

Status SeriesCatalog::SetMeta(SeriesId id, const SeriesMeta& meta,
                              const Persist& persist) {
  WriterMutexLock lock(&mu_);
  std::string_view old = RecordAt(id);
  if (old.empty()) {
    return Status::NotFound("unknown series id " + std::to_string(id));
  }
  std::string record = EncodeSeriesRecord(static_cast<ValueType>(types_[id]),
                                          RecordCanonical(old), meta);
  CITYNEXUS_RETURN_IF_ERROR(persist(id, record));
  // The old record stays in the arena (metadata changes are rare).
  records_[id] = StoreRecord(record);
  version_.fetch_add(1, std::memory_order_release);
  return Status::Ok();
}

std::optional<SeriesInfo> SeriesCatalog::Lookup(
    std::string_view canonical) const {
  ReaderMutexLock lock(&mu_);
  auto id = FindLocked(canonical);
  if (!id) return std::nullopt;
  SeriesInfo info;
  if (!DecodeSeriesRecord(RecordAt(*id), &info).ok()) return std::nullopt;
  info.id = *id;
  return info;
}

std::optional<SeriesInfo> SeriesCatalog::Get(SeriesId id) const {
  ReaderMutexLock lock(&mu_);
  std::string_view record = RecordAt(id);
  if (record.empty()) return std::nullopt;
  SeriesInfo info;
  if (!DecodeSeriesRecord(record, &info).ok()) return std::nullopt;
  info.id = id;
  return info;
}

std::optional<ValueType> SeriesCatalog::TypeOf(SeriesId id) const {
  ReaderMutexLock lock(&mu_);
  if (id >= types_.size() || types_[id] == 0) return std::nullopt;
  return static_cast<ValueType>(types_[id]);
}

template <typename Ids>
void SeriesCatalog::VisitIds(
    const Ids& ids, const std::function<void(const SeriesInfo&)>& visit) const {
  for (SeriesId id : ids) {
    std::string_view record = RecordAt(id);
    if (record.empty()) continue;
    SeriesInfo info;
    if (!DecodeSeriesRecord(record, &info).ok()) continue;
    info.id = id;
    visit(info);
  }
}

namespace {
// The ids 1..n-1, as a range VisitIds can iterate without allocating.
struct IdRange {
  struct Iter {
    SeriesId id;
    SeriesId operator*() const { return id; }
    Iter& operator++() {
      ++id;
      return *this;
    }
    bool operator!=(const Iter& o) const { return id != o.id; }
  };
  SeriesId end_id;
  Iter begin() const { return {1}; }
  Iter end() const { return {std::max<SeriesId>(end_id, 1)}; }
};
}  // namespace

void SeriesCatalog::ForEach(
    const std::function<void(const SeriesInfo&)>& visit) const {
  ReaderMutexLock lock(&mu_);
  VisitIds(IdRange{static_cast<SeriesId>(records_.size())}, visit);
}

std::vector<SeriesInfo> SeriesCatalog::Find(const SeriesFilter& filter) const {
  std::vector<SeriesInfo> out;
  auto match = [&](const SeriesInfo& info) {
    if (!filter.domain.empty() && info.meta.domain != filter.domain) return;
    out.push_back(info);
  };
  ReaderMutexLock lock(&mu_);
  if (filter.measurement.empty() && filter.field.empty() &&
      filter.tags.empty() && filter.matchers.empty()) {
    VisitIds(IdRange{static_cast<SeriesId>(records_.size())}, match);
  } else {
    VisitIds(postings_.Select(filter), match);
  }
  return out;
}

std::vector<std::string> SeriesCatalog::MeasurementNames() const {
  ReaderMutexLock lock(&mu_);
  return postings_.Measurements();
}

Result<SeriesSummary> SeriesCatalog::Summarize(
    const SeriesFilter& filter,
    const std::function<bool(std::string_view key)>& values_of) const {
  if (filter.measurement.empty()) {
    return Status::InvalidArgument("SummarizeSeries needs a measurement");
  }
  if (filter.domain.empty()) {
    ReaderMutexLock lock(&mu_);
    return postings_.Summarize(filter, values_of, types_);
  }
  // The domain is metadata, not in the index: decode the candidates.
  return SummarizeDecoded(Find(filter), values_of);
}

size_t SeriesCatalog::size() const {
  ReaderMutexLock lock(&mu_);
  return count_;
}

size_t SeriesCatalog::MemoryBytes() const {
  ReaderMutexLock lock(&mu_);
  return arena_bytes_ + postings_.MemoryBytes() +
         records_.capacity() * sizeof(const char*) + types_.capacity() +
         index_.capacity() * sizeof(SeriesId) +
         blocks_.capacity() * sizeof(void*);
}

}  // namespace citynexus::engine
