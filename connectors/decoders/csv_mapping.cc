// Mapped CSV decoder; see csv_mapping.h and docs/formats.md.
#include "connectors/decoders/csv_mapping.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace citynexus::connectors {
namespace {

// One cell as found in the body. Quoted cells view the text between the
// quotes, where a quote is still written twice.
struct Cell {
  std::string_view raw;
  bool quoted = false;
  bool has_escaped_quote = false;
};

struct Row {
  std::vector<Cell> cells;
  size_t line = 0;  // 1-based physical line where the row starts
};

// Splits a body into rows (RFC 4180). On a malformed row it reports the
// problem and resynchronises at the next physical line (or at the end, for
// an unterminated quote, since everything after it is inside the quote).
class CsvReader {
 public:
  CsvReader(std::string_view body, char delimiter)
      : body_(body), delimiter_(delimiter) {
    if (body_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 BOM
  }

  enum class Next { kRow, kError, kEnd };

  // Reads the next non-blank row into `row`, or describes the error in
  // `error` (line, column, reason).
  Next Read(Row* row, DecodeError* error);

 private:
  bool AtEnd() const { return pos_ >= body_.size(); }
  // Consumes a line break at pos_ if there is one.
  bool LineBreak() {
    if (pos_ < body_.size() && body_[pos_] == '\n') {
      ++pos_;
      ++line_;
      return true;
    }
    if (pos_ + 1 < body_.size() && body_[pos_] == '\r' &&
        body_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_;
      return true;
    }
    return false;
  }
  void SkipToNextLine() {
    while (!AtEnd() && !LineBreak()) ++pos_;
  }

  std::string_view body_;
  char delimiter_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

CsvReader::Next CsvReader::Read(Row* row, DecodeError* error) {
  for (;;) {
    if (AtEnd()) return Next::kEnd;
    if (LineBreak()) continue;  // blank line
    break;
  }
  row->cells.clear();
  row->line = line_;
  for (;;) {
    Cell cell;
    if (body_[pos_] == '"') {
      cell.quoted = true;
      const size_t start = ++pos_;
      const size_t start_line = line_;
      for (;;) {
        if (AtEnd()) {
          *error =
              MakeError(DecodeUnit::kLine, start_line, DecodeElement::kLine, "",
                        "unterminated quoted cell");
          error->column = row->cells.size() + 1;
          return Next::kError;
        }
        const char c = body_[pos_];
        if (c == '"') {
          if (pos_ + 1 < body_.size() && body_[pos_ + 1] == '"') {
            cell.has_escaped_quote = true;
            pos_ += 2;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        ++pos_;
      }
      cell.raw = body_.substr(start, pos_ - start);
      ++pos_;  // closing quote
      if (!AtEnd() && body_[pos_] != delimiter_ && body_[pos_] != '\n' &&
          body_[pos_] != '\r') {
        *error = MakeError(DecodeUnit::kLine, row->line, DecodeElement::kLine,
                           "", "text after the closing quote of a cell");
        error->column = row->cells.size() + 1;
        SkipToNextLine();
        return Next::kError;
      }
    } else {
      // Unquoted: up to the delimiter or line break. A quote inside is kept
      // literally (RFC 4180 forbids it, but spreadsheets write `12"`).
      const size_t start = pos_;
      while (!AtEnd() && body_[pos_] != delimiter_ && body_[pos_] != '\n' &&
             !(body_[pos_] == '\r' && pos_ + 1 < body_.size() &&
               body_[pos_ + 1] == '\n')) {
        ++pos_;
      }
      cell.raw = body_.substr(start, pos_ - start);
    }
    row->cells.push_back(cell);
    if (AtEnd()) return Next::kRow;
    if (body_[pos_] == delimiter_) {
      ++pos_;
      if (AtEnd()) {  // a trailing delimiter ends with an empty cell
        row->cells.push_back(Cell{});
        return Next::kRow;
      }
      continue;
    }
    if (LineBreak()) return Next::kRow;
    // A lone CR after a quoted cell: not a line break.
    *error = MakeError(DecodeUnit::kLine, row->line, DecodeElement::kLine, "",
                       "text after the closing quote of a cell");
    error->column = row->cells.size();
    SkipToNextLine();
    return Next::kError;
  }
}

// The text of `cell`, with doubled quotes undone into `scratch`.
std::string_view CellText(const Cell& cell, std::string* scratch) {
  if (!cell.has_escaped_quote) return cell.raw;
  scratch->clear();
  for (size_t i = 0; i < cell.raw.size(); ++i) {
    scratch->push_back(cell.raw[i]);
    if (cell.raw[i] == '"') ++i;  // skip the second quote of the pair
  }
  return *scratch;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Parses a 1-based column position ("3"); 0 when not a number.
size_t ColumnNumber(std::string_view name) {
  if (name.empty() || name.size() > 6) return 0;
  size_t n = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

// Column indices (0-based) of the rule's time, fields and tags.
struct Columns {
  size_t time = SIZE_MAX;  // SIZE_MAX: no time column
  std::vector<size_t> fields;
  std::vector<size_t> tags;
  size_t width = 0;  // cells a row must have (header width, or the highest
                     // mapped position without a header)
};

class RowDecoder {
 public:
  RowDecoder(const CsvMappingRule& rule, const Columns& columns, int64_t now_ns,
             DecodedBatch* out)
      : rule_(rule),
        columns_(columns),
        now_ns_(now_ns),
        out_(out),
        line_(out),
        names_(rule, &out->arena) {}

  void Decode(const Row& row);

 private:
  void Fail(const Row& row, size_t column, DecodeElement element,
            std::string name, std::string reason) {
    line_.Abort();
    DecodeError e = MakeError(DecodeUnit::kLine, row.line, element,
                              std::move(name), std::move(reason));
    e.column = column == SIZE_MAX ? 0 : column + 1;
    out_->errors.push_back(std::move(e));
  }
  // Undoes a decimal comma for numeric parsing.
  std::string_view Numeric(std::string_view text) {
    if (rule_.decimal_separator != ',') return text;
    decimal_.assign(text);
    for (char& c : decimal_) {
      if (c == ',') c = '.';
    }
    return decimal_;
  }

  const CsvMappingRule& rule_;
  const Columns& columns_;
  int64_t now_ns_;
  DecodedBatch* out_;
  LineBuilder line_;
  MappedNames names_;
  std::string scratch_, decimal_;
};

void RowDecoder::Decode(const Row& row) {
  if (rule_.header ? row.cells.size() != columns_.width
                   : row.cells.size() < columns_.width) {
    Fail(row, SIZE_MAX, DecodeElement::kLine, "",
         "row has " + std::to_string(row.cells.size()) + " cells, " +
             (rule_.header ? "the header has " : "the mapping needs ") +
             std::to_string(columns_.width));
    return;
  }
  int64_t time_ns = now_ns_;
  if (columns_.time != SIZE_MAX) {
    std::string_view text =
        TrimSpaces(CellText(row.cells[columns_.time], &scratch_));
    if (text.empty()) {
      Fail(row, columns_.time, DecodeElement::kTimestamp, "", "empty");
      return;
    }
    auto ns = ParseTimeText(
        rule_.time_format == TimeFormat::kRfc3339 ? text : Numeric(text),
        rule_.time_format);
    if (!ns) {
      Fail(row, columns_.time, DecodeElement::kTimestamp, "",
           ns.error().message());
      return;
    }
    time_ns = *ns;
  }
  line_.Begin(names_.measurement, time_ns, row.line);
  for (size_t i = 0; i < rule_.tags.size(); ++i) {
    std::string_view text = CellText(row.cells[columns_.tags[i]], &scratch_);
    if (text.empty()) {
      Fail(row, columns_.tags[i], DecodeElement::kTagValue, rule_.tags[i].name,
           "empty");
      return;
    }
    line_.AddTag(names_.tags[i], out_->arena.Copy(text));
  }
  for (size_t i = 0; i < rule_.fields.size(); ++i) {
    const MappedField& field = rule_.fields[i];
    std::string_view text = CellText(row.cells[columns_.fields[i]], &scratch_);
    if (field.type != MappedType::kString) text = TrimSpaces(text);
    if (text.empty()) continue;
    if (field.type == MappedType::kFloat) text = Numeric(text);
    auto value = ParseTextValue(text, field.type);
    if (!value) {
      Fail(row, columns_.fields[i], DecodeElement::kFieldValue, field.name,
           value.error().message());
      return;
    }
    if (value->kind == FieldValue::Kind::kString) {
      *value = FieldValue::String(out_->arena.Copy(text));
    }
    line_.AddField(names_.fields[i], *value);
  }
  if (line_.field_count() == 0) {
    Fail(row, SIZE_MAX, DecodeElement::kLine, "",
         "none of the mapped fields is present");
    return;
  }
  line_.Commit();
}

}  // namespace

Status ValidateCsvMappingRule(const CsvMappingRule& rule) {
  CITYNEXUS_RETURN_IF_ERROR(CheckMappedNames(rule));
  if (rule.delimiter == '"' || rule.delimiter == '\r' ||
      rule.delimiter == '\n') {
    return Status::InvalidArgument(
        "mapping: the delimiter must not be a quote or line break");
  }
  if (rule.decimal_separator != '.' && rule.decimal_separator != ',') {
    return Status::InvalidArgument(
        "mapping: decimal_separator must be '.' or ','");
  }
  if (rule.decimal_separator == rule.delimiter) {
    return Status::InvalidArgument(
        "mapping: decimal_separator and delimiter must differ");
  }
  if (!rule.header) {
    auto positional = [](const std::string& column) -> Status {
      if (ColumnNumber(column) == 0) {
        return Status::InvalidArgument(
            "mapping: without a header, columns are 1-based positions, got \"" +
            column + "\"");
      }
      return Status::Ok();
    };
    if (!rule.time_column.empty()) {
      CITYNEXUS_RETURN_IF_ERROR(positional(rule.time_column));
    }
    for (const auto& f : rule.fields) {
      CITYNEXUS_RETURN_IF_ERROR(positional(f.source));
    }
    for (const auto& t : rule.tags) {
      CITYNEXUS_RETURN_IF_ERROR(positional(t.source));
    }
  }
  return Status::Ok();
}

Status DecodeMappedCsv(std::string_view body, const CsvMappingRule& rule,
                       int64_t now_ns, DecodedBatch* out) {
  out->Clear();
  CITYNEXUS_RETURN_IF_ERROR(ValidateCsvMappingRule(rule));
  CsvReader reader(body, rule.delimiter);
  Row row;
  DecodeError error;
  Columns columns;

  // Resolves column names: against the header row, or as positions.
  std::vector<std::string> header;
  size_t header_line = 0;
  if (rule.header) {
    for (;;) {
      auto next = reader.Read(&row, &error);
      if (next == CsvReader::Next::kEnd) return Status::Ok();  // empty body
      if (next == CsvReader::Next::kError) {
        error.reason = "header: " + error.reason;
        out->errors.push_back(std::move(error));
        return Status::Ok();
      }
      break;
    }
    header_line = row.line;
    std::string scratch;
    for (const Cell& cell : row.cells) {
      header.emplace_back(CellText(cell, &scratch));
    }
    columns.width = header.size();
  }
  std::string missing;
  auto resolve = [&](const std::string& name) -> size_t {
    if (!rule.header) {
      const size_t n = ColumnNumber(name);
      columns.width = std::max(columns.width, n);
      return n - 1;
    }
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;  // the first of repeated names
    }
    if (missing.empty()) missing = name;
    return 0;
  };
  if (!rule.time_column.empty()) columns.time = resolve(rule.time_column);
  for (const auto& f : rule.fields) columns.fields.push_back(resolve(f.source));
  for (const auto& t : rule.tags) columns.tags.push_back(resolve(t.source));
  if (!missing.empty()) {
    out->errors.push_back(
        MakeError(DecodeUnit::kLine, header_line, DecodeElement::kLine, "",
                  "header has no column \"" + missing + "\""));
    return Status::Ok();
  }

  RowDecoder decoder(rule, columns, now_ns, out);
  for (;;) {
    auto next = reader.Read(&row, &error);
    if (next == CsvReader::Next::kEnd) break;
    if (next == CsvReader::Next::kError) {
      out->errors.push_back(std::move(error));
      continue;
    }
    decoder.Decode(row);
  }
  return Status::Ok();
}

}  // namespace citynexus::connectors
