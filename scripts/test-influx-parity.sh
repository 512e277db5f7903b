#!/usr/bin/env bash
# `make test-influx-parity`: checks citynexus' InfluxDB 1.x compatible endpoints
# (/write, /query, /ping and the `influx` CLI) against a real InfluxDB 1.6 run
# on loopback. Installs Debian's influxdb + influxdb-client when missing, then
# hands over to scripts/influx_parity/run_parity.py (Python 3 stdlib only),
# which starts and stops its own influxd and citynexus on free ports.
#
# Usage: scripts/test-influx-parity.sh [CITYNEXUS_BINARY] [run_parity.py flags]
#   e.g. scripts/test-influx-parity.sh build/app/citynexus --only 12
set -euo pipefail
cd "$(dirname "$0")/.."

binary=build/app/citynexus
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  binary=$1
  shift
fi

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
for package in influxdb influxdb-client; do
  installed "$package" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    as_root=(sudo)
  fi
  echo "influx-parity: installing ${missing[*]}"
  # The package's postinst would start a system influxd on :8086. The harness
  # runs its own instance, so forbid service starts for this install only
  # (policy-rc.d exit 101), unless a policy is already in place.
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
    "${as_root[@]}" chmod 755 "$policy"
    added_policy=1
  fi
  remove_policy() {
    if [ "$added_policy" = 1 ]; then
      "${as_root[@]}" rm -f "$policy"
    fi
  }
  trap remove_policy EXIT
  "${as_root[@]}" apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  remove_policy
  added_policy=0
fi

python3 -B scripts/influx_parity/run_parity.py --citynexus "$binary" "$@"
