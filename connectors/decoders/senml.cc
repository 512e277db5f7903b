// SenML JSON decoder; see senml.h and docs/formats.md ("SenML").
#include "connectors/decoders/senml.h"

#include <optional>
#include <string>

#include "connectors/decoders/decode_util.h"
#include "connectors/decoders/json_util.h"

namespace citynexus::connectors {
namespace {

using nlohmann::json;

// RFC 8428 section 4.5.3: resolved times below 2^28 s are relative to now.
constexpr double kRelativeTimeLimit = 268435456.0;

// One base field as it persists through the pack. A malformed base field
// "poisons" its slot: the records after it that rely on the slot are
// rejected instead of silently resolving against a stale base (which would
// file values under the wrong name or time). A later valid base field of
// the same kind clears the poison.
template <typename T>
struct BaseSlot {
  T value{};
  std::optional<size_t> bad_record;  // record whose base field was invalid
};

struct Bases {
  BaseSlot<std::string_view> name;  // bn, in the arena
  BaseSlot<double> time;            // bt
  BaseSlot<std::string_view> unit;  // bu, in the arena
  BaseSlot<double> value;           // bv
  BaseSlot<double> sum;             // bs
  BaseSlot<int64_t> version;        // bver (the value is informational)
  // The first valid bver of the pack: RFC 8428 section 4.4 allows one
  // version per pack, so a record with another bver is rejected.
  std::optional<int64_t> pack_version;
  // A must-understand base label ("bxyz_") we do not understand changes the
  // meaning of every later record, so it rejects the rest of the pack.
  std::optional<size_t> unknown_base_record;
  std::string unknown_base_label;
};

// RFC 8428 section 4.3: vd is base64url (RFC 4648 section 5) without
// padding: A-Z a-z 0-9 - _ only, and a length that is not 1 mod 4 (a
// single leftover character encodes no byte). Returns the reason when
// invalid.
std::optional<std::string> CheckBase64Url(std::string_view text) {
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) {
      if (c == '=') {
        return std::string(
            "data value has '=' padding (base64url without "
            "padding expected)");
      }
      if (c == '+' || c == '/') {
        return "data value uses base64 " + QuoteText(std::string_view(&c, 1)) +
               " (base64url without padding expected: - and _)";
      }
      return "data value contains " + QuoteText(std::string_view(&c, 1)) +
             " (base64url without padding expected)";
    }
  }
  if (text.size() % 4 == 1) {
    return "data value of " + std::to_string(text.size()) +
           " characters is not valid base64url (length 1 mod 4)";
  }
  return std::nullopt;
}

// RFC 8428 section 4.5.1: A-Z a-z 0-9 - : . / _, starting with a letter or
// digit. Returns the reason when invalid.
std::optional<std::string> CheckName(std::string_view name) {
  if (name.empty()) return std::string("resolved name (bn + n) is empty");
  auto alnum = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9');
  };
  if (!alnum(name[0])) {
    return "resolved name " + QuoteText(name) +
           " must start with a letter or digit";
  }
  for (char c : name) {
    if (!alnum(c) && c != '-' && c != ':' && c != '.' && c != '/' && c != '_') {
      return "resolved name " + QuoteText(name) + " contains " +
             QuoteText(std::string_view(&c, 1)) +
             " (allowed: letters, digits, - : . / _)";
    }
  }
  return std::nullopt;
}

class PackDecoder {
 public:
  PackDecoder(const SenmlOptions& options, DecodedBatch* out)
      : options_(options),
        out_(out),
        line_(out),
        measurement_(out->arena.Copy(options.measurement)) {}

  void DecodeRecord(size_t index, const json& record);

 private:
  // Records an error for the current record and returns false.
  bool Fail(std::string_view label, std::string reason) {
    out_->errors.push_back(
        MakeError(DecodeUnit::kRecord, index_,
                  label.empty() ? DecodeElement::kLine : DecodeElement::kMember,
                  std::string(label), std::move(reason)));
    return false;
  }
  bool TypeError(std::string_view label, const json& value,
                 std::string_view expected) {
    return Fail(label, "expected " + std::string(expected) + ", got " +
                           JsonShown(value));
  }
  // Updates the base fields from `record`; false after reporting an error.
  bool ApplyBases(const json& record);
  template <typename T>
  bool CheckSlot(const BaseSlot<T>& slot, std::string_view label) {
    if (!slot.bad_record) return true;
    return Fail(label, "base field is invalid since record " +
                           std::to_string(*slot.bad_record));
  }

  const SenmlOptions& options_;
  DecodedBatch* out_;
  LineBuilder line_;
  Bases bases_;
  size_t index_ = 0;
  std::string_view measurement_;  // in the arena: the batch outlives options
};

bool PackDecoder::ApplyBases(const json& record) {
  bool ok = true;
  auto string_base = [&](const char* label, BaseSlot<std::string_view>* slot) {
    const json* v = Member(record, label);
    if (v == nullptr) return;
    if (!v->is_string()) {
      slot->bad_record = index_;
      ok = TypeError(label, *v, "a string") && ok;
      return;
    }
    slot->value = out_->arena.Copy(v->get_ref<const std::string&>());
    slot->bad_record.reset();
  };
  auto number_base = [&](const char* label, BaseSlot<double>* slot) {
    const json* v = Member(record, label);
    if (v == nullptr) return;
    if (!v->is_number()) {
      slot->bad_record = index_;
      ok = TypeError(label, *v, "a number") && ok;
      return;
    }
    slot->value = v->get<double>();
    slot->bad_record.reset();
  };
  string_base("bn", &bases_.name);
  number_base("bt", &bases_.time);
  string_base("bu", &bases_.unit);
  number_base("bv", &bases_.value);
  number_base("bs", &bases_.sum);
  if (const json* v = Member(record, "bver"); v != nullptr) {
    if (!v->is_number_unsigned() || v->get<uint64_t>() == 0) {
      bases_.version.bad_record = index_;
      ok = TypeError("bver", *v, "a positive integer") && ok;
    } else if (v->get<uint64_t>() > static_cast<uint64_t>(kSenmlMaxVersion)) {
      bases_.version.bad_record = index_;
      ok = Fail("bver", "SenML version " + v->dump() +
                            " is not supported (highest: " +
                            std::to_string(kSenmlMaxVersion) + ")") &&
           ok;
    } else if (bases_.pack_version &&
               *bases_.pack_version != v->get<int64_t>()) {
      bases_.version.bad_record = index_;
      ok = Fail("bver", "bver " + v->dump() + " differs from bver " +
                            std::to_string(*bases_.pack_version) +
                            " of this pack (one version per pack)") &&
           ok;
    } else {
      bases_.version.value = v->get<int64_t>();
      bases_.version.bad_record.reset();
      bases_.pack_version = bases_.version.value;
    }
  }
  return ok;
}

void PackDecoder::DecodeRecord(size_t index, const json& record) {
  index_ = index;
  if (!record.is_object()) {
    TypeError("", record, "a record (JSON object)");
    return;
  }
  if (bases_.unknown_base_record) {
    Fail(bases_.unknown_base_label,
         "must-understand base label in record " +
             std::to_string(*bases_.unknown_base_record) +
             " is not supported; it applies to the rest of the pack");
    return;
  }
  // RFC 8428 section 4.4: labels ending in '_' must be understood; we
  // understand none. A base one ('b' prefix) taints the rest of the pack.
  for (const auto& [label, value] : record.items()) {
    if (!label.empty() && label.back() == '_') {
      if (label[0] == 'b') {
        bases_.unknown_base_record = index;
        bases_.unknown_base_label = label;
      }
      Fail(label, "must-understand label is not supported");
      return;
    }
  }
  if (!ApplyBases(record)) return;
  if (!CheckSlot(bases_.version, "bver") || !CheckSlot(bases_.name, "bn") ||
      !CheckSlot(bases_.time, "bt") || !CheckSlot(bases_.unit, "bu")) {
    return;
  }

  // Regular fields: types first, so every error names its label.
  const json* n = Member(record, "n");
  const json* u = Member(record, "u");
  const json* t = Member(record, "t");
  const json* ut = Member(record, "ut");
  const json* v = Member(record, "v");
  const json* vs = Member(record, "vs");
  const json* vb = Member(record, "vb");
  const json* vd = Member(record, "vd");
  const json* s = Member(record, "s");
  if (n != nullptr && !n->is_string()) {
    TypeError("n", *n, "a string");
    return;
  }
  if (u != nullptr && !u->is_string()) {
    TypeError("u", *u, "a string");
    return;
  }
  for (auto [label, value] : {std::pair{"t", t}, std::pair{"ut", ut},
                              std::pair{"v", v}, std::pair{"s", s}}) {
    if (value != nullptr && !value->is_number()) {
      TypeError(label, *value, "a number");
      return;
    }
  }
  if (vs != nullptr && !vs->is_string()) {
    TypeError("vs", *vs, "a string");
    return;
  }
  if (vb != nullptr && !vb->is_boolean()) {
    TypeError("vb", *vb, "a boolean");
    return;
  }
  if (vd != nullptr && !vd->is_string()) {
    TypeError("vd", *vd, "a string (base64url data)");
    return;
  }
  if (vd != nullptr) {
    if (auto why = CheckBase64Url(vd->get_ref<const std::string&>())) {
      Fail("vd", *why);
      return;
    }
  }
  const int value_fields =
      (v != nullptr) + (vs != nullptr) + (vb != nullptr) + (vd != nullptr);
  if (value_fields > 1) {
    Fail("", "more than one value field (v, vs, vb, vd)");
    return;
  }
  if (value_fields == 0 && s == nullptr) {
    Fail("", "record has neither a value (v, vs, vb, vd) nor a sum (s)");
    return;
  }
  if (v != nullptr && !CheckSlot(bases_.value, "bv")) return;
  if (s != nullptr && !CheckSlot(bases_.sum, "bs")) return;

  // Name: bn + n.
  std::string_view local =
      n != nullptr ? std::string_view(n->get_ref<const std::string&>())
                   : std::string_view();
  std::string_view name = bases_.name.value;
  if (!local.empty()) {
    char* p = out_->arena.Allocate(name.size() + local.size());
    std::copy(name.begin(), name.end(), p);
    std::copy(local.begin(), local.end(), p + name.size());
    name = std::string_view(p, name.size() + local.size());
  }
  if (auto bad = CheckName(name)) {
    Fail(n != nullptr ? "n" : "bn", std::move(*bad));
    return;
  }

  // Time: bt + t, each converted on its own to keep ns precision.
  const double t_s = t != nullptr ? t->get<double>() : 0.0;
  auto base_ns = SecondsToNs(bases_.time.value);
  auto t_ns = SecondsToNs(t_s);
  int64_t time_ns = 0;
  if (!base_ns || !t_ns || __builtin_add_overflow(*base_ns, *t_ns, &time_ns)) {
    Fail(t != nullptr ? "t" : "bt", "time is outside years 1677..2262");
    return;
  }
  if (bases_.time.value + t_s < kRelativeTimeLimit &&
      __builtin_add_overflow(time_ns, options_.now_ns, &time_ns)) {
    Fail(t != nullptr ? "t" : "bt", "relative time is out of range");
    return;
  }

  std::string_view unit =
      u != nullptr ? out_->arena.Copy(u->get_ref<const std::string&>())
                   : bases_.unit.value;

  line_.Begin(measurement_, time_ns, index);
  line_.AddTag("name", name);
  if (options_.unit_tag && !unit.empty()) line_.AddTag("unit", unit);
  if (v != nullptr) {
    line_.AddField("value",
                   FieldValue::Float(v->get<double>() + bases_.value.value));
  } else if (vs != nullptr) {
    line_.AddField("value", FieldValue::String(out_->arena.Copy(
                                vs->get_ref<const std::string&>())));
  } else if (vb != nullptr) {
    line_.AddField("value", FieldValue::Bool(vb->get<bool>()));
  } else if (vd != nullptr) {
    line_.AddField("value", FieldValue::String(out_->arena.Copy(
                                vd->get_ref<const std::string&>())));
  }
  if (s != nullptr) {
    line_.AddField("sum",
                   FieldValue::Float(s->get<double>() + bases_.sum.value));
  }
  const uint32_t line_index = line_.Commit();
  if (!unit.empty()) {
    DecodedSeriesMeta meta;
    meta.line_index = line_index;
    meta.unit = unit;
    out_->series_meta.push_back(meta);
  }
}

}  // namespace

void DecodeSenml(std::string_view body, const SenmlOptions& options,
                 DecodedBatch* out) {
  out->Clear();
  out->line_unit = DecodeUnit::kRecord;
  auto doc = ParseJsonPayload(body, out);
  if (!doc) return;
  if (!doc->is_array()) {
    out->errors.push_back(MessageError(
        "a SenML pack must be a JSON array, got " + JsonShown(*doc)));
    return;
  }
  if (doc->empty()) {
    out->errors.push_back(MessageError(
        "a SenML pack needs at least one record (RFC 8428 section 4), got []"));
    return;
  }
  PackDecoder decoder(options, out);
  for (size_t i = 0; i < doc->size(); ++i) decoder.DecodeRecord(i, (*doc)[i]);
}

}  // namespace citynexus::connectors
