#!/usr/bin/env python3
"""Writes the parity samples (generate.py's TSV) to a running `citynexus
serve` through its real write path: POST /write?precision=ms, InfluxDB line
protocol, gzip-compressed, in batches, with `Authorization: Bearer <token>`.
Then waits until every point is visible to PromQL (the ingest pipeline may
acknowledge before a query sees the points) and exits 0, or exits 1 with
the reason.

Usage: write_samples.py SAMPLES.tsv BASE_URL TOKEN_FILE
"""
import gzip
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BATCH_LINES = 1000


def escape_key(text):
    """Measurement, tag key/value and field key escaping of line protocol."""
    for c in ("\\", ",", "=", " "):
        text = text.replace(c, "\\" + c)
    return text


def line(cols):
    measurement, field, tags, typ, unix_ms, value = cols
    head = escape_key(measurement)
    for kv in filter(None, tags.split(",")):
        k, v = kv.split("=", 1)
        head += ",%s=%s" % (escape_key(k), escape_key(v))
    # Integers carry the `i` suffix; float texts are written as generated so
    # both peers parse the same decimal text.
    return "%s %s=%s%s %s" % (head, escape_key(field), value, "i" if typ == "i" else "", unix_ms)


def post(url, token, body, headers):
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers=dict(headers, Authorization="Bearer " + token))
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def visible_points(base, token, at_s):
    query = 'sum(count_over_time({__name__=~".+"}[2d]))'
    url = base + "/prometheus/api/v1/query?" + urllib.parse.urlencode({"query": query, "time": at_s})
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=60) as r:
        result = json.loads(r.read())["data"]["result"]
    return int(float(result[0]["value"][1])) if result else 0


def main(tsv_path, base, token_file):
    with open(token_file) as f:
        token = f.read().strip()
    lines, last_ms = [], 0
    with open(tsv_path) as f:
        for raw in f:
            cols = raw.rstrip("\n").split("\t")
            if len(cols) != 6:
                sys.exit("write_samples: bad line %r" % raw)
            lines.append(line(cols))
            last_ms = max(last_ms, int(cols[4]))
    started = time.time()
    for i in range(0, len(lines), BATCH_LINES):
        body = gzip.compress(("\n".join(lines[i:i + BATCH_LINES]) + "\n").encode())
        status, answer = post(base + "/write?precision=ms", token, body,
                              {"Content-Encoding": "gzip", "Content-Type": "text/plain"})
        if status != 204:
            sys.exit("write_samples: POST /write answered %d: %s" % (status, answer[:300]))
    elapsed = time.time() - started
    deadline = time.time() + 60
    at_s = last_ms // 1000 + 1
    while True:
        seen = visible_points(base, token, at_s)
        if seen == len(lines):
            break
        if time.time() > deadline:
            sys.exit("write_samples: %d of %d points visible after 60 s" % (seen, len(lines)))
        time.sleep(0.2)
    print("write_samples: %d points in %d gzip batches through POST /write in %.1f s"
          % (len(lines), (len(lines) + BATCH_LINES - 1) // BATCH_LINES, elapsed))


if __name__ == "__main__":
    main(*sys.argv[1:4])
