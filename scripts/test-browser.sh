#!/usr/bin/env bash
# Browser tests of the dashboard (`make test-browser`): a private mosquitto,
# `citynexus serve` with the shipped config (addresses, data dir and poll
# interval changed) and `citynexus demo` feeding it, then
# tests/browser/dashboard.test.mjs in headless Debian chromium through
# puppeteer-core. Screenshots and summary.json land in BUILD_DIR/browser-test/.
# Installs chromium (Debian) and the test's npm packages (npm ci) if missing.
#
# usage: scripts/test-browser.sh [BUILD_DIR]
set -euo pipefail
build_dir=$(realpath "${1:-build}")
cd "$(dirname "$0")/.."
root=$(pwd)
binary="$build_dir/app/citynexus"
out="$build_dir/browser-test"

if ! command -v chromium >/dev/null 2>&1; then
  echo "test-browser: installing chromium"
  SUDO=(); [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium
fi
(cd tests/browser && [ -d node_modules/puppeteer-core ] || npm ci --no-audit --no-fund --loglevel=error)

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mqtt_port=$(free_port); http_port=$(free_port); gbfs_port=$(free_port)

printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt_port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)

python3 - "$root" "$work" "$mqtt_port" "$gbfs_port" <<'PY'
import json, sys
root, work, mqtt_port, gbfs_port = sys.argv[1:]
c = json.load(open(f"{root}/config/citynexus.json"))
c["mqtt"]["brokers"] = [f"tcp://127.0.0.1:{mqtt_port}"]
c["mqtt"]["client_id"] = "citynexus-browser-test"
c["indicators"]["paths"] = [f"{root}/config/indicators"]
for p in c.get("pollers", []):
    p["url"] = f"http://127.0.0.1:{gbfs_port}/gbfs.json"
    p["interval"] = "2s"
    p["backoff_max"] = "2s"
json.dump(c, open(f"{work}/citynexus.json", "w"), indent=1)
PY

"$binary" serve --config "$work/citynexus.json" --data-dir "$work/data" \
  --listen "127.0.0.1:$http_port" >"$work/serve.log" 2>&1 &
pids+=($!)
server="http://127.0.0.1:$http_port"
for _ in $(seq 1 150); do
  [ "$(curl -sS -o /dev/null -w '%{http_code}' "$server/api/v1/version" 2>/dev/null)" != "000" ] && break
  sleep 0.2
done

# With access control on, the server writes an admin token on first start.
token_args=()
if [ -f "$work/data/admin.token" ]; then
  token_args=(--token-file "$work/data/admin.token")
  CITYNEXUS_TOKEN=$(cat "$work/data/admin.token")
  export CITYNEXUS_TOKEN
fi
started=$(date +%s)
"$binary" demo --server "$server" --broker "tcp://127.0.0.1:$mqtt_port" --days 370 "${token_args[@]}" \
  --gbfs-listen "127.0.0.1:$gbfs_port" --interval 2 >"$work/demo.log" 2>&1 &
demo_pid=$!
pids+=($demo_pid)
until grep -q "demo: live every" "$work/demo.log"; do
  if ! kill -0 "$demo_pid" 2>/dev/null; then cat "$work/demo.log" >&2; exit 1; fi
  sleep 0.5
done
echo "test-browser: demo backfilled in $(( $(date +%s) - started )) s"

rm -rf "$out"
status=0
node tests/browser/dashboard.test.mjs "$server" "$out" || status=$?
if [ "$status" -ne 0 ]; then
  echo "test-browser: FAILED (server log: $out/serve.log)" >&2
  mkdir -p "$out" && cp "$work/serve.log" "$work/demo.log" "$out/" || true
fi
exit "$status"
