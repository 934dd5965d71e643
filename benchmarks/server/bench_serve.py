"""Load test of `cst serve`: 50 concurrent keep-alive clients POST /execute of a small pipeline, loopback only.

Run: python benchmarks/server/bench_serve.py [--requests 10000] [--clients 50] [--rounds 2] [--json]
(about a minute on 2 cores). Bounded: a fixed request count per round and a hard time limit per round.

Reports requests/s, p50/p99 latency, errors (goal: 0) and the server's RSS after a warm-up and after each round
of requests (goal: flat). The server runs in its own process (`cst serve --port 0`); the clients speak plain
HTTP/1.1 over trio sockets so that client overhead stays small next to the server's on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import trio

PIPELINE = "in text: String\ncleaned = Trim(text)\nshout = Uppercase(cleaned)\nout shout\n"
CST = [sys.executable, "-c", "from cst_cli.cli.main import main; main()"]
STARTUP = re.compile(r"listening on http://127\.0\.0\.1:(\d+) ")
ROUND_LIMIT = 300.0  # seconds: a round that takes longer stops where it is


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


class Conn:
    """One keep-alive HTTP/1.1 connection; just enough protocol for fixed-length JSON responses."""

    def __init__(self, stream: trio.SocketStream) -> None:
        self.stream = stream
        self.buf = bytearray()

    async def request(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        await self.stream.send_all(head + body)
        while b"\r\n\r\n" not in self.buf:
            chunk = await self.stream.receive_some(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        end = self.buf.index(b"\r\n\r\n")
        header = bytes(self.buf[:end]).decode("latin-1")
        del self.buf[: end + 4]
        status = int(header.split(" ", 2)[1])
        length = int(re.search(r"(?im)^content-length:\s*(\d+)", header).group(1))  # type: ignore[union-attr]
        while len(self.buf) < length:
            chunk = await self.stream.receive_some(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        payload = bytes(self.buf[:length])
        del self.buf[:length]
        return status, payload


async def load(port: int, requests: int, clients: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    remaining = requests
    body = json.dumps({"ref": "shout", "inputs": {"text": "  hello world  "}}).encode()

    async def client() -> None:
        nonlocal remaining, errors
        stream = await trio.open_tcp_stream("127.0.0.1", port)
        conn = Conn(stream)
        async with stream:
            while remaining > 0:
                remaining -= 1
                t = time.perf_counter()
                try:
                    status, payload = await conn.request("POST", "/execute", body)
                    ok = status == 200 and b'"status":"ok"' in payload and b'"HELLO WORLD"' in payload
                except (OSError, ConnectionError, trio.BrokenResourceError):
                    ok = False
                    stream = await trio.open_tcp_stream("127.0.0.1", port)
                    conn = Conn(stream)
                latencies.append(time.perf_counter() - t)
                if not ok:
                    errors += 1

    began = time.perf_counter()
    with trio.move_on_after(ROUND_LIMIT):
        async with trio.open_nursery() as nursery:
            for _ in range(clients):
                nursery.start_soon(client)
    elapsed = time.perf_counter() - began
    latencies.sort()
    done = len(latencies)
    return {
        "requests": done,
        "seconds": round(elapsed, 2),
        "req_per_s": round(done / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[min(done - 1, int(done * 0.99))] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
        "errors": errors + (requests - done),
    }


def compile_pipeline(port: int) -> None:
    async def main() -> None:
        stream = await trio.open_tcp_stream("127.0.0.1", port)
        async with stream:
            status, payload = await Conn(stream).request(
                "POST", "/compile", json.dumps({"source": PIPELINE, "name": "shout"}).encode()
            )
            assert status == 200, payload

    trio.run(main)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=2, help="rounds of --requests after the warm-up")
    ap.add_argument("--warmup", type=int, default=1_000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    server = subprocess.Popen(
        [*CST, "serve", "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CST_API_KEYS": ""},
    )
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        m = STARTUP.search(line)
        if not m:
            raise SystemExit(f"server did not start: {line!r}")
        port = int(m.group(1))
        compile_pipeline(port)
        warm = trio.run(load, port, args.warmup, args.clients)
        rss = [("after warm-up", rss_kib(server.pid))]
        rounds = []
        for i in range(args.rounds):
            rounds.append(trio.run(load, port, args.requests, args.clients))
            rss.append((f"after round {i + 1}", rss_kib(server.pid)))
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(30)
        if server.stderr is not None:
            server.stderr.close()

    report = {
        "pipeline": PIPELINE,
        "clients": args.clients,
        "warmup": warm,
        "rounds": rounds,
        "rss_kib": dict(rss),
        "server_exit": code,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"cst serve, POST /execute, {args.clients} concurrent keep-alive clients, loopback")
    print(f"{'round':<10}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}{'errors':>8}")
    for name, r in [("warm-up", warm)] + [(f"{i + 1}", r) for i, r in enumerate(rounds)]:
        print(
            f"{name:<10}{r['requests']:>10}{r['req_per_s']:>10}{r['p50_ms']:>10}{r['p99_ms']:>10}"
            f"{r['max_ms']:>10}{r['errors']:>8}"
        )
    print("server RSS: " + ", ".join(f"{k} {v / 1024:.1f} MiB" for k, v in rss))
    print(f"server exit status after SIGTERM: {code}")


if __name__ == "__main__":
    main()
