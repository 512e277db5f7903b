# The dashboard: `npm ci` (once per lockfile change) and esbuild run by
# web/build.mjs, which checks the bundle-size budget and generates
# web_assets.cc embedding the built files; it is compiled into
# citynexus_app. Included from app/CMakeLists.txt.
find_program(CITYNEXUS_NODE node)
find_program(CITYNEXUS_NPM npm)
if(NOT CITYNEXUS_NODE OR NOT CITYNEXUS_NPM)
  message(FATAL_ERROR "the dashboard needs node and npm: run scripts/install-deps.sh")
endif()
set(CITYNEXUS_WEB_DIR ${PROJECT_SOURCE_DIR}/web)
set(CITYNEXUS_WEB_OUT ${CMAKE_BINARY_DIR}/web)
file(GLOB_RECURSE CITYNEXUS_WEB_SOURCES CONFIGURE_DEPENDS ${CITYNEXUS_WEB_DIR}/src/*)

add_custom_command(
  OUTPUT ${CITYNEXUS_WEB_OUT}/npm-ci.stamp
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CITYNEXUS_WEB_OUT}
  COMMAND ${CITYNEXUS_NPM} ci --no-audit --no-fund --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${CITYNEXUS_WEB_OUT}/npm-ci.stamp
  DEPENDS ${CITYNEXUS_WEB_DIR}/package.json ${CITYNEXUS_WEB_DIR}/package-lock.json
  WORKING_DIRECTORY ${CITYNEXUS_WEB_DIR}
  COMMENT "dashboard: npm ci"
  VERBATIM)
add_custom_command(
  OUTPUT ${CITYNEXUS_WEB_OUT}/web_assets.cc
  COMMAND ${CITYNEXUS_NODE} ${CITYNEXUS_WEB_DIR}/build.mjs ${CITYNEXUS_WEB_OUT}/dist
          ${CITYNEXUS_WEB_OUT}/web_assets.cc
  DEPENDS ${CITYNEXUS_WEB_OUT}/npm-ci.stamp ${CITYNEXUS_WEB_DIR}/build.mjs
          ${CITYNEXUS_WEB_SOURCES}
  WORKING_DIRECTORY ${CITYNEXUS_WEB_DIR}
  COMMENT "dashboard: esbuild, size budget, embedding"
  VERBATIM)
target_sources(citynexus_app PRIVATE ${CITYNEXUS_WEB_OUT}/web_assets.cc)
