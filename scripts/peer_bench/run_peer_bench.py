#!/usr/bin/env python3
"""Peer benchmark: citynexus against InfluxDB 1.6 on the same machine and data.

Generates (once, cached) the urban1000 data set (urban1000.py: 1000 series at
60 s, 10M points by default), then, one server at a time:

1. measures the client ceiling: the same Python clients pushing the same
   batches to a null HTTP sink (load_clients.py);
2. ingests into a throwaway influxd over POST /write, 2 keep-alive
   connections, 5000-line batches, and measures points/s;
3. waits until influxd's compactions settle (it runs with
   cache-snapshot-write-cold-duration=5s and compact-full-write-cold-duration=15s
   so the shards are fully compacted within seconds instead of hours) and
   measures the allocated bytes (du) of its data + wal dirs;
4. ingests into a throwaway citynexus (default config: storage.sync
   "interval") the same way; stops it, runs `citynexus compact`, measures its
   data dir, starts it again;
5. checks that both hold every point (count() per measurement), then runs
   Q0..Q7 (--queries narrows them) through GET /query (InfluxQL) on both,
   alternating, after 2 warm-up
   runs, on one keep-alive connection per server, and reports the median and
   p95 of the client-observed latency. The answers of both servers are
   compared (run_parity's comparator): a timing of a wrong answer is flagged.
   Q1, Q2 and Q4 are also timed through citynexus' own GET /api/v1/query.

Prints a table and writes the same as JSON (--out). Server start/stop and the
influxd config come from ../influx_parity/run_parity.py. Python 3 stdlib only.

  run_peer_bench.py --citynexus build/app/citynexus               # 10M points
  run_peer_bench.py --citynexus build/app/citynexus --quick       # 1M points
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "influx_parity"))
import clickhouse_peer  # noqa: E402
import load_clients  # noqa: E402
import run_parity  # noqa: E402
import urban1000  # noqa: E402

DB = run_parity.DB
load_clients.AUTH_BY_PORT = run_parity.AUTH_BY_PORT  # citynexus' admin token
# InfluxDB snapshots its cache after 10 min without writes and fully compacts
# a shard after 4 h by default; shortened so its disk size settles in a
# benchmark run. Inserted into run_parity's config template.
INFLUXD_COMPACTION = (
    '  cache-snapshot-write-cold-duration = "5s"\n'
    '  compact-full-write-cold-duration = "15s"\n')
SETTLE_QUIET_SECONDS = 30  # no file change for this long = compactions done
SETTLE_TIMEOUT = 600


def rfc3339(epoch_s):
    return datetime.datetime.fromtimestamp(epoch_s, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def make_api_queries(manifest):
    """citynexus' own JSON API (GET /api/v1/query) for the same questions as
    Q1, Q2 and Q4: {id: query string}. Not compared with InfluxDB."""
    start, end = manifest["start"], manifest["end"]
    day = min(2, max(0, (end - start) // 86400 - 1))
    return {
        "Q1": {"measurement": "air", "field": "no2", "tag.station": "A0042",
               "start": str(start), "end": str(start + 7 * 86400), "step": "1h",
               "agg": "mean", "epoch": "s"},
        "Q2": {"measurement": "traffic", "field": "vehicles", "start": str(start),
               "end": str(end), "step": "1d", "agg": "mean", "group_by": "district",
               "epoch": "s"},
        "Q4": {"measurement": "water_flow", "field": "m3", "tag.point": "W0007",
               "start": str(start + day * 86400), "end": str(start + (day + 1) * 86400),
               "step": "1d", "agg": "max", "epoch": "s"},
    }


def make_queries(manifest):
    start, end = manifest["start"], manifest["end"]
    rng = "time >= '%s' AND time < '%s'" % (rfc3339(start), rfc3339(end))
    week = "time >= '%s' AND time < '%s'" % (rfc3339(start), rfc3339(start + 7 * 86400))
    day = min(2, max(0, (end - start) // 86400 - 1))
    one_day = "time >= '%s' AND time < '%s'" % (rfc3339(start + day * 86400),
                                                 rfc3339(start + (day + 1) * 86400))
    return [
        # Per-request floor (HTTP + auth + parse + catalog + tiny answer):
        # no slower than InfluxDB (issue 16), answers compared.
        ("Q0", "floor: SHOW MEASUREMENTS", 1.0, "SHOW MEASUREMENTS"),
        ("Q1", "one series, 1 week, GROUP BY time(1h) mean", 2.0,
         "SELECT mean(no2) FROM air WHERE station = 'A0042' AND %s GROUP BY time(1h)" % week),
        ("Q2", "400 series, GROUP BY time(1d), district mean, whole range", 5.0,
         "SELECT mean(vehicles) FROM traffic WHERE %s GROUP BY time(1d), district" % rng),
        # One statement per measurement: with several measurements in one FROM,
        # InfluxDB 1.6 gives every series the union of all tag keys ("" where
        # absent), which citynexus does not mimic; the work is the same.
        ("Q3", "last(*) GROUP BY * over all 1000 series", 5.0,
         "; ".join("SELECT last(*) FROM %s GROUP BY *" % k[0] for k in urban1000.KINDS)),
        ("Q4", "one series, 1-day max", 2.0,
         "SELECT max(m3) FROM water_flow WHERE point = 'W0007' AND %s" % one_day),
        # A transformation over an aggregate (issue 17): timed, answers
        # compared, no target yet.
        ("Q5", "400 series, non_negative_derivative(mean, 1s) GROUP BY time(1h), district",
         None, "SELECT non_negative_derivative(mean(vehicles), 1s) FROM traffic WHERE %s "
         "GROUP BY time(1h), district" % rng),
        # Catalog answers through the floor: no slower than InfluxDB.
        ("Q6", "floor: SHOW TAG KEYS FROM one measurement", 1.0,
         "SHOW TAG KEYS FROM water_flow"),
        ("Q7", "floor: SHOW TAG VALUES WITH KEY = district", 1.0,
         'SHOW TAG VALUES FROM traffic WITH KEY = "district"'),
    ]


def selected_queries(args, manifest):
    """make_queries, narrowed to --queries when given."""
    wanted = set(q.strip() for q in args.queries.split(",") if q.strip()) \
        if args.queries else None
    return [q for q in make_queries(manifest) if wanted is None or q[0] in wanted]


# --------------------------------------------------------------------------
# Measurement helpers

def dir_bytes(*paths):
    """(apparent bytes, allocated bytes) of every file under paths. Allocated
    (what du counts) is the one reported: influxd's series files are sparse,
    preallocated segments whose apparent size is mostly holes."""
    apparent = allocated = 0
    for path in paths:
        for parent, _, files in os.walk(path):
            for name in files:
                try:
                    st = os.lstat(os.path.join(parent, name))
                except OSError:
                    continue  # removed by a compaction while walking
                apparent += st.st_size
                allocated += st.st_blocks * 512
    return apparent, allocated


def _snapshot(paths):
    state = []
    for path in paths:
        for parent, _, files in os.walk(path):
            for name in sorted(files):
                try:
                    state.append((os.path.join(parent, name),
                                  os.path.getsize(os.path.join(parent, name))))
                except OSError:
                    pass
    return sorted(state)


def wait_settled(paths, log):
    """Polls until no file under paths changed for SETTLE_QUIET_SECONDS and no
    compaction temp file exists. Returns seconds waited."""
    started = time.time()
    last, quiet_since = None, time.time()
    while time.time() - started < SETTLE_TIMEOUT:
        now = _snapshot(paths)
        busy = any(name.endswith(".tmp") for name, _ in now)
        if now != last or busy:
            last, quiet_since = now, time.time()
        elif time.time() - quiet_since >= SETTLE_QUIET_SECONDS:
            return time.time() - started
        time.sleep(2)
    log("warning: influxd files still changing after %d s" % SETTLE_TIMEOUT)
    return time.time() - started


def count_points(target, manifest):
    total = 0
    for measurement, _, _, field, _ in urban1000.KINDS:
        status, body, raw = target.query("SELECT count(%s) FROM %s WHERE time >= %ds AND "
                                         "time < %ds" % (field, measurement, manifest["start"],
                                                         manifest["end"]))
        try:
            total += body["results"][0]["series"][0]["values"][0][1]
        except (KeyError, IndexError, TypeError):
            raise run_parity.SetupError("%s: count(%s) failed: %d %s" % (
                target.name, field, status, raw[:300]))
    return total


class Timer(object):
    """GET /query on one keep-alive connection, timed by the client."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.headers = dict(run_parity.AUTH_BY_PORT.get(port, {}))

    def query(self, text):
        return self.get("/query?" + urllib.parse.urlencode({"db": DB, "q": text}))

    def get(self, path):
        started = time.perf_counter()
        self.conn.request("GET", path, headers=self.headers)
        resp = self.conn.getresponse()
        data = resp.read()
        elapsed = time.perf_counter() - started
        raw = data.decode("utf-8", "replace")
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        return elapsed, (resp.status, body, raw)

    def close(self):
        self.conn.close()


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def statement_error(answer):
    status, body, raw = answer
    if status != 200 or body is None:
        return "HTTP %d: %s" % (status, raw[:200])
    for result in body.get("results", []):
        if "error" in result:
            return result["error"]
    return None


def machine_info():
    info = {"cores": os.cpu_count(), "kernel": platform.release(),
            "python": platform.python_version()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    info["ram_gib"] = round(int(line.split()[1]) / 1024.0 / 1024.0, 1)
    except OSError:
        pass
    return info


def tool_version(argv):
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=30).stdout.decode("utf-8", "replace").strip()
        return out.splitlines()[0] if out else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


def load_avg():
    return [round(x, 2) for x in os.getloadavg()]


class Paused(object):
    """Context manager: SIGSTOPs the given servers' processes (so that a
    server that is not being measured takes no CPU: background compactions
    and merges wait), SIGCONTs them on exit."""

    def __init__(self, servers):
        self.procs = [s.proc for s in servers if s is not None and s.proc.poll() is None]

    def __enter__(self):
        for proc in self.procs:
            proc.send_signal(signal.SIGSTOP)
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            proc.send_signal(signal.SIGCONT)
        return False


def time_queries(timer, queries, reps, warmup):
    """{qid: {median_ms, p95_ms, min_ms}} of InfluxQL queries on one server."""
    out = {}
    for qid, text in queries:
        for _ in range(warmup):
            timer.query(text)
        times = [timer.query(text)[0] * 1000.0 for _ in range(reps)]
        out[qid] = {"median_ms": round(statistics.median(times), 3),
                    "p95_ms": round(percentile(times, 95), 3),
                    "min_ms": round(min(times), 3)}
    return out


# --------------------------------------------------------------------------
# Phases

def start_influxd(influxd, root):
    template = run_parity.INFLUXD_CONFIG
    if "[data]\n" not in template:
        raise run_parity.SetupError("run_parity.INFLUXD_CONFIG has no [data] section")
    run_parity.INFLUXD_CONFIG = template.replace("[data]\n", "[data]\n" + INFLUXD_COMPACTION, 1)
    try:
        return run_parity.start_influxd(influxd, root)
    finally:
        run_parity.INFLUXD_CONFIG = template


def ingest(target, files, manifest, connections, log):
    before = load_avg()
    got = load_clients.push(target.port, "/write?db=%s&precision=s" % DB, files, connections)
    rate = manifest["points"] / got["seconds"]
    log("%s: ingested %d points in %.2f s = %.0f points/s (%d x 503 retried), load %s" % (
        target.name, manifest["points"], got["seconds"], rate, got["retries_503"], load_avg()))
    return {"seconds": round(got["seconds"], 3), "points_per_s": round(rate),
            "retries_503": got["retries_503"], "load_before": before, "load_after": load_avg()}


def run(args):
    log = print
    results = {"command": " ".join([os.path.basename(sys.argv[0])] + sys.argv[1:]),
               "started": datetime.datetime.now(datetime.timezone.utc).isoformat(
                   timespec="seconds"),
               "machine": machine_info(),
               "versions": {"influxd": tool_version([args.influxd, "version"]),
                            "citynexus": tool_version([args.citynexus, "version"]),
                            "clickhouse": tool_version(
                                ["dpkg-query", "-W", "clickhouse-server"])
                            if args.clickhouse else ""},
               "load_start": load_avg(), "connections": args.connections,
               "reps": args.reps, "warmup": args.warmup}
    log("machine: %(cores)s cores, %(ram_gib)s GiB, kernel %(kernel)s, %(cpu)s" %
        dict({"cpu": "?", "ram_gib": "?"}, **results["machine"]))
    log("versions: %s; %s; load %s" % (results["versions"]["influxd"],
                                       results["versions"]["citynexus"], results["load_start"]))
    directory, manifest = urban1000.ensure(args.cache_dir, args.points, log)
    results["dataset"] = manifest
    files = urban1000.batch_paths(directory, manifest)
    points = manifest["points"]

    with load_clients.NullSink() as sink:
        got = load_clients.push(sink.port, "/write", files, args.connections)
    results["client_ceiling"] = {"seconds": round(got["seconds"], 3),
                                 "points_per_s": round(points / got["seconds"]),
                                 "load_after": load_avg()}
    log("client ceiling (null sink, %d connections): %.0f points/s" % (
        args.connections, points / got["seconds"]))

    root = tempfile.mkdtemp(prefix="peer-bench-", dir=args.temp_dir)
    servers = []
    try:
        # ---- influxd
        influx_root = os.path.join(root, "influxd")
        influx_server, influx = start_influxd(args.influxd, influx_root)
        servers.append(influx_server)
        status, _, raw = influx.query("CREATE DATABASE " + DB, method="POST")
        if status != 200:
            raise run_parity.SetupError("influxd: CREATE DATABASE: %d %s" % (status, raw))
        results["influxd"] = {"ingest": ingest(influx, files, manifest, args.connections, log)}
        waited = wait_settled([os.path.join(influx_root, "data"),
                               os.path.join(influx_root, "wal")], log)
        apparent, allocated = dir_bytes(os.path.join(influx_root, "data"),
                                        os.path.join(influx_root, "wal"))
        results["influxd"]["disk"] = {
            "bytes": allocated, "apparent_bytes": apparent,
            "bytes_per_point": round(allocated / points, 3), "settle_seconds": round(waited)}
        log("influxd: %d bytes allocated (%d apparent) in data+wal after %.0f s settling "
            "= %.2f bytes/point" % (allocated, apparent, waited, allocated / points))

        # ---- clickhouse
        ch_server = ch_port = None
        if args.clickhouse:
            tsv = clickhouse_peer.ensure_tsv(directory, manifest, log)
            ch_root = os.path.join(root, "clickhouse")
            ch_server, ch_port = clickhouse_peer.start(args.clickhouse, ch_root)
            servers.append(ch_server)
            clickhouse_peer.create_tables(ch_port)
            ch_data = os.path.join(ch_root, "data")
            with Paused([influx_server]):
                before = load_avg()
                got = load_clients.push(ch_port, None, tsv, args.connections, ok_status=200)
                after = load_avg()
                _, recent_bytes = dir_bytes(ch_data)
            rate = points / got["seconds"]
            log("clickhouse: inserted %d rows in %.2f s = %.0f rows/s, load %s; %d bytes "
                "right after" % (points, got["seconds"], rate, after, recent_bytes))
            started = time.time()
            clickhouse_peer.optimize(ch_port)
            optimize_seconds = time.time() - started
            apparent, allocated = dir_bytes(ch_data)
            active = clickhouse_peer.active_bytes(ch_port)
            rows = clickhouse_peer.count_rows(ch_port)
            results["clickhouse"] = {
                "ingest": {"seconds": round(got["seconds"], 3), "points_per_s": round(rate),
                           "load_before": before, "load_after": after},
                "disk": {"bytes": active, "du_bytes": allocated, "apparent_bytes": apparent,
                         "bytes_per_point": round(active / points, 3),
                         "bytes_right_after_ingest": recent_bytes,
                         "optimize_seconds": round(optimize_seconds, 1)},
                "points_counted": rows}
            log("clickhouse: OPTIMIZE FINAL %.1f s; active parts %d bytes = %.2f bytes/point "
                "(du %d, merged parts not yet deleted); count() = %d (%s)" % (
                    optimize_seconds, active, active / points, allocated, rows,
                                        "ok" if rows == points else "expected %d" % points))

        # ---- citynexus
        cn_root = os.path.join(root, "citynexus")
        cn_server, cn = run_parity.start_citynexus(args.citynexus, cn_root)
        servers.append(cn_server)
        cn.query("CREATE DATABASE " + DB, method="POST")  # best effort
        data_dir = os.path.join(cn_root, "data")
        with Paused([influx_server, ch_server]):
            results["citynexus"] = {"ingest": ingest(cn, files, manifest, args.connections, log)}
            _, right_after = dir_bytes(data_dir)
            # Recent data: queried about a minute after the ingest ended,
            # before any compaction (what a dashboard reads most).
            time.sleep(args.recent_wait)
            _, after_wait = dir_bytes(data_dir)
            recent = {"wait_seconds": args.recent_wait, "bytes_right_after_ingest": right_after,
                      "bytes_after_wait": after_wait, "load_before": load_avg()}
            timer = Timer(cn.port)
            try:
                recent["queries"] = time_queries(
                    timer, [(q[0], q[3]) for q in selected_queries(args, manifest)
                            if q[0] in ("Q1", "Q2", "Q3", "Q4")], args.reps, args.warmup)
            finally:
                timer.close()
            recent["load_after"] = load_avg()
            results["citynexus"]["recent"] = recent
            log("citynexus recent (%d s after ingest; %d bytes on disk right after, %d after "
                "the wait): %s" % (args.recent_wait, right_after, after_wait, ", ".join(
                    "%s %.2f ms" % (k, v["median_ms"]) for k, v in sorted(
                        recent["queries"].items()))))
        before_compact, _ = dir_bytes(data_dir)
        started = time.time()
        cn_server.stop()
        servers.remove(cn_server)
        stop_seconds = time.time() - started
        started = time.time()
        proc = subprocess.run([args.citynexus, "compact", "--data-dir", data_dir],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        compact_seconds = time.time() - started
        if proc.returncode != 0:
            raise run_parity.SetupError("citynexus compact failed: %s" % proc.stdout[-500:])
        apparent, allocated = dir_bytes(data_dir)
        stats = subprocess.run([args.citynexus, "stats", "--data-dir", data_dir, "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            stats = json.loads(stats.stdout)
        except ValueError:
            stats = {"error": stats.stderr.decode("utf-8", "replace")[:300]}
        results["citynexus"]["disk"] = {
            "bytes": allocated, "apparent_bytes": apparent,
            "bytes_per_point": round(allocated / points, 3),
            "bytes_before_compact": before_compact, "stop_seconds": round(stop_seconds, 1),
            "compact_seconds": round(compact_seconds, 1), "stats": stats}
        log("citynexus: %d bytes before compact; stop %.1f s, compact %.1f s; %d bytes "
            "allocated (%d apparent) after = %.2f bytes/point (stats: %s points)" % (
                before_compact, stop_seconds, compact_seconds, allocated, apparent,
                allocated / points, stats.get("points")))
        cn_server, cn = run_parity.start_citynexus(args.citynexus, cn_root)
        servers.append(cn_server)

        # ---- same data?
        for target, key in ((influx, "influxd"), (cn, "citynexus")):
            n = count_points(target, manifest)
            results[key]["points_counted"] = n
            log("%s: count() over all measurements = %d (%s)" % (
                target.name, n, "ok" if n == points else "expected %d" % points))

        # ---- queries
        results["queries"] = run_queries(args, manifest, influx, cn, ch_port, log)
        results["load_end"] = load_avg()
        print_table(results)
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)
        log("results written to %s" % args.out)
        ok = all(q["answers_match"] for q in results["queries"]
                 if q["target_factor"] is not None) and all(
            results[k]["points_counted"] == points for k in ("influxd", "citynexus")) and all(
            q.get("clickhouse", {}).get("answers_match", True) for q in results["queries"]) and (
            results.get("clickhouse", {}).get("points_counted", points) == points)
        return 0 if ok else 1
    except (run_parity.SetupError, RuntimeError) as e:
        print("peer bench failed: %s" % e, file=sys.stderr)
        return 2
    finally:
        for server in reversed(servers):
            server.stop()
        if args.keep_temp:
            print("kept %s" % root)
        else:
            shutil.rmtree(root, ignore_errors=True)


def run_queries(args, manifest, influx, cn, ch_port, log):
    out = []
    timers = {"influxd": Timer(influx.port), "citynexus": Timer(cn.port)}
    ch_timer = clickhouse_peer.Timer(ch_port) if ch_port else None
    ch_queries = clickhouse_peer.make_queries(manifest)
    try:
        for qid, label, target_factor, text in selected_queries(args, manifest):
            first = {}
            for name, timer in timers.items():
                for _ in range(args.warmup):
                    _, first[name] = timer.query(text)
            ch_statements = ch_queries.get(qid) if ch_timer else None
            ch_texts = None
            if ch_statements:
                for _ in range(args.warmup):
                    _, ch_texts = ch_timer.run(ch_statements)
            times = {name: [] for name in timers}
            ch_times = []
            for _ in range(args.reps):
                for name, timer in timers.items():  # alternating
                    elapsed, _ = timer.query(text)
                    times[name].append(elapsed * 1000.0)
                if ch_statements:
                    ch_times.append(ch_timer.run(ch_statements)[0] * 1000.0)
            diff = run_parity.diff_answers(*first["influxd"], *first["citynexus"],
                                           names=("influxd", "citynexus"))
            entry = {"id": qid, "label": label, "query": text, "target_factor": target_factor,
                     "answers_match": diff is None, "diff": diff,
                     "errors": {n: statement_error(a) for n, a in first.items()},
                     "load_after": load_avg()}
            for name in timers:
                entry[name] = {"median_ms": round(statistics.median(times[name]), 3),
                               "p95_ms": round(percentile(times[name], 95), 3),
                               "min_ms": round(min(times[name]), 3)}
            entry["speedup"] = round(entry["influxd"]["median_ms"] /
                                     entry["citynexus"]["median_ms"], 2)
            if ch_statements:
                entry["clickhouse"] = {
                    "statements": ch_statements,
                    "median_ms": round(statistics.median(ch_times), 3),
                    "p95_ms": round(percentile(ch_times, 95), 3),
                    "min_ms": round(min(ch_times), 3),
                    "answers_match": clickhouse_peer.answers_match(
                        qid, first["influxd"][1], ch_texts or [])}
                entry["speedup_vs_clickhouse"] = round(
                    entry["clickhouse"]["median_ms"] / entry["citynexus"]["median_ms"], 2)
            api = make_api_queries(manifest).get(qid)
            if api:
                path = "/api/v1/query?" + urllib.parse.urlencode(api)
                answer = None
                for _ in range(args.warmup):
                    _, answer = timers["citynexus"].get(path)
                api_times = [timers["citynexus"].get(path)[0] * 1000.0 for _ in range(args.reps)]
                entry["citynexus_api_v1"] = {
                    "path": path, "status": answer[0] if answer else None,
                    "series": len((answer[1] or {}).get("series") or []) if answer else 0,
                    "median_ms": round(statistics.median(api_times), 3),
                    "p95_ms": round(percentile(api_times, 95), 3)}
            entry["met"] = None if target_factor is None else (
                entry["answers_match"] and entry["speedup"] >= target_factor)
            log("%s: influxd %.2f ms, citynexus %.2f ms (median of %d), %.1fx%s" % (
                qid, entry["influxd"]["median_ms"], entry["citynexus"]["median_ms"], args.reps,
                entry["speedup"], "" if diff is None else " ANSWERS DIFFER: %s" % diff))
            out.append(entry)
    finally:
        for timer in timers.values():
            timer.close()
        if ch_timer:
            ch_timer.close()
    return out


def print_table(r):
    points = r["dataset"]["points"]
    print()
    print("urban1000: %d series, %d points, %d-line batches, %d connections" % (
        r["dataset"]["series"], points, r["dataset"]["lines_per_batch"], r["connections"]))
    if "clickhouse" in r:
        print_three(r)
    print("%-44s %14s %14s %9s" % ("", "influxd", "citynexus", "cn better"))
    i, c = r["influxd"], r["citynexus"]
    print("%-44s %14s %14s %8.2fx" % (
        "ingest points/s (HTTP /write)", "{:,}".format(i["ingest"]["points_per_s"]),
        "{:,}".format(c["ingest"]["points_per_s"]),
        c["ingest"]["points_per_s"] / i["ingest"]["points_per_s"]))
    print("%-44s %14.2f %14.2f %8.2fx" % (
        "bytes/point on disk", i["disk"]["bytes_per_point"], c["disk"]["bytes_per_point"],
        i["disk"]["bytes_per_point"] / c["disk"]["bytes_per_point"]))
    for q in r["queries"]:
        for stat in ("median_ms", "p95_ms"):
            print("%-44s %14.2f %14.2f %8.2fx%s" % (
                "%s %s (ms)" % (q["id"], stat.split("_")[0]), q["influxd"][stat],
                q["citynexus"][stat], q["influxd"][stat] / q["citynexus"][stat],
                "" if stat == "p95_ms" or q["met"] is None else "  target %gx: %s%s" % (
                    q["target_factor"], "MET" if q["met"] else "NOT MET",
                    "" if q["answers_match"] else " (answers differ)")))
    for q in r["queries"]:
        if "citynexus_api_v1" in q:
            a = q["citynexus_api_v1"]
            print("%-44s %14s %14.2f   (HTTP %s, %d series)" % (
                "%s median via /api/v1/query (ms)" % q["id"], "-", a["median_ms"], a["status"],
                a["series"]))
    print("client ceiling (null sink): %s points/s" % "{:,}".format(
        r["client_ceiling"]["points_per_s"]))
    print("load average: start %s, end %s" % (r["load_start"], r["load_end"]))


def print_three(r):
    """The three-server table: citynexus recent and compacted beside
    InfluxDB and ClickHouse, with ratios (higher = citynexus better)."""
    points = r["dataset"]["points"]
    i, c, h = r["influxd"], r["citynexus"], r["clickhouse"]
    fmt = "%-34s %11s %11s %13s %13s %9s %9s"
    print(fmt % ("", "influxd", "clickhouse", "cn recent", "cn compacted", "vs influx",
                 "vs CH"))
    ci, ch, cc = (i["ingest"]["points_per_s"], h["ingest"]["points_per_s"],
                  c["ingest"]["points_per_s"])
    print(fmt % ("ingest lines/s", "{:,}".format(ci), "{:,}".format(ch), "{:,}".format(cc),
                 "", "%.2fx" % (cc / ci), "%.2fx" % (cc / ch)))
    recent_bpl = c["recent"]["bytes_right_after_ingest"] / points
    bi, bh, bc = (i["disk"]["bytes_per_point"], h["disk"]["bytes_per_point"],
                  c["disk"]["bytes_per_point"])
    print(fmt % ("bytes/line on disk (settled)", "%.2f" % bi, "%.2f" % bh,
                 "%.2f" % recent_bpl, "%.2f" % bc, "%.2fx" % (bi / bc), "%.2fx" % (bh / bc)))
    print(fmt % ("bytes/line right after ingest", "", "%.2f" % (
        h["disk"]["bytes_right_after_ingest"] / points), "%.2f" % recent_bpl, "", "", ""))
    for q in r["queries"]:
        if q["id"] not in ("Q1", "Q2", "Q3", "Q4"):
            continue
        rec = c["recent"]["queries"].get(q["id"], {}).get("median_ms")
        chq = q.get("clickhouse", {}).get("median_ms")
        print(fmt % ("%s median ms" % q["id"], "%.2f" % q["influxd"]["median_ms"],
                     "%.2f" % chq if chq else "-", "%.2f" % rec if rec else "-",
                     "%.2f" % q["citynexus"]["median_ms"], "%.2fx" % q["speedup"],
                     "%.2fx" % q["speedup_vs_clickhouse"] if chq else "-"))
        if rec:
            print(fmt % ("  recent / compacted", "", "", "%.2fx" % (
                rec / q["citynexus"]["median_ms"]), "", "", ""))
    print()


def self_test():
    """Checks the harness without servers: the generator is deterministic and
    writes what its manifest says, and the clients deliver every byte to the
    null sink. Returns 0 or 1."""
    import hashlib
    problems = []
    digests = []
    with tempfile.TemporaryDirectory() as root:
        for attempt in ("a", "b"):
            directory, manifest = urban1000.ensure(os.path.join(root, attempt), 12,
                                                   log=lambda _: None)
            h = hashlib.sha256()
            lines = 0
            per_series = {}
            for name in urban1000.batch_paths(directory, manifest):
                with open(name, "rb") as f:
                    data = f.read()
                h.update(data)
                for line in data.splitlines():
                    lines += 1
                    key = line.split(b" ", 1)[0]
                    per_series[key] = per_series.get(key, 0) + 1
            digests.append(h.hexdigest())
        if digests[0] != digests[1]:
            problems.append("two generations with the same seed differ")
        if lines != manifest["points"] or lines != 12 * urban1000.SERIES:
            problems.append("generated %d lines, manifest says %d" % (lines, manifest["points"]))
        if len(per_series) != urban1000.SERIES or set(per_series.values()) != {12}:
            problems.append("expected %d series with 12 points each, got %d series" % (
                urban1000.SERIES, len(per_series)))
    try:
        load_clients.self_test()
    except RuntimeError as e:
        problems.append(str(e))
    for p in problems:
        print("FAIL  " + p)
    print("self test: %s" % ("FAIL" if problems else "PASS"))
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citynexus", default="build/app/citynexus")
    parser.add_argument("--influxd", default="influxd")
    parser.add_argument("--points", type=int, default=10000,
                        help="points per series (default 10000: 10M points)")
    parser.add_argument("--quick", action="store_true",
                        help="1000 points per series (1M points), 10 repetitions")
    parser.add_argument("--reps", type=int, default=20, help="timed runs per query")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs per query")
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(),
                                                            "citynexus-peer-bench"),
                        help="where the generated data set is kept between runs")
    parser.add_argument("--temp-dir", default=None, help="parent of the servers' temp dirs")
    parser.add_argument("--out", default="peer-bench-results.json")
    parser.add_argument("--keep-temp", action="store_true")
    parser.add_argument("--queries", default="",
                        help="comma-separated query ids to run (e.g. Q0,Q4,Q6); "
                        "default: all")
    parser.add_argument("--clickhouse", default=shutil.which("clickhouse-server") or (
        "/usr/sbin/clickhouse-server" if os.access("/usr/sbin/clickhouse-server", os.X_OK)
        else ""), help="clickhouse-server binary; empty: leave ClickHouse out")
    parser.add_argument("--recent-wait", type=int, default=60,
                        help="seconds between the end of citynexus' ingest and its "
                             "recent-data queries (default 60)")
    parser.add_argument("--self-test", action="store_true",
                        help="check the generator and the clients (no servers) and exit")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if args.quick:
        args.points = min(args.points, 1000)
        args.reps = min(args.reps, 10)
    if not os.access(args.citynexus, os.X_OK):
        print("citynexus binary %s not found or not executable" % args.citynexus,
              file=sys.stderr)
        return 2
    if not shutil.which(args.influxd):
        print("%s not found (scripts/peer-bench.sh installs it)" % args.influxd,
              file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
