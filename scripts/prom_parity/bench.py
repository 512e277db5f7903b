#!/usr/bin/env python3
"""Range queries over the bench data (generate.py ... bench): the same
requests to Prometheus and citynexus in one run, 5 repetitions each after
one warm-up, median wall time per query and peer. Answers are compared too
(a benchmark of different answers would mean nothing).

Usage: bench.py PROM_URL CITYNEXUS_URL TOKEN_FILE
"""
import statistics
import sys
import time

import corpus
import run_parity

END = corpus.T0 + 7200
QUERIES = [
    ("sum by (zone) (avg_over_time(bench_load[5m]))", END - 86400, END, 60),
    ("topk(5, max_over_time(bench_load[15m]))", END - 86400, END, 300),
    ("quantile by (zone) (0.9, bench_load)", END - 86400, END, 60),
    ("rate(bench_load[5m])", END - 21600, END, 60),
    ("bench_load", END - 3600, END, 15),
]


def timed(base, params):
    t0 = time.perf_counter()
    _, body = run_parity.call(base, "/api/v1/query_range", params, "POST")
    return time.perf_counter() - t0, body


def main():
    prom, cn = sys.argv[1], sys.argv[2]
    run_parity.use_token(cn, sys.argv[3])
    print("%-52s %12s %12s" % ("range query (24h of 100 series at 15 s)", "prometheus", "citynexus"))
    ok = True
    for q, start, end, step in QUERIES:
        params = {"query": q, "start": start, "end": end, "step": step}
        times = {prom: [], cn: []}
        bodies = {}
        for rep in range(6):
            for base in (prom, cn):
                dt, body = timed(base, params)
                bodies[base] = body
                if rep > 0:
                    times[base].append(dt)
        why = run_parity.compare(bodies[prom], bodies[cn], False)
        if why:
            ok = False
            print("DIFFERENT ANSWERS", q, why[:300])
        print("%-52s %10.1f ms %10.1f ms  (step %ss)" % (
            q[:52], 1000 * statistics.median(times[prom]), 1000 * statistics.median(times[cn]), step))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
