// Mapped JSON decoder; see json_mapping.h and docs/formats.md.
#include "connectors/decoders/json_mapping.h"

#include <string>
#include <vector>

#include "connectors/decoders/json_util.h"

namespace citynexus::connectors {
namespace {

using nlohmann::json;

// The rule with its pointers parsed once per decode.
struct CompiledRule {
  JsonPointer records;
  bool has_time = false;
  JsonPointer time;
  std::vector<JsonPointer> fields;  // parallel to rule.fields
  std::vector<JsonPointer> tags;    // parallel to rule.tags
};

Result<CompiledRule> Compile(const JsonMappingRule& rule) {
  CITYNEXUS_RETURN_IF_ERROR(CheckMappedNames(rule));
  CompiledRule compiled;
  auto pointer = [](std::string_view what, const std::string& text,
                    JsonPointer* out) -> Status {
    auto p = ParsePointer(text);
    if (!p) return p.error().WithContext("mapping: " + std::string(what));
    *out = std::move(*p);
    return Status::Ok();
  };
  CITYNEXUS_RETURN_IF_ERROR(
      pointer("records", rule.records, &compiled.records));
  compiled.has_time = !rule.time.empty();
  if (compiled.has_time) {
    CITYNEXUS_RETURN_IF_ERROR(pointer("time", rule.time, &compiled.time));
  }
  for (const MappedField& field : rule.fields) {
    compiled.fields.emplace_back();
    CITYNEXUS_RETURN_IF_ERROR(pointer("field \"" + field.name + "\"",
                                      field.source, &compiled.fields.back()));
  }
  for (const MappedTag& tag : rule.tags) {
    compiled.tags.emplace_back();
    CITYNEXUS_RETURN_IF_ERROR(
        pointer("tag \"" + tag.name + "\"", tag.source, &compiled.tags.back()));
  }
  return compiled;
}

// Shows a pointer in messages; the root pointer "" reads badly.
std::string ShowPointer(const std::string& pointer) {
  return pointer.empty() ? "the record" : pointer;
}

class RecordDecoder {
 public:
  RecordDecoder(const JsonMappingRule& rule, const CompiledRule& compiled,
                int64_t now_ns, DecodedBatch* out)
      : rule_(rule),
        compiled_(compiled),
        now_ns_(now_ns),
        out_(out),
        line_(out),
        names_(rule, &out->arena) {}

  void Decode(size_t index, const json& record);

 private:
  void Fail(size_t index, DecodeElement element, std::string name,
            std::string reason) {
    line_.Abort();
    out_->errors.push_back(MakeError(DecodeUnit::kRecord, index, element,
                                     std::move(name), std::move(reason)));
  }

  const JsonMappingRule& rule_;
  const CompiledRule& compiled_;
  int64_t now_ns_;
  DecodedBatch* out_;
  LineBuilder line_;
  MappedNames names_;
};

void RecordDecoder::Decode(size_t index, const json& record) {
  int64_t time_ns = now_ns_;
  if (compiled_.has_time) {
    const json* t = Find(record, compiled_.time);
    if (t == nullptr || t->is_null()) {
      Fail(index, DecodeElement::kTimestamp, "", rule_.time + ": missing");
      return;
    }
    Result<int64_t> ns = Status::InvalidArgument("");
    if (t->is_string()) {
      ns = ParseTimeText(t->get_ref<const std::string&>(), rule_.time_format);
    } else if (t->is_number_integer() || t->is_number_unsigned()) {
      ns = t->is_number_unsigned() && t->get<uint64_t>() > INT64_MAX
               ? Result<int64_t>(Status::InvalidArgument("out of range"))
               : EpochIntegerToNs(t->get<int64_t>(), rule_.time_format);
    } else if (t->is_number_float()) {
      ns = EpochNumberToNs(t->get<double>(), rule_.time_format);
    } else {
      ns = Status::InvalidArgument(JsonShown(*t) + " is not a time");
    }
    if (!ns) {
      Fail(index, DecodeElement::kTimestamp, "",
           rule_.time + ": " + ns.error().message());
      return;
    }
    time_ns = *ns;
  }
  line_.Begin(names_.measurement, time_ns, index);
  for (size_t i = 0; i < rule_.tags.size(); ++i) {
    const MappedTag& tag = rule_.tags[i];
    const json* v = Find(record, compiled_.tags[i]);
    if (v == nullptr || v->is_null()) {
      Fail(index, DecodeElement::kTagValue, tag.name,
           ShowPointer(tag.source) + ": missing");
      return;
    }
    auto text = JsonTagText(*v, &out_->arena);
    if (!text) {
      Fail(index, DecodeElement::kTagValue, tag.name,
           ShowPointer(tag.source) + ": " + text.error().message());
      return;
    }
    if (text->empty()) {
      Fail(index, DecodeElement::kTagValue, tag.name,
           ShowPointer(tag.source) + ": empty");
      return;
    }
    line_.AddTag(names_.tags[i], *text);
  }
  for (size_t i = 0; i < rule_.fields.size(); ++i) {
    const MappedField& field = rule_.fields[i];
    const json* v = Find(record, compiled_.fields[i]);
    if (v == nullptr || v->is_null()) continue;
    auto value = JsonToMapped(*v, field.type, &out_->arena);
    if (!value) {
      Fail(index, DecodeElement::kFieldValue, field.name,
           ShowPointer(field.source) + ": " + value.error().message());
      return;
    }
    line_.AddField(names_.fields[i], *value);
  }
  if (line_.field_count() == 0) {
    Fail(index, DecodeElement::kLine, "",
         "none of the mapped fields is present");
    return;
  }
  line_.Commit();
}

}  // namespace

Status ValidateJsonMappingRule(const JsonMappingRule& rule) {
  return Compile(rule).status();
}

Status DecodeMappedJson(std::string_view body, const JsonMappingRule& rule,
                        int64_t now_ns, DecodedBatch* out) {
  out->Clear();
  out->line_unit = DecodeUnit::kRecord;
  CITYNEXUS_ASSIGN_OR_RETURN(auto compiled, Compile(rule));
  auto doc = ParseJsonPayload(body, out);
  if (!doc) return Status::Ok();
  const json* records = Find(*doc, compiled.records);
  if (records == nullptr || !(records->is_array() || records->is_object())) {
    out->errors.push_back(MessageError(
        "records " + (rule.records.empty() ? "(the root)" : rule.records) +
        ": " +
        (records == nullptr
             ? std::string("missing")
             : "expected an array or object, got " + JsonShown(*records))));
    return Status::Ok();
  }
  RecordDecoder decoder(rule, compiled, now_ns, out);
  if (records->is_object()) {
    decoder.Decode(0, *records);
  } else {
    for (size_t i = 0; i < records->size(); ++i) {
      decoder.Decode(i, (*records)[i]);
    }
  }
  return Status::Ok();
}

}  // namespace citynexus::connectors
