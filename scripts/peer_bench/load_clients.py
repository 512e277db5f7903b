"""HTTP write clients of the peer benchmark, and a null sink to measure them.

push() POSTs precomputed line protocol batches (files of urban1000.py) over C
keep-alive connections, one client process per connection (multiprocessing,
so the clients do not share a GIL), batch i going to connection i mod C. The
parent starts every client at once and times from the start signal to the
last answer. A 503 (citynexus' backpressure) is retried after Retry-After
and counted; any other status than 204 (or the given success status) fails
the run.

NullSink is a throwaway HTTP/1.1 server in its own process that reads each
request body and answers 204 without looking at it. push() against it gives
the client ceiling: the most points/s these Python clients can send on this
machine (the sink itself costs CPU too, so the true ceiling is a bit higher).
"""

import http.client
import multiprocessing
import os
import socket
import threading
import time

HTTP_TIMEOUT = 300
# Extra headers per port (citynexus' admin token); run_peer_bench shares
# run_parity's AUTH_BY_PORT here.
AUTH_BY_PORT = {}


def _client(port, path, files, ready, go, results, index, ok_status):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    headers.update(AUTH_BY_PORT.get(port, {}))
    sent_bytes = 0
    retries = 0
    error = None
    ready.release()
    go.wait()
    try:
        for item in files:
            # A file, or (path, file) when each body has its own path.
            target, name = item if isinstance(item, (tuple, list)) else (path, item)
            with open(name, "rb") as f:
                body = f.read()
            while True:
                conn.request("POST", target, body=body, headers=headers)
                resp = conn.getresponse()
                answer = resp.read()
                if resp.status == ok_status:
                    break
                if resp.status == 503:
                    retries += 1
                    time.sleep(float(resp.getheader("Retry-After", "1") or 1))
                    continue
                raise RuntimeError("POST %s answered %d: %s" % (
                    target[:120], resp.status, answer[:300].decode("utf-8", "replace")))
            sent_bytes += len(body)
    except Exception as e:  # reported to the parent, which fails the run
        error = "%s: %s" % (type(e).__name__, e)
    finally:
        conn.close()
    results.put((index, time.perf_counter(), sent_bytes, retries, error))


def push(port, path, files, connections=2, ok_status=204):
    """Returns {"seconds", "bytes", "retries_503"}; raises RuntimeError when a
    client failed. `files` holds file names (POSTed to `path`) or (path,
    file name) pairs; `ok_status` is the success answer (ClickHouse: 200)."""
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Semaphore(0)
    go = ctx.Event()
    results = ctx.Queue()
    procs = []
    for c in range(connections):
        p = ctx.Process(target=_client, args=(port, path, files[c::connections], ready, go,
                                              results, c, ok_status))
        p.start()
        procs.append(p)
    for _ in procs:
        ready.acquire()
    started = time.perf_counter()
    go.set()
    answers = [results.get() for _ in procs]
    for p in procs:
        p.join()
    errors = [a[4] for a in answers if a[4]]
    if errors:
        raise RuntimeError("; ".join(errors))
    return {"seconds": max(a[1] for a in answers) - started,
            "bytes": sum(a[2] for a in answers),
            "retries_503": sum(a[3] for a in answers)}


# --------------------------------------------------------------------------
# Null sink

def _serve_connection(conn):
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    pending = b""
    try:
        while True:
            while b"\r\n\r\n" not in pending:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                pending += chunk
            head, _, pending = pending.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            remaining = length - len(pending)
            pending = b""
            while remaining > 0:
                n = conn.recv_into(view, min(remaining, len(buf)))
                if n == 0:
                    return
                remaining -= n
            conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")
    except OSError:
        pass
    finally:
        conn.close()


def _sink_main(listener):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=_serve_connection, args=(conn,), daemon=True).start()


class NullSink(object):
    """Context manager: a sink process on a free loopback port (self.port)."""

    def __enter__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        ctx = multiprocessing.get_context("fork")
        self.proc = ctx.Process(target=_sink_main, args=(self.listener,), daemon=True)
        self.proc.start()
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.join()
        self.listener.close()
        return False


def self_test():
    """Pushes two tiny bodies through the sink; raises on failure."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        files = []
        for i in range(4):
            name = os.path.join(d, "%d" % i)
            with open(name, "wb") as f:
                f.write(b"m v=%di 1\n" % i * 1000)
            files.append(name)
        with NullSink() as sink:
            got = push(sink.port, "/write", files, connections=2)
        want = sum(os.path.getsize(n) for n in files)
        if got["bytes"] != want:
            raise RuntimeError("sink self test sent %d bytes, expected %d" % (got["bytes"], want))
