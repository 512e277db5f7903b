// The OpenAPI 3 document of the HTTP API, served at GET /api/v1/openapi.json.
// Keep it in step with docs/api.md when endpoints change.
#pragma once

#include <string_view>

namespace citynexus::query {

std::string_view OpenApiDocument();

}  // namespace citynexus::query
