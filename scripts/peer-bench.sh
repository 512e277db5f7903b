#!/usr/bin/env bash
# Peer benchmark: citynexus against InfluxDB 1.6.7 and ClickHouse 18.16
# (Debian) on this machine, same data (urban1000: 1000 series, 10M points by
# default), same questions (InfluxQL for InfluxDB and citynexus, SQL for
# ClickHouse), citynexus measured a minute after its ingest and after
# compaction. See docs/performance.md for what it measures.
#
# Usage: scripts/peer-bench.sh [CITYNEXUS_BINARY] [--points N] [--quick]
#                              [--reps N] [--out FILE] [run_peer_bench.py flags]
#   CITYNEXUS_BINARY defaults to build/app/citynexus (build it Release first).
#   --quick: 1M points and 10 repetitions per query.
#   --self-test: checks the data generator and the HTTP clients, no servers.
#
# ClickHouse is opt-in: run scripts/install-deps.sh --peer-bench once (or pass
# --clickhouse ''  to leave it out). When influxd is missing, installs
# Debian's influxdb + influxdb-client through
# scripts/test-influx-parity.sh (its install step, which keeps the package from
# starting a system influxd), asked to only list its queries afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=build/app/citynexus
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  binary=$1
  shift
fi

if [[ " $* " == *" --self-test "* ]]; then
  exec python3 -B scripts/peer_bench/run_peer_bench.py --citynexus "$binary" "$@"
fi

if ! command -v influxd >/dev/null 2>&1; then
  echo "peer-bench: influxd not found; installing it via scripts/test-influx-parity.sh"
  scripts/test-influx-parity.sh --list >/dev/null
fi

if ! command -v clickhouse-server >/dev/null 2>&1 && [ ! -x /usr/sbin/clickhouse-server ]; then
  echo "peer-bench: clickhouse-server not found, ClickHouse left out" \
       "(scripts/install-deps.sh --peer-bench installs it)"
fi

python3 -B scripts/peer_bench/run_peer_bench.py --citynexus "$binary" "$@"
