#!/usr/bin/env bash
# `make run`: a living city in one command. Starts a local mosquitto on
# 127.0.0.1:1883 unless something already listens there, then citynexus
# (config/citynexus.json, data in ./data) and `citynexus demo` feeding it.
# The dashboard is at http://127.0.0.1:8080/. Ctrl-C stops all three (only
# what this script started).
#
# Access is deny-by-default: the server writes <data_dir>/admin.token on its
# first start, and the demo writes with that token (read from the file, never
# put on a command line). The demo's measurements and the built-in indicators
# are public in the shipped config, so the dashboard works without a token.
set -euo pipefail
binary=${1:-build/app/citynexus}
cd "$(dirname "$0")/.."
data_dir=data
server=http://127.0.0.1:8080

mosquitto_pid=""
citynexus_pid=""
demo_pid=""
stop_all() {
  for pid in "$demo_pid" "$citynexus_pid"; do
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for pid in "$demo_pid" "$citynexus_pid"; do
    if [ -n "$pid" ]; then wait "$pid" 2>/dev/null || true; fi
  done
  if [ -n "$mosquitto_pid" ]; then
    kill "$mosquitto_pid" 2>/dev/null || true
    wait "$mosquitto_pid" 2>/dev/null || true
  fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

if (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
  echo "run: something already listens on 127.0.0.1:1883; using it as the MQTT broker"
else
  conf=$(mktemp)
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\n' >"$conf"
  mosquitto -c "$conf" &
  mosquitto_pid=$!
  echo "run: started mosquitto (pid $mosquitto_pid) on 127.0.0.1:1883"
fi

mkdir -p "$data_dir"
"$binary" serve --config config/citynexus.json --data-dir "$data_dir" &
citynexus_pid=$!
for _ in $(seq 1 150); do
  # Any HTTP status means it is up (401 once the route needs a token).
  if [ "$(curl -sS -o /dev/null -w '%{http_code}' "$server/api/v1/version" 2>/dev/null)" != "000" ]; then break; fi
  if ! kill -0 "$citynexus_pid" 2>/dev/null; then
    echo "run: citynexus exited" >&2
    exit 1
  fi
  sleep 0.2
done

# Access is deny-by-default; the first start writes an admin token, which the
# demo uses to write and you can use to try the API.
for _ in $(seq 1 50); do
  [ -s "$data_dir/admin.token" ] && break
  sleep 0.1
done
token_args=()
if [ -s "$data_dir/admin.token" ]; then
  token_args=(--token-file "$data_dir/admin.token")
  echo "run: admin token in $data_dir/admin.token; try:"
  echo "run:   curl -H \"Authorization: Bearer \$(cat $data_dir/admin.token)\" '$server/api/v1/series'"
fi
"$binary" demo --server "$server" --broker tcp://127.0.0.1:1883 "${token_args[@]}" &
demo_pid=$!
echo "run: the city is at $server/ (Ctrl-C stops)"
wait "$citynexus_pid" || true
