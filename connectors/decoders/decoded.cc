// Helpers of the shared decoder output types (see decoded.h).
#include "connectors/decoders/decoded.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "common/enum_names.h"

namespace citynexus::connectors {

namespace {

constexpr EnumName<FieldValue::Kind> kFieldKindNames[] = {
    {"float", FieldValue::Kind::kFloat},
    {"integer", FieldValue::Kind::kInt},
    {"unsigned", FieldValue::Kind::kUint},
    {"boolean", FieldValue::Kind::kBool},
    {"string", FieldValue::Kind::kString}};

}  // namespace

std::string_view FieldKindName(FieldValue::Kind kind) {
  return NameOf(kFieldKindNames, kind, "unknown");
}

Result<engine::Value> ToEngineValue(const FieldValue& value) {
  switch (value.kind) {
    case FieldValue::Kind::kFloat:
      return engine::Value(value.float_value());
    case FieldValue::Kind::kInt:
      return engine::Value(value.int_value());
    case FieldValue::Kind::kUint:
      if (value.uint_value() >
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Status::InvalidArgument(
            "unsigned value " + std::to_string(value.uint_value()) +
            " is above the largest storable integer 9223372036854775807");
      }
      return engine::Value(static_cast<int64_t>(value.uint_value()));
    case FieldValue::Kind::kBool:
      return engine::Value(value.bool_value());
    case FieldValue::Kind::kString:
      return engine::Value(std::string(value.string_value()));
  }
  return Status::InvalidArgument("unknown field value kind");
}

std::string DecodeError::ToString() const {
  std::string out;
  switch (unit) {
    case DecodeUnit::kLine:
      out = "line " + std::to_string(line);
      break;
    case DecodeUnit::kRecord:
      out = "record " + std::to_string(line);
      break;
    case DecodeUnit::kStation:
      out = "station " + std::to_string(line);
      break;
    case DecodeUnit::kMessage:
      out = "message";
      break;
  }
  if (!unit_id.empty()) out += " (\"" + unit_id + "\")";
  if (column != 0) out += ", column " + std::to_string(column);
  out += ": ";
  switch (element) {
    case DecodeElement::kLine:
      break;
    case DecodeElement::kMeasurement:
      out += "measurement: ";
      break;
    case DecodeElement::kTagKey:
      out += "tag key: ";
      break;
    case DecodeElement::kTagValue:
      out += "tag \"" + name + "\": ";
      break;
    case DecodeElement::kFieldKey:
      out += "field key: ";
      break;
    case DecodeElement::kFieldValue:
      out += "field \"" + name + "\": ";
      break;
    case DecodeElement::kTimestamp:
      out += "timestamp: ";
      break;
    case DecodeElement::kMember:
      out += "\"" + name + "\": ";
      break;
  }
  out += reason;
  return out;
}

char* StringArena::Allocate(size_t size) {
  if (blocks_.empty() || block_size_ - block_used_ < size) {
    // Oversized strings get a block of their own; normal ones share 16 KiB
    // blocks so a batch costs a handful of allocations, not one per string.
    size_t block = std::max(size, kBlockBytes);
    blocks_.push_back(std::make_unique<char[]>(block));
    block_size_ = block;
    block_used_ = 0;
  }
  char* p = blocks_.back().get() + block_used_;
  block_used_ += size;
  return p;
}

std::string_view StringArena::Copy(std::string_view text) {
  if (text.empty()) return {};
  char* p = Allocate(text.size());
  std::memcpy(p, text.data(), text.size());
  return {p, text.size()};
}

void StringArena::Reset() {
  if (blocks_.empty()) return;
  if (blocks_.size() > 1) {
    // Keep only the first block; it is at least kBlockBytes.
    std::unique_ptr<char[]> first = std::move(blocks_.front());
    size_t first_size = kBlockBytes;
    blocks_.clear();
    blocks_.push_back(std::move(first));
    // The first block may have been oversized; kBlockBytes is a safe bound.
    block_size_ = first_size;
  }
  block_used_ = 0;
}

bool DecodedBatch::ApplySeriesMeta(uint32_t line_index, std::string_view field,
                                   engine::SeriesMeta* meta) const {
  auto first = std::lower_bound(
      series_meta.begin(), series_meta.end(), line_index,
      [](const DecodedSeriesMeta& m, uint32_t i) { return m.line_index < i; });
  bool changed = false;
  auto fill = [&](const DecodedSeriesMeta& m) {
    if (meta->unit.empty() && !m.unit.empty()) {
      meta->unit = m.unit;
      changed = true;
    }
    if (meta->description.empty() && !m.description.empty()) {
      meta->description = m.description;
      changed = true;
    }
    if (meta->description.empty() && !m.device_eui.empty()) {
      meta->description = "LoRaWAN DevEUI " + std::string(m.device_eui);
      changed = true;
    }
    if (!meta->latitude && m.latitude) {
      meta->latitude = m.latitude;
      changed = true;
    }
    if (!meta->longitude && m.longitude) {
      meta->longitude = m.longitude;
      changed = true;
    }
  };
  // Two passes so a field-specific entry wins over a line-wide one.
  for (auto it = first; it != series_meta.end() && it->line_index == line_index;
       ++it) {
    if (!it->field.empty() && it->field == field) fill(*it);
  }
  for (auto it = first; it != series_meta.end() && it->line_index == line_index;
       ++it) {
    if (it->field.empty()) fill(*it);
  }
  return changed;
}

}  // namespace citynexus::connectors
