// Unit tests of connectors/decoders/line_protocol.{h,cc} and the shared
// decoder types in decoded.h: escaping contexts, value types and their edges,
// comments, line endings, timestamps and precision, error reporting.
#include "connectors/decoders/line_protocol.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace citynexus::connectors {
namespace {

// Decodes `body` with nanosecond precision and a fixed default time.
DecodedBatch Decode(std::string_view body,
                    Precision precision = Precision::kNanosecond,
                    int64_t default_time_ns = 42) {
  DecodedBatch batch;
  LineProtocolOptions options;
  options.precision = precision;
  options.default_time_ns = default_time_ns;
  DecodeLineProtocol(body, options, &batch);
  return batch;
}

// Decodes a body expected to hold exactly one good line and returns it.
struct OneLine {
  DecodedBatch batch;
  const DecodedLine& line() const { return batch.lines.at(0); }
  std::span<const DecodedTag> tags() const { return batch.TagsOf(line()); }
  std::span<const DecodedField> fields() const {
    return batch.FieldsOf(line());
  }
  const FieldValue& value(size_t i = 0) const { return fields()[i].value; }
};

OneLine DecodeOne(std::string_view body,
                  Precision precision = Precision::kNanosecond,
                  int64_t default_time_ns = 42) {
  OneLine one{Decode(body, precision, default_time_ns)};
  std::string errors;
  for (const auto& e : one.batch.errors) errors += e.ToString() + "\n";
  INFO("body: " << body << "\nerrors: " << errors);
  REQUIRE(one.batch.errors.empty());
  REQUIRE(one.batch.lines.size() == 1);
  return one;
}

// The first error's message for a body expected to be rejected.
std::string FirstError(std::string_view body) {
  DecodedBatch batch = Decode(body);
  INFO("body: " << body);
  REQUIRE_FALSE(batch.errors.empty());
  CHECK(batch.lines.empty());
  return batch.errors.front().ToString();
}

TEST_CASE("line protocol decodes a typical urban line with sorted tags",
          "[connectors][line_protocol]") {
  OneLine one = DecodeOne(
      "traffic,sensor=K12,district=Mitte vehicles=14i,speed=43.5 "
      "1704067200000000000");
  CHECK(one.line().measurement == "traffic");
  REQUIRE(one.tags().size() == 2);
  CHECK(one.tags()[0].key == "district");
  CHECK(one.tags()[0].value == "Mitte");
  CHECK(one.tags()[1].key == "sensor");
  CHECK(one.tags()[1].value == "K12");
  REQUIRE(one.fields().size() == 2);
  CHECK(one.fields()[0].key == "vehicles");
  CHECK(one.value(0).kind == FieldValue::Kind::kInt);
  CHECK(one.value(0).int_value() == 14);
  CHECK(one.fields()[1].key == "speed");
  CHECK(one.value(1).kind == FieldValue::Kind::kFloat);
  CHECK(one.value(1).float_value() == 43.5);
  CHECK(one.line().timestamp_ns == 1704067200000000000);
  CHECK(one.line().line_number == 1);
}

TEST_CASE("line protocol decodes an empty body to nothing",
          "[connectors][line_protocol]") {
  DecodedBatch batch = Decode("");
  CHECK(batch.lines.empty());
  CHECK(batch.errors.empty());
}

TEST_CASE("line protocol unescapes commas and spaces in measurements only",
          "[connectors][line_protocol][escaping]") {
  CHECK(DecodeOne("c\\ pu v=1").line().measurement == "c pu");
  CHECK(DecodeOne("c\\,pu v=1").line().measurement == "c,pu");
  // `=` and `\` are not escapable in a measurement: kept verbatim.
  CHECK(DecodeOne("c\\=pu v=1").line().measurement == "c\\=pu");
  CHECK(DecodeOne("cpu=load v=1").line().measurement == "cpu=load");
  CHECK(DecodeOne("c\\pu v=1").line().measurement == "c\\pu");
  // `\\` is not an escape: the first backslash stays, the second escapes ' '.
  CHECK(DecodeOne("c\\\\ pu v=1").line().measurement == "c\\ pu");
  CHECK(DecodeOne("\"cpu\" v=1").line().measurement == "\"cpu\"");
}

TEST_CASE("line protocol unescapes commas, equals and spaces in tags",
          "[connectors][line_protocol][escaping]") {
  OneLine one = DecodeOne("m,a\\ b\\,c\\=d=e\\ f\\,g\\=h v=1");
  REQUIRE(one.tags().size() == 1);
  CHECK(one.tags()[0].key == "a b,c=d");
  CHECK(one.tags()[0].value == "e f,g=h");
  CHECK(DecodeOne("m,k=two\\\\ words v=1").tags()[0].value == "two\\ words");
  CHECK(DecodeOne("m,k=eas\\t v=1").tags()[0].value == "eas\\t");
  CHECK(DecodeOne("m,k=1\\\"\\\" v=1").tags()[0].value == "1\\\"\\\"");
}

TEST_CASE("line protocol unescapes commas, equals and spaces in field keys",
          "[connectors][line_protocol][escaping]") {
  CHECK(DecodeOne("m va\\ lue=1").fields()[0].key == "va lue");
  CHECK(DecodeOne("m va\\,lue=1").fields()[0].key == "va,lue");
  CHECK(DecodeOne("m va\\=lue=1").fields()[0].key == "va=lue");
  CHECK(DecodeOne("m va\\lue=1").fields()[0].key == "va\\lue");
}

TEST_CASE("line protocol string fields unescape quotes and backslashes",
          "[connectors][line_protocol][escaping]") {
  CHECK(DecodeOne(R"(m s="a\"b")").value().string_value() == "a\"b");
  CHECK(DecodeOne(R"(m s="a\\b")").value().string_value() == "a\\b");
  CHECK(DecodeOne(R"(m s="a\\\"b")").value().string_value() == "a\\\"b");
  CHECK(DecodeOne(R"(m s="a\n\t\rb")").value().string_value() == "a\n\t\rb");
  // Any other backslash is literal.
  CHECK(DecodeOne(R"(m s="a\,b\x")").value().string_value() == "a\\,b\\x");
  CHECK(DecodeOne(R"(m s="foo bar,x=1")").value().string_value() ==
        "foo bar,x=1");
  CHECK(DecodeOne(R"(m s="")").value().string_value().empty());
  CHECK(DecodeOne("m s=\"w\xc3\xa8\"").value().string_value() == "w\xc3\xa8");
  CHECK(DecodeOne(R"(m s="x")").value().kind == FieldValue::Kind::kString);
}

TEST_CASE("line protocol string fields may span lines and keep line numbers",
          "[connectors][line_protocol]") {
  DecodedBatch batch = Decode("m s=\"a\nb\"\nm v=1x\nm v=2");
  REQUIRE(batch.lines.size() == 2);
  CHECK(batch.FieldsOf(batch.lines[0])[0].value.string_value() == "a\nb");
  CHECK(batch.lines[1].line_number == 4);
  REQUIRE(batch.errors.size() == 1);
  CHECK(batch.errors[0].line == 3);
}

TEST_CASE("line protocol integers cover the int64 range and reject overflow",
          "[connectors][line_protocol][types]") {
  CHECK(DecodeOne("m v=9223372036854775807i").value().int_value() ==
        std::numeric_limits<int64_t>::max());
  CHECK(DecodeOne("m v=-9223372036854775808i").value().int_value() ==
        std::numeric_limits<int64_t>::min());
  CHECK(DecodeOne("m v=0009223372036854775807i").value().int_value() ==
        std::numeric_limits<int64_t>::max());
  CHECK(DecodeOne("m v=-0i").value().int_value() == 0);
  CHECK(FirstError("m v=9223372036854775808i") ==
        "line 1: field \"v\": \"9223372036854775808i\" is out of the int64 "
        "range");
  CHECK(FirstError("m v=-9223372036854775809i").find("out of the int64") !=
        std::string::npos);
  CHECK(FirstError("m vehicles=14xi") ==
        "line 1: field \"vehicles\": \"14xi\" is not a valid integer");
  FirstError("m v=1.0i");
  FirstError("m v=-i");
  FirstError("m v=9e10i");
  FirstError("m v=1ii");
}

TEST_CASE("line protocol keeps unsigned integers distinct",
          "[connectors][line_protocol][types]") {
  const FieldValue max = DecodeOne("m v=18446744073709551615u").value();
  CHECK(max.kind == FieldValue::Kind::kUint);
  CHECK(max.uint_value() == std::numeric_limits<uint64_t>::max());
  CHECK(DecodeOne("m v=0u").value().uint_value() == 0);
  CHECK(FirstError("m v=18446744073709551616u").find("out of the uint64") !=
        std::string::npos);
  CHECK(FirstError("m v=-1u").find("not a valid unsigned integer") !=
        std::string::npos);
}

TEST_CASE("line protocol accepts every InfluxDB boolean spelling",
          "[connectors][line_protocol][types]") {
  for (const char* t : {"t", "T", "true", "True", "TRUE"}) {
    const FieldValue v = DecodeOne(std::string("m v=") + t).value();
    CHECK(v.kind == FieldValue::Kind::kBool);
    CHECK(v.bool_value());
  }
  for (const char* f : {"f", "F", "false", "False", "FALSE"}) {
    const FieldValue v = DecodeOne(std::string("m v=") + f).value();
    CHECK(v.kind == FieldValue::Kind::kBool);
    CHECK_FALSE(v.bool_value());
  }
  for (const char* bad : {"m v=tru", "m v=tRUE", "m v=fals", "m v=yes"}) {
    FirstError(bad);
  }
}

TEST_CASE("line protocol floats accept decimal and exponent forms only",
          "[connectors][line_protocol][types]") {
  struct Case {
    const char* text;
    double want;
  };
  const Case cases[] = {
      {"1", 1.0},        {"1.", 1.0},
      {".5", 0.5},       {"-0.64", -0.64},
      {"1e4", 1e4},      {"1E4", 1e4},
      {"1.0e-4", 1e-4},  {"-1.5e+10", -1.5e10},
      {"00012.5", 12.5}, {"1.7976931348623157e308", 1.7976931348623157e308},
      {"1e-400", 0.0},  // underflow reads as zero, as in InfluxDB
  };
  for (const Case& c : cases) {
    INFO(c.text);
    const FieldValue v = DecodeOne(std::string("m v=") + c.text).value();
    CHECK(v.kind == FieldValue::Kind::kFloat);
    CHECK(v.float_value() == c.want);
  }
  for (const char* bad :
       {"m v=NaN", "m v=-Inf", "m v=-inf", "m v=1e309", "m v=-", "m v=.",
        "m v=1.1.1", "m v=1_000", "m v=0x1p3", "m v=1e", "m v=42+3", "m v=.1a",
        "m v=-e-e"}) {
    FirstError(bad);
  }
  CHECK(FirstError("m v=1e309").find("out of the float64 range") !=
        std::string::npos);
}

TEST_CASE("line protocol skips comments and blank lines",
          "[connectors][line_protocol]") {
  DecodedBatch batch =
      Decode("# a comment\n\n   \nm v=1\n  # indented comment\n\nm v=2\n#");
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 2);
  CHECK(batch.lines[0].line_number == 4);
  CHECK(batch.lines[1].line_number == 7);
  // A control character inside a comment rejects that line only.
  batch = Decode("# bad\tcomment\nm v=1");
  REQUIRE(batch.errors.size() == 1);
  CHECK(batch.errors[0].line == 1);
  CHECK(batch.lines.size() == 1);
}

TEST_CASE("line protocol accepts CRLF line endings",
          "[connectors][line_protocol]") {
  DecodedBatch batch =
      Decode("m v=1 10\r\nm,t=a v=2\r\n# c\r\n\r\nm s=\"x\"  \r\n");
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 3);
  CHECK(batch.lines[0].timestamp_ns == 10);
  CHECK(batch.lines[1].line_number == 2);
  CHECK(batch.lines[2].line_number == 5);
  // A lone CR inside a line is not a line ending.
  CHECK(FirstError("m v=1\rx").find("unexpected text") != std::string::npos);
  FirstError("\rm v=1");
}

TEST_CASE("line protocol gives lines without timestamp the truncated default",
          "[connectors][line_protocol][time]") {
  const int64_t now = 1704067234123456789;
  struct Case {
    Precision precision;
    int64_t want;
  };
  const Case cases[] = {
      {Precision::kNanosecond, 1704067234123456789},
      {Precision::kMicrosecond, 1704067234123456000},
      {Precision::kMillisecond, 1704067234123000000},
      {Precision::kSecond, 1704067234000000000},
      {Precision::kMinute, 1704067200000000000},
      {Precision::kHour, 1704067200000000000},
  };
  for (const Case& c : cases) {
    INFO("precision " << static_cast<int>(c.precision));
    CHECK(DecodeOne("m v=1", c.precision, now).line().timestamp_ns == c.want);
  }
  // Before the epoch the default is floored, not rounded towards zero.
  CHECK(DecodeOne("m v=1", Precision::kSecond, -1).line().timestamp_ns ==
        -1000000000);
}

TEST_CASE("line protocol scales timestamps by precision with overflow check",
          "[connectors][line_protocol][time]") {
  CHECK(DecodeOne("m v=1 1704067200", Precision::kSecond).line().timestamp_ns ==
        1704067200000000000);
  CHECK(DecodeOne("m v=1 1704067200123", Precision::kMillisecond)
            .line()
            .timestamp_ns == 1704067200123000000);
  CHECK(DecodeOne("m v=1 1704067200123456", Precision::kMicrosecond)
            .line()
            .timestamp_ns == 1704067200123456000);
  CHECK(DecodeOne("m v=1 28401120", Precision::kMinute).line().timestamp_ns ==
        1704067200000000000);
  CHECK(DecodeOne("m v=1 473352", Precision::kHour).line().timestamp_ns ==
        1704067200000000000);
  CHECK(DecodeOne("m v=1 -1").line().timestamp_ns == -1);
  CHECK(DecodeOne("m v=1 9223372036854775807").line().timestamp_ns ==
        std::numeric_limits<int64_t>::max());
  CHECK(DecodeOne("m v=1    5   ").line().timestamp_ns == 5);

  DecodedBatch batch = Decode("m v=1 9223372037", Precision::kSecond);
  REQUIRE(batch.errors.size() == 1);
  CHECK(batch.errors[0].element == DecodeElement::kTimestamp);
  CHECK(batch.errors[0].reason.find("out of range") != std::string::npos);
  CHECK(FirstError("m v=1 9223372036854775808").find("out of the int64") !=
        std::string::npos);
  CHECK(FirstError("m v=1 12a") ==
        "line 1: timestamp: \"12a\" is not a valid timestamp");
  FirstError("m v=1 -");
  FirstError("m v=1 1-2");
  FirstError("m v=1 1 2");
}

TEST_CASE(
    "line protocol reports bad lines with line, element and reason and "
    "keeps the good ones",
    "[connectors][line_protocol][errors]") {
  const std::string body =
      "traffic,sensor=K12 vehicles=14i 1\n"
      "traffic,sensor=K13 vehicles=14x 2\n"
      "\n"
      "traffic,sensor=K14 vehicles=15i 3\n"
      "traffic,sensor= vehicles=1i 4\n"
      "traffic,sensor=K15\n"
      "traffic,sensor=K16 vehicles=16i 5\n"
      ",x=1 v=1\n"
      "traffic v=\"open\n";
  DecodedBatch batch = Decode(body);
  REQUIRE(batch.lines.size() == 3);
  CHECK(batch.lines[0].line_number == 1);
  CHECK(batch.lines[1].line_number == 4);
  CHECK(batch.lines[2].line_number == 7);
  CHECK(batch.lines[2].timestamp_ns == 5);
  CHECK(batch.TagsOf(batch.lines[2])[0].value == "K16");
  CHECK(batch.FieldsOf(batch.lines[2])[0].value.int_value() == 16);
  REQUIRE(batch.errors.size() == 5);
  CHECK(batch.errors[0].ToString() ==
        "line 2: field \"vehicles\": \"14x\" is not a valid number");
  CHECK(batch.errors[0].element == DecodeElement::kFieldValue);
  CHECK(batch.errors[0].name == "vehicles");
  CHECK(batch.errors[1].ToString() ==
        "line 5: tag \"sensor\": missing tag value");
  CHECK(batch.errors[2].line == 6);
  CHECK(batch.errors[2].element == DecodeElement::kFieldKey);
  CHECK(batch.errors[3].ToString() ==
        "line 8: measurement: invalid character ',' at start of measurement "
        "name");
  CHECK(batch.errors[4].ToString() ==
        "line 9: field \"v\": missing closing quote of string value");
}

TEST_CASE("line protocol names the missing part of a line",
          "[connectors][line_protocol][errors]") {
  CHECK(FirstError("cpu") ==
        "line 1: field key: missing fields (found end of input)");
  CHECK(FirstError("cpu,host=a\n") ==
        "line 1: field key: missing fields (found end of line)");
  CHECK(FirstError("cpu,host") ==
        "line 1: tag key: expected '=' after tag key \"host\", found end of "
        "input");
  CHECK(FirstError("cpu,host v=1") ==
        "line 1: tag key: expected '=' after tag key \"host\", found ' '");
  CHECK(FirstError("cpu v=1,") ==
        "line 1: field key: expected a field key after ',', found end of "
        "input");
  CHECK(FirstError("cpu v=1x 5").find("\"1x\" is not a valid number") !=
        std::string::npos);
}

TEST_CASE("line protocol rejects malformed structure",
          "[connectors][line_protocol][errors]") {
  for (const char* bad :
       {"cpu", "cpu ", "cpu,", "cpu, v=1", "cpu,host v=1",
        "cpu,host=", "cpu,=a v=1", "cpu v", "cpu v=", "cpu v= 1", "cpu v=1,",
        "cpu =1", "cpu v=1 1 x", "cpu v=\"a\"\"", "cpu v=1\t2", "\tcpu v=1",
        "cpu,a=b\tv=1", "cpu v=abc", "cpu,a=x\x01y v=1"}) {
    FirstError(bad);
  }
}

TEST_CASE(
    "line protocol rejects duplicate tags and keeps the last duplicate "
    "field",
    "[connectors][line_protocol]") {
  CHECK(FirstError("m,b=2,c=3,b=1 v=1i") ==
        "line 1: tag key: duplicate tag key \"b\"");
  OneLine one = DecodeOne("m a=1i,b=2i,a=3i,c=4i,b=5i");
  REQUIRE(one.fields().size() == 3);
  CHECK(one.fields()[0].key == "a");
  CHECK(one.value(0).int_value() == 3);
  CHECK(one.fields()[1].key == "c");
  CHECK(one.fields()[2].key == "b");
  CHECK(one.value(2).int_value() == 5);

  // Many fields take the sorting path of the de-duplication.
  std::string many = "m ";
  for (int i = 0; i < 50; ++i) {
    // Appended piecewise: `"f" + std::to_string(i)` trips a g++ 12
    // -Wrestrict false positive.
    many += 'f';
    many += std::to_string(i);
    many += "=1i,";
  }
  many += "f7=99i";
  OneLine wide = DecodeOne(many);
  REQUIRE(wide.fields().size() == 50);
  CHECK(wide.fields()[49].key == "f7");
  CHECK(wide.value(49).int_value() == 99);
  CHECK(wide.fields()[7].key == "f8");
}

TEST_CASE("line protocol rejects invalid UTF-8 in names and strings",
          "[connectors][line_protocol][errors]") {
  FirstError("bad\xff v=1");
  FirstError("m,k=bad\xff v=1");
  FirstError("m bad\xff=1");
  FirstError("m s=\"bad\xff\"");
  FirstError("m s=\"\xed\xa0\x80\"");  // a UTF-16 surrogate
  CHECK(DecodeOne("m\xc3\xa9t\xc3\xa9o t=1").line().measurement ==
        "m\xc3\xa9t\xc3\xa9o");
}

TEST_CASE("line protocol limits tokens to 64 KiB",
          "[connectors][line_protocol][errors]") {
  const std::string at_limit(kMaxLineProtocolTokenBytes, 'a');
  const std::string over(kMaxLineProtocolTokenBytes + 1, 'a');
  CHECK(DecodeOne(at_limit + " v=1").line().measurement.size() ==
        kMaxLineProtocolTokenBytes);
  CHECK(FirstError(over + " v=1") ==
        "line 1: measurement: longer than the 65536-byte token limit");
  FirstError("m," + over + "=v v=1");
  FirstError("m,k=" + over + " v=1");
  FirstError("m " + over + "=1");
  FirstError("m v=\"" + over + "\"");
  FirstError("m v=" + std::string(kMaxLineProtocolTokenBytes, '1') + "1");
  // The line after an oversized one still decodes.
  DecodedBatch batch = Decode(over + " v=1\nm v=2");
  CHECK(batch.errors.size() == 1);
  CHECK(batch.lines.size() == 1);
}

TEST_CASE("line protocol batches can be reused and keep unescaped strings",
          "[connectors][line_protocol]") {
  DecodedBatch batch;
  LineProtocolOptions options;
  std::string body;
  for (int i = 0; i < 2000; ++i) {
    body += "m\\ " + std::to_string(i) + ",t\\=k=v\\ " + std::to_string(i) +
            " s=\"q\\\"" + std::to_string(i) + "\"\n";
  }
  for (int round = 0; round < 2; ++round) {
    DecodeLineProtocol(body, options, &batch);
    REQUIRE(batch.errors.empty());
    REQUIRE(batch.lines.size() == 2000);
    for (int i : {0, 999, 1999}) {
      const DecodedLine& line = batch.lines[static_cast<size_t>(i)];
      CHECK(line.measurement == "m " + std::to_string(i));
      CHECK(batch.TagsOf(line)[0].key == "t=k");
      CHECK(batch.TagsOf(line)[0].value == "v " + std::to_string(i));
      CHECK(batch.FieldsOf(line)[0].value.string_value() ==
            "q\"" + std::to_string(i));
    }
  }
  DecodeLineProtocol("m v=1", options, &batch);
  CHECK(batch.lines.size() == 1);
  CHECK(batch.tags.empty());
}

TEST_CASE("precision parsing follows the v1 and v2 write APIs",
          "[connectors][line_protocol]") {
  CHECK(ParsePrecision("", true).value() == Precision::kNanosecond);
  CHECK(ParsePrecision("n", true).value() == Precision::kNanosecond);
  CHECK(ParsePrecision("u", true).value() == Precision::kMicrosecond);
  CHECK(ParsePrecision("ms", true).value() == Precision::kMillisecond);
  CHECK(ParsePrecision("s", true).value() == Precision::kSecond);
  CHECK(ParsePrecision("m", true).value() == Precision::kMinute);
  CHECK(ParsePrecision("h", true).value() == Precision::kHour);
  CHECK_FALSE(ParsePrecision("us", true).has_value());
  CHECK(ParsePrecision("ns", false).value() == Precision::kNanosecond);
  CHECK(ParsePrecision("us", false).value() == Precision::kMicrosecond);
  CHECK(ParsePrecision("ms", false).value() == Precision::kMillisecond);
  CHECK(ParsePrecision("s", false).value() == Precision::kSecond);
  for (const char* bad : {"n", "u", "m", "h", "sec", "NS"}) {
    Result<Precision> r = ParsePrecision(bad, false);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == StatusCode::kInvalidArgument);
  }
  CHECK(PrecisionNanos(Precision::kHour) == 3600000000000);
}

TEST_CASE("field values convert to engine values with a uint64 range check",
          "[connectors][line_protocol]") {
  CHECK(std::get<double>(ToEngineValue(FieldValue::Float(1.5)).value()) == 1.5);
  CHECK(std::get<int64_t>(ToEngineValue(FieldValue::Int(-3)).value()) == -3);
  CHECK(std::get<bool>(ToEngineValue(FieldValue::Bool(true)).value()));
  CHECK(std::get<std::string>(
            ToEngineValue(FieldValue::String("open")).value()) == "open");
  CHECK(std::get<int64_t>(
            ToEngineValue(FieldValue::Uint(9223372036854775807ull)).value()) ==
        std::numeric_limits<int64_t>::max());
  Result<engine::Value> too_big =
      ToEngineValue(FieldValue::Uint(9223372036854775808ull));
  REQUIRE_FALSE(too_big.has_value());
  CHECK(too_big.error().code() == StatusCode::kInvalidArgument);
  CHECK(too_big.error().message().find("9223372036854775808") !=
        std::string::npos);
  CHECK(FieldKindName(FieldValue::Kind::kUint) == "unsigned");
}

}  // namespace
}  // namespace citynexus::connectors
