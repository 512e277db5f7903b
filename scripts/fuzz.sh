#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang-14 (ASan + UBSan) and runs
# each for FUZZ_SECONDS (default 30) from its committed seed corpus and
# dictionary. Fails on the first crash, leak, timeout or out-of-memory; the
# reproducer is left in $BUILD/artifacts/<target>/ (add it to
# fuzz/corpus/<target>/ once fixed, so the gcc build replays it forever).
#
#   scripts/fuzz.sh                 # every target, 30 s each
#   FUZZ_SECONDS=5 scripts/fuzz.sh senml influxql
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-30}
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${FUZZ_JOBS:-$(nproc)}

need=(clang-14 libclang-rt-14-dev)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}"
  SUDO=(); [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

start=$(date +%s)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$root/fuzz" -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(line_protocol senml ttn gbfs json_mapping csv_mapping plain_value
           influxql indicator_expr chunk_codec http_request)
fi
cmake --build "$build" -j "$jobs" --target "${targets[@]/%/_fuzzer}"
built=$(date +%s)
echo "fuzz: build took $((built - start)) s"

status=0
for t in "${targets[@]}"; do
  work="$build/run/$t"
  artifacts="$build/artifacts/$t/"
  rm -rf "$work"; mkdir -p "$work" "$artifacts"
  cp "$root/fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
  dict=()
  [ -f "$root/fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
  log="$build/$t.log"
  # -timeout: one input may take at most 10 s; -rss_limit_mb bounds memory;
  # detect_leaks is on by default with ASan.
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "$build/${t}_fuzzer" "$work" "${dict[@]}" -max_total_time="$seconds" \
       -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
       -artifact_prefix="$artifacts" >"$log" 2>&1; then
    execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "fuzz: $t ok, ${execs:-?} execs in ${seconds} s"
  else
    echo "fuzz: $t FAILED (log: $log, reproducer in $artifacts)"
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5
    status=1
  fi
done
echo "fuzz: whole step took $(( $(date +%s) - start )) s"
exit $status
