#!/usr/bin/env bash
# Scale benchmark: 100,000 series (smart meters, tags meter + district, 10M
# lines) in citynexus and InfluxDB 1.6.7 (Debian), same run: ingest lines/s
# and RSS (each server ingests while the other is paused), then the latency
# of a tag lookup, SHOW TAG VALUES and a sum over all series GROUP BY
# district. See docs/performance.md. Opt-in (make scale-bench), not in CI.
#
# With --year (make scale-bench-year): one year of 1-minute data for 100
# series (52.56M points, scale_bench/run_year_bench.py): HTTP ingest and
# `citynexus import` rates, bytes per point right after ingest and after
# compaction, and year-long daily means (1 series, all 100) on both servers.
# Needs ~4 GB of free disk under $TMPDIR (the cached data set is 3.4 GB) and
# 20-25 minutes, plus ~3 to generate the data set the first time.
#
# Usage: scripts/scale-bench.sh [CITYNEXUS_BINARY] [--quick] [--reps N]
#                               [--out FILE] [run_scale_bench.py flags]
#        scripts/scale-bench.sh [CITYNEXUS_BINARY] --year [--days N]
#                               [run_year_bench.py flags]
#   CITYNEXUS_BINARY defaults to build/app/citynexus (build it Release first).
#   --quick: 1M lines (10 readings per meter), 5 runs per query.
#
# When influxd is missing, installs Debian's influxdb through
# scripts/test-influx-parity.sh (as scripts/peer-bench.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."

binary=build/app/citynexus
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  binary=$1
  shift
fi

if ! command -v influxd >/dev/null 2>&1; then
  echo "scale-bench: influxd not found; installing it via scripts/test-influx-parity.sh"
  scripts/test-influx-parity.sh --list >/dev/null
fi

if [ "${1:-}" = "--year" ]; then
  shift
  exec python3 -B scripts/scale_bench/run_year_bench.py --citynexus "$binary" "$@"
fi
python3 -B scripts/scale_bench/run_scale_bench.py --citynexus "$binary" "$@"
