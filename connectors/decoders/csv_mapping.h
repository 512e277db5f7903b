// Mapped CSV decoder: CSV files and bodies (RFC 4180: quoted fields with
// doubled quotes, delimiters and line breaks inside quotes, CRLF or LF) ->
// DecodedBatch, driven by a plain rule struct like the mapped JSON decoder.
//
//   zeit;zaehlstelle;bezirk;fahrraeder;temperatur
//   2024-05-01T12:00:00Z;K12;Mitte;14;"18,5"
//
//   rule: delimiter ';', decimal_separator ',', time "zeit" rfc3339,
//         measurement "bikes", fields count=fahrraeder (int),
//         temp=temperatur (float), tags counter=zaehlstelle, district=bezirk
//
// Each data row becomes one line. A bad row yields one DecodeError naming
// its physical line (and column when one cell is at fault) and never hides
// the other rows. docs/formats.md ("Mapped CSV") lists the rules.
//
// Thread-safety: pure functions; concurrent calls with distinct output
// batches are safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connectors/decoders/decode_util.h"
#include "connectors/decoders/decoded.h"
#include "connectors/decoders/mapping_rule.h"

namespace citynexus::connectors {

// The common part (time_format, measurement, fields, tags) is documented in
// mapping_rule.h; fields and tags take column names (or 1-based positions
// without a header), and a row with an empty tag cell is rejected.
struct CsvMappingRule : MappingRuleCommon {
  // Cell separator. Default ','; ';' and '\t' are common in European open
  // data. Must not be '"', CR or LF.
  char delimiter = ',';
  // Decimal separator of float cells: '.' (default) or ',' ("18,5"). Only
  // float fields and epoch times are affected.
  char decimal_separator = '.';
  // Whether the first non-blank row names the columns. Default true.
  // Without a header, columns are named by 1-based position: "1", "2", ...
  bool header = true;
  // Column holding the time. Default "" = no time column; lines get now_ns.
  std::string time_column;
};

// kInvalidArgument naming the problem when `rule` cannot be used: empty
// measurement, no fields, empty or repeated names, bad delimiter or decimal
// separator, non-numeric column names without a header.
Status ValidateCsvMappingRule(const CsvMappingRule& rule);

// Decodes `body` with `rule` into `out` (cleared first). Views point into
// out->arena only. A UTF-8 byte order mark at the start is skipped; blank
// lines are skipped. Returns the ValidateCsvMappingRule error (decoding
// nothing) for a bad rule; otherwise OK, with payload problems in
// out->errors. A header lacking a mapped column gives one error for the
// header line and no lines.
Status DecodeMappedCsv(std::string_view body, const CsvMappingRule& rule,
                       int64_t now_ns, DecodedBatch* out);

}  // namespace citynexus::connectors
