// Helpers on the canonical series key form (engine/engine.h) that only the
// engine needs: the catalog indexes series by the escaped measurement part of
// the canonical key, so finding a measurement's series decodes no other
// series' records.
#pragma once

#include <string>
#include <string_view>

namespace citynexus::engine {

// The escaped measurement at the start of `canonical` (up to the first
// unescaped '{'); the whole input when there is none.
std::string_view CanonicalMeasurementPart(std::string_view canonical);
// `measurement` escaped as it appears at the start of a canonical key.
std::string EscapeCanonicalName(std::string_view measurement);

}  // namespace citynexus::engine
