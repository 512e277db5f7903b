// The one parser of decimal numbers in text that clients send (query
// parameters, JSON/CSV mapped values, indicator expressions): std::from_chars
// over the whole text, so no locale, no exceptions, no partial matches.
// The InfluxDB line protocol keeps its own exact-rounding number scanner
// (connectors/decoders/line_protocol_numbers.h): its syntax is InfluxDB's.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

namespace citynexus {

// A finite decimal number spelled with digits, one optional leading '-', a
// '.' and an exponent ("12", "-0.5", "1e-3"); nullopt for anything else:
// empty text, trailing bytes, a leading '+' or spaces, "inf", "nan", hex,
// and values that overflow a double.
std::optional<double> ParseDecimal(std::string_view text);

}  // namespace citynexus
