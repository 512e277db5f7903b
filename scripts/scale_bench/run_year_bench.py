#!/usr/bin/env python3
"""Scale benchmark, one year: 100 series of 1-minute data (52.56M points) in
citynexus and InfluxDB 1.6.

Generates (once, cached) the year100 data set (year100.py: temperatures,
humidity, kWh counters and sound levels at their sensors' decimal
resolution), starts a throwaway influxd and a throwaway citynexus, then:

1. influxd ingests it over POST /write (2 keep-alive connections, 5000-line
   batches) while citynexus is paused (SIGSTOP); lines/s, RSS, bytes on disk
   (data + wal, allocated) right after the last answer; then, citynexus still
   paused, waits until influxd's own compactions settle (run_peer_bench's
   config: cache-snapshot-write-cold-duration 5s,
   compact-full-write-cold-duration 15s, so every shard is fully compacted
   within the run) and measures the bytes again;
2. citynexus ingests it over POST /write the same way while influxd is
   paused; lines/s, RSS, bytes right after; the server is stopped,
   `citynexus compact` runs and the bytes are measured again;
3. `citynexus import --precision s -` (the offline bulk path, batch files
   streamed on stdin) into a second, empty data dir while both servers are
   paused: points/s, bytes right after, bytes after `citynexus compact`;
   that copy is then deleted;
4. citynexus restarts on the compacted HTTP copy; both servers must hold
   every point (count(v) per day, summed);
5. times, alternating between the servers on one keep-alive connection each
   after a warm-up run, the median and p95 of N runs of
     Y1  SELECT mean(v) ... WHERE sensor = 's000' AND <year> GROUP BY time(1d)
     Y2  SELECT mean(v) ... WHERE <year> GROUP BY time(1d)      (all 100)
     Y3  SELECT mean(v) ... WHERE <year> GROUP BY time(1d), kind
   compares the answers (run_parity's comparator, relative tolerance 1e-9),
   and asks citynexus' GET /api/v1/query with explain=true whether the same
   daily means are served by rollups (stats.rollups, points_read).

Prints a table and writes JSON (--out). Server start/stop, clients, timers
and disk measurement come from ../influx_parity, ../peer_bench and
run_scale_bench.py. Python 3 stdlib only. Disk: the data set takes ~3.4 GB
in the cache dir, the servers ~0.4 GB more while running.

  run_year_bench.py --citynexus build/app/citynexus             # 365 days
  run_year_bench.py --citynexus build/app/citynexus --days 30   # a month
  run_year_bench.py --self-test                                 # generator only
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "influx_parity"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "peer_bench"))
import load_clients  # noqa: E402
import run_parity  # noqa: E402
import run_peer_bench as peer  # noqa: E402
import run_scale_bench as scale  # noqa: E402
import year100  # noqa: E402

DB = run_parity.DB
load_clients.AUTH_BY_PORT = run_parity.AUTH_BY_PORT


def year_range(manifest):
    return "time >= '%s' AND time < '%s'" % (peer.rfc3339(manifest["start"]),
                                             peer.rfc3339(manifest["end"]))


def make_queries(manifest):
    m, f, rng = manifest["measurement"], manifest["field"], year_range(manifest)
    probe = year100.sensor_of_kind("temp", 0)
    return [
        ("Y1", "daily mean, 1 series, %d days" % manifest["days"],
         "SELECT mean(%s) FROM %s WHERE sensor = '%s' AND %s GROUP BY time(1d)" % (
             f, m, probe, rng)),
        ("Y2", "daily mean, all %d series, %d days" % (manifest["series"], manifest["days"]),
         "SELECT mean(%s) FROM %s WHERE %s GROUP BY time(1d)" % (f, m, rng)),
        ("Y3", "daily mean by kind, all %d series" % manifest["series"],
         "SELECT mean(%s) FROM %s WHERE %s GROUP BY time(1d), kind" % (f, m, rng)),
    ]


def rollup_plan(cn, manifest):
    """citynexus' own plan for Y1 and Y2 (GET /api/v1/query explain=true):
    {id: stats} with "rollups" and "points_read"."""
    out = {}
    base = {"measurement": manifest["measurement"], "field": manifest["field"],
            "start": str(manifest["start"]), "end": str(manifest["end"]), "step": "1d",
            "agg": "mean", "explain": "true", "epoch": "s"}
    for qid, extra in (("Y1", {"tag.sensor": year100.sensor_of_kind("temp", 0)}),
                       ("Y2", {})):
        timer = peer.Timer(cn.port)
        try:
            _, (status, body, raw) = timer.get(
                "/api/v1/query?" + urllib.parse.urlencode(dict(base, **extra)))
        finally:
            timer.close()
        stats = (body or {}).get("stats") if status == 200 else None
        out[qid] = stats if stats is not None else {"error": "%d %s" % (status, raw[:200])}
    return out


def count_points(target, manifest):
    """count(v) per day, summed: one count over the whole year would read
    more raw points than citynexus' query.max_points allows."""
    status, body, raw = target.query("SELECT count(%s) FROM %s WHERE %s GROUP BY time(1d)" % (
        manifest["field"], manifest["measurement"], year_range(manifest)))
    try:
        return sum(row[1] or 0 for row in body["results"][0]["series"][0]["values"])
    except (KeyError, IndexError, TypeError):
        raise run_parity.SetupError("%s: count(v) failed: %d %s" % (
            target.name, status, raw[:300]))


def compact(binary, data_dir):
    """Runs `citynexus compact` on a data dir no server holds; returns seconds."""
    started = time.time()
    proc = subprocess.run([binary, "compact", "--data-dir", data_dir],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise run_parity.SetupError("citynexus compact failed: %s" % proc.stdout[-500:])
    return time.time() - started


def import_offline(binary, data_dir, files, manifest, log):
    """`citynexus import --precision s -` fed every batch file on stdin.
    Returns {seconds, points_per_s, peak_rss_bytes, summary}."""
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        started = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "maxrss_kb=%M", binary, "import",
                                 "--data-dir", data_dir, "--precision", "s", "-"],
                                stdin=subprocess.PIPE, stdout=out_file, stderr=err_file)
        failure = []
        try:
            for name in files:
                with open(name, "rb") as f:
                    shutil.copyfileobj(f, proc.stdin, 1 << 20)
        except OSError as e:  # the import died early; its output says why
            failure.append(e)
        finally:
            proc.stdin.close()
        proc.wait()
        seconds = time.perf_counter() - started
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    out, err = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    if proc.returncode != 0 or failure:
        raise run_parity.SetupError("citynexus import failed (%s): %s %s" % (
            proc.returncode, failure, (out + err)[-500:]))
    summary = {}
    for line in out.splitlines():
        parts = line.rsplit(None, 1)
        if len(parts) == 2 and parts[1].replace(".", "", 1).isdigit():
            summary[parts[0].strip()] = parts[1]
    rss = 0
    for line in err.splitlines():
        if line.startswith("maxrss_kb="):
            rss = int(line.split("=", 1)[1]) * 1024
    if int(summary.get("points written", -1)) != manifest["lines"]:
        raise run_parity.SetupError("citynexus import wrote %s points, expected %d: %s" % (
            summary.get("points written"), manifest["lines"], out[-500:]))
    rate = manifest["lines"] / seconds
    log("citynexus import: %d points in %.2f s = %.0f points/s (wall, incl. stdin feed); "
        "its own summary %s points/s; peak RSS %.0f MB" % (
            manifest["lines"], seconds, rate, summary.get("points/s"), rss / 1e6))
    return {"seconds": round(seconds, 3), "points_per_s": round(rate),
            "peak_rss_bytes": rss, "summary": summary}


def disk(paths):
    apparent, allocated = peer.dir_bytes(*paths)
    return {"bytes": allocated, "apparent_bytes": apparent}


def tsm_files(data_dir):
    """{"shards", "tsm_files"} under influxd's data dir: a fully compacted
    shard holds one .tsm file (or a few when it exceeds the max file size)."""
    shards = tsm = 0
    for parent, _, files in os.walk(data_dir):
        names = [n for n in files if n.endswith(".tsm")]
        if names:
            shards += 1
            tsm += len(names)
    return {"shards": shards, "tsm_files": tsm}


def print_table(r):
    m = r["dataset"]
    n = m["lines"]
    i, c = r["influxd"], r["citynexus"]
    print()
    print("year100: %d series x %d days of 1-minute data = %d points, %d-line batches, "
          "%d connections; %s" % (m["series"], m["days"], n, m["lines_per_batch"],
                                  r["connections"], r["started"]))
    fmt = "%-50s %14s %14s %9s"
    print(fmt % ("", "influxd", "citynexus", "cn better"))
    print(fmt % ("ingest points/s (HTTP /write, other paused)",
                 "{:,}".format(i["ingest"]["lines_per_s"]),
                 "{:,}".format(c["ingest"]["lines_per_s"]),
                 "%.2fx" % (c["ingest"]["lines_per_s"] / i["ingest"]["lines_per_s"])))
    if "import" in c:
        print(fmt % ("citynexus import points/s (offline, stdin)", "-",
                     "{:,}".format(c["import"]["points_per_s"]),
                     "%.2fx" % (c["import"]["points_per_s"] / i["ingest"]["lines_per_s"])))
    for key, label in (("right_after_ingest", "bytes/point right after ingest"),
                       ("compacted", "bytes/point after compaction")):
        bi, bc = i["disk"][key]["bytes"] / n, c["disk"][key]["bytes"] / n
        print(fmt % (label, "%.3f" % bi, "%.3f" % bc, "%.2fx" % (bi / bc)))
    if "import" in c:
        for key, label in (("right_after", "  import: bytes/point right after"),
                           ("compacted", "  import: bytes/point after compact")):
            print(fmt % (label, "-", "%.3f" % (c["import"]["disk"][key]["bytes"] / n), ""))
    print(fmt % ("RSS after ingest (MB)", "%.0f" % (i["ingest"]["rss_bytes"] / 1e6),
                 "%.0f" % (c["ingest"]["rss_bytes"] / 1e6), ""))
    for q in r["queries"]:
        for stat in ("median_ms", "p95_ms"):
            print(fmt % ("%s %s (ms, %d runs)" % (q["id"], stat.split("_")[0], q["reps"]),
                         "%.2f" % q["influxd"][stat], "%.2f" % q["citynexus"][stat],
                         "%.2fx%s" % (q["influxd"][stat] / max(q["citynexus"][stat], 1e-6),
                                      "" if q["answers_match"] else " (ANSWERS DIFFER)")))
    for qid, stats in sorted(r.get("rollup_plan", {}).items()):
        print("citynexus plan %s (/api/v1/query explain): %s" % (qid, json.dumps(stats)))
    print("influxd settle %.0f s; citynexus compact %.1f s; load average: start %s, end %s" % (
        i["disk"]["settle_seconds"], c["disk"]["compact_seconds"], r["load_start"],
        r["load_end"]))


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
    directory, manifest = year100.ensure(args.cache_dir, args.days, log)
    results["dataset"] = manifest
    files = year100.batch_paths(directory, manifest)
    root = tempfile.mkdtemp(prefix="scale-bench-year-", dir=args.temp_dir)
    servers = []
    try:
        influx_root = os.path.join(root, "influxd")
        influx_dirs = [os.path.join(influx_root, "data"), os.path.join(influx_root, "wal")]
        influx_server, influx = peer.start_influxd(args.influxd, influx_root)
        servers.append(influx_server)
        status, _, raw = influx.query("CREATE DATABASE " + DB, method="POST")
        if status != 200:
            raise run_parity.SetupError("influxd: CREATE DATABASE: %d %s" % (status, raw))
        cn_root = os.path.join(root, "citynexus")
        cn_data = os.path.join(cn_root, "data")
        cn_server, cn = run_parity.start_citynexus(args.citynexus, cn_root)
        servers.append(cn_server)

        # ---- influxd: ingest, then its own compactions (citynexus paused)
        i = results["influxd"] = {"ingest": scale.ingest(
            "influxd", influx, influx_server, cn_server, files, manifest, args.connections,
            log)}
        i["disk"] = {"right_after_ingest": disk(influx_dirs)}
        with peer.Paused([cn_server]):
            settle = peer.wait_settled(influx_dirs, log)
        i["disk"]["compacted"] = disk(influx_dirs)
        i["disk"]["settle_seconds"] = round(settle)
        i["disk"]["tsm"] = tsm_files(influx_dirs[0])
        log("influxd: %d bytes right after ingest, %d after %.0f s of compactions "
            "(%.3f -> %.3f bytes/point; %s)" % (
                i["disk"]["right_after_ingest"]["bytes"], i["disk"]["compacted"]["bytes"],
                settle, i["disk"]["right_after_ingest"]["bytes"] / manifest["lines"],
                i["disk"]["compacted"]["bytes"] / manifest["lines"], i["disk"]["tsm"]))

        # ---- citynexus over HTTP, then stop + compact
        c = results["citynexus"] = {"ingest": scale.ingest(
            "citynexus", cn, cn_server, influx_server, files, manifest, args.connections,
            log)}
        c["disk"] = {"right_after_ingest": disk([cn_data])}
        with peer.Paused([influx_server]):
            started = time.time()
            cn_server.stop()
            servers.remove(cn_server)
            c["disk"]["stop_seconds"] = round(time.time() - started, 1)
            c["disk"]["before_compact"] = disk([cn_data])
            c["disk"]["compact_seconds"] = round(compact(args.citynexus, cn_data), 1)
        c["disk"]["compacted"] = disk([cn_data])
        log("citynexus: %d bytes right after ingest, %d after stop, %d after compact "
            "(%.1f s) (%.3f -> %.3f bytes/point)" % (
                c["disk"]["right_after_ingest"]["bytes"],
                c["disk"]["before_compact"]["bytes"], c["disk"]["compacted"]["bytes"],
                c["disk"]["compact_seconds"],
                c["disk"]["right_after_ingest"]["bytes"] / manifest["lines"],
                c["disk"]["compacted"]["bytes"] / manifest["lines"]))

        # ---- citynexus import (offline) into a second store
        if not args.skip_import:
            import_dir = os.path.join(root, "citynexus-import")
            with peer.Paused([influx_server]):
                imp = import_offline(args.citynexus, import_dir, files, manifest, log)
                imp["disk"] = {"right_after": disk([import_dir])}
                imp["compact_seconds"] = round(compact(args.citynexus, import_dir), 1)
                imp["disk"]["compacted"] = disk([import_dir])
            log("citynexus import: %.3f bytes/point right after, %.3f after compact" % (
                imp["disk"]["right_after"]["bytes"] / manifest["lines"],
                imp["disk"]["compacted"]["bytes"] / manifest["lines"]))
            c["import"] = imp
            shutil.rmtree(import_dir, ignore_errors=True)

        cn_server, cn = run_parity.start_citynexus(args.citynexus, cn_root)
        servers.append(cn_server)
        for target, key in ((influx, "influxd"), (cn, "citynexus")):
            n = count_points(target, manifest)
            results[key]["points_counted"] = n
            log("%s: count(v) = %d (%s)" % (target.name, n, "ok" if n == manifest["lines"]
                                            else "expected %d" % manifest["lines"]))
        results["rollup_plan"] = rollup_plan(cn, manifest)
        results["queries"] = scale.time_queries(args, manifest, influx, cn, log,
                                                make_queries(manifest), heavy=("Y2", "Y3"))
        results["load_end"] = peer.load_avg()
        print_table(results)
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)
        log("results written to %s" % args.out)
        ok = all(q["answers_match"] for q in results["queries"]) and all(
            results[k]["points_counted"] == manifest["lines"] for k in ("influxd", "citynexus"))
        return 0 if ok else 1
    except (run_parity.SetupError, RuntimeError, OSError) as e:
        print("scale bench (year) failed: %s" % e, file=sys.stderr)
        return 2
    finally:
        for server in reversed(servers):
            try:
                server.proc.send_signal(signal.SIGCONT)  # in case a pause was interrupted
            except OSError:
                pass
            server.stop()
        if args.keep_temp:
            print("kept %s" % root)
        else:
            shutil.rmtree(root, ignore_errors=True)


def self_test():
    """Checks the generator without servers: deterministic by seed, the
    manifest's counts, every series at its kind's resolution, counters never
    decreasing, values in plausible ranges. Returns 0 or 1."""
    import hashlib
    problems = []
    digests = []
    decimals = {"temp": 1, "humidity": 1, "energy": 2, "noise": 1}
    ranges = {"temp": (-40.0, 50.0), "humidity": (5.0, 100.0), "energy": (0.0, 1e7),
              "noise": (0.0, 140.0)}
    with tempfile.TemporaryDirectory() as root:
        for attempt in ("a", "b"):
            directory, manifest = year100.ensure(os.path.join(root, attempt), 2,
                                                 log=lambda _: None)
            h = hashlib.sha256()
            per_series = {}
            last = {}
            for name in year100.batch_paths(directory, manifest):
                with open(name, "rb") as f:
                    data = f.read()
                h.update(data)
                for line in data.decode().splitlines():
                    key, fv, _ = line.split(" ")
                    kind = key.split("kind=", 1)[1].split(",", 1)[0]
                    text = fv.split("=", 1)[1]
                    value = float(text)
                    per_series[key] = per_series.get(key, 0) + 1
                    if len(text) - text.index(".") - 1 != decimals[kind]:
                        problems.append("%s: %s is not at %d decimals" % (
                            key, text, decimals[kind]))
                    lo, hi = ranges[kind]
                    if not lo <= value <= hi:
                        problems.append("%s: %s out of [%g, %g]" % (key, text, lo, hi))
                    if kind == "energy" and value < last.get(key, value):
                        problems.append("%s: counter decreased to %s" % (key, text))
                    last[key] = value
            digests.append(h.hexdigest())
        if digests[0] != digests[1]:
            problems.append("two generations with the same seed differ")
        if sum(per_series.values()) != manifest["lines"] or len(per_series) != year100.SERIES \
                or set(per_series.values()) != {2 * 1440}:
            problems.append("expected %d series x %d lines, got %d series, %d lines" % (
                year100.SERIES, 2 * 1440, len(per_series), sum(per_series.values())))
    for p in problems[:20]:
        print("FAIL  " + p)
    print("self test: %s" % ("FAIL" if problems else "PASS"))
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citynexus", default="build/app/citynexus")
    parser.add_argument("--influxd", default="influxd")
    parser.add_argument("--days", type=int, default=365, help="days of data (default 365)")
    parser.add_argument("--reps", type=int, default=20, help="timed runs of Y1")
    parser.add_argument("--aggregate-reps", type=int, default=7,
                        help="timed runs of Y2 and Y3 (all series; InfluxDB takes seconds)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per query")
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--skip-import", action="store_true",
                        help="leave out the offline `citynexus import` step")
    parser.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(),
                                                            "citynexus-scale-bench"))
    parser.add_argument("--temp-dir", default=None, help="parent of the servers' temp dirs")
    parser.add_argument("--out", default="scale-bench-year-results.json")
    parser.add_argument("--keep-temp", action="store_true")
    parser.add_argument("--self-test", action="store_true",
                        help="check the generator (no servers) and exit")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if args.days < 2 or args.days > 3660:
        print("--days must be 2..3660", file=sys.stderr)
        return 2
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
