# The sources each fuzz target needs, as paths relative to the repository
# root. Shared by the gcc corpus replay (fuzz/CMakeLists.txt from the main
# build) and the clang libFuzzer build (fuzz/CMakeLists.txt as its own
# project), which compiles only these files: a fuzz CI run builds about a
# quarter of the tree.
# All of common/: small, and every layer's code may use any of it.
file(GLOB CITYNEXUS_FUZZ_COMMON RELATIVE ${CITYNEXUS_ROOT}
     ${CITYNEXUS_ROOT}/common/*.cc)
set(CITYNEXUS_FUZZ_LIBS_common RE2 JSON)
file(GLOB CITYNEXUS_FUZZ_DECODERS RELATIVE ${CITYNEXUS_ROOT}
     ${CITYNEXUS_ROOT}/connectors/decoders/*.cc)

set(CITYNEXUS_FUZZ_TARGETS
  line_protocol senml ttn gbfs json_mapping csv_mapping plain_value
  influxql indicator_expr chunk_codec http_request)

# Source groups (one object library each in the clang build, compiled once)
# and the group each target links.
set(CITYNEXUS_FUZZ_GROUPS common decoders influxql indicator_expr
    chunk_codec http_request)
set(CITYNEXUS_FUZZ_SOURCES_common ${CITYNEXUS_FUZZ_COMMON})
set(CITYNEXUS_FUZZ_SOURCES_decoders ${CITYNEXUS_FUZZ_DECODERS})
set(CITYNEXUS_FUZZ_LIBS_decoders JSON)
foreach(t line_protocol senml ttn gbfs json_mapping csv_mapping plain_value)
  set(CITYNEXUS_FUZZ_GROUP_${t} decoders)
endforeach()
foreach(t influxql indicator_expr chunk_codec http_request)
  set(CITYNEXUS_FUZZ_GROUP_${t} ${t})
endforeach()
set(CITYNEXUS_FUZZ_SOURCES_influxql
  query/influxql/lexer.cc query/influxql/parser.cc
  query/influxql/parser_expr.cc query/influxql/parser_show.cc
  query/influxql/parser_tokens.cc query/time_zone.cc)
set(CITYNEXUS_FUZZ_LIBS_influxql RE2)
set(CITYNEXUS_FUZZ_SOURCES_indicator_expr
  query/indicators/expr_lexer.cc query/indicators/expr_parser.cc
  query/time_parse.cc)
set(CITYNEXUS_FUZZ_SOURCES_chunk_codec
  engine/chunk_codec.cc engine/bit_stream.cc engine/codec_float.cc
  engine/codec_int_column.cc)
set(CITYNEXUS_FUZZ_SOURCES_http_request
  net/url.cc net/router.cc net/gzip.cc net/http_types.cc net/json_text.cc
  net/access.cc)
set(CITYNEXUS_FUZZ_LIBS_http_request ZLIB BOOST)
