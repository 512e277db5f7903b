#include "app/cmd/decode.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cmd/common.h"
#include "app/cmd/line_chunks.h"
#include "app/config/mapping_options.h"
#include "common/clock.h"
#include "connectors/connectors.h"

namespace citynexus::app {
namespace {

// Lines per decoded chunk: bounds memory on large inputs.
constexpr size_t kDecodeChunkLines = 4096;

nlohmann::ordered_json ValueJson(const connectors::FieldValue& value) {
  using Kind = connectors::FieldValue::Kind;
  switch (value.kind) {
    case Kind::kFloat:
      return value.float_value();
    case Kind::kInt:
      return value.int_value();
    case Kind::kUint:
      return value.uint_value();
    case Kind::kBool:
      return value.bool_value();
    case Kind::kString:
      return std::string(value.string_value());
  }
  return nullptr;
}

// Dumps without throwing: invalid UTF-8 never reaches here from the line
// protocol decoder, but a replacement character beats an exception.
std::string Dump(const nlohmann::ordered_json& doc) {
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Prints the points and errors of one decoded chunk in input order; line
// numbers are shifted by `lines_before`. Returns the number of errors.
size_t PrintChunk(const connectors::DecodedBatch& batch, uint64_t lines_before,
                  std::ostream& out) {
  size_t next_error = 0;
  auto print_errors_before = [&](size_t line) {
    while (next_error < batch.errors.size() &&
           batch.errors[next_error].line < line) {
      connectors::DecodeError error = batch.errors[next_error++];
      error.line += lines_before;
      nlohmann::ordered_json doc;
      doc["error"] = error.ToString();
      doc["line"] = error.line;
      out << Dump(doc) << "\n";
    }
  };
  for (const connectors::DecodedLine& line : batch.lines) {
    print_errors_before(line.line_number);
    nlohmann::ordered_json tags = nlohmann::ordered_json::object();
    for (const connectors::DecodedTag& tag : batch.TagsOf(line)) {
      tags[std::string(tag.key)] = std::string(tag.value);
    }
    for (const connectors::DecodedField& field : batch.FieldsOf(line)) {
      nlohmann::ordered_json doc;
      doc["measurement"] = std::string(line.measurement);
      doc["tags"] = tags;
      doc["field"] = std::string(field.key);
      doc["type"] = std::string(connectors::FieldKindName(field.value.kind));
      doc["value"] = ValueJson(field.value);
      doc["time_ns"] = line.timestamp_ns;
      out << Dump(doc) << "\n";
    }
  }
  print_errors_before(SIZE_MAX);
  return batch.errors.size();
}

// Formats decoded as one document: the whole input is read first.
constexpr uint64_t kMaxDocumentBytes = uint64_t{256} << 20;

// The --mapping FILE of json and csv; prints every problem (naming the file
// and the key) and returns nullopt when it cannot be used.
std::optional<connectors::IngestSource> ReadMapping(
    const std::string& path, connectors::IngestSource::Format format,
    std::ostream& err) {
  Result<std::string> text = LineChunkReader::ReadAll(path, 1 << 20);
  if (!text) {
    err << "citynexus: " << text.error().message() << "\n";
    return std::nullopt;
  }
  Result<connectors::IngestSource> mapping = MappingFromJsonText(*text, format);
  if (!mapping) {
    PrintConfigErrors(mapping.error(), path, {}, err);
    return std::nullopt;
  }
  return std::move(*mapping);
}

// What the flags ask for besides the input.
struct DecodeRequest {
  std::string format = "line_protocol";
  connectors::LineProtocolOptions line_protocol;
  int64_t now_ns = 0;
  connectors::IngestSource mapping;  // json, csv
  std::string measurement;           // senml, ttn, gbfs, value
  std::string field;                 // value
  std::string information;           // gbfs: station_information body
};

// Decodes a whole document of a non-line-protocol format.
void DecodeDocument(const DecodeRequest& request, std::string_view body,
                    connectors::DecodedBatch* batch) {
  using connectors::DecodeElement;
  const std::string& format = request.format;
  Status status;
  if (format == "senml") {
    connectors::SenmlOptions options;
    if (!request.measurement.empty()) options.measurement = request.measurement;
    options.now_ns = request.now_ns;
    connectors::DecodeSenml(body, options, batch);
  } else if (format == "ttn") {
    connectors::TtnOptions options;
    if (!request.measurement.empty()) options.measurement = request.measurement;
    connectors::DecodeTtnUplink(body, options, batch);
  } else if (format == "gbfs") {
    connectors::GbfsOptions options;
    if (!request.measurement.empty()) options.measurement = request.measurement;
    connectors::DecodeGbfsStationStatus(body, request.information, options,
                                        batch);
  } else if (format == "json") {
    status = connectors::DecodeMappedJson(body, request.mapping.json,
                                          request.now_ns, batch);
  } else if (format == "csv") {
    status = connectors::DecodeMappedCsv(body, request.mapping.csv,
                                         request.now_ns, batch);
  } else if (format == "value") {
    connectors::PlainValueOptions options;
    options.measurement = request.measurement;
    options.field = request.field;
    options.timestamp_ns = request.now_ns;
    // A payload of one value may end with a line feed (echo, files).
    std::string_view value = body;
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
      value.remove_suffix(1);
    }
    status = connectors::DecodePlainValue(value, options, batch);
  }
  if (!status.ok()) {
    batch->errors.push_back({0, DecodeElement::kLine, "", status.message(),
                             connectors::DecodeUnit::kMessage});
  }
}

int RunDecode(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err) {
  Args parsed;
  if (auto done = ParseCommandLine(
          kDecodeCommand,
          {.values = {"--format", "--precision", "--now", "--mapping",
                      "--measurement", "--field", "--information"},
           .max_positional = 1},
          args, &parsed, out, err)) {
    return *done;
  }
  DecodeRequest request;
  if (auto it = parsed.flags.find("--format"); it != parsed.flags.end()) {
    if (auto problem =
            FormatProblem(it->second, {"line_protocol", "senml", "ttn", "gbfs",
                                       "json", "csv", "value"})) {
      return UsageError(kDecodeCommand, *problem, err);
    }
    request.format = it->second;
  }
  const std::string& format = request.format;
  // Each flag belongs to some formats only; a flag the format ignores is a
  // mistake worth saying.
  struct FlagUse {
    const char* flag;
    std::vector<std::string_view> formats;
  };
  const FlagUse uses[] = {
      {"--precision", {"line_protocol"}},
      {"--mapping", {"json", "csv"}},
      {"--measurement", {"senml", "ttn", "gbfs", "value"}},
      {"--field", {"value"}},
      {"--information", {"gbfs"}},
  };
  for (const FlagUse& use : uses) {
    if (parsed.Has(use.flag) &&
        std::find(use.formats.begin(), use.formats.end(), format) ==
            use.formats.end()) {
      return UsageError(
          kDecodeCommand,
          std::string(use.flag) + " does not apply to --format " + format, err);
    }
  }
  if ((format == "json" || format == "csv") && !parsed.Has("--mapping")) {
    return UsageError(kDecodeCommand,
                      "--format " + format + " needs --mapping FILE", err);
  }
  if (format == "value" &&
      (!parsed.Has("--measurement") || !parsed.Has("--field"))) {
    return UsageError(kDecodeCommand,
                      "--format value needs --measurement and --field", err);
  }
  if (auto it = parsed.flags.find("--measurement"); it != parsed.flags.end()) {
    request.measurement = it->second;
  }
  if (auto it = parsed.flags.find("--field"); it != parsed.flags.end()) {
    request.field = it->second;
  }
  if (auto it = parsed.flags.find("--precision"); it != parsed.flags.end()) {
    Result<connectors::Precision> precision = ParsePrecisionFlag(it->second);
    if (!precision) {
      return UsageError(kDecodeCommand, precision.error().message(), err);
    }
    request.line_protocol.precision = *precision;
  }
  if (auto it = parsed.flags.find("--now"); it != parsed.flags.end()) {
    std::optional<int64_t> now = ParseInt64Flag(it->second);
    if (!now) {
      return UsageError(
          kDecodeCommand,
          "--now must be an integer (ns since the epoch), got \"" + it->second +
              "\"",
          err);
    }
    request.now_ns = *now;
  } else {
    request.now_ns = UnixNowNs();
  }
  request.line_protocol.default_time_ns = request.now_ns;
  if (auto it = parsed.flags.find("--mapping"); it != parsed.flags.end()) {
    std::optional<connectors::IngestSource> mapping =
        ReadMapping(it->second,
                    format == "csv" ? connectors::IngestSource::Format::kCsv
                                    : connectors::IngestSource::Format::kJson,
                    err);
    if (!mapping) return kExitFailure;
    request.mapping = std::move(*mapping);
  }
  if (auto it = parsed.flags.find("--information"); it != parsed.flags.end()) {
    Result<std::string> text =
        LineChunkReader::ReadAll(it->second, kMaxDocumentBytes);
    if (!text) {
      err << "citynexus: " << text.error().message() << "\n";
      return kExitFailure;
    }
    request.information = std::move(*text);
  }
  const std::string path =
      parsed.positional.empty() ? "-" : parsed.positional[0];

  connectors::DecodedBatch batch;
  if (format != "line_protocol") {
    Result<std::string> body =
        LineChunkReader::ReadAll(path, kMaxDocumentBytes);
    if (!body) {
      err << "citynexus: " << body.error().message() << "\n";
      return kExitFailure;
    }
    DecodeDocument(request, *body, &batch);
    const size_t errors = PrintChunk(batch, 0, out);
    out.flush();
    return errors == 0 ? kExitOk : kExitFailure;
  }

  Result<std::unique_ptr<LineChunkReader>> reader =
      LineChunkReader::Open(path, kDecodeChunkLines);
  if (!reader) {
    err << "citynexus: " << reader.error().message() << "\n";
    return kExitFailure;
  }
  size_t errors = 0;
  std::string_view chunk;
  uint64_t lines_before = 0;
  while (true) {
    Result<bool> more = (*reader)->Next(&chunk, &lines_before);
    if (!more) {
      err << "citynexus: " << more.error().message() << "\n";
      return kExitFailure;
    }
    if (!*more) break;
    connectors::DecodeLineProtocol(chunk, request.line_protocol, &batch);
    errors += PrintChunk(batch, lines_before, out);
  }
  out.flush();
  return errors == 0 ? kExitOk : kExitFailure;
}

}  // namespace

const Command kDecodeCommand = {
    "decode",
    "decode a payload file, print its points and errors as JSON lines",
    "usage: citynexus decode [--format F] [--precision P] [--now NS]\n"
    "                        [--mapping FILE] [--measurement M] [--field F]\n"
    "                        [--information FILE] [FILE|-]\n"
    "\n"
    "Decodes FILE (or stdin when FILE is \"-\" or absent) and prints one JSON\n"
    "object per line on stdout, in input order: one per decoded point\n"
    "  {\"measurement\":..,\"tags\":{..},\"field\":..,\"type\":..,\"value\":..,"
    "\"time_ns\":..}\n"
    "and one per rejected entry\n"
    "  {\"error\":\"line 3: ...\",\"line\":3}\n"
    "where \"line\" is the 1-based line (line_protocol, csv), the 0-based\n"
    "record (senml, json), the 0-based station (gbfs), or 0 for the payload\n"
    "as a whole (ttn, value, a body that is not JSON).\n"
    "Exits 1 when anything was rejected, 0 otherwise.\n"
    "\n"
    "flags:\n"
    "  --format F       line_protocol (default), senml, ttn, gbfs, json, csv,\n"
    "                   value\n"
    "  --precision P    line_protocol: unit of the timestamps: ns (default),\n"
    "                   us, ms, s, m, h\n"
    "  --now NS         time of entries without one (and the base of SenML\n"
    "                   relative times), in ns since the epoch (default: now)\n"
    "  --mapping FILE   json, csv (required): a JSON object with the mapping\n"
    "                   keys of an ingest source (measurement, records, time,\n"
    "                   time_format, fields, tags, delimiter, ...)\n"
    "  --measurement M  value (required); senml, ttn, gbfs: replaces the\n"
    "                   default measurement\n"
    "  --field F        value (required): the field of the point\n"
    "  --information FILE  gbfs: station_information.json for capacity, name\n"
    "                   and position\n"
    "  -h, --help       show this help\n",
    RunDecode};

}  // namespace citynexus::app
