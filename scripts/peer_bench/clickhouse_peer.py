"""ClickHouse (Debian's 18.16) as a third server in the peer benchmark.

Loaded the way a data engineer would load urban1000: one MergeTree table per
measurement (tags as String columns, ORDER BY (id tag, time), monthly
partitions), bulk TabSeparated over HTTP (POST /?query=INSERT ... FORMAT
TabSeparated), 5000 rows per insert, the same 2 writers as the line protocol
clients. The TSV bodies are converted once from the cached line protocol
batches (not timed) and kept next to them.

Q1..Q4 are the same questions as the InfluxQL queries of run_peer_bench.py,
in ClickHouse SQL; Q3 (last point of every series) is one statement per
measurement, sent one after the other and timed together, as InfluxQL's Q3
is four statements in one request. Answers are checked against InfluxDB's
(values rounded) in answers_match().

Python 3 stdlib only. The server runs from a throwaway directory with its
own config (loopback only, user `default` without password, logs in the
directory), never as the system service.
"""

import http.client
import json
import os
import urllib.parse

import run_parity
import urban1000

DB = "peer"

CONFIG = """<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>{root}/clickhouse-server.log</log>
        <errorlog>{root}/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <http_port>{http_port}</http_port>
    <tcp_port>{tcp_port}</tcp_port>
    <listen_host>127.0.0.1</listen_host>
    <max_connections>64</max_connections>
    <keep_alive_timeout>30</keep_alive_timeout>
    <max_concurrent_queries>16</max_concurrent_queries>
    <uncompressed_cache_size>8589934592</uncompressed_cache_size>
    <mark_cache_size>5368709120</mark_cache_size>
    <path>{root}/data/</path>
    <tmp_path>{root}/tmp/</tmp_path>
    <user_files_path>{root}/user_files/</user_files_path>
    <format_schema_path>{root}/format_schemas/</format_schema_path>
    <users_config>{root}/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
</yandex>
"""

USERS = """<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
    </interval></default></quotas>
</yandex>
"""

VALUE_TYPES = {"vehicles": "Int64", "kwh": "Float64", "m3": "Float64", "no2": "Float64"}


def start(binary, root):
    """Starts clickhouse-server from `root`; returns (Server, port)."""
    os.makedirs(root, exist_ok=True)
    http_port, tcp_port = run_parity.free_port(), run_parity.free_port()
    while tcp_port == http_port:
        tcp_port = run_parity.free_port()
    config = os.path.join(root, "config.xml")
    with open(config, "w") as f:
        f.write(CONFIG.format(root=root, http_port=http_port, tcp_port=tcp_port))
    with open(os.path.join(root, "users.xml"), "w") as f:
        f.write(USERS)
    server = run_parity.Server("clickhouse", [binary, "--config-file=" + config],
                               os.path.join(root, "clickhouse.log"))
    try:
        server.wait_ready(http_port, ["/ping"], timeout=120)
    except run_parity.SetupError:
        server.stop()
        raise
    return server, http_port


def sql(port, text, body=None, timeout=600):
    """Runs one statement over HTTP; returns the response text, raises
    RuntimeError on a non-200 answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        path = "/?" + urllib.parse.urlencode({"query": text})
        conn.request("POST", path, body=body)
        resp = conn.getresponse()
        data = resp.read().decode("utf-8", "replace")
        if resp.status != 200:
            raise RuntimeError("clickhouse: %s: %d %s" % (text[:80], resp.status, data[:300]))
        return data
    finally:
        conn.close()


def create_tables(port):
    sql(port, "CREATE DATABASE IF NOT EXISTS " + DB)
    for measurement, tag, _, field, _ in urban1000.KINDS:
        sql(port, "CREATE TABLE %s.%s (district String, %s String, time DateTime, %s %s) "
                  "ENGINE = MergeTree() PARTITION BY toYYYYMM(time) ORDER BY (%s, time)" % (
                      DB, measurement, tag, field, VALUE_TYPES[field], tag))


def insert_path(measurement):
    return "/?" + urllib.parse.urlencode(
        {"query": "INSERT INTO %s.%s FORMAT TabSeparated" % (DB, measurement)})


def ensure_tsv(directory, manifest, log):
    """Converts the line protocol batches into TSV bodies of 5000 rows per
    measurement (cached in directory/tsv). Returns [(insert path, file)]."""
    out_dir = os.path.join(directory, "tsv")
    index_path = os.path.join(out_dir, "INDEX.json")
    try:
        with open(index_path) as f:
            return [tuple(x) for x in json.load(f)]
    except (OSError, ValueError):
        pass
    os.makedirs(out_dir, exist_ok=True)
    rows = {k[0]: [] for k in urban1000.KINDS}
    files = []

    def flush(measurement):
        name = os.path.join(out_dir, "%s-%05d.tsv" % (measurement, len(files)))
        with open(name, "w") as f:
            f.write("".join(rows[measurement]))
        files.append((insert_path(measurement), name))
        rows[measurement] = []

    for path in urban1000.batch_paths(directory, manifest):
        with open(path) as f:
            for line in f:
                # measurement,district=dNN,tag=VAL field=value ts
                series, fieldset, ts = line.split(" ")
                measurement, district, tag = series.split(",")
                value = fieldset.split("=", 1)[1]
                if value.endswith("i"):
                    value = value[:-1]
                rows[measurement].append("%s\t%s\t%s\t%s\n" % (
                    district.split("=", 1)[1], tag.split("=", 1)[1], ts.strip(), value))
                if len(rows[measurement]) == urban1000.LINES_PER_BATCH:
                    flush(measurement)
    for measurement in rows:
        if rows[measurement]:
            flush(measurement)
    with open(index_path + ".tmp", "w") as f:
        json.dump(files, f)
    os.rename(index_path + ".tmp", index_path)
    log("clickhouse: converted the data set into %d TSV bodies in %s" % (len(files), out_dir))
    return files


def count_rows(port):
    return sum(int(sql(port, "SELECT count() FROM %s.%s" % (DB, k[0])).strip())
               for k in urban1000.KINDS)


def optimize(port):
    """Merges every table's parts into one per partition (the counterpart
    of `citynexus compact` and influxd's full compaction)."""
    for k in urban1000.KINDS:
        sql(port, "OPTIMIZE TABLE %s.%s FINAL" % (DB, k[0]))


def active_bytes(port):
    """Bytes on disk of the tables' active parts. After OPTIMIZE the merged
    parts stay on disk for old_parts_lifetime (8 min) before ClickHouse
    deletes them; du would count them."""
    return int(sql(port, "SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND "
                         "database = '%s'" % DB).strip())


def make_queries(manifest):
    """{query id: [statements]} for the same questions as Q1..Q4."""
    start, end = manifest["start"], manifest["end"]
    day = min(2, max(0, (end - start) // 86400 - 1))
    d0, d1 = start + day * 86400, start + (day + 1) * 86400
    tables = {}
    for measurement, tag, _, field, _ in urban1000.KINDS:
        tables[measurement] = (
            "SELECT district, %s, max(time), argMax(%s, time) FROM %s.%s "
            "GROUP BY district, %s ORDER BY district, %s FORMAT TSV" % (
                tag, field, DB, measurement, tag, tag))
    return {
        "Q1": ["SELECT toStartOfHour(time) AS t, avg(no2) FROM %s.air WHERE station = 'A0042' "
               "AND time >= toDateTime(%d) AND time < toDateTime(%d) GROUP BY t ORDER BY t "
               "FORMAT TSV" % (DB, start, start + 7 * 86400)],
        "Q2": ["SELECT district, toStartOfDay(time) AS t, avg(vehicles) FROM %s.traffic "
               "WHERE time >= toDateTime(%d) AND time < toDateTime(%d) GROUP BY district, t "
               "ORDER BY district, t FORMAT TSV" % (DB, start, end)],
        "Q3": [tables[k[0]] for k in urban1000.KINDS],
        "Q4": ["SELECT max(m3) FROM %s.water_flow WHERE point = 'W0007' AND "
               "time >= toDateTime(%d) AND time < toDateTime(%d) FORMAT TSV" % (DB, d0, d1)],
    }


def _numbers_of_influx(body):
    """All numeric values of an InfluxQL answer, in order (time excluded)."""
    out = []
    for result in (body or {}).get("results", []):
        for series in result.get("series", []):
            for row in series.get("values", []):
                out.extend(v for v in row[1:] if isinstance(v, (int, float)))
    return out


def _numbers_of_tsv(texts):
    out = []
    for text in texts:
        for line in text.splitlines():
            for cell in line.split("\t"):
                try:
                    v = float(cell)
                except ValueError:
                    continue
                out.append(v)
    return out


def answers_match(qid, influx_body, tsv_texts):
    """Whether ClickHouse's answer holds InfluxDB's numbers: every aggregate
    value InfluxDB returned appears (within 1e-6 relative) among the numbers
    of ClickHouse's rows. A loose check (ClickHouse also returns times and
    ids as numbers), enough to catch a wrong load or a wrong query."""
    want = _numbers_of_influx(influx_body)
    got = _numbers_of_tsv(tsv_texts)
    if not want:
        return False
    pool = sorted(got)
    import bisect
    for v in want:
        i = bisect.bisect_left(pool, v - 1e-6 * max(1.0, abs(v)))
        if i >= len(pool) or abs(pool[i] - v) > 1e-6 * max(1.0, abs(v)):
            return False
    return True


class Timer(object):
    """Statements over one keep-alive HTTP connection, timed by the client."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def run(self, statements):
        import time
        texts = []
        started = time.perf_counter()
        for text in statements:
            self.conn.request("POST", "/", body=text.encode("utf-8"))
            resp = self.conn.getresponse()
            data = resp.read().decode("utf-8", "replace")
            if resp.status != 200:
                raise RuntimeError("clickhouse: %d %s" % (resp.status, data[:300]))
            texts.append(data)
        return time.perf_counter() - started, texts

    def close(self):
        self.conn.close()
