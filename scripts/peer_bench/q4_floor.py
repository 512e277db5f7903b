#!/usr/bin/env python3
"""The small-query floor of one citynexus binary, quickly (no InfluxDB).

Starts `citynexus serve` on a throwaway data dir, writes one day of 10 s
points for one series (plus a few other series of the same measurement),
then loops the Q4-shaped query (max of one series over one day) on one
keep-alive connection and prints the median / p95 latency, the server CPU
per request (/proc/PID/stat utime+stime) and the context switches per
request (voluntary + nonvoluntary, summed over /proc/PID/task/*).

Optional background: --slow N runs N extra connections that loop a heavy
query (all series, whole range, GROUP BY time(1s)) while the timed client
runs; --probe PATH times that path instead of Q4 (e.g. /healthz).

  python3 -B scripts/peer_bench/q4_floor.py --citynexus build/app/citynexus
      [--threads N] [--reps 3000] [--idle 1] [--slow 1] [--probe /healthz]

Python 3 stdlib only. The client itself costs ~0.1 ms of each latency.
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse

DAY_NS = 86400 * 10**9
T0 = 1700000000 * 10**9 // DAY_NS * DAY_NS


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def proc_ctx_switches(pid):
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches",
                                        "nonvoluntary_ctxt_switches")):
                        total += int(line.split()[1])
        except OSError:
            pass  # thread ended
    return total


class Client:
    def __init__(self, port, token):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.headers = {"Authorization": "Bearer " + token}

    def get(self, path):
        self.conn.request("GET", path, headers=self.headers)
        r = self.conn.getresponse()
        return r.status, r.read()

    def post(self, path, body):
        self.conn.request("POST", path, body=body, headers=self.headers)
        r = self.conn.getresponse()
        return r.status, r.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--citynexus", required=True)
    ap.add_argument("--threads", type=int, default=None,
                    help="http.threads (default: the server's default)")
    ap.add_argument("--reps", type=int, default=3000)
    ap.add_argument("--slow", type=int, default=0,
                    help="connections looping a heavy query meanwhile")
    ap.add_argument("--idle", type=int, default=0,
                    help="idle keep-alive connections opened after the timed "
                         "one and before the slow ones (with 2 I/O loops, "
                         "--idle 1 --slow 1 puts the slow query on the timed "
                         "connection's loop)")
    ap.add_argument("--probe", default=None,
                    help="time this path instead of Q4 (e.g. /healthz)")
    ap.add_argument("--keep", action="store_true", help="keep the data dir")
    args = ap.parse_args()

    root = tempfile.mkdtemp(prefix="q4floor-")
    port = free_port()
    cmd = [args.citynexus, "serve", "--data-dir", os.path.join(root, "data"),
           "--listen", "127.0.0.1:%d" % port]
    if args.threads is not None:
        cfg = os.path.join(root, "config.json")
        with open(cfg, "w") as f:
            json.dump({"http": {"threads": args.threads}}, f)
        cmd += ["--config", cfg]
    log = open(os.path.join(root, "server.log"), "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        token_file = os.path.join(root, "data", "admin.token")
        deadline = time.time() + 60
        while not os.path.exists(token_file) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        with open(token_file) as f:
            token = f.read().strip()
        c = None
        while time.time() < deadline:
            try:
                c = Client(port, token)
                c.get("/healthz")
                break
            except OSError:
                time.sleep(0.05)
        # One day of 10 s points for 20 series; Q4 reads one of them.
        for s in range(20):
            lines = "\n".join(
                "water_flow,point=W%04d m3=%d.%d %d" % (s, i % 97, i % 10,
                                                         T0 + i * 10**10)
                for i in range(8640))
            st, body = c.post("/write?db=peer", lines)
            assert st == 204, (st, body)
        time.sleep(1)
        q4 = ("SELECT max(m3) FROM water_flow WHERE point = 'W0007' AND "
              "time >= %d AND time < %d" % (T0, T0 + DAY_NS))
        path = args.probe or "/query?db=peer&q=" + urllib.parse.quote(q4)
        st, body = c.get(path)
        assert st == 200, (st, body)
        print("answer:", body[:200].decode(errors="replace"))

        idle = [Client(port, token) for _ in range(args.idle)]
        for ic in idle:
            ic.get("/healthz")
        stop = threading.Event()
        slow_counts = []
        slow_ms = []

        def slow_loop():
            sc = Client(port, token)
            heavy = ("SELECT mean(m3) FROM water_flow WHERE time >= %d AND "
                     "time < %d GROUP BY time(10s), point" % (T0, T0 + DAY_NS))
            sp = "/query?db=peer&q=" + urllib.parse.quote(heavy)
            n = 0
            while not stop.is_set():
                t = time.perf_counter()
                sc.get(sp)
                slow_ms.append((time.perf_counter() - t) * 1e3)
                n += 1
            slow_counts.append(n)

        slow_threads = [threading.Thread(target=slow_loop)
                        for _ in range(args.slow)]
        for t in slow_threads:
            t.start()
            time.sleep(0.2)  # connect in order
        for _ in range(200):  # warm-up
            c.get(path)
        cpu0, cs0 = proc_cpu_ticks(proc.pid), proc_ctx_switches(proc.pid)
        lat = []
        for _ in range(args.reps):
            t = time.perf_counter()
            c.get(path)
            lat.append(time.perf_counter() - t)
        cpu1, cs1 = proc_cpu_ticks(proc.pid), proc_ctx_switches(proc.pid)
        stop.set()
        for t in slow_threads:
            t.join()
        lat.sort()
        hz = os.sysconf("SC_CLK_TCK")
        print(json.dumps({
            "binary": args.citynexus, "threads": args.threads,
            "path": "Q4" if not args.probe else args.probe,
            "slow_connections": args.slow,
            "idle_connections": args.idle,
            "slow_queries_done": sum(slow_counts),
            "slow_query_median_ms": round(statistics.median(slow_ms), 1)
                                    if slow_ms else None,
            "reps": args.reps,
            "median_ms": round(statistics.median(lat) * 1e3, 4),
            "p95_ms": round(lat[int(len(lat) * 0.95)] * 1e3, 4),
            "p99_ms": round(lat[int(len(lat) * 0.99)] * 1e3, 4),
            "p999_ms": round(lat[int(len(lat) * 0.999)] * 1e3, 3),
            "max_ms": round(lat[-1] * 1e3, 3),
            # With slow connections this includes their CPU too.
            "server_cpu_us_per_req": round((cpu1 - cpu0) / hz / args.reps * 1e6, 1),
            "ctx_switches_per_req": round((cs1 - cs0) / args.reps, 2),
        }))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
