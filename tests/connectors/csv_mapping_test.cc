// Unit tests of connectors/decoders/csv_mapping.{h,cc}: typical open-data
// CSV (comma and semicolon with decimal comma), RFC 4180 quoting, CRLF,
// headerless files, bad rows and bad rules.
#include "connectors/decoders/csv_mapping.h"

#include <catch2/catch.hpp>
#include <string>

#include "connectors/decoded_util.h"

namespace citynexus::connectors {
namespace {

using testing::Errors;
using testing::Field;
using testing::Tag;

constexpr int64_t kNow = 1'700'000'000'000'000'000;
constexpr int64_t kSecond = 1'000'000'000;

DecodedBatch Decode(std::string_view body, const CsvMappingRule& rule) {
  DecodedBatch batch;
  Status status = DecodeMappedCsv(body, rule, kNow, &batch);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return batch;
}

CsvMappingRule BikeCounterRule() {
  CsvMappingRule rule;
  rule.time_column = "timestamp";
  rule.measurement = "bikes";
  rule.fields = {{"count", "count", MappedType::kInt},
                 {"temperature", "temp_c", MappedType::kFloat},
                 {"note", "note", MappedType::kString}};
  rule.tags = {{"counter", "counter_id"}, {"district", "district"}};
  return rule;
}

TEST_CASE("csv mapping decodes a typical open-data file",
          "[connectors][csv_mapping]") {
  auto batch = Decode(
      "timestamp,counter_id,district,count,temp_c,note\n"
      "2024-05-01T12:00:00Z,K12,Mitte,14,18.5,\n"
      "2024-05-01T12:15:00Z,K12,Mitte,9, 17.0 ,rain\n"
      "\n"
      "2024-05-01T12:00:00Z,K7,Nord,3,,\n",
      BikeCounterRule());
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 3);
  CHECK(batch.lines[0].measurement == "bikes");
  CHECK(batch.line_unit == DecodeUnit::kLine);
  CHECK(batch.lines[0].timestamp_ns == 1'714'564'800 * kSecond);
  CHECK(batch.lines[1].timestamp_ns == 1'714'565'700 * kSecond);
  CHECK(batch.lines[0].line_number == 2);
  CHECK(batch.lines[2].line_number == 5);  // the blank line counts
  auto tags = batch.TagsOf(batch.lines[0]);
  REQUIRE(tags.size() == 2);
  CHECK(tags[0].key == "counter");
  CHECK(tags[0].value == "K12");
  CHECK(tags[1].key == "district");
  CHECK(Field(batch, 0, "count")->int_value() == 14);
  CHECK(Field(batch, 0, "temperature")->float_value() == 18.5);
  CHECK(Field(batch, 0, "note") == nullptr);  // empty cell: left out
  CHECK(Field(batch, 1, "temperature")->float_value() == 17.0);  // trimmed
  CHECK(Field(batch, 1, "note")->string_value() == "rain");
  CHECK(Tag(batch, 2, "counter") == "K7");
  CHECK(Field(batch, 2, "temperature") == nullptr);
  CHECK(batch.FieldsOf(batch.lines[2]).size() == 1);
}

TEST_CASE("csv mapping handles RFC 4180 quoting and CRLF",
          "[connectors][csv_mapping]") {
  auto batch = Decode(
      "\xEF\xBB\xBF\"timestamp\",\"counter_id\",district,count,temp_c,note\r\n"
      "2024-05-01T12:00:00Z,\"K,12\",\"Mitte \"\"Ost\"\"\",\"14\",1.5,"
      "\"line one\r\nline two\"\r\n"
      "2024-05-01T12:00:00Z,K13,\"\"\"\",2,2.5,\"a,b\"\r\n",
      BikeCounterRule());
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 2);
  CHECK(Tag(batch, 0, "counter") == "K,12");
  CHECK(Tag(batch, 0, "district") == "Mitte \"Ost\"");
  CHECK(Field(batch, 0, "count")->int_value() == 14);
  CHECK(Field(batch, 0, "note")->string_value() == "line one\r\nline two");
  // The quoted line break moved the next row to physical line 4.
  CHECK(batch.lines[1].line_number == 4);
  CHECK(Tag(batch, 1, "district") == "\"");
  CHECK(Field(batch, 1, "note")->string_value() == "a,b");
}

TEST_CASE("csv mapping reads semicolons with decimal commas",
          "[connectors][csv_mapping]") {
  CsvMappingRule rule;
  rule.delimiter = ';';
  rule.decimal_separator = ',';
  rule.time_column = "zeit";
  rule.time_format = TimeFormat::kEpochSeconds;
  rule.measurement = "pegel";
  rule.fields = {{"level_m", "wasserstand"}};
  rule.tags = {{"gauge", "messstelle"}};
  auto batch = Decode(
      "messstelle;zeit;wasserstand\n"
      "Pegel 3;1714564800;1,53\n"
      "Pegel 4;\"1714564800,5\";\"2,07\"\n",
      rule);
  INFO(Errors(batch));
  REQUIRE(batch.errors.empty());
  REQUIRE(batch.lines.size() == 2);
  CHECK(Field(batch, 0, "level_m")->float_value() == 1.53);
  CHECK(Tag(batch, 0, "gauge") == "Pegel 3");
  CHECK(batch.lines[1].timestamp_ns == 1'714'564'800'500'000'000);
  CHECK(Field(batch, 1, "level_m")->float_value() == 2.07);
}

TEST_CASE("csv mapping without a header uses column positions",
          "[connectors][csv_mapping]") {
  CsvMappingRule rule;
  rule.header = false;
  rule.delimiter = '\t';
  rule.time_column =
      std::string("1");  // GCC 12 -Wrestrict false positive on 1-char literals
  rule.time_format = TimeFormat::kEpochMillis;
  rule.measurement = "power";
  rule.fields = {{"kw", "3"}};
  rule.tags = {{"meter", "2"}};
  auto batch = Decode(
      "1714564800000\tM1\t12.5\textra\n"
      "1714564860000\tM1\t13\n"
      "1714564920000\tM1\n",
      rule);
  REQUIRE(batch.lines.size() == 2);
  CHECK(batch.lines[1].timestamp_ns == 1'714'564'860 * kSecond);
  CHECK(Field(batch, 1, "kw")->float_value() == 13);
  REQUIRE(batch.errors.size() == 1);
  CHECK(batch.errors[0].ToString() ==
        "line 3: row has 2 cells, the mapping needs 3");
  // No time column: lines get "now".
  rule.time_column.clear();
  auto now = Decode("x\tM1\t1\n", rule);
  REQUIRE(now.lines.size() == 1);
  CHECK(now.lines[0].timestamp_ns == kNow);
}

TEST_CASE("csv mapping rejects bad rows and keeps the good ones",
          "[connectors][csv_mapping]") {
  auto batch = Decode(
      "timestamp,counter_id,district,count,temp_c,note\n"
      "2024-05-01T12:00:00Z,K1,Mitte,1,1.0,\n"       // line 2: good
      "2024-05-01T12:00:00Z,K2,Mitte,many,1.0,\n"    // 3: bad integer
      "2024-05-01T12:00:00Z,K3,Mitte,3\n"            // 4: too few cells
      "yesterday,K4,Mitte,4,1.0,\n"                  // 5: bad time
      "2024-05-01T12:00:00Z,,Mitte,5,1.0,\n"         // 6: empty tag
      "2024-05-01T12:00:00Z,\"K6\"x,Mitte,6,1.0,\n"  // 7: text after quote
      "2024-05-01T12:00:00Z,K7,Mitte,,,\n"           // 8: no field present
      ",K8,Mitte,8,1.0,\n"                           // 9: empty time
      "2024-05-01T12:00:00Z,K9,Mitte,9,1.0,\n"       // 10: good
      "2024-05-01T12:00:00Z,K10,Mitte,10,\"1.0\n",   // 11: unterminated
      BikeCounterRule());
  REQUIRE(batch.lines.size() == 2);
  CHECK(Tag(batch, 0, "counter") == "K1");
  CHECK(Tag(batch, 1, "counter") == "K9");
  CHECK(batch.lines[1].line_number == 10);
  REQUIRE(batch.errors.size() == 8);
  CHECK(batch.errors[0].ToString() ==
        "line 3, column 4: field \"count\": \"many\" is not an integer");
  CHECK(batch.errors[0].column == 4);
  CHECK(batch.errors[1].ToString() ==
        "line 4: row has 4 cells, the header has 6");
  CHECK(batch.errors[2].ToString() ==
        "line 5, column 1: timestamp: \"yesterday\" is not an RFC 3339 time "
        "(expected YYYY-MM-DD)");
  CHECK(batch.errors[3].ToString() ==
        "line 6, column 2: tag \"counter\": empty");
  CHECK(batch.errors[4].ToString() ==
        "line 7, column 2: text after the closing quote of a cell");
  CHECK(batch.errors[5].ToString() ==
        "line 8: none of the mapped fields is present");
  CHECK(batch.errors[6].ToString() == "line 9, column 1: timestamp: empty");
  CHECK(batch.errors[7].ToString() ==
        "line 11, column 5: unterminated quoted cell");
  CHECK(batch.tags.size() == 4);  // rejected rows leave nothing behind
}

TEST_CASE("csv mapping reports a header without a mapped column",
          "[connectors][csv_mapping]") {
  auto batch = Decode("\n\ntimestamp,counter,count\n2024-05-01T12:00:00Z,K,1\n",
                      BikeCounterRule());
  CHECK(batch.lines.empty());
  REQUIRE(batch.errors.size() == 1);
  // Columns resolve in rule order (time, fields, tags); the first missing
  // one is named.
  CHECK(batch.errors[0].ToString() ==
        "line 3: header has no column \"temp_c\"");
  auto empty = Decode("", BikeCounterRule());
  CHECK(empty.lines.empty());
  CHECK(empty.errors.empty());
}

TEST_CASE("csv mapping rejects unusable rules", "[connectors][csv_mapping]") {
  CsvMappingRule rule = BikeCounterRule();
  CHECK(ValidateCsvMappingRule(rule).ok());
  rule.delimiter = '"';
  CHECK_FALSE(ValidateCsvMappingRule(rule).ok());
  rule.delimiter = ',';
  rule.decimal_separator = ',';
  CHECK(ValidateCsvMappingRule(rule).message() ==
        "mapping: decimal_separator and delimiter must differ");
  rule.decimal_separator = '.';
  rule.header = false;
  CHECK(ValidateCsvMappingRule(rule).message() ==
        "mapping: without a header, columns are 1-based positions, got "
        "\"timestamp\"");
  rule = BikeCounterRule();
  rule.tags.push_back({"counter", "x"});
  CHECK(ValidateCsvMappingRule(rule).message() ==
        "mapping: tag \"counter\" is mapped twice");
  rule.measurement.clear();
  DecodedBatch batch;
  CHECK(DecodeMappedCsv("a\n1\n", rule, 0, &batch).code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace citynexus::connectors
