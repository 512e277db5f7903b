"""The "meters100k" data set of the scale benchmark, as cached line protocol.

100,000 smart meters (high cardinality: one series per meter), 100 readings
each at 15 min by default (10M lines, 24 h 45 min), precision s, from a fixed
seed, starting 2026-01-05T00:00:00Z:

  meters,district=dNN,meter=mNNNNNN kwh=<float counter, 3 decimals>

Districts d01..d12 are assigned round robin. Lines are written time-major
(every meter at reading k, then k+1), as a head-end system forwards them,
in batches of 5000 lines. Each batch is one file batch-NNNNN.lp; a MANIFEST
written last marks a complete cache (same layout as ../peer_bench/urban1000).
"""

import json
import os
import random
import shutil
import time

SEED = 20261206
START = 1767571200  # 2026-01-05T00:00:00Z
STEP = 900
LINES_PER_BATCH = 5000
VERSION = 1
DISTRICTS = ["d%02d" % i for i in range(1, 13)]


def meter_name(i):
    return "m%06d" % i


def cache_dir(root, meters, readings):
    return os.path.join(root, "meters100k-v%d-seed%d-%dx%d" % (VERSION, SEED, meters, readings))


def _generate(directory, meters, readings):
    rng = random.Random(SEED)
    prefixes = ["meters,district=%s,meter=%s kwh=" % (DISTRICTS[i % len(DISTRICTS)],
                                                      meter_name(i)) for i in range(meters)]
    counters = [rng.uniform(100.0, 50000.0) for _ in range(meters)]
    rates = [rng.uniform(0.02, 0.6) for _ in range(meters)]
    rand = rng.random
    files = written = 0
    lines = []
    for k in range(readings):
        suffix = " %d\n" % (START + k * STEP)
        for i in range(meters):
            counters[i] += rates[i] * (0.5 + rand())
            lines.append("%s%.3f%s" % (prefixes[i], counters[i], suffix))
            if len(lines) == LINES_PER_BATCH:
                with open(os.path.join(directory, "batch-%05d.lp" % files), "w") as f:
                    f.write("".join(lines))
                files += 1
                written += len(lines)
                lines = []
    if lines:
        with open(os.path.join(directory, "batch-%05d.lp" % files), "w") as f:
            f.write("".join(lines))
        files += 1
        written += len(lines)
    return files, written


def ensure(root, meters, readings, log=print):
    """(directory, manifest); generates the files unless a complete copy is cached."""
    directory = cache_dir(root, meters, readings)
    manifest_path = os.path.join(directory, "MANIFEST.json")
    try:
        with open(manifest_path) as f:
            manifest = json.load(f)
        if manifest.get("lines") == meters * readings:
            log("data set: cached in %s (%d files, %d lines)" % (
                directory, manifest["files"], manifest["lines"]))
            return directory, manifest
    except (OSError, ValueError):
        pass
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    started = time.time()
    files, written = _generate(directory, meters, readings)
    manifest = {
        "name": "meters100k", "version": VERSION, "seed": SEED, "meters": meters,
        "readings": readings, "lines": written, "files": files,
        "lines_per_batch": LINES_PER_BATCH, "precision": "s", "start": START,
        "end": START + readings * STEP, "step": STEP,
        "bytes": sum(os.path.getsize(os.path.join(directory, n)) for n in os.listdir(directory)),
        "generate_seconds": round(time.time() - started, 1),
    }
    with open(manifest_path + ".tmp", "w") as f:
        json.dump(manifest, f, indent=1)
    os.rename(manifest_path + ".tmp", manifest_path)
    log("data set: generated %d lines in %d files (%.1f MB) in %.1f s into %s" % (
        written, files, manifest["bytes"] / 1e6, manifest["generate_seconds"], directory))
    return directory, manifest


def batch_paths(directory, manifest):
    return [os.path.join(directory, "batch-%05d.lp" % i) for i in range(manifest["files"])]
