#!/usr/bin/env bash
# MQTT ingest benchmark: the rate at which citynexus drains a QoS 1 stream
# from a private mosquitto, against a plain `mosquitto_sub` draining the same
# stream from the same broker (issue #4 target: >= 90%). See
# docs/performance.md for what it measures.
#
# Usage: scripts/mqtt-bench.sh [BUILD_DIR] [run_mqtt_bench.py flags]
#   BUILD_DIR defaults to build; it must hold a Release build of the targets
#   citynexus and mqtt_publisher. Flags: --single N (messages of one point,
#   default 200000), --batched N --lines L (default 50000 x 100 points),
#   --reps N (default 3), --out FILE (JSON), --keep-temp; --help lists all.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  build=$1
  shift
fi

exec python3 -B scripts/mqtt_bench/run_mqtt_bench.py \
  --citynexus "$build/app/citynexus" --publisher "$build/bench/mqtt_publisher" "$@"
