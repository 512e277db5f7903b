#!/usr/bin/env python3
"""MQTT ingest benchmark: does citynexus keep up with what mosquitto delivers?

Starts a private mosquitto on a free loopback port (no persistence, unbounded
per-client queue, otherwise default settings), then for each stream and
repetition, one consumer at a time:

1. mosquitto_sub: makes a persistent QoS 1 session (-c -i ID -E), lets
   bench/mqtt_publisher publish the whole stream into the broker's queue for
   that session, then starts `mosquitto_sub -c -i ID -q 1 -C N -F %U` and
   lets it drain the queue. -F %U prints the receive time of each message
   (and nothing of the payload, the cheapest output there is), so the rate is
   (N - 1) / (last - first receive time).
2. citynexus: the same with `citynexus serve` (persistent session, QoS 1,
   one line_protocol subscription on bench/lp/#): started once to make the
   session and stopped, the stream is published, citynexus is started again
   and drains the queue, storing every point durably (sync "interval") before
   acknowledging its message. /metrics (citynexus_mqtt_points_total) is
   polled every --poll-ms; the rate is the points stored between the first
   poll that saw any and the first poll that saw all, divided by the time
   between those polls.

Both consumers drain the same backlog from the same broker, so the broker
delivers as fast as each one acknowledges: the rate is the consumer's
capacity, not the publisher's. Streams: "single" (one point per message,
~60-byte payloads) and "batched" (--lines points per message).

Prints a table and writes JSON (--out). Python 3 standard library only.

  run_mqtt_bench.py --citynexus build/app/citynexus \
                    --publisher build/bench/mqtt_publisher
"""

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TOPIC_FILTER = "bench/lp/#"
TOPIC = "bench/lp/urban"
POINTS_METRIC = "citynexus_mqtt_points_total"
ERRORS_METRIC = "citynexus_mqtt_decode_errors_total"

MOSQUITTO_CONF = """\
listener {port} 127.0.0.1
allow_anonymous true
persistence false
# Hold the whole stream for a consumer that is away (default 1000 messages,
# beyond which mosquitto drops QoS 1 messages).
max_queued_messages 0
max_queued_bytes 0
# stderr goes to mosquitto.log, opened by this script: run as root, mosquitto
# drops to its own user and could not open a file in our temp dir itself.
log_dest stderr
log_type error
log_type warning
"""


class SetupError(Exception):
    pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_executable(name, extra_dirs=("/usr/sbin", "/usr/local/sbin")):
    found = shutil.which(name)
    if found:
        return found
    for d in extra_dirs:
        path = os.path.join(d, name)
        if os.access(path, os.X_OK):
            return path
    raise SetupError("%s not found on PATH or in %s" % (name, ", ".join(extra_dirs)))


def wait_port(port, proc, what, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SetupError("%s exited with %s during startup" % (what, proc.returncode))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise SetupError("%s does not accept connections on port %d" % (what, port))


def stop(proc, timeout=30):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
            "loadavg": list(os.getloadavg())}


def publish(args, port, messages, lines):
    out = subprocess.run(
        [args.publisher, "--uri", "tcp://127.0.0.1:%d" % port, "--topic", TOPIC,
         "--messages", str(messages), "--lines", str(lines), "--qos", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if out.returncode != 0:
        raise SetupError("mqtt_publisher failed: " + out.stderr.decode(errors="replace"))
    return json.loads(out.stdout)


# --------------------------------------------------------------------------
# mosquitto_sub

def run_mosquitto_sub(args, port, root, name, messages, lines):
    client_id = "bench-sub-" + name
    base = [args.mosquitto_sub, "-h", "127.0.0.1", "-p", str(port), "-t",
            TOPIC_FILTER, "-q", "1", "-c", "-i", client_id]
    subprocess.run(base + ["-E"], check=True, timeout=30)  # make the session
    published = publish(args, port, messages, lines)
    times_path = os.path.join(root, "sub-%s.times" % name)
    start = time.monotonic()
    with open(times_path, "wb") as out:
        subprocess.run(base + ["-C", str(messages), "-F", "%U"], stdout=out,
                       check=True, timeout=args.timeout)
    wall = time.monotonic() - start
    with open(times_path) as f:
        stamps = [float(line) for line in f if line.strip()]
    if len(stamps) != messages:
        raise SetupError("mosquitto_sub saw %d of %d messages" % (len(stamps), messages))
    window = stamps[-1] - stamps[0]
    return {"consumer": "mosquitto_sub", "messages": messages,
            "points": messages * lines, "window_s": window, "wall_s": wall,
            "messages_per_s": (messages - 1) / window,
            "points_per_s": (messages - 1) * lines / window,
            "publisher_messages_per_s": published["messages_per_s"]}


# --------------------------------------------------------------------------
# citynexus

def citynexus_config(root, name, broker_port, http_port):
    config = {
        "data_dir": os.path.join(root, "cn-" + name),
        "log_level": "warn",
        "http": {"listen": "127.0.0.1:%d" % http_port},
        "mqtt": {
            "brokers": ["tcp://127.0.0.1:%d" % broker_port],
            "client_id": "bench-cn-" + name,
            "qos": 1,
            "subscriptions": [{"topic": TOPIC_FILTER, "format": "line_protocol"}],
        },
    }
    path = os.path.join(root, "citynexus-%s.json" % name)
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
    return path


def metric(conn, name):
    conn.request("GET", "/metrics")
    response = conn.getresponse()
    body = response.read().decode()
    total = 0.0
    for line in body.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def start_citynexus(args, config, http_port, log):
    proc = subprocess.Popen([args.citynexus, "serve", "--config", config],
                            stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    wait_port(http_port, proc, "citynexus")
    return proc


def wait_healthy(http_port, proc, timeout=30.0):
    """/healthz answers 200 once the connector is connected and subscribed."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SetupError("citynexus exited with %s" % proc.returncode)
        conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.05)
    raise SetupError("citynexus not healthy (MQTT subscribed) after %.0f s" % timeout)


def run_citynexus(args, port, root, name, messages, lines):
    http_port = free_port()
    config = citynexus_config(root, name, port, http_port)
    log_path = os.path.join(root, "citynexus-%s.log" % name)
    expected = messages * lines
    with open(log_path, "ab") as log:
        # First run: makes the persistent session and its subscription.
        proc = start_citynexus(args, config, http_port, log)
        try:
            wait_healthy(http_port, proc)
        finally:
            stop(proc)
        published = publish(args, port, messages, lines)
        # Second run: drains the queued stream.
        start = time.monotonic()
        proc = start_citynexus(args, config, http_port, log)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
            first = None  # (time, points) of the first poll that saw points
            deadline = start + args.timeout
            while True:
                now = time.monotonic()
                points = metric(conn, POINTS_METRIC)
                if first is None and points > 0:
                    first = (now, points)
                if points >= expected:
                    break
                if now > deadline or proc.poll() is not None:
                    raise SetupError("citynexus stored %d of %d points (see %s)" %
                                     (points, expected, log_path))
                time.sleep(args.poll_ms / 1000.0)
            errors = metric(conn, ERRORS_METRIC)
            conn.close()
        finally:
            stop(proc)
    if points != expected or errors != 0:
        raise SetupError("citynexus stored %d points (expected %d), %d decode errors" %
                         (points, expected, errors))
    window = now - first[0]
    stored = expected - first[1]
    if window <= 0 or stored <= 0:
        raise SetupError("citynexus drained the %s stream within one poll (%.0f ms): "
                         "make the stream longer" % (name, args.poll_ms))
    return {"consumer": "citynexus", "messages": messages, "points": expected,
            "window_s": window, "wall_s": now - start,
            "messages_per_s": stored / lines / window,
            "points_per_s": stored / window,
            "publisher_messages_per_s": published["messages_per_s"]}


# --------------------------------------------------------------------------

def run(args):
    root = tempfile.mkdtemp(prefix="citynexus-mqtt-bench-", dir=args.temp_dir)
    port = free_port()
    with open(os.path.join(root, "mosquitto.conf"), "w") as f:
        f.write(MOSQUITTO_CONF.format(port=port))
    broker_log = open(os.path.join(root, "mosquitto.log"), "wb")
    broker = subprocess.Popen([args.mosquitto, "-c", os.path.join(root, "mosquitto.conf")],
                              stdout=broker_log, stderr=subprocess.STDOUT)
    report = {"machine_start": machine(), "broker": args.mosquitto,
              "streams": {}, "temp_dir": root}
    try:
        wait_port(port, broker, "mosquitto")
        streams = [("single", args.single, 1), ("batched", args.batched, args.lines)]
        for stream, messages, lines in streams:
            if messages <= 0:
                continue
            runs = []
            for rep in range(args.reps):
                name = "%s-%d" % (stream, rep)
                sub = run_mosquitto_sub(args, port, root, name, messages, lines)
                cn = run_citynexus(args, port, root, name, messages, lines)
                print("%-8s rep %d: mosquitto_sub %9.0f msg/s, citynexus %9.0f msg/s "
                      "(%.1f%%)" % (stream, rep + 1, sub["messages_per_s"],
                                    cn["messages_per_s"],
                                    100 * cn["messages_per_s"] / sub["messages_per_s"]),
                      flush=True)
                runs.append({"mosquitto_sub": sub, "citynexus": cn})
            med = lambda who, key: statistics.median(r[who][key] for r in runs)
            report["streams"][stream] = {
                "messages": messages, "points_per_message": lines, "runs": runs,
                "median": {who: {k: med(who, k) for k in ("messages_per_s", "points_per_s")}
                           for who in ("mosquitto_sub", "citynexus")},
                "ratio_of_medians": med("citynexus", "messages_per_s") /
                                    med("mosquitto_sub", "messages_per_s")}
    finally:
        stop(broker)
        broker_log.close()
    report["machine_end"] = machine()
    print_report(report)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=2)
    if not args.keep_temp:
        shutil.rmtree(root, ignore_errors=True)
    return report


def print_report(report):
    m0, m1 = report["machine_start"], report["machine_end"]
    print("\nmachine: %d cores (%s), kernel %s; load average %s -> %s" % (
        m0["nproc"], m0["cpu"], m0["kernel"],
        "/".join("%.2f" % x for x in m0["loadavg"]),
        "/".join("%.2f" % x for x in m1["loadavg"])))
    print("%-8s %-14s %14s %14s" % ("stream", "consumer", "messages/s", "points/s"))
    for stream, s in report["streams"].items():
        for who in ("mosquitto_sub", "citynexus"):
            print("%-8s %-14s %14.0f %14.0f" % (stream, who, s["median"][who]["messages_per_s"],
                                                s["median"][who]["points_per_s"]))
        print("%-8s citynexus / mosquitto_sub: %.1f%% (median of %d runs, %d messages x %d "
              "points)" % (stream, 100 * s["ratio_of_medians"], len(s["runs"]),
                           s["messages"], s["points_per_message"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--citynexus", default="build/app/citynexus")
    parser.add_argument("--publisher", default="build/bench/mqtt_publisher")
    parser.add_argument("--single", type=int, default=200000,
                        help="messages of the one-point-per-message stream (0: skip)")
    parser.add_argument("--batched", type=int, default=50000,
                        help="messages of the batched stream (0: skip)")
    parser.add_argument("--lines", type=int, default=100,
                        help="points per message of the batched stream")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--poll-ms", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds a consumer may take to drain a stream")
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--temp-dir", default=None)
    parser.add_argument("--keep-temp", action="store_true")
    args = parser.parse_args()
    try:
        args.mosquitto = find_executable("mosquitto")
        args.mosquitto_sub = find_executable("mosquitto_sub")
        for path in (args.citynexus, args.publisher):
            if not os.access(path, os.X_OK):
                raise SetupError("%s is not an executable (build it first)" % path)
        run(args)
    except (SetupError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        print("mqtt-bench: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
