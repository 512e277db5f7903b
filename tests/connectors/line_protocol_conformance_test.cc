// Runs the influxdata/line-protocol conformance corpus (every "decode" case)
// through DecodeLineProtocol and requires high agreement. The corpus lives in
// the shared test data (CITYNEXUS_SHARED_DIR); without it the test warns and
// passes, so a checkout without shared data still builds and tests.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/decoders/line_protocol.h"

namespace citynexus::connectors {
namespace {

const char* const kCorpusPath =
    CITYNEXUS_SHARED_DIR "/conformance/influx-line-protocol/corpus.json";

std::string Base64Decode(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) continue;  // '=' padding and whitespace
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 120)) {
    if (c >= 32 && c < 127 && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > 120) out += "...";
  return out;
}

// Empty when the value matches, else what differs.
std::string CompareValue(const nlohmann::json& want, const FieldValue& got) {
  if (want.contains("float")) {
    if (got.kind != FieldValue::Kind::kFloat) return "want float";
    double w = want["float"].get<double>();
    if (w != got.float_value()) return "float differs";
    return "";
  }
  if (want.contains("int")) {
    if (got.kind != FieldValue::Kind::kInt) return "want int";
    if (want["int"].get<int64_t>() != got.int_value()) return "int differs";
    return "";
  }
  if (want.contains("uint")) {
    if (got.kind != FieldValue::Kind::kUint) return "want uint";
    if (want["uint"].get<uint64_t>() != got.uint_value()) return "uint differs";
    return "";
  }
  if (want.contains("bool")) {
    if (got.kind != FieldValue::Kind::kBool) return "want bool";
    if (want["bool"].get<bool>() != got.bool_value()) return "bool differs";
    return "";
  }
  if (want.contains("string")) {
    if (got.kind != FieldValue::Kind::kString) return "want string";
    if (want["string"].get<std::string>() != got.string_value()) {
      return "string differs: got \"" + Printable(got.string_value()) + "\"";
    }
    return "";
  }
  return "unknown expected value kind";
}

// Empty when `batch` matches the expected points, else the first difference.
std::string CompareResult(const nlohmann::json& want,
                          const DecodedBatch& batch) {
  if (!batch.errors.empty()) {
    return "unexpected error: " + batch.errors.front().ToString();
  }
  if (want.size() != batch.lines.size()) {
    return "want " + std::to_string(want.size()) + " points, got " +
           std::to_string(batch.lines.size());
  }
  for (size_t i = 0; i < want.size(); ++i) {
    const auto& w = want[i];
    const DecodedLine& line = batch.lines[i];
    if (w["name"].get<std::string>() != line.measurement) {
      return "measurement differs: got \"" + Printable(line.measurement) + "\"";
    }
    if (w["time"].get<int64_t>() != line.timestamp_ns) {
      return "time differs: got " + std::to_string(line.timestamp_ns);
    }
    auto tags = batch.TagsOf(line);
    if (w["tags"].size() != tags.size()) return "tag count differs";
    for (size_t t = 0; t < tags.size(); ++t) {
      if (w["tags"][t]["key"].get<std::string>() != tags[t].key ||
          w["tags"][t]["value"].get<std::string>() != tags[t].value) {
        return "tag " + std::to_string(t) + " differs: got \"" +
               Printable(tags[t].key) + "\"=\"" + Printable(tags[t].value) +
               "\"";
      }
    }
    auto fields = batch.FieldsOf(line);
    if (w["fields"].size() != fields.size()) return "field count differs";
    for (size_t f = 0; f < fields.size(); ++f) {
      if (w["fields"][f]["key"].get<std::string>() != fields[f].key) {
        return "field key differs: got \"" + Printable(fields[f].key) + "\"";
      }
      std::string diff = CompareValue(w["fields"][f]["value"], fields[f].value);
      if (!diff.empty())
        return "field \"" + Printable(fields[f].key) + "\": " + diff;
    }
  }
  return "";
}

TEST_CASE("line protocol decoder agrees with the influxdata conformance corpus",
          "[connectors][line_protocol][conformance]") {
  std::ifstream file(kCorpusPath);
  if (!file) {
    WARN("line protocol corpus not found at "
         << kCorpusPath << " - skipping conformance test");
    return;
  }
  nlohmann::json corpus = nlohmann::json::parse(file);
  const auto& cases = corpus.at("decode");
  REQUIRE(cases.size() > 0);

  size_t total = 0, agree = 0, nonfuzz_total = 0, nonfuzz_agree = 0;
  std::vector<std::string> disagreements;
  DecodedBatch batch;
  for (const auto& [key, entry] : cases.items()) {
    const auto& input = entry.at("input");
    const auto& output = entry.at("output");
    std::string text;
    if (input.at("text").is_string()) {
      text = input["text"].get<std::string>();
    } else {
      text = Base64Decode(input["text"].at("binary").get<std::string>());
    }
    const std::string precision_name = input.at("precision").get<std::string>();
    LineProtocolOptions options;
    if (precision_name == "1ns") {
      options.precision = Precision::kNanosecond;
    } else if (precision_name == "1µs" || precision_name == "1us") {
      options.precision = Precision::kMicrosecond;
    } else if (precision_name == "1ms") {
      options.precision = Precision::kMillisecond;
    } else if (precision_name == "1s") {
      options.precision = Precision::kSecond;
    } else {
      FAIL("unknown precision in corpus: " << precision_name);
    }
    options.default_time_ns = input.value("defaultTime", int64_t{0});
    const bool fuzz = input.value("implementation", std::string()) == "fuzz";

    DecodeLineProtocol(text, options, &batch);
    std::string diff;
    if (output.contains("error")) {
      if (batch.errors.empty()) {
        diff = "want an error (" + output["error"].get<std::string>() +
               "), got " + std::to_string(batch.lines.size()) + " points";
      }
    } else {
      diff = CompareResult(output.at("result"), batch);
    }
    ++total;
    if (!fuzz) ++nonfuzz_total;
    if (diff.empty()) {
      ++agree;
      if (!fuzz) ++nonfuzz_agree;
    } else {
      disagreements.push_back((fuzz ? "[fuzz] " : "[") +
                              input.value("implementation", std::string()) +
                              "] " + key + " \"" + Printable(text) +
                              "\": " + diff);
    }
  }

  std::ostringstream report;
  report << "line protocol conformance: " << agree << "/" << total
         << " cases agree (" << nonfuzz_agree << "/" << nonfuzz_total
         << " non-fuzz); disagreements:";
  for (const auto& d : disagreements) report << "\n  " << d;
  WARN(report.str());

  CHECK(nonfuzz_agree * 100 >= nonfuzz_total * 99);
  CHECK(agree * 100 >= total * 97);
}

}  // namespace
}  // namespace citynexus::connectors
