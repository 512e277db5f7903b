#!/usr/bin/env bash
# Clang thread-safety analysis over the product code (common engine net
# connectors query app; not tests or bench): clang++-14 -fsyntax-only
# -Wthread-safety -Werror on every product .cc of build/compile_commands.json,
# in parallel. Fails on the first GUARDED_BY / REQUIRES / EXCLUDES violation
# (see common/thread_annotations.h and common/mutex.h).
#
# Usage: scripts/thread-safety.sh [BUILD_DIR]   (default: build)
# Configures BUILD_DIR with CMake when it has no compile_commands.json yet
# (no compilation is needed), and installs clang-14 when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
jobs=${JOBS:-$(nproc)}
clang=${CLANGXX:-clang++-14}

if ! command -v "$clang" >/dev/null 2>&1; then
  SUDO=()
  [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
  "${SUDO[@]}" apt-get install -y clang-14
fi
if [ ! -f "$build_dir/compile_commands.json" ]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi

start=$(date +%s%N)
# One line per product file: the compile command turned into a clang
# syntax-only check (g++-only flags dropped, the project's warnings kept as
# warnings, thread-safety violations made errors).
python3 - "$build_dir/compile_commands.json" "$clang" "$PWD" >"$build_dir/thread-safety.cmds" <<'PY'
import json, shlex, sys
db, clang, root = sys.argv[1], sys.argv[2], sys.argv[3]
layers = ("common/", "engine/", "net/", "connectors/", "query/", "app/")
gcc_only = {"-Wno-restrict", "-Wno-dangling-reference", "-Wno-maybe-uninitialized"}
for entry in json.load(open(db)):
    path = entry["file"]
    rel = path[len(root) + 1:] if path.startswith(root + "/") else path
    if not rel.startswith(layers):
        continue
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [clang], False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in ("-o", "-c"):
            skip = a == "-o"
            continue
        if a in gcc_only:
            continue
        out.append(a)
    # Boost 1.74 Asio looks for clang coroutines in <experimental/coroutine>
    # (libc++); with libstdc++ 12, clang 14 has the standard ones.
    # -Wno-error first: a CI build adds -Werror, but clang's other warnings
    # are reported here, not fatal; only the thread-safety ones fail.
    out += ["-DBOOST_ASIO_HAS_CO_AWAIT=1", "-Wno-error",
            "-fsyntax-only", "-Wthread-safety", "-Werror=thread-safety",
            "-Wthread-safety-beta", "-Wno-unknown-warning-option"]
    print("cd %s && %s" % (shlex.quote(entry["directory"]),
                            " ".join(shlex.quote(a) for a in out)))
PY
count=$(wc -l <"$build_dir/thread-safety.cmds")
status=0
tr '\n' '\0' <"$build_dir/thread-safety.cmds" |
  xargs -0 -P "$jobs" -n 1 bash -c >"$build_dir/thread-safety.log" 2>&1 ||
  status=$?
end=$(date +%s%N)
if grep -q "warning: .*\[-Wthread-safety" "$build_dir/thread-safety.log" ||
  [ "$status" -ne 0 ]; then
  grep -E "error|warning: .*thread-safety" -A2 "$build_dir/thread-safety.log" | head -200
  echo "thread-safety: FAILED over $count files" >&2
  exit 1
fi
ms=$(((end - start) / 1000000))
printf 'thread-safety: %d product files clean in %d.%03d s (%d jobs)\n' \
  "$count" $((ms / 1000)) $((ms % 1000)) "$jobs"
