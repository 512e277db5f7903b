"""Generated benchmark data sets cached on disk: numbered line-protocol batch
files (batch-00000.lp, ...) plus MANIFEST.json, written last and atomically,
so an interrupted generation is redone and a complete one reused.

Shared by urban1000 (peer benchmark), meters100k and year100 (scale
benchmarks); each keeps only its own signal model.
"""

import json
import os
import shutil
import time


class BatchWriter:
    """Collects lines; every `per_batch` lines become the next batch file."""

    def __init__(self, directory, per_batch):
        self.directory = directory
        self.per_batch = per_batch
        self.files = 0
        self.written = 0
        self._lines = []

    def add(self, line):
        self._lines.append(line)
        if len(self._lines) >= self.per_batch:
            self._flush()

    def close(self):
        """Writes the last, partial batch; returns (files, lines written)."""
        if self._lines:
            self._flush()
        return self.files, self.written

    def _flush(self):
        with open(batch_path(self.directory, self.files), "w") as f:
            f.write("".join(self._lines))
        self.files += 1
        self.written += len(self._lines)
        self._lines = []


def batch_path(directory, index):
    return os.path.join(directory, "batch-%05d.lp" % index)


def batch_paths(directory, manifest):
    return [batch_path(directory, i) for i in range(manifest["files"])]


def ensure(directory, count_key, expected, generate, describe, log=print,
           announce=None):
    """(directory, manifest) of the data set in `directory`.

    The cached copy is used when its manifest's `count_key` equals
    `expected`. Otherwise the directory is emptied, `generate(directory)`
    writes the batches and returns (files, written), and the manifest is
    `describe(files, written)` plus the set's bytes and generation time.
    `announce`, when given, is logged before generating.
    """
    manifest_path = os.path.join(directory, "MANIFEST.json")
    try:
        with open(manifest_path) as f:
            manifest = json.load(f)
        if manifest.get(count_key) == expected:
            log("data set: cached in %s (%d files, %d %s)" % (
                directory, manifest["files"], manifest[count_key], count_key))
            return directory, manifest
    except (OSError, ValueError):
        pass
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    started = time.time()
    if announce:
        log(announce)
    files, written = generate(directory)
    manifest = describe(files, written)
    manifest["bytes"] = sum(os.path.getsize(os.path.join(directory, n))
                            for n in os.listdir(directory))
    manifest["generate_seconds"] = round(time.time() - started, 1)
    with open(manifest_path + ".tmp", "w") as f:
        json.dump(manifest, f, indent=1)
    os.rename(manifest_path + ".tmp", manifest_path)
    log("data set: generated %d %s in %d files (%.1f MB) in %.1f s into %s" % (
        manifest[count_key], count_key, files, manifest["bytes"] / 1e6,
        manifest["generate_seconds"], directory))
    return directory, manifest
