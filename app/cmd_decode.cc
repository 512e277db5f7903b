#include "app/cmd_decode.h"

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cmd_common.h"
#include "app/cmd_line_chunks.h"
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

}  // namespace

int RunDecode(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err) {
  Args parsed;
  if (auto problem =
          ParseArgs(args, {"--format", "--precision", "--now"}, &parsed)) {
    return UsageError("decode", kDecodeUsage, *problem, err);
  }
  if (parsed.help) {
    out << kDecodeUsage;
    return kExitOk;
  }
  if (parsed.positional.size() > 1) {
    return UsageError("decode", kDecodeUsage,
                      "unexpected argument " + parsed.positional[1], err);
  }
  if (auto it = parsed.flags.find("--format"); it != parsed.flags.end()) {
    if (auto problem = FormatProblem(it->second)) {
      return UsageError("decode", kDecodeUsage, *problem, err);
    }
  }
  connectors::LineProtocolOptions options;
  if (auto it = parsed.flags.find("--precision"); it != parsed.flags.end()) {
    Result<connectors::Precision> precision = ParsePrecisionFlag(it->second);
    if (!precision) {
      return UsageError("decode", kDecodeUsage, precision.error().message(),
                        err);
    }
    options.precision = *precision;
  }
  if (auto it = parsed.flags.find("--now"); it != parsed.flags.end()) {
    std::optional<int64_t> now = ParseInt64Flag(it->second);
    if (!now) {
      return UsageError(
          "decode", kDecodeUsage,
          "--now must be an integer (ns since the epoch), got \"" + it->second +
              "\"",
          err);
    }
    options.default_time_ns = *now;
  } else {
    options.default_time_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count();
  }
  const std::string path =
      parsed.positional.empty() ? "-" : parsed.positional[0];
  Result<std::unique_ptr<LineChunkReader>> reader =
      LineChunkReader::Open(path, kDecodeChunkLines);
  if (!reader) {
    err << "citynexus: " << reader.error().message() << "\n";
    return kExitFailure;
  }
  connectors::DecodedBatch batch;
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
    connectors::DecodeLineProtocol(chunk, options, &batch);
    errors += PrintChunk(batch, lines_before, out);
  }
  out.flush();
  return errors == 0 ? kExitOk : kExitFailure;
}

}  // namespace citynexus::app
