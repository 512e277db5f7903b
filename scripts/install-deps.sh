#!/usr/bin/env bash
# Installs the Debian 12 packages citynexus needs to build, test and run.
# Idempotent: installs only what is missing, runs `apt-get update` only then.
# Works as root or through sudo.
set -euo pipefail

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
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
