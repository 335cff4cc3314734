#!/usr/bin/python3
"""Load test of `frost serve` with wrk (Debian's): models/fashion_cnn, one
Fashion-MNIST 28x28 image per request in TF Serving's body, wrk at 8 and 64
connections for a fixed time each: no socket errors, no non-2xx answers; then
the abuse list sent while wrk -c64 runs (malformed JSON, a wrong shape, a
missing input, huge and truncated bodies, slowloris clients, unknown paths,
clients killed mid-request): each gets its status and wrk still sees no
error; then RSS before and after 100,000 more requests (no growth past a bound).
Behind a flag (meson -Dserve_load_test=true, or run it by hand; ~1-2 minutes).
Ends with "N passed, M failed".
Usage: tools/serve_load_test.py [--frost PATH] [--seconds 10] [--requests 100000]
"""
import argparse
import gzip
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from serve_checks import Checks, free_port

ROOT = os.environ.get("FROST_SOURCE_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FASHION_TEST_IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"


def request_body():
    """TF Serving's row format for the first test image (pixel/255, NHWC [1,28,28,1])."""
    with gzip.open(FASHION_TEST_IMAGES, "rb") as f:
        f.read(16)
        raw = f.read(784)
    image = [[[raw[y * 28 + x] / 255.0] for x in range(28)] for y in range(28)]
    return json.dumps({"instances": [image]})


def wrk_script(directory, body):
    """The Lua script that makes wrk POST the body (also used by docs/bench/serve.md)."""
    body_path = os.path.join(directory, "body.json")
    with open(body_path, "w") as f:
        f.write(body)
    lua = os.path.join(directory, "post.lua")
    with open(lua, "w") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                f'local f = io.open("{body_path}", "r")\nwrk.body = f:read("*a")\nf:close()\n')
    return lua


def run_wrk(url, lua, connections, seconds, threads=2):
    # wrk's default 2 s timeout counts as an error; on a machine shared by many
    # jobs a request can wait longer than that for a core without anything
    # being wrong, so the test allows 10 s (latency is the benchmark's job).
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
                          "-s", lua, url],
                         check=True, capture_output=True, text=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(g) for g in errors.groups()) if errors else 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"out": out, "requests": requests, "socket_errors": socket_errors,
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "rps": rps}


def raw_request(port, data, close_early=False, timeout=30):
    """Sends bytes on a fresh connection; returns the status line's code (0 when
    the server closed without one, or we closed first)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        if close_early:
            return 0
        reply = b""
        try:
            while b"\r\n" not in reply:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
        except OSError:
            pass
    m = re.match(rb"HTTP/1\.1 (\d+)", reply)
    return int(m.group(1)) if m else 0


def post(path, body, length=None):
    body = body.encode() if isinstance(body, str) else body
    head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body) if length is None else length}\r\n\r\n")
    return head.encode() + body


def abuse_under_load(port, url, lua, seconds, check):
    """wrk -c64 in the background while every kind of bad client comes along."""
    result = {}
    load = threading.Thread(target=lambda: result.update(run_wrk(url, lua, 64, seconds)))
    load.start()
    time.sleep(1)
    predict = "/v1/models/fashion:predict"
    cases = [
        ("malformed JSON", post(predict, '{"instances": [1.0,'), 400),
        ("a wrong shape", post(predict, '{"instances": [[1.0, 2.0]]}'), 400),
        ("a wrong dtype", post(predict, '{"instances": ["text"]}'), 400),
        ("a missing input", post(predict, '{"inputs": {"other": [1]}}'), 400),
        ("a body over the limit", post(predict, b"", length=1 << 40), 413),
        ("an unknown path", b"GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n", 404),
        ("an unknown model", post("/v1/models/nothing:predict", "{}"), 404),
        ("garbage", b"GARBAGE\r\n\r\n", 400),
    ]
    for what, data, status in cases:
        got = raw_request(port, data)
        check(f"under load: {what} -> {status}", got == status, got)
    # Clients killed mid-request: after the headers, mid-body, after the body.
    body = request_body()
    for cut in (len(post(predict, body)) - len(body), len(post(predict, body)) - 100, len(post(predict, body))):
        raw_request(port, post(predict, body)[:cut], close_early=True)
    # A truncated body: the client stops sending (the server's read timeout, 5 s, ends it).
    truncated = threading.Thread(target=lambda: result.update(
        truncated=raw_request(port, post(predict, body[:100], length=len(body)))))
    # Slowloris: 200 connections (more than the 128 HTTP threads) trickling headers.
    slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
    truncated.start()
    header = post(predict, body)
    for i in range(30):
        for s in slow:
            try:
                s.send(header[i:i + 1])
            except OSError:
                pass  # dropped at its deadline
        time.sleep(0.2)
    for s in slow:
        s.close()
    truncated.join()
    load.join()
    check("under load: a truncated body -> 400", result.get("truncated") == 400, result.get("truncated"))
    r = result
    check(f"wrk -c64 beside the abuse: {r['requests']} requests, 0 socket errors, 0 non-2xx",
          r["socket_errors"] == 0 and r["non2xx"] == 0 and r["requests"] > 0,
          re.search(r"Socket errors.*|$", r["out"]).group(0) + f", {r['non2xx']} non-2xx")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frost", default=os.environ.get("FROST_BIN", os.path.join(ROOT, "build/src/cli/frost")))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100_000)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1/models/fashion:predict"
    server = subprocess.Popen([args.frost, "serve", "--port", str(port), "--no-access-log",
                               "--model", "fashion=" + os.path.join(ROOT, "models/fashion_cnn/frozen_graph.pb")])
    check = Checks()

    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        with tempfile.TemporaryDirectory() as tmp:
            lua = wrk_script(tmp, request_body())
            for connections in (8, 64):
                r = run_wrk(url, lua, connections, args.seconds)
                print(r["out"])
                check(f"wrk -c{connections} -d{args.seconds}s: {r['requests']} requests, {r['rps']:.0f}/s, "
                      "0 socket errors, 0 non-2xx", r["socket_errors"] == 0 and r["non2xx"] == 0 and r["requests"] > 0,
                      f"{r['socket_errors']} socket errors, {r['non2xx']} non-2xx")
            abuse_under_load(port, url, lua, max(args.seconds, 10), check)
            # Memory: RSS after a warm-up, then after --requests more requests (both batch sizes seen).
            before = rss_kib(server.pid)
            done = 0
            while done < args.requests:
                r = run_wrk(url, lua, 64, 5)
                done += r["requests"]
                check(f"  {r['requests']} more requests without errors", r["socket_errors"] == 0 and r["non2xx"] == 0,
                      f"{r['socket_errors']} socket errors, {r['non2xx']} non-2xx")
            after = rss_kib(server.pid)
            # Allocator noise and a plan cached for a new batch size are fine; a leak of a
            # few bytes per request over 100,000 is not.
            check(f"RSS {before} KiB before, {after} KiB after {done} requests (growth <= 8 MiB)",
                  after - before <= 8 * 1024, after - before)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            check("SIGTERM: exit 0", server.wait(timeout=30) == 0)
        except subprocess.TimeoutExpired:
            server.kill()
            check("SIGTERM: exit 0", False, "timeout")
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
