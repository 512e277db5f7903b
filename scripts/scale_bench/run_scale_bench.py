#!/usr/bin/env python3
"""Scale benchmark: 100,000 series (smart meters) in citynexus and InfluxDB 1.6.

Generates (once, cached) the meters100k data set (meters100k.py: 100k series,
10M lines by default), starts a throwaway influxd and a throwaway citynexus,
then:

1. ingests into each over POST /write (2 keep-alive connections, 5000-line
   batches) while the other server is paused (SIGSTOP), and reports lines/s
   and the server's RSS (VmRSS, and the peak VmHWM) after the ingest;
2. waits --settle seconds (default 60: queries "a minute after the ingest",
   as a dashboard would ask), checks both hold every line (count());
3. times, alternating between the servers on one keep-alive connection each
   after a warm-up run, the median and p95 of N runs of:
     T1  one tag lookup: SELECT kwh FROM meters WHERE meter = 'm054321'
     T2  SHOW TAG VALUES FROM meters WITH KEY = "district"
     T3  sum(kwh) GROUP BY time(1h), district over all 100k series
   and compares the answers (run_parity's comparator; a timing of a wrong
   answer is flagged).

Prints a table with the ratios and writes JSON (--out). Server start/stop,
clients and timers come from ../influx_parity and ../peer_bench.

  run_scale_bench.py --citynexus build/app/citynexus            # 10M lines
  run_scale_bench.py --citynexus build/app/citynexus --quick    # 1M lines
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "influx_parity"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "peer_bench"))
import load_clients  # noqa: E402
import meters100k  # noqa: E402
import run_parity  # noqa: E402
import run_peer_bench as peer  # noqa: E402

DB = run_parity.DB
load_clients.AUTH_BY_PORT = run_parity.AUTH_BY_PORT


def rss(pid):
    """(VmRSS, VmHWM) of pid in bytes."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key = line.split(":", 1)[0]
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(line.split()[1]) * 1024
    return out.get("VmRSS", 0), out.get("VmHWM", 0)


def make_queries(manifest, meters):
    rng = "time >= '%s' AND time < '%s'" % (peer.rfc3339(manifest["start"]),
                                            peer.rfc3339(manifest["end"]))
    probe = meters100k.meter_name(min(54321, meters - 1))
    return [
        ("T1", "one tag lookup among %d series" % meters,
         "SELECT kwh FROM meters WHERE meter = '%s'" % probe),
        ("T2", "SHOW TAG VALUES WITH KEY = \"district\"",
         "SHOW TAG VALUES FROM meters WITH KEY = \"district\""),
        ("T3", "sum(kwh) GROUP BY time(1h), district over all %d series" % meters,
         "SELECT sum(kwh) FROM meters WHERE %s GROUP BY time(1h), district" % rng),
    ]


def ingest(name, target, server, paused, files, manifest, connections, log):
    """Pushes every batch into `target` while `paused` is stopped."""
    os.kill(paused.proc.pid, signal.SIGSTOP)
    try:
        load_before = peer.load_avg()
        got = load_clients.push(target.port, "/write?db=%s&precision=s" % DB, files,
                                connections)
    finally:
        os.kill(paused.proc.pid, signal.SIGCONT)
    rate = manifest["lines"] / got["seconds"]
    now_rss, peak_rss = rss(server.proc.pid)
    log("%s: ingested %d lines in %.2f s = %.0f lines/s (%d x 503 retried); RSS %.0f MB "
        "(peak %.0f MB); load %s -> %s" % (
            name, manifest["lines"], got["seconds"], rate, got["retries_503"], now_rss / 1e6,
            peak_rss / 1e6, load_before, peer.load_avg()))
    return {"seconds": round(got["seconds"], 3), "lines_per_s": round(rate),
            "retries_503": got["retries_503"], "rss_bytes": now_rss, "peak_rss_bytes": peak_rss,
            "load_before": load_before, "load_after": peer.load_avg()}


def count_lines(target, manifest):
    status, body, raw = target.query("SELECT count(kwh) FROM meters WHERE time >= %ds AND "
                                     "time < %ds" % (manifest["start"], manifest["end"]))
    try:
        return body["results"][0]["series"][0]["values"][0][1]
    except (KeyError, IndexError, TypeError):
        raise run_parity.SetupError("%s: count(kwh) failed: %d %s" % (
            target.name, status, raw[:300]))


def time_queries(args, manifest, influx, cn, log, queries=None, heavy=("T3",)):
    """Times `queries` ([(id, label, text)], default make_queries()) on both
    servers, alternating; the ids in `heavy` get args.aggregate_reps runs,
    the rest args.reps."""
    out = []
    timers = {"influxd": peer.Timer(influx.port), "citynexus": peer.Timer(cn.port)}
    try:
        if queries is None:
            queries = make_queries(manifest, manifest["meters"])
        for qid, label, text in queries:
            reps = args.aggregate_reps if qid in heavy else args.reps
            first = {}
            for name, timer in timers.items():
                for _ in range(args.warmup):
                    _, first[name] = timer.query(text)
            times = {name: [] for name in timers}
            for _ in range(reps):
                for name, timer in timers.items():
                    elapsed, answer = timer.query(text)
                    times[name].append(elapsed * 1000.0)
                    first.setdefault(name, answer)
            diff = run_parity.diff_answers(*first["influxd"], *first["citynexus"],
                                           names=("influxd", "citynexus"))
            entry = {"id": qid, "label": label, "query": text, "reps": reps,
                     "answers_match": diff is None, "diff": diff,
                     "errors": {n: peer.statement_error(a) for n, a in first.items()},
                     "load_after": peer.load_avg()}
            for name in timers:
                entry[name] = {"median_ms": round(statistics.median(times[name]), 3),
                               "p95_ms": round(peer.percentile(times[name], 95), 3),
                               "min_ms": round(min(times[name]), 3)}
            entry["speedup"] = round(entry["influxd"]["median_ms"] /
                                     entry["citynexus"]["median_ms"], 2)
            log("%s: influxd %.2f ms, citynexus %.2f ms (median of %d), %.1fx%s%s" % (
                qid, entry["influxd"]["median_ms"], entry["citynexus"]["median_ms"], reps,
                entry["speedup"], "" if diff is None else " ANSWERS DIFFER: %s" % diff,
                "".join(" %s error: %s" % (n, e) for n, e in entry["errors"].items() if e)))
            out.append(entry)
    finally:
        for timer in timers.values():
            timer.close()
    return out


def print_table(r):
    m = r["dataset"]
    print()
    print("meters100k: %d series, %d lines, %d-line batches, %d connections; %s" % (
        m["meters"], m["lines"], m["lines_per_batch"], r["connections"], r["started"]))
    print("%-52s %14s %14s %9s" % ("", "influxd", "citynexus", "cn better"))
    i, c = r["influxd"]["ingest"], r["citynexus"]["ingest"]
    print("%-52s %14s %14s %8.2fx" % ("ingest lines/s (HTTP /write, other paused)",
                                      "{:,}".format(i["lines_per_s"]),
                                      "{:,}".format(c["lines_per_s"]),
                                      c["lines_per_s"] / i["lines_per_s"]))
    for key, label in (("rss_bytes", "RSS after ingest (MB)"),
                       ("peak_rss_bytes", "peak RSS (VmHWM, MB)")):
        print("%-52s %14.0f %14.0f %8.2fx" % (label, i[key] / 1e6, c[key] / 1e6,
                                              i[key] / max(c[key], 1)))
    for q in r["queries"]:
        for stat in ("median_ms", "p95_ms"):
            print("%-52s %14.2f %14.2f %8.2fx%s" % (
                "%s %s (ms, %d runs)" % (q["id"], stat.split("_")[0], q["reps"]),
                q["influxd"][stat], q["citynexus"][stat],
                q["influxd"][stat] / max(q["citynexus"][stat], 1e-6),
                "" if q["answers_match"] else "  (ANSWERS DIFFER)"))
    print("load average: start %s, end %s" % (r["load_start"], r["load_end"]))


def run(args):
    log = print
    results = {"command": " ".join([os.path.basename(sys.argv[0])] + sys.argv[1:]),
               "started": datetime.datetime.now(datetime.timezone.utc).isoformat(
                   timespec="seconds"),
               "machine": peer.machine_info(),
               "versions": {"influxd": peer.tool_version([args.influxd, "version"]),
                            "citynexus": peer.tool_version([args.citynexus, "version"])},
               "load_start": peer.load_avg(), "connections": args.connections,
               "reps": args.reps, "aggregate_reps": args.aggregate_reps}
    log("machine: %(cores)s cores, %(ram_gib)s GiB, %(cpu)s" %
        dict({"cpu": "?", "ram_gib": "?"}, **results["machine"]))
    directory, manifest = meters100k.ensure(args.cache_dir, args.meters, args.readings, log)
    results["dataset"] = manifest
    files = meters100k.batch_paths(directory, manifest)
    root = tempfile.mkdtemp(prefix="scale-bench-", dir=args.temp_dir)
    servers = []
    try:
        influx_server, influx = peer.start_influxd(args.influxd, os.path.join(root, "influxd"))
        servers.append(influx_server)
        status, _, raw = influx.query("CREATE DATABASE " + DB, method="POST")
        if status != 200:
            raise run_parity.SetupError("influxd: CREATE DATABASE: %d %s" % (status, raw))
        cn_server, cn = run_parity.start_citynexus(args.citynexus, os.path.join(root, "cn"))
        servers.append(cn_server)
        results["influxd"] = {"ingest": ingest("influxd", influx, influx_server, cn_server,
                                               files, manifest, args.connections, log)}
        results["citynexus"] = {"ingest": ingest("citynexus", cn, cn_server, influx_server,
                                                 files, manifest, args.connections, log)}
        log("waiting %d s before the queries" % args.settle)
        time.sleep(args.settle)
        for target, key in ((influx, "influxd"), (cn, "citynexus")):
            n = count_lines(target, manifest)
            results[key]["lines_counted"] = n
            log("%s: count(kwh) = %d (%s)" % (target.name, n, "ok" if n == manifest["lines"]
                                              else "expected %d" % manifest["lines"]))
        results["queries"] = time_queries(args, manifest, influx, cn, log)
        for server, key in ((influx_server, "influxd"), (cn_server, "citynexus")):
            results[key]["rss_after_queries"] = rss(server.proc.pid)[0]
        results["load_end"] = peer.load_avg()
        print_table(results)
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)
        log("results written to %s" % args.out)
        ok = all(q["answers_match"] for q in results["queries"]) and all(
            results[k]["lines_counted"] == manifest["lines"] for k in ("influxd", "citynexus"))
        return 0 if ok else 1
    except (run_parity.SetupError, RuntimeError, OSError) as e:
        print("scale bench failed: %s" % e, file=sys.stderr)
        return 2
    finally:
        for server in reversed(servers):
            try:
                os.kill(server.proc.pid, signal.SIGCONT)
            except OSError:
                pass
            server.stop()
        if args.keep_temp:
            print("kept %s" % root)
        else:
            shutil.rmtree(root, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citynexus", default="build/app/citynexus")
    parser.add_argument("--influxd", default="influxd")
    parser.add_argument("--meters", type=int, default=100000, help="series (default 100k)")
    parser.add_argument("--readings", type=int, default=100,
                        help="lines per series (default 100: 10M lines)")
    parser.add_argument("--quick", action="store_true", help="10 readings (1M lines), 5 runs")
    parser.add_argument("--reps", type=int, default=20, help="timed runs of T1 and T2")
    parser.add_argument("--aggregate-reps", type=int, default=3, help="timed runs of T3")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per query")
    parser.add_argument("--settle", type=int, default=60,
                        help="seconds between the ingest and the queries")
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(),
                                                            "citynexus-scale-bench"))
    parser.add_argument("--temp-dir", default=None, help="parent of the servers' temp dirs")
    parser.add_argument("--out", default="scale-bench-results.json")
    parser.add_argument("--keep-temp", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.readings = min(args.readings, 10)
        args.reps = min(args.reps, 5)
        args.aggregate_reps = min(args.aggregate_reps, 2)
    if not os.access(args.citynexus, os.X_OK):
        print("citynexus binary %s not found or not executable" % args.citynexus,
              file=sys.stderr)
        return 2
    if not shutil.which(args.influxd):
        print("%s not found (scripts/scale-bench.sh installs it)" % args.influxd,
              file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
