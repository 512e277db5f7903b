#!/usr/bin/env python3
"""InfluxDB parity test: citynexus' InfluxDB 1.x endpoints against influxd.

Starts a throwaway influxd (Debian's influxdb 1.6) and a throwaway citynexus on
free loopback ports, writes the same data set (dataset.py) to both through
POST /write, runs the InfluxQL queries of queries.py against both through
GET /query and compares the answers: same statements, series (name, tags),
columns, timestamps, and values (ints exactly, floats within 1e-9 relative,
null == null). Then drives the real `influx` CLI against citynexus and checks
its json and column output against influxd's. Prints one line per query and,
for failures, the first difference from each side. Exits 1 if anything fails,
2 on setup errors (a server does not start, a write fails).

Python 3 standard library only. Both servers are stopped and their temporary
directories removed on every exit path.

  run_parity.py --citynexus build/app/citynexus     # the real comparison
  run_parity.py --self-check                        # influxd against itself
  run_parity.py --list | --only 12 | --only 3,7,40 | --extra
"""

import argparse
import http.client
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataset  # noqa: E402
import queries  # noqa: E402

DB = "parity"
# Numbered 1..N in this order; EXTRA_QUERIES follow (shown with an x).
ALL_QUERIES = queries.QUERIES + queries.EXTRA_QUERIES
REL_TOLERANCE = 1e-9
ABS_TOLERANCE = 1e-12  # values that should be 0 (a stddev of constants)
HTTP_TIMEOUT = 120


class SetupError(Exception):
    pass


# --------------------------------------------------------------------------
# HTTP

# Authorization per server port: citynexus denies by default, so requests
# to it carry the admin token its first start wrote to data/admin.token.
AUTH_BY_PORT = {}
CLI_PASSWORD_BY_PORT = {}


def http_request(port, method, path, body=None, headers=None):
    """One request on a fresh connection. Returns (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        all_headers = dict(AUTH_BY_PORT.get(port, {}))
        all_headers.update(headers or {})
        conn.request(method, path, body=body, headers=all_headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


class Target(object):
    """A server that speaks the InfluxDB 1.x HTTP API."""

    def __init__(self, name, port):
        self.name = name
        self.port = port

    def query(self, text, params=None, method="GET"):
        """Returns (status, parsed JSON or None, raw text)."""
        args = {"db": DB, "q": text}
        args.update(params or {})
        encoded = urllib.parse.urlencode(args)
        try:
            if method == "GET":
                status, _, body = http_request(self.port, "GET", "/query?" + encoded)
            else:
                status, _, body = http_request(
                    self.port, "POST", "/query", encoded.encode(),
                    {"Content-Type": "application/x-www-form-urlencoded"})
        except (OSError, http.client.HTTPException) as e:
            return 0, None, "connection failed: %s" % e
        raw = body.decode("utf-8", "replace")
        try:
            return status, json.loads(raw), raw
        except ValueError:
            return status, None, raw

    def write(self, payload):
        """POST /write with retries on 503 (citynexus' backpressure)."""
        for _ in range(60):
            status, headers, body = http_request(
                self.port, "POST", "/write?db=%s&precision=s" % DB,
                payload.encode(), {"Content-Type": "text/plain"})
            if status == 204:
                return
            if status == 503:
                time.sleep(float(headers.get("retry-after", "1") or 1))
                continue
            raise SetupError("%s: POST /write answered %d: %s" % (
                self.name, status, body[:300].decode("utf-8", "replace")))
        raise SetupError("%s: POST /write kept answering 503" % self.name)


# --------------------------------------------------------------------------
# Processes

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(object):
    """A child process with its log file; stop() is safe to call twice."""

    def __init__(self, name, argv, log_path):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)

    def wait_ready(self, port, paths, timeout=60.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SetupError("%s exited with %s during startup:\n%s" % (
                    self.name, self.proc.returncode, self.log_tail()))
            for path in paths:
                try:
                    status, _, _ = http_request(port, "GET", path)
                    if status in (200, 204):
                        return
                except (OSError, http.client.HTTPException):
                    pass
            time.sleep(0.2)
        raise SetupError("%s not ready on port %d after %.0f s:\n%s" % (
            self.name, port, timeout, self.log_tail()))

    def log_tail(self, lines=20):
        self.log.flush()
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


INFLUXD_CONFIG = """\
reporting-disabled = true
bind-address = "127.0.0.1:{rpc_port}"

[meta]
  dir = "{root}/meta"
  logging-enabled = false

[data]
  dir = "{root}/data"
  wal-dir = "{root}/wal"
  query-log-enabled = false
  trace-logging-enabled = false

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:{http_port}"
  log-enabled = false

[logging]
  level = "error"
  suppress-logo = true
"""


def start_influxd(influxd, root):
    os.makedirs(root, exist_ok=True)
    http_port, rpc_port = free_port(), free_port()
    while rpc_port == http_port:
        rpc_port = free_port()
    config = os.path.join(root, "influxdb.conf")
    with open(config, "w") as f:
        f.write(INFLUXD_CONFIG.format(root=root, http_port=http_port, rpc_port=rpc_port))
    server = Server("influxd", [influxd, "-config", config],
                    os.path.join(root, "influxd.log"))
    try:
        server.wait_ready(http_port, ["/ping"])
    except SetupError:
        server.stop()
        raise
    return server, Target("influxd", http_port)


def start_citynexus(binary, root):
    os.makedirs(root, exist_ok=True)
    port = free_port()
    data_dir = os.path.join(root, "data")
    server = Server("citynexus", [binary, "serve", "--listen", "127.0.0.1:%d" % port,
                                  "--data-dir", data_dir],
                    os.path.join(root, "citynexus.log"))
    try:
        server.wait_ready(port, ["/healthz", "/ping"])
        with open(os.path.join(data_dir, "admin.token")) as f:
            secret = f.read().strip()
        AUTH_BY_PORT[port] = {"Authorization": "Bearer " + secret}
        CLI_PASSWORD_BY_PORT[port] = secret
    except (SetupError, OSError):
        server.stop()
        raise
    return server, Target("citynexus", port)


# --------------------------------------------------------------------------
# Loading

def load(targets, lines):
    status, body, raw = targets[0].query("CREATE DATABASE " + DB, method="POST")
    if status != 200 or body is None or "error" in body.get("results", [{}])[0]:
        raise SetupError("influxd: CREATE DATABASE failed: %d %s" % (status, raw[:300]))
    for target in targets[1:]:
        # citynexus creates databases on write; CREATE DATABASE is best effort.
        if target.name != "influxd":
            target.query("CREATE DATABASE " + DB, method="POST")
    for target in targets:
        if target.name == "influxd" and target is not targets[0]:
            continue  # self-check: the same server twice
        started = time.time()
        for payload in dataset.batches(lines, 5000):
            target.write(payload)
        elapsed = time.time() - started
        print("loaded %d lines into %s in %.1f s (%.0f lines/s)" % (
            len(lines), target.name, elapsed, len(lines) / max(elapsed, 1e-9)))


def wait_visible(targets, timeout=60.0):
    """Polls until every target reports the same number of traffic.vehicles
    points as the first one (writes may become visible with a delay)."""
    probe = "SELECT count(vehicles) FROM traffic WHERE " + queries.ALL
    expected = None
    deadline = time.time() + timeout
    for target in targets:
        while True:
            _, body, _ = target.query(probe)
            value = _first_value(body)
            if expected is None and value is not None:
                expected = value
                break
            if value == expected:
                break
            if time.time() > deadline:
                print("warning: %s shows %r traffic.vehicles points, expected %r" % (
                    target.name, value, expected))
                break
            time.sleep(0.5)


def citynexus_load_check(target, lines):
    """Checks through citynexus' own JSON API (not InfluxQL) that every field
    series arrived with InfluxDB's type and, for numeric fields, with every
    point. Returns None or a list of lines describing the first problem."""
    expected = dataset.expected_series(lines)
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(dataset.START))
    end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(dataset.END))
    found = {}
    for measurement in sorted({m for m, _, _ in expected}):
        status, _, body = http_request(
            target.port, "GET", "/api/v1/series?" + urllib.parse.urlencode(
                {"measurement": measurement}))
        if status != 200:
            return ["GET /api/v1/series answered %d" % status, body[:300].decode("utf-8", "replace")]
        for s in json.loads(body)["series"]:
            tags = tuple(sorted(s["tags"].items()))
            found[(measurement, s["field"], tags)] = [s["type"], 0]
        fields = sorted({(f, expected[k][0]) for k in expected for f in [k[1]]
                         if k[0] == measurement})
        for field, kind in fields:
            if kind == "boolean":
                continue  # citynexus aggregates numeric fields only
            status, _, body = http_request(
                target.port, "GET", "/api/v1/query?" + urllib.parse.urlencode({
                    "measurement": measurement, "field": field, "start": start, "end": end,
                    "step": "1d", "agg": "count", "group_by": "*"}))
            if status != 200:
                return ["GET /api/v1/query answered %d" % status,
                        body[:300].decode("utf-8", "replace")]
            for s in json.loads(body)["series"]:
                key = (measurement, field, tuple(sorted(s["tags"].items())))
                if key in found:
                    found[key][1] = sum(v[1] for v in s["values"] if v[1] is not None)
    for key in sorted(set(expected) | set(found)):
        want = expected.get(key)
        have = found.get(key)
        if want and want[0] == "boolean" and have:
            have = [have[0], want[1]]  # count not checked
        if want != have:
            return ["series %s %s %s" % (key[0], key[1], dict(key[2])),
                    "written: %s" % (want or "(not written)"),
                    "citynexus: %s" % (have or "(missing)")]
    return None


def _first_value(body):
    try:
        return body["results"][0]["series"][0]["values"][0][1]
    except (KeyError, IndexError, TypeError):
        return None


# --------------------------------------------------------------------------
# Comparison

def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def values_equal(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if _is_number(a) and _is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        diff = abs(a - b)
        return diff <= ABS_TOLERANCE or diff <= REL_TOLERANCE * max(abs(a), abs(b))
    return a == b


def _short(value, limit=160):
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + "..."


def _statements(body):
    if not isinstance(body, dict):
        return None
    results = body.get("results")
    return results if isinstance(results, list) else None


def _series_id(s):
    return "%s%s" % (s.get("name", ""), _short(s.get("tags") or {}, 120))


def diff_answers(exp_status, exp_body, exp_raw, act_status, act_body, act_raw,
                 names=("influxd", "citynexus"), unordered=False):
    """Returns None when equal, else a list of lines describing the first
    difference: where, then the expected side, then the actual side."""
    a_name, b_name = names
    if exp_status != act_status:
        return ["HTTP status differs",
                "%s: %d %s" % (a_name, exp_status, exp_raw[:200].strip()),
                "%s: %d %s" % (b_name, act_status, act_raw[:200].strip())]
    exp_results, act_results = _statements(exp_body), _statements(act_body)
    if exp_results is None or act_results is None:
        if exp_body == act_body or (isinstance(exp_body, dict) and isinstance(
                act_body, dict) and "error" in exp_body and "error" in act_body):
            return None  # both report an error; the wording may differ
        return ["response body is not a results document",
                "%s: %s" % (a_name, exp_raw[:200].strip()),
                "%s: %s" % (b_name, act_raw[:200].strip())]
    if len(exp_results) != len(act_results):
        return ["number of statement results differs",
                "%s: %d" % (a_name, len(exp_results)),
                "%s: %d" % (b_name, len(act_results))]
    for i, (e, a) in enumerate(zip(exp_results, act_results)):
        where = "results[%d]" % i
        if e.get("statement_id") != a.get("statement_id"):
            return [where + ".statement_id",
                    "%s: %r" % (a_name, e.get("statement_id")),
                    "%s: %r" % (b_name, a.get("statement_id"))]
        if ("error" in e) != ("error" in a):
            return [where + ".error",
                    "%s: %s" % (a_name, e.get("error", "(no error)")),
                    "%s: %s" % (b_name, a.get("error", "(no error)"))]
        exp_series, act_series = e.get("series") or [], a.get("series") or []
        if unordered:
            exp_series = sorted(exp_series, key=_series_id)
            act_series = sorted(act_series, key=_series_id)
        found = _diff_series(where, exp_series, act_series, names)
        if found:
            return found
    return None


def _diff_series(where, exp, act, names):
    a_name, b_name = names
    for j in range(max(len(exp), len(act))):
        path = "%s.series[%d]" % (where, j)
        if j >= len(exp) or j >= len(act):
            return [path + ": series count %d vs %d" % (len(exp), len(act)),
                    "%s: %s" % (a_name, _series_id(exp[j]) if j < len(exp) else "(none)"),
                    "%s: %s" % (b_name, _series_id(act[j]) if j < len(act) else "(none)")]
        e, a = exp[j], act[j]
        if e.get("name") != a.get("name") or (e.get("tags") or {}) != (a.get("tags") or {}):
            order_only = sorted(map(_series_id, exp)) == sorted(map(_series_id, act))
            return [path + (" identity (same set, different order)" if order_only
                            else " identity"),
                    "%s: %s" % (a_name, _series_id(e)),
                    "%s: %s" % (b_name, _series_id(a))]
        if e.get("columns") != a.get("columns"):
            return [path + ".columns (%s)" % _series_id(e),
                    "%s: %s" % (a_name, _short(e.get("columns"))),
                    "%s: %s" % (b_name, _short(a.get("columns")))]
        ev, av = e.get("values") or [], a.get("values") or []
        for k in range(max(len(ev), len(av))):
            if k >= len(ev) or k >= len(av):
                return ["%s.values: %d rows vs %d rows (%s), first extra row [%d]" % (
                            path, len(ev), len(av), _series_id(e), k),
                        "%s: %s" % (a_name, _short(ev[k]) if k < len(ev) else "(none)"),
                        "%s: %s" % (b_name, _short(av[k]) if k < len(av) else "(none)")]
            er, ar = ev[k], av[k]
            if len(er) != len(ar) or not all(values_equal(x, y) for x, y in zip(er, ar)):
                col = next((c for c in range(min(len(er), len(ar)))
                            if not values_equal(er[c], ar[c])), min(len(er), len(ar)))
                column = (e.get("columns") or [])[col] if col < len(
                    e.get("columns") or []) else "?"
                return ["%s.values[%d] column %r (%s)" % (path, k, column, _series_id(e)),
                        "%s: %s" % (a_name, _short(er)),
                        "%s: %s" % (b_name, _short(ar))]
    return None


def check_contains(query, status, body, raw, name="citynexus"):
    """For compare="contains": the first series must list every wanted row."""
    results = _statements(body)
    try:
        rows = results[0]["series"][0]["values"]
    except (TypeError, KeyError, IndexError):
        return ["no series in the answer", "%s: %d %s" % (name, status, raw[:200])]
    missing = [row for row in query.contains if row not in rows]
    if status != 200 or missing:
        return ["rows missing: %s" % _short(missing), "%s: %d %s" % (name, status, _short(rows))]
    return None


def comparator_self_test(status, body, raw):
    """Checks that diff_answers catches changed answers, so a run where
    everything passes means something. Takes a real answer with an int column
    and a float column; returns a list of problems (empty when fine)."""
    import copy

    def mutated(change):
        other = copy.deepcopy(body)
        change(other["results"][0]["series"][0])
        return other

    def bump(series, column, factor):
        row = series["values"][1]
        row[column] = row[column] * factor

    must_differ = {
        "float changed by 1e-7 relative": lambda s: bump(s, 2, 1 + 1e-7),
        "int changed by 1": lambda s: s["values"][1].__setitem__(1, s["values"][1][1] + 1),
        "int became float": lambda s: s["values"][1].__setitem__(1, s["values"][1][1] + 0.5),
        "value became null": lambda s: s["values"][1].__setitem__(1, None),
        "timestamp changed": lambda s: s["values"][1].__setitem__(0, "2026-01-05T00:00:01Z"),
        "row dropped": lambda s: s["values"].pop(),
        "column renamed": lambda s: s["columns"].__setitem__(1, "other"),
        "name changed": lambda s: s.__setitem__("name", "other"),
        "tag added": lambda s: s.__setitem__("tags", {"x": "y"}),
    }
    problems = []
    for label, change in sorted(must_differ.items()):
        other = mutated(change)
        if diff_answers(status, body, raw, status, other, raw) is None:
            problems.append("comparator missed: " + label)
    close = mutated(lambda s: bump(s, 2, 1 + 1e-12))
    if diff_answers(status, body, raw, status, close, raw) is not None:
        problems.append("comparator rejected a float within 1e-12 relative")
    if diff_answers(status, body, raw, 400, body, raw) is None:
        problems.append("comparator missed: HTTP status changed")
    return problems


# --------------------------------------------------------------------------
# influx CLI

CLI_QUERIES = [
    "SELECT vehicles, speed FROM traffic WHERE sensor = 'S01' AND " + queries.H2,
    "SELECT mean(vehicles) FROM traffic WHERE %s GROUP BY time(1d), district" % queries.ALL,
    "SELECT max(m3) FROM water_flow WHERE point = 'P02' AND time >= "
    "'2026-01-06T00:00:00Z' AND time < '2026-01-06T07:00:00Z' GROUP BY time(30m) fill(previous)",
    "SELECT * FROM air WHERE station = 'A1' AND %s LIMIT 5" % queries.DAY1,
    "SHOW MEASUREMENTS",
    "SHOW TAG VALUES WITH KEY = \"district\"",
]


def run_cli(cli, port, text, fmt):
    argv = [cli, "-host", "127.0.0.1", "-port", str(port), "-database", DB,
            "-execute", text, "-format", fmt]
    secret = CLI_PASSWORD_BY_PORT.get(port)
    if secret:  # citynexus: the admin token as the 1.x password
        argv[1:1] = ["-username", "parity", "-password", secret]
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=120)
    except subprocess.TimeoutExpired:
        return 124, "", "timed out"
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


def merge_chunks(body):
    """The CLI asks for chunked answers and prints every chunk as a result
    without statement_id (a series can span chunks). Folds them back into one
    statement so they compare against a plain HTTP answer."""
    series = []
    for result in body.get("results") or []:
        if "error" in result:
            return {"results": [{"statement_id": 0, "error": result["error"]}]}
        for s in result.get("series") or []:
            last = series[-1] if series else None
            if last and last.get("name") == s.get("name") and (
                    last.get("tags") or {}) == (s.get("tags") or {}) and last.get(
                    "columns") == s.get("columns"):
                last["values"] = (last.get("values") or []) + (s.get("values") or [])
            else:
                series.append(dict(s))
    result = {"statement_id": 0}
    if series:
        result["series"] = series
    return {"results": [result]}


def _tokens(text):
    return [line.split() for line in text.splitlines() if line.strip()]


def _token_equal(a, b):
    if a == b:
        return True
    try:
        return values_equal(float(a), float(b))
    except ValueError:
        return False


def diff_column_output(exp, act, names):
    et, at = _tokens(exp), _tokens(act)
    for i in range(max(len(et), len(at))):
        el = et[i] if i < len(et) else None
        al = at[i] if i < len(at) else None
        if el is None or al is None or len(el) != len(al) or not all(
                _token_equal(x, y) for x, y in zip(el, al)):
            return ["column output line %d" % (i + 1),
                    "%s: %s" % (names[0], " ".join(el) if el else "(none)"),
                    "%s: %s" % (names[1], " ".join(al) if al else "(none)")]
    return None


def cli_checks(cli, reference, target):
    """Returns a list of (label, diff-or-None)."""
    names = (reference.name, target.name)
    checks = []
    text = "SHOW DATABASES"
    rc, out, err = run_cli(cli, target.port, text, "json")
    if rc != 0:
        checks.append(("cli json: " + text, ["influx CLI failed (exit %d)" % rc,
                                             "%s: %s" % (target.name, (err or out)[:300])]))
    else:
        try:
            names_listed = [row[0] for res in json.loads(out)["results"]
                            for s in res.get("series", []) for row in s["values"]]
            checks.append(("cli json: " + text, None if DB in names_listed else [
                "%s not listed" % DB, "%s: %s" % (target.name, _short(names_listed))]))
        except (ValueError, KeyError, TypeError, IndexError) as e:
            checks.append(("cli json: " + text, ["output does not parse: %s" % e,
                                                 "%s: %s" % (target.name, out[:300])]))

    for text in CLI_QUERIES:
        # json: the CLI's answer must parse and match the reference's CLI
        # answer and the target's own HTTP answer (the CLI asks for epoch=ns).
        label = "cli json: " + text
        rc_e, out_e, err_e = run_cli(cli, reference.port, text, "json")
        rc_a, out_a, err_a = run_cli(cli, target.port, text, "json")
        if rc_a != 0 or rc_e != 0:
            checks.append((label, ["influx CLI exit status %d vs %d" % (rc_e, rc_a),
                                   "%s: %s" % (reference.name, (err_e or out_e)[:300].strip()),
                                   "%s: %s" % (target.name, (err_a or out_a)[:300].strip())]))
        else:
            try:
                body_e, body_a = merge_chunks(json.loads(out_e)), merge_chunks(json.loads(out_a))
                found = diff_answers(200, body_e, out_e, 200, body_a, out_a, names)
                if not found:
                    status, body_h, raw_h = target.query(text, {"epoch": "ns"})
                    found = diff_answers(200, body_a, out_a, status, body_h, raw_h,
                                         ("%s via CLI" % target.name,
                                          "%s via HTTP" % target.name))
                checks.append((label, found))
            except ValueError as e:
                checks.append((label, ["CLI json output does not parse: %s" % e,
                                       "%s: %s" % (reference.name, out_e[:200]),
                                       "%s: %s" % (target.name, out_a[:200])]))
        label = "cli column: " + text
        rc_e, out_e, err_e = run_cli(cli, reference.port, text, "column")
        rc_a, out_a, err_a = run_cli(cli, target.port, text, "column")
        if rc_a != 0 or rc_e != 0:
            checks.append((label, ["influx CLI exit status %d vs %d" % (rc_e, rc_a),
                                   "%s: %s" % (reference.name, (err_e or out_e)[:300].strip()),
                                   "%s: %s" % (target.name, (err_a or out_a)[:300].strip())]))
        else:
            checks.append((label, diff_column_output(out_e, out_a, names)))
    return checks


def ping_check(target):
    """The influx CLI pings first: GET and HEAD /ping must answer 204 with an
    X-Influxdb-Version header."""
    problems = []
    for method in ("GET", "HEAD"):
        try:
            status, headers, _ = http_request(target.port, method, "/ping")
        except (OSError, http.client.HTTPException) as e:
            problems.append("%s /ping: %s" % (method, e))
            continue
        if status != 204 or "x-influxdb-version" not in headers:
            problems.append("%s /ping: status %d, X-Influxdb-Version %s" % (
                method, status, headers.get("x-influxdb-version", "missing")))
    if not problems:
        return None
    return ["/ping is not InfluxDB compatible", "influxd: 204 with X-Influxdb-Version",
            "%s: %s" % (target.name, "; ".join(problems))]


# --------------------------------------------------------------------------
# Main

def parse_only(spec, count):
    chosen = []
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-", 1)
            chosen.extend(range(int(lo), int(hi) + 1))
        elif part:
            chosen.append(int(part))
    for n in chosen:
        if not 1 <= n <= count:
            raise SystemExit("--only: query %d does not exist (1..%d)" % (n, count))
    return chosen


def _describe(q):
    params = "".join(" [%s=%s]" % kv for kv in sorted(q.params.items()))
    return q.text + params + (" [POST]" if q.method == "POST" else "")


def print_result(label, found, width):
    print("%-4s  %s" % ("PASS" if found is None else "FAIL", label[:width]))
    if found:
        for line in found:
            print("        " + line)


def run(args):
    selected = list(range(1, len(queries.QUERIES) + 1))
    if args.extra:
        selected = list(range(1, len(ALL_QUERIES) + 1))
    if args.only:
        selected = parse_only(args.only, len(ALL_QUERIES))
    root = tempfile.mkdtemp(prefix="influx-parity-")
    servers = []
    try:
        influx_server, influx = start_influxd(args.influxd, os.path.join(root, "influxd"))
        servers.append(influx_server)
        if args.self_check:
            target = Target("influxd-again", influx.port)
        else:
            cn_server, target = start_citynexus(args.citynexus,
                                                os.path.join(root, "citynexus"))
            servers.append(cn_server)
        print("influxd on 127.0.0.1:%d, %s on 127.0.0.1:%d, temp %s" % (
            influx.port, target.name, target.port, root))

        started = time.time()
        lines = dataset.generate_lines()
        print("data set: %d lines, %d points (%.1f s to generate)" % (
            len(lines), dataset.count_points(lines), time.time() - started))
        load([influx] if args.self_check else [influx, target], lines)
        wait_visible([influx, target])
        load_failures = 0
        if not args.self_check:
            found = citynexus_load_check(target, lines)
            print_result("citynexus load check: %d field series, types and point counts "
                         "through /api/v1/series and /api/v1/query" % len(
                             dataset.expected_series(lines)), found, args.width)
            load_failures = found is not None

        width = args.width
        failures = load_failures
        if args.self_check:
            # Query 1 has time, vehicles (int) and speed (float) columns.
            probe = queries.QUERIES[0]
            for problem in comparator_self_test(*influx.query(probe.text, probe.params)):
                print("FAIL  " + problem)
                failures += 1
        print()
        print("%-4s  %-4s  %s" % ("#", "", "query"))
        core, extra = 0, 0
        core_failures, extra_failures = 0, 0
        for n in selected:
            q = ALL_QUERIES[n - 1]
            is_extra = n > len(queries.QUERIES)
            exp = influx.query(q.text, q.params, q.method)
            act = target.query(q.text, q.params, q.method)
            if q.compare == "contains":
                found = check_contains(q, *act, name=target.name)
            else:
                found = diff_answers(*exp, *act, names=(influx.name, target.name),
                                     unordered=q.unordered)
            if is_extra:
                extra += 1
                extra_failures += found is not None
            else:
                core += 1
                core_failures += found is not None
            print_result("%-4s  %s" % ("%d%s" % (n, "x" if is_extra else ""), _describe(q)),
                         found, width)
            if args.verbose and found:
                print("        %s raw: %s" % (influx.name, exp[2][:args.width * 4]))
                print("        %s raw: %s" % (target.name, act[2][:args.width * 4]))
        failures += core_failures
        print("\n%d/%d queries match" % (core - core_failures, core))
        if extra:
            print("%d/%d extra queries (x, beyond the CI scope, not counted) match" % (
                extra - extra_failures, extra))

        if not args.skip_cli and not args.only:
            print("\ninflux CLI (%s) against %s" % (args.influx_cli, target.name))
            found = ping_check(target)
            print_result("ping: GET/HEAD /ping", found, width)
            failures += found is not None
            for label, found in cli_checks(args.influx_cli, influx, target):
                failures += found is not None
                print_result(label, found, width)
        print("\n%s: %d failure(s)" % ("FAIL" if failures else "PASS", failures))
        return 1 if failures else 0
    except SetupError as e:
        print("setup failed: %s" % e, file=sys.stderr)
        return 2
    finally:
        for server in reversed(servers):
            server.stop()
        if args.keep_temp:
            print("kept %s" % root)
        else:
            shutil.rmtree(root, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citynexus", default="build/app/citynexus",
                        help="citynexus binary (default build/app/citynexus)")
    parser.add_argument("--influxd", default="influxd")
    parser.add_argument("--influx-cli", default="influx")
    parser.add_argument("--self-check", action="store_true",
                        help="compare influxd with itself (validates the harness)")
    parser.add_argument("--list", action="store_true", help="print the queries and exit")
    parser.add_argument("--only", help="run only these queries: N, N,M or N-M (1-based)")
    parser.add_argument("--extra", action="store_true",
                        help="also run queries.EXTRA_QUERIES (reported, not counted)")
    parser.add_argument("--skip-cli", action="store_true", help="skip the influx CLI checks")
    parser.add_argument("--keep-temp", action="store_true",
                        help="keep the temp dir (logs, data) for inspection")
    parser.add_argument("--verbose", action="store_true",
                        help="print raw answers of failing queries")
    parser.add_argument("--width", type=int, default=150, help="query column width")
    args = parser.parse_args()
    if args.list:
        for n, q in enumerate(ALL_QUERIES, 1):
            print("%-4s %s" % ("%d%s" % (n, "x" if n > len(queries.QUERIES) else ""),
                               _describe(q)))
        return 0
    if not args.self_check and not os.access(args.citynexus, os.X_OK):
        print("citynexus binary %s not found or not executable" % args.citynexus,
              file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
