#!/usr/bin/env python3
"""Writes the parity samples twice: OpenMetrics for `promtool tsdb
create-blocks-from openmetrics`, and TSV for citynexus (measurement, field,
tags, type, unix_ms, value). Both carry the same decimal texts, so both
sides parse the same doubles. Deterministic (fixed seed).

Data: T0 = 2024-03-04T00:00:00Z, two hours.
  traffic_vehicles{sensor,road}  gauge every 15 s (3 series)
  energy_kwh_total{meter}        counters every 30 s; m1 resets twice
  air_pm25{station,district}     every 60 s with a 20 min gap (> lookback)
  http_latency_bucket{le,route}  cumulative histogram buckets every 30 s
  water_level{gauge}             every 10 min (sparse: lookback_delta)
  parking_free{lot}              integer series (citynexus int type)
  air-quality / no2 {station.id} name sanitization: air_quality_no2{station_id}
With a third argument "bench", also 100 series bench_load{sensor,zone}
every 15 s over the 24 hours up to T0 + 2 h (576,000 points) for
bench.py.
"""
import random
import sys

T0 = 1709510400  # seconds
HOURS = 2


def main(om_path, tsv_path, bench=False):
    rnd = random.Random(14)
    series = []  # (prom_name, cn_measurement, cn_field, labels(dict), type, [(t, text)])

    def add(prom, meas, field, labels, typ, points):
        series.append((prom, meas, field, labels, typ, points))

    end = T0 + HOURS * 3600
    for sensor, road in (("s1", "main"), ("s2", "main"), ("s3", "side")):
        pts = [(t, "%.3f" % rnd.uniform(0, 120)) for t in range(T0, end, 15)]
        add("traffic_vehicles", "traffic", "vehicles", {"sensor": sensor, "road": road}, "f", pts)
    for meter, resets in (("m1", {T0 + 1800, T0 + 4500}), ("m2", set())):
        v, pts = 0.0, []
        for t in range(T0, end, 30):
            if t in resets:
                v = 0.0
            v += round(rnd.uniform(0, 5), 2)
            pts.append((t, "%.2f" % v))
        add("energy_kwh_total", "energy", "kwh_total", {"meter": meter}, "f", pts)
    for station, district in (("a", "north"), ("b", "south")):
        pts = [(t, "%.1f" % rnd.uniform(5, 60)) for t in range(T0, end, 60)
               if not (T0 + 2400 <= t < T0 + 3600 and station == "a")]
        add("air_pm25", "air", "pm25", {"station": station, "district": district}, "f", pts)
    for route in ("/a", "/b"):
        counts = [0, 0, 0, 0]
        bounds = ["0.1", "0.5", "1", "+Inf"]
        per_bucket = [[] for _ in bounds]
        for t in range(T0, end, 30):
            for _ in range(rnd.randint(0, 20)):
                x = rnd.expovariate(3)
                for i, b in enumerate(bounds):
                    if b == "+Inf" or x <= float(b):
                        counts[i] += 1
            for i in range(len(bounds)):
                per_bucket[i].append((t, str(counts[i])))
        for b, pts in zip(bounds, per_bucket):
            add("http_latency_bucket", "http", "latency_bucket", {"le": b, "route": route}, "f", pts)
    pts = [(t, "%.2f" % rnd.uniform(1, 3)) for t in range(T0, end, 600)]
    add("water_level", "water", "level", {"gauge": "g1"}, "f", pts)
    for lot in ("p1", "p2"):
        pts = [(t, str(rnd.randint(0, 300))) for t in range(T0, end, 60)]
        add("parking_free", "parking", "free", {"lot": lot}, "i", pts)
    pts = [(t, "%.2f" % rnd.uniform(0, 80)) for t in range(T0, end, 60)]
    add("air_quality_no2", "air-quality", "no2", {"station.id": "x1"}, "f", pts)

    if bench:
        for i in range(100):
            pts = [(t, "%.2f" % rnd.uniform(0, 100)) for t in range(end - 86400, end, 15)]
            add("bench_load", "bench", "load", {"sensor": "b%03d" % i, "zone": "z%d" % (i % 5)}, "f", pts)

    with open(om_path, "w") as om, open(tsv_path, "w") as tsv:
        by_name = {}
        for s in series:
            by_name.setdefault(s[0], []).append(s)
        for name, group in by_name.items():
            for prom, meas, field, labels, typ, points in group:
                prom_labels = ",".join('%s="%s"' % (k.replace(".", "_"), v)
                                       for k, v in sorted(labels.items()))
                tags = ",".join("%s=%s" % (k, v) for k, v in sorted(labels.items()))
                for t, text in points:
                    om.write("%s{%s} %s %d\n" % (prom, prom_labels, text, t))
                    tsv.write("%s\t%s\t%s\t%s\t%d\t%s\n" % (meas, field, tags, typ, t * 1000, text))
        om.write("# EOF\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], len(sys.argv) > 3 and sys.argv[3] == "bench")
