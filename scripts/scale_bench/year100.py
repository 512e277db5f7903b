"""The "year100" data set of the scale benchmark, as cached line protocol.

100 sensors, one reading a minute for a year (365 days by default:
525,600 readings each, 52,560,000 lines), precision s, from a fixed seed,
starting 2026-01-01T00:00:00Z. One measurement and one float field, so that
a daily mean over "all 100" is one statement:

  sensors,district=dNN,kind=K,sensor=sNNN v=<float>

  kind=temp      30 series  air temperature, degC, 0.1 resolution: seasonal
                            cycle + daily cycle + a slow per-sensor weather
                            anomaly (AR(1), shared in part by all sensors)
                            + sensor noise
  kind=humidity  20 series  relative humidity, %, 0.1 resolution, clamped to
                            [5, 100]: falls when the temperature rises
  kind=energy    30 series  kWh meter counter, 0.01 resolution, never
                            decreases: load with a daily and weekly shape
  kind=noise     20 series  sound level, dB(A), 0.1 resolution: traffic
                            shape + noise

Districts d01..d12 round robin. Lines are written time-major (all 100
sensors at minute k, then k+1), as gateways forward them, in batches of 5000
lines (50 minutes). Each batch is one file batch-NNNNN.lp; a MANIFEST written
last marks a complete cache (same layout as ../peer_bench/urban1000.py and
meters100k.py). Generation streams: one batch in memory at a time.
"""

import math
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "peer_bench"))
import batch_files  # noqa: E402

SEED = 20260101
START = 1767225600  # 2026-01-01T00:00:00Z
STEP = 60
SERIES = 100
LINES_PER_BATCH = 5000
VERSION = 1  # bump when the generator changes, so stale caches are not reused
MEASUREMENT = "sensors"
FIELD = "v"
DISTRICTS = ["d%02d" % i for i in range(1, 13)]
KINDS = [("temp", 30), ("humidity", 20), ("energy", 30), ("noise", 20)]


def series_list():
    """[(kind, sensor id, district)] in write order."""
    out = []
    n = 0
    for kind, count in KINDS:
        for _ in range(count):
            out.append((kind, "s%03d" % n, DISTRICTS[n % len(DISTRICTS)]))
            n += 1
    return out


def sensor_of_kind(kind, index=0):
    """The sensor id of the index-th series of that kind."""
    return [s for k, s, _ in series_list() if k == kind][index]


def cache_dir(root, days):
    return os.path.join(root, "year100-v%d-seed%d-%dd" % (VERSION, SEED, days))


def _load_shape(minute_of_day, weekday):
    """Electric load in [~0.3, ~1.6]: night base, morning and evening peaks,
    lower on weekends."""
    h = minute_of_day / 60.0
    shape = (0.35 + 0.7 * math.exp(-((h - 8.0) ** 2) / 4.0) +
             0.9 * math.exp(-((h - 19.0) ** 2) / 6.0))
    return shape * (0.75 if weekday >= 5 else 1.0)


def _traffic_shape(minute_of_day):
    h = minute_of_day / 60.0
    return (0.15 + 0.8 * math.exp(-((h - 8.0) ** 2) / 3.0) +
            0.85 * math.exp(-((h - 17.5) ** 2) / 4.0) +
            0.4 * math.exp(-((h - 13.0) ** 2) / 10.0))


def _generate(directory, days):
    rng = random.Random(SEED)
    series = series_list()
    prefixes = ["%s,district=%s,kind=%s,sensor=%s %s=" % (MEASUREMENT, d, k, s, FIELD)
                for k, s, d in series]
    n_temp, n_hum, n_energy, n_noise = (c for _, c in KINDS)
    temp = range(0, n_temp)
    hum = range(n_temp, n_temp + n_hum)
    energy = range(n_temp + n_hum, n_temp + n_hum + n_energy)
    noise = range(n_temp + n_hum + n_energy, SERIES)
    # Per sensor constants: site offsets (shade, height, street canyon).
    offset = [rng.uniform(-1.5, 1.5) for _ in series]
    scale = [rng.uniform(0.6, 1.6) for _ in series]
    anomaly = [0.0] * SERIES  # per sensor AR(1) weather anomaly, degC
    counter = [rng.uniform(1000.0, 90000.0) for _ in series]
    gauss = rng.gauss
    rand = rng.random
    traffic = [_traffic_shape(m) for m in range(1440)]
    daily_temp = [math.cos(2.0 * math.pi * (m / 1440.0 - 15.0 / 24.0)) for m in range(1440)]
    regional = 0.0  # regional weather anomaly shared by all sensors
    out = batch_files.BatchWriter(directory, LINES_PER_BATCH)
    minutes = days * 1440
    for k in range(minutes):
        t = START + k * STEP
        m = k % 1440
        day = k // 1440
        weekday = (day + 3) % 7  # 2026-01-01 is a Thursday (Monday = 0)
        # Seasonal mean: coldest mid January, warmest mid July.
        season = 10.0 - 9.5 * math.cos(2.0 * math.pi * (day - 15) / 365.0)
        amp = 3.0 + 2.5 * (1.0 - math.cos(2.0 * math.pi * (day - 15) / 365.0)) / 2.0
        regional = 0.9995 * regional + gauss(0.0, 0.06)
        base_temp = season + amp * daily_temp[m] + regional
        load = _load_shape(m, weekday)
        tr = traffic[m] * (0.7 if weekday >= 5 else 1.0)
        suffix = " %d\n" % t
        temps = []
        for i in temp:
            a = anomaly[i] = 0.998 * anomaly[i] + gauss(0.0, 0.03)
            v = base_temp + offset[i] + a + gauss(0.0, 0.05)
            temps.append(v)
            out.add("%s%.1f%s" % (prefixes[i], v, suffix))
        for j, i in enumerate(hum):
            a = anomaly[i] = 0.998 * anomaly[i] + gauss(0.0, 0.08)
            v = 75.0 - 2.2 * (temps[j] - season) + 8.0 * offset[i] + a + gauss(0.0, 0.3)
            out.add("%s%.1f%s" % (prefixes[i], min(100.0, max(5.0, v)), suffix))
        for i in energy:
            counter[i] += scale[i] * load * (0.85 + 0.3 * rand()) / 60.0
            out.add("%s%.2f%s" % (prefixes[i], counter[i], suffix))
        for i in noise:
            v = 42.0 + 4.0 * offset[i] + 22.0 * scale[i] * tr + gauss(0.0, 1.5)
            out.add("%s%.1f%s" % (prefixes[i], v, suffix))
    return out.close()


def ensure(root, days, log=print):
    """(directory, manifest); generates the files unless a complete copy is cached."""
    directory = cache_dir(root, days)
    return batch_files.ensure(
        directory, "lines", days * 1440 * SERIES,
        lambda d: _generate(d, days),
        lambda files, written: {
            "name": "year100", "version": VERSION, "seed": SEED, "series": SERIES,
            "days": days, "lines": written, "files": files,
            "lines_per_batch": LINES_PER_BATCH, "precision": "s", "start": START,
            "end": START + days * 86400, "step": STEP,
            "measurement": MEASUREMENT, "field": FIELD},
        log,
        announce="data set: generating %d days x %d series into %s" % (
            days, SERIES, directory))


batch_paths = batch_files.batch_paths
