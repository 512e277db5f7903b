#!/usr/bin/env bash
# `make bench`: runs every Google Benchmark executable of a build and keeps
# the JSON results (with the machine context Google Benchmark records) in
# <build>/bench-results/. Pass a filter as $2 to run a subset.
set -euo pipefail
build=${1:-build}
filter=${2:-.}
out="$build/bench-results"
mkdir -p "$out"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "compiler: $(c++ --version | head -n1)"
for b in "$build"/bench/*_bench; do
  [ -x "$b" ] || continue
  name=$(basename "$b")
  echo "== $name"
  "$b" --benchmark_filter="$filter" --benchmark_out="$out/$name.json" \
       --benchmark_out_format=json
done
echo "results: $out/"
