#include "query/openapi.h"

namespace citynexus::query {

std::string_view OpenApiDocument() {
  // A raw literal keeps the document readable and greppable.
  static constexpr std::string_view kDocument = R"json({
  "openapi": "3.0.3",
  "info": {"title": "citynexus HTTP API", "version": "1",
           "description": "Urban time-series platform: ingest, query and indicators."},
  "paths": {
    "/healthz": {"get": {"summary": "Liveness and component checks",
      "responses": {"200": {"description": "healthy"}, "503": {"description": "a check failed"}}}},
    "/api/v1/version": {"get": {"summary": "Server name and version",
      "responses": {"200": {"description": "{\"name\",\"version\"}"}}}},
    "/metrics": {"get": {"summary": "Prometheus text exposition",
      "responses": {"200": {"description": "metrics", "content": {"text/plain": {}}}}}},
    "/api/v1/series": {"get": {"summary": "List series with metadata",
      "parameters": [
        {"name": "measurement", "in": "query", "schema": {"type": "string"}},
        {"name": "domain", "in": "query", "schema": {"type": "string"}},
        {"name": "tag.KEY", "in": "query", "description": "tag.K=V, tag.K!=V, tag.K=~regex, tag.K!=~regex", "schema": {"type": "string"}}],
      "responses": {"200": {"description": "{\"series\":[{id,key,measurement,field,tags,type,unit,domain,description,source,location}]}"}}}},
    "/api/v1/query": {"get": {"summary": "Raw or aggregated series values",
      "parameters": [
        {"name": "measurement", "in": "query", "required": true, "schema": {"type": "string"}},
        {"name": "field", "in": "query", "schema": {"type": "string"}},
        {"name": "tag.KEY", "in": "query", "description": "tag.K=V, tag.K!=V, tag.K=~regex, tag.K!=~regex", "schema": {"type": "string"}},
        {"name": "start", "in": "query", "description": "RFC 3339, epoch seconds (or with ms/us/ns suffix), now-1d; default end-1h", "schema": {"type": "string"}},
        {"name": "end", "in": "query", "description": "exclusive; default now", "schema": {"type": "string"}},
        {"name": "step", "in": "query", "description": "bucket width, e.g. 1h; calendar steps Nmo, and with tz Nd and Nw", "schema": {"type": "string"}},
        {"name": "offset", "in": "query", "description": "bucket offset from the epoch", "schema": {"type": "string"}},
        {"name": "agg", "in": "query", "schema": {"type": "string", "enum": ["count","sum","mean","min","max","first","last","spread","median","stddev","percentile(p)","integral","increase","rate","raw"]}},
        {"name": "group_by", "in": "query", "description": "comma-separated tag keys, or *", "schema": {"type": "string"}},
        {"name": "fill", "in": "query", "schema": {"type": "string", "description": "none, null, previous, linear or a number"}},
        {"name": "tz", "in": "query", "description": "IANA time zone for calendar steps (Nd, Nw, Nmo): buckets start at local midnight", "schema": {"type": "string"}},
        {"name": "epoch", "in": "query", "schema": {"type": "string", "enum": ["s","ms","us","ns"], "default": "ms"}},
        {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json","csv"], "default": "json"}},
        {"name": "explain", "in": "query", "schema": {"type": "boolean"}}],
      "responses": {
        "200": {"description": "{\"series\":[{measurement,field,tags,unit,agg,values:[[t,v]]}],\"stats\":{series,points_read,rollups,elapsed_ms}}"},
        "400": {"description": "bad parameter; error names it"},
        "422": {"description": "a query limit was exceeded"},
        "501": {"description": "not supported yet"}}}},
    "/api/v1/indicators": {"get": {"summary": "The indicator catalog (id, name, unit, domains, reference, step, expr)",
      "responses": {"200": {"description": "{\"indicators\":[...]}"}}}},
    "/api/v1/indicators/{id}": {"get": {"summary": "Values of one indicator, with coverage and quality per step",
      "parameters": [
        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
        {"name": "start", "in": "query", "schema": {"type": "string"}},
        {"name": "end", "in": "query", "schema": {"type": "string"}},
        {"name": "step", "in": "query", "schema": {"type": "string"}},
        {"name": "tz", "in": "query", "schema": {"type": "string"}},
        {"name": "epoch", "in": "query", "schema": {"type": "string"}}],
      "responses": {"200": {"description": "{id,name,unit,reference,series:[{labels,values,coverage,quality}]}"},
                    "404": {"description": "unknown indicator"}}}},
    "/api/v1/indicators/evaluate": {"post": {"summary": "Evaluate an ad-hoc expression",
      "requestBody": {"content": {"application/json": {"schema": {"type": "object",
        "properties": {"expr": {"type": "string"}, "start": {"type": "string"}, "end": {"type": "string"}, "step": {"type": "string"}}}}}},
      "responses": {"200": {"description": "like /api/v1/indicators/{id}"}, "400": {"description": "error with the position in the expression"}}}},
    "/api/v1/stream": {"get": {"summary": "Server-sent events: new points matching a selector, or an indicator's values when a step completes; heartbeat comments; a slow client gets a notice event and is disconnected",
      "parameters": [
        {"name": "measurement", "in": "query", "schema": {"type": "string"}},
        {"name": "field", "in": "query", "schema": {"type": "string"}},
        {"name": "tag.{key}", "in": "query", "description": "each tag.K=V must be a tag of the series", "schema": {"type": "string"}},
        {"name": "indicator", "in": "query", "description": "indicator id; not combined with the point parameters", "schema": {"type": "string"}},
        {"name": "step", "in": "query", "description": "overrides the indicator's step (at least 1s)", "schema": {"type": "string"}},
        {"name": "epoch", "in": "query", "description": "unit of event times: s, ms (default), us, ns", "schema": {"type": "string"}}],
      "responses": {"200": {"description": "events subscribed, point {series,measurement,field,tags,time,value}, indicator {id,unit,step,time,labels,value,coverage,quality}, notice {code,message}",
                            "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                    "400": {"description": "bad parameter or step"}, "404": {"description": "unknown indicator"},
                    "503": {"description": "too many open streams"}}}},
    "/query": {"get": {"summary": "InfluxQL (InfluxDB 1.x HTTP API); also POST with a form-encoded q",
      "responses": {"200": {"description": "{\"results\":[...]}"}}}},
    "/write": {"post": {"summary": "InfluxDB 1.x line protocol write",
      "responses": {"204": {"description": "stored durably"}, "400": {"description": "partial write"}, "503": {"description": "saturated"}}}},
    "/api/v2/write": {"post": {"summary": "InfluxDB 2.x line protocol write",
      "responses": {"204": {"description": "stored durably"}, "400": {"description": "partial write"}, "503": {"description": "saturated"}}}},
    "/api/v1/senml": {"post": {"summary": "SenML JSON (RFC 8428) write",
      "responses": {"204": {"description": "stored durably"}, "400": {"description": "rejected records named"}}}},
    "/api/v1/deadletters": {"get": {"summary": "Undecodable MQTT messages kept for inspection",
      "responses": {"200": {"description": "newest first"}}}},
    "/api/v1/admin/backup": {"post": {"summary": "Online backup of the store into a new directory on the server (loopback clients only)",
      "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"to": {"type": "string"}}}}}},
      "responses": {"200": {"description": "{\"backup\": DIR}"}, "403": {"description": "not a loopback client"},
                    "409": {"description": "another backup runs"}}}},
    "/api/v1/openapi.json": {"get": {"summary": "This document",
      "responses": {"200": {"description": "OpenAPI 3 document"}}}}
  }
})json";
  return kDocument;
}

}  // namespace citynexus::query
