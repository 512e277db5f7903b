#!/usr/bin/env python3
"""Runs the parity corpus (corpus.py) against Prometheus and citynexus and
compares the answers: same status and result type, same series (label
sets), same timestamps, values equal within 1e-9 relative (NaN == NaN).
Vector results are compared as sets unless the query sorts. Errors must
have the same errorType. Then replays Grafana's data source calls and
checks promtool against both.

Usage: run_parity.py PROM_URL CITYNEXUS_URL PROMTOOL TOKEN_FILE
TOKEN_FILE holds the citynexus secret (<data_dir>/admin.token): every
request to citynexus carries `Authorization: Bearer <secret>`, and promtool
(2.42 cannot set headers) gets it as HTTP Basic in the server URL.
Prints one line per failure and a summary; exits 1 on any failure.
"""
import json
import math
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import corpus

REL = 1e-9

# Extra headers per base URL (citynexus denies requests without a token).
HEADERS_BY_BASE = {}


def use_token(base, token_file):
    """Every later call() to `base` carries the secret in token_file."""
    with open(token_file) as f:
        secret = f.read().strip()
    HEADERS_BY_BASE[base] = {"Authorization": "Bearer " + secret}
    return secret


def with_basic_auth(url, secret):
    """url with `parity:<secret>@` as user info: Go's HTTP client (promtool)
    turns it into `Authorization: Basic`, which citynexus accepts."""
    parts = urllib.parse.urlsplit(url)
    netloc = "parity:%s@%s" % (urllib.parse.quote(secret, safe=""), parts.netloc)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def call(base, path, params, method="GET"):
    data = urllib.parse.urlencode(params, doseq=True)
    headers = dict(HEADERS_BY_BASE.get(base, {}))
    if method == "GET":
        req = urllib.request.Request(base + path + "?" + data, headers=headers)
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(base + path, data=data.encode(), headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        body = e.read()
        try:
            return e.code, json.loads(body)
        except ValueError:
            return e.code, {"status": "error", "errorType": "?", "error": body.decode(errors="replace")}


def same_float(a, b):
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= REL * max(abs(x), abs(y)) or abs(x - y) < 1e-300


def same_point(p, q):
    return float(p[0]) == float(q[0]) and same_float(p[1], q[1])


def same_text(lines_a, lines_b):
    """promtool outputs equal, numbers within REL."""
    if len(lines_a) != len(lines_b):
        return False
    for la, lb in zip(lines_a, lines_b):
        ta, tb = la.split(), lb.split()
        if len(ta) != len(tb):
            return False
        for x, y in zip(ta, tb):
            if x == y:
                continue
            try:
                if not same_float(x, y):
                    return False
            except ValueError:
                return False
    return True


def key(series):
    return json.dumps(series["metric"], sort_keys=True)


def compare(a, b, ordered):
    """'' when equal, else why not."""
    if a.get("status") != b.get("status"):
        return "status %s vs %s (%s)" % (a.get("status"), b.get("status"),
                                         a.get("error") or b.get("error"))
    if a["status"] == "error":
        if a.get("errorType") != b.get("errorType"):
            return "errorType %s vs %s: %s | %s" % (a.get("errorType"), b.get("errorType"),
                                                    a.get("error"), b.get("error"))
        return ""
    da, db = a["data"], b["data"]
    if da["resultType"] != db["resultType"]:
        return "resultType %s vs %s" % (da["resultType"], db["resultType"])
    ra, rb = da["result"], db["result"]
    if da["resultType"] in ("scalar", "string"):
        if da["resultType"] == "scalar":
            return "" if same_point(ra, rb) else "scalar %s vs %s" % (ra, rb)
        return "" if ra == rb else "string %s vs %s" % (ra, rb)
    if len(ra) != len(rb):
        return "%d series vs %d: %s | %s" % (len(ra), len(rb),
                                             sorted(key(s) for s in ra)[:4],
                                             sorted(key(s) for s in rb)[:4])
    if not ordered:
        ra, rb = sorted(ra, key=key), sorted(rb, key=key)
    for sa, sb in zip(ra, rb):
        if sa["metric"] != sb["metric"]:
            return "labels %s vs %s" % (key(sa), key(sb))
        if "value" in sa:
            if not same_point(sa["value"], sb["value"]):
                return "%s: value %s vs %s" % (key(sa), sa["value"], sb["value"])
        else:
            va, vb = sa["values"], sb["values"]
            if len(va) != len(vb):
                return "%s: %d points vs %d (first %s vs %s)" % (key(sa), len(va), len(vb), va[:1], vb[:1])
            for p, q in zip(va, vb):
                if not same_point(p, q):
                    return "%s: point %s vs %s" % (key(sa), p, q)
    return ""


def main():
    prom, cn, promtool = sys.argv[1], sys.argv[2], sys.argv[3]
    secret = use_token(cn, sys.argv[4])
    failures, total, passed, entries_ok, entries = [], 0, 0, 0, 0
    range_seconds = {"prometheus": 0.0, "citynexus": 0.0}  # query_range wall time
    for entry in corpus.Q:
        if not isinstance(entry, tuple):
            entry = (entry,)
        expr, only, extra, prom_expr = (entry + (None, None, None))[:4]
        extra = extra or {}
        prom_expr = prom_expr or expr
        ordered = expr.startswith("sort")
        runs = []
        if only in (None, "instant"):
            for t in corpus.INSTANT_TIMES:
                runs.append(("/api/v1/query", dict(query=expr, time=t, **extra), "GET"))
        if only in (None, "range"):
            for (s, e, st) in corpus.RANGES:
                runs.append(("/api/v1/query_range", dict(query=expr, start=s, end=e, step=st, **extra), "POST"))
        entries += 1
        entry_ok = True
        for path, params, method in runs:
            total += 1
            t0 = time.perf_counter()
            _, a = call(prom, path, dict(params, query=prom_expr), method)
            t1 = time.perf_counter()
            _, b = call(cn, path, params, method)
            t2 = time.perf_counter()
            if path.endswith("query_range"):
                range_seconds["prometheus"] += t1 - t0
                range_seconds["citynexus"] += t2 - t1
            why = compare(a, b, ordered)
            if why:
                entry_ok = False
                failures.append("%s %s %s: %s" % (path, expr, {k: v for k, v in params.items() if k != "query"}, why))
            else:
                passed += 1
        entries_ok += entry_ok

    # Grafana's Prometheus data source, in the order it calls on a dashboard.
    grafana = [
        ("/api/v1/status/buildinfo", {}, "GET", "shape"),
        ("/api/v1/query", {"query": "1+1", "time": corpus.T0 + 60}, "POST", "equal"),
        ("/api/v1/labels", {"start": corpus.T0, "end": corpus.T0 + 7200}, "POST", "equal"),
        ("/api/v1/label/__name__/values", {"start": corpus.T0, "end": corpus.T0 + 7200}, "GET", "equal"),
        ("/api/v1/series", {"match[]": 'traffic_vehicles{road="main"}', "start": corpus.T0, "end": corpus.T0 + 7200}, "POST", "equal"),
        ("/api/v1/label/sensor/values", {"match[]": "traffic_vehicles", "start": corpus.T0, "end": corpus.T0 + 7200}, "GET", "equal"),
        ("/api/v1/metadata", {}, "GET", "shape"),
        ("/api/v1/query_range", {"query": "sum by (road) (rate(energy_kwh_total[5m]) * 0 + on() group_left traffic_vehicles{sensor=\"s1\"})",
                                 "start": corpus.T0, "end": corpus.T0 + 7200, "step": 30}, "POST", "equal"),
        ("/api/v1/query_range", {"query": "histogram_quantile(0.95, sum by (le) (rate(http_latency_bucket[$__rate_interval])))".replace("$__rate_interval", "1m"),
                                 "start": corpus.T0, "end": corpus.T0 + 7200, "step": 15}, "POST", "equal"),
        ("/api/v1/query_exemplars", {"query": "traffic_vehicles", "start": corpus.T0, "end": corpus.T0 + 7200}, "GET", "shape"),
    ]
    # Without the token citynexus must refuse (deny by default): 401.
    anon = urllib.request.Request(cn + "/api/v1/query?" + urllib.parse.urlencode({"query": "traffic_vehicles"}))
    try:
        with urllib.request.urlopen(anon, timeout=60) as r:
            failures.append("anonymous /api/v1/query answered %d, expected 401" % r.status)
    except urllib.error.HTTPError as e:
        if e.code != 401:
            failures.append("anonymous /api/v1/query answered %d, expected 401" % e.code)
    grafana_ok = 0
    for path, params, method, how in grafana:
        sa, a = call(prom, path, params, method)
        sb, b = call(cn, path, params, method)
        if how == "equal":
            why = ""
            if isinstance(a.get("data"), list):
                if sorted(json.dumps(x, sort_keys=True) for x in a["data"]) != sorted(json.dumps(x, sort_keys=True) for x in b.get("data", [])):
                    why = "%s vs %s" % (a.get("data"), b.get("data"))
            else:
                why = compare(a, b, False)
        else:
            why = "" if (sb == 200 and b.get("status") == "success" and type(b.get("data")) == type(a.get("data"))) else "shape %s %s" % (sb, b)
        if why:
            failures.append("grafana %s %s: %s" % (path, params, why))
        else:
            grafana_ok += 1

    # promtool against both: same output.
    t = str(corpus.T0 + 1800)
    tool_cmds = [
        ["query", "instant", "--time", t, "{url}", "sum by (road) (traffic_vehicles)"],
        ["query", "range", "--start", str(corpus.T0), "--end", str(corpus.T0 + 1800), "--step", "5m", "{url}", "rate(energy_kwh_total[5m])"],
        ["query", "series", "--match", "traffic_vehicles", "--start", str(corpus.T0), "--end", str(corpus.T0 + 7200), "{url}"],
        ["query", "labels", "--start", str(corpus.T0), "--end", str(corpus.T0 + 7200), "{url}", "sensor"],
    ]
    tool_ok = 0
    for cmd in tool_cmds:
        outs = []
        for url in (prom, with_basic_auth(cn, secret)):
            base = url[:-len("/api/v1")] if url.endswith("/api/v1") else url
            args = [promtool] + [c.replace("{url}", base) for c in cmd]
            r = subprocess.run(args, capture_output=True, text=True, timeout=60)
            outs.append((r.returncode, r.stdout.splitlines(), r.stderr.strip()))
        if outs[0][0] == 0 and outs[1][0] == 0 and same_text(outs[0][1], outs[1][1]):
            tool_ok += 1
        else:
            failures.append("promtool %s: %s vs %s" % (" ".join(cmd[:2]), outs[0], outs[1]))

    for f in failures:
        print("FAIL", f[:600])
    print("parity: %d/%d requests equal; corpus entries fully equal %d/%d; grafana %d/%d; promtool %d/%d"
          % (passed, total, entries_ok, entries, grafana_ok, len(grafana), tool_ok, len(tool_cmds)))
    print("range queries, summed wall time per peer (same requests, one run): "
          "prometheus %.3f s, citynexus %.3f s" % (range_seconds["prometheus"], range_seconds["citynexus"]))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
