"""The "urban1000" data set of the peer benchmark, as cached line protocol.

1000 series at 60 s, precision s, from a fixed seed, starting
2026-01-05T00:00:00Z (a Monday); every series has the same number of points
(10,000 by default: 6.94 days, 10M points in all):

  traffic,district=dNN,sensor=TNNNN      vehicles=<int>i      400 series
  energy,district=dNN,meter=ENNNN        kwh=<float counter>  200 series (2 decimals)
  water_flow,district=dNN,point=WNNNN    m3=<float>           200 series (3 decimals)
  air,district=dNN,station=ANNNN         no2=<float>          200 series (1 decimal)

Districts d01..d12 are assigned round robin. Traffic has 400 series so that
the "400 series GROUP BY district" query (Q2) is one measurement.

Lines are written time-major (all 1000 series at minute k, then minute k+1),
the order a fleet of gateways produces, in batches of 5000 lines = 5 minutes.
Each batch is one file batch-NNNNN.lp under the cache directory; a MANIFEST
written last marks a complete cache, so an interrupted generation is redone.
"""

import math
import os
import random

import batch_files

SEED = 20260105
START = 1767571200  # 2026-01-05T00:00:00Z
STEP = 60
SERIES = 1000
LINES_PER_BATCH = 5000
VERSION = 1  # bump when the generator changes, so stale caches are not reused

KINDS = [  # (measurement, id tag, id prefix, field, count)
    ("traffic", "sensor", "T", "vehicles", 400),
    ("energy", "meter", "E", "kwh", 200),
    ("water_flow", "point", "W", "m3", 200),
    ("air", "station", "A", "no2", 200),
]
DISTRICTS = ["d%02d" % i for i in range(1, 13)]


def series_list():
    """[(measurement, id tag, id value, district, field)] in write order."""
    out = []
    n = 0
    for measurement, tag, prefix, field, count in KINDS:
        for i in range(1, count + 1):
            out.append((measurement, tag, "%s%04d" % (prefix, i),
                        DISTRICTS[n % len(DISTRICTS)], field))
            n += 1
    return out


def end_time(points_per_series):
    """Exclusive end (epoch seconds) of a data set of that size."""
    return START + points_per_series * STEP


def cache_dir(root, points_per_series):
    return os.path.join(root, "urban1000-v%d-seed%d-%dpps" % (
        VERSION, SEED, points_per_series))


def _daily(minute_of_day):
    """Urban daily shape in [0, 1]: low at night, peaks at 8:00 and 17:30."""
    h = minute_of_day / 60.0
    return (0.08 + 0.55 * math.exp(-((h - 8.0) ** 2) / 3.0) +
            0.6 * math.exp(-((h - 17.5) ** 2) / 4.0) +
            0.25 * math.exp(-((h - 13.0) ** 2) / 10.0))


def _generate(directory, points_per_series):
    rng = random.Random(SEED)
    series = series_list()
    prefixes = ["%s,district=%s,%s=%s %s=" % (m, d, t, v, f)
                for m, t, v, d, f in series]
    daily = [_daily(k) for k in range(1440)]
    # Per series parameters; kinds are contiguous blocks of `series`.
    scale = [rng.uniform(0.5, 1.5) for _ in series]
    level = [rng.uniform(0.0, 1.0) for _ in series]
    counters = [rng.uniform(1000.0, 90000.0) for _ in series]
    kinds = [m for m, _, _, _, _ in series]
    gauss = rng.gauss
    rand = rng.random
    out = batch_files.BatchWriter(directory, LINES_PER_BATCH)
    for k in range(points_per_series):
        t = START + k * STEP
        d = daily[(t // 60) % 1440]
        suffix_ts = " %d\n" % t
        for i in range(SERIES):
            kind = kinds[i]
            if kind == "traffic":
                v = int(scale[i] * 55.0 * d + gauss(0.0, 2.5))
                text = "%di" % (v if v > 0 else 0)
            elif kind == "energy":
                # A meter counter (kWh): never decreases, grows with load.
                counters[i] += scale[i] * (0.2 + 1.8 * d) * (0.8 + 0.4 * rand()) / 60.0
                text = "%.2f" % counters[i]
            elif kind == "water_flow":
                text = "%.3f" % max(0.0, scale[i] * (0.4 + 2.0 * d) + gauss(0.0, 0.05))
            else:
                text = "%.1f" % (12.0 + 30.0 * level[i] + 25.0 * d * scale[i] +
                                 gauss(0.0, 1.5))
            out.add(prefixes[i] + text + suffix_ts)
    return out.close()


def ensure(root, points_per_series, log=print):
    """Returns (directory, manifest dict); generates the files when the cache
    has no complete copy."""
    return batch_files.ensure(
        cache_dir(root, points_per_series), "points", points_per_series * SERIES,
        lambda directory: _generate(directory, points_per_series),
        lambda files, written: {
            "name": "urban1000", "version": VERSION, "seed": SEED, "series": SERIES,
            "points_per_series": points_per_series, "points": written, "files": files,
            "lines_per_batch": LINES_PER_BATCH, "precision": "s", "start": START,
            "end": end_time(points_per_series)},
        log)


batch_paths = batch_files.batch_paths
