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

import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "peer_bench"))
import batch_files  # noqa: E402

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
    out = batch_files.BatchWriter(directory, LINES_PER_BATCH)
    for k in range(readings):
        suffix = " %d\n" % (START + k * STEP)
        for i in range(meters):
            counters[i] += rates[i] * (0.5 + rand())
            out.add("%s%.3f%s" % (prefixes[i], counters[i], suffix))
    return out.close()


def ensure(root, meters, readings, log=print):
    """(directory, manifest); generates the files unless a complete copy is cached."""
    return batch_files.ensure(
        cache_dir(root, meters, readings), "lines", meters * readings,
        lambda directory: _generate(directory, meters, readings),
        lambda files, written: {
            "name": "meters100k", "version": VERSION, "seed": SEED, "meters": meters,
            "readings": readings, "lines": written, "files": files,
            "lines_per_batch": LINES_PER_BATCH, "precision": "s", "start": START,
            "end": START + readings * STEP, "step": STEP},
        log)


batch_paths = batch_files.batch_paths
