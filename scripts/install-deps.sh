#!/usr/bin/env bash
# Installs the Debian 12 packages citynexus needs to build, test and run.
# Idempotent: installs only what is missing, runs `apt-get update` only then.
# Works as root or through sudo.
#
# Usage: scripts/install-deps.sh [--peer-bench]
#   --peer-bench  also installs ClickHouse (clickhouse-server 18.16), the
#                 third server of scripts/peer-bench.sh. Opt-in: CI never
#                 passes it. The package's service is not started (the
#                 benchmark runs its own server).
set -euo pipefail

peer_bench=0
for arg in "$@"; do
  case "$arg" in
    --peer-bench) peer_bench=1 ;;
    *) echo "install-deps: unknown argument $arg" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake pkg-config git
  libboost-dev libboost-program-options-dev
  libpaho-mqtt-dev libpaho-mqttpp-dev
  librocksdb-dev
  nlohmann-json3-dev
  catch2 libbenchmark-dev
  mosquitto mosquitto-clients
  libssl-dev zlib1g-dev libre2-dev
  curl ca-certificates tzdata python3
  clang-14
  influxdb-client openssl
)

# The dashboard's build needs node and npm. Machines that already carry a
# Node.js (e.g. NodeSource's, which bundles npm) keep it: Debian's npm package
# would conflict with it.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

if [ "$peer_bench" = 1 ]; then
  packages+=(clickhouse-server clickhouse-client)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# With --peer-bench, forbid service starts for this install (policy-rc.d exit
# 101), so no system clickhouse-server competes with the benchmark's own,
# unless a policy is already in place.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ "$peer_bench" = 1 ] && [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
  "${SUDO[@]}" chmod 755 "$policy"
  added_policy=1
fi
remove_policy() {
  if [ "$added_policy" = 1 ]; then
    "${SUDO[@]}" rm -f "$policy"
  fi
}
trap remove_policy EXIT
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
