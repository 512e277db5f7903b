#!/usr/bin/env bash
# `make run`: starts a local mosquitto on 127.0.0.1:1883 unless something
# already listens there, then runs citynexus in the foreground. Ctrl-C stops
# both (only what this script started).
set -euo pipefail
binary=${1:-build/app/citynexus}
cd "$(dirname "$0")/.."

mosquitto_pid=""
cleanup() {
  if [ -n "$mosquitto_pid" ]; then
    kill "$mosquitto_pid" 2>/dev/null || true
    wait "$mosquitto_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

if (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
  echo "run: something already listens on 127.0.0.1:1883; using it as the MQTT broker"
else
  conf=$(mktemp)
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\n' >"$conf"
  mosquitto -c "$conf" &
  mosquitto_pid=$!
  echo "run: started mosquitto (pid $mosquitto_pid) on 127.0.0.1:1883"
fi

mkdir -p data
# Not exec: the trap must stop mosquitto after citynexus exits.
"$binary" serve --config config/citynexus.json &
citynexus_pid=$!
# Access is deny-by-default; the first start writes an admin token.
for _ in $(seq 1 100); do
  [ -s data/admin.token ] && break
  sleep 0.1
done
if [ -s data/admin.token ]; then
  echo "run: admin token in data/admin.token; try:"
  echo "run:   curl -H \"Authorization: Bearer \$(cat data/admin.token)\" 'http://127.0.0.1:8080/api/v1/series'"
fi
trap 'kill -TERM $citynexus_pid 2>/dev/null || true' INT TERM
wait "$citynexus_pid" || true
wait "$citynexus_pid" 2>/dev/null || true
