#!/usr/bin/env bash
# `make test-prom-parity`: the Prometheus API of citynexus against a real
# Prometheus 2.42 (Debian's) on the same samples (scripts/prom_parity/).
#   1. installs Debian's prometheus (with promtool) if missing;
#   2. generates the samples, loads them into Prometheus with
#      `promtool tsdb create-blocks-from openmetrics`, starts it on loopback;
#   3. starts the real `citynexus serve` (build/app/citynexus) with a temp
#      data dir and config on a free loopback port, reads the admin token it
#      writes to <data_dir>/admin.token on first start, and writes the same
#      samples through POST /write (line protocol, gzip, batches;
#      prom_parity/write_samples.py);
#   4. runs the corpus, Grafana's call sequence and promtool against both;
#      every citynexus request carries the token: `Authorization: Bearer`
#      from Python, HTTP Basic in the server URL for promtool (2.42 cannot
#      set headers; citynexus accepts Basic with any user and the secret).
#   With --bench: also 100 series over 24 h, and after the parity run the
#   range-query benchmark (scripts/prom_parity/bench.py) on both peers.
# Usage: scripts/test-prom-parity.sh [BUILD_DIR] [--bench]
set -euo pipefail

build_dir=${1:-build}
bench=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
binary="$build_dir/app/citynexus"
[ -x "$binary" ] || { echo "test-prom-parity: build $binary first (cmake --build $build_dir --target citynexus)" >&2; exit 1; }

if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  SUDO=(); [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
fi

started=$(date +%s)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

python3 "$here/prom_parity/generate.py" "$work/samples.om" "$work/samples.tsv" \
  "$([ "$bench" = --bench ] && echo bench || true)"
mkdir -p "$work/prom-data"
promtool tsdb create-blocks-from openmetrics "$work/samples.om" "$work/prom-data" >"$work/promtool.log" 2>&1 \
  || { cat "$work/promtool.log" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
prom_port=$(free_port)
printf 'global:\n  scrape_interval: 1h\n' >"$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom-data" \
  --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$prom_port" \
  >"$work/prometheus.log" 2>&1 &
pids+=($!)

cn_port=$(free_port)
while [ "$cn_port" = "$prom_port" ]; do cn_port=$(free_port); done
cat >"$work/citynexus.json" <<JSON
{
  "data_dir": "$work/cn-data",
  "http": { "listen": "127.0.0.1:$cn_port" }
}
JSON
"$binary" serve --config "$work/citynexus.json" >"$work/cn.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$prom_port/-/ready" >/dev/null 2>&1 \
     && curl -fsS "http://127.0.0.1:$cn_port/healthz" >/dev/null 2>&1 \
     && [ -s "$work/cn-data/admin.token" ]; then break; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$prom_port/-/ready" >/dev/null || { cat "$work/prometheus.log" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$cn_port/healthz" >/dev/null && [ -s "$work/cn-data/admin.token" ] \
  || { cat "$work/cn.log" >&2; exit 1; }
python3 "$here/prom_parity/write_samples.py" "$work/samples.tsv" "http://127.0.0.1:$cn_port" \
  "$work/cn-data/admin.token" || { tail -20 "$work/cn.log" >&2; exit 1; }

status=0
(cd "$here/prom_parity" && python3 run_parity.py "http://127.0.0.1:$prom_port" \
  "http://127.0.0.1:$cn_port/prometheus" "$(command -v promtool)" "$work/cn-data/admin.token") || status=$?
echo "test-prom-parity: wall time $(( $(date +%s) - started )) s"
if [ "$bench" = --bench ]; then
  (cd "$here/prom_parity" && python3 bench.py "http://127.0.0.1:$prom_port" \
    "http://127.0.0.1:$cn_port/prometheus" "$work/cn-data/admin.token") || status=$?
fi
exit $status
