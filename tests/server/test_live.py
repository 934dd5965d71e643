"""A real `cst serve` in a subprocess on a random loopback port: the startup line, the seed's curl flow,
streamed bodies over the limit, API keys from the environment, reloading, and SIGTERM draining."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

SHOUT = "in text: String\ncleaned = Trim(text)\nshout = Uppercase(cleaned)\nout shout\n"
SLOW = "in q: String\nr = ExpensiveCompute(q)\nout r\n"  # ~2 s: room for the signal on a busy machine
STARTUP = re.compile(r"^cst serve: listening on (http://127\.0\.0\.1:\d+) \(")
CST = [sys.executable, "-c", "from cst_cli.cli.main import main; main()"]


class Server:
    def __init__(self, proc: subprocess.Popen[str], url: str, startup: str) -> None:
        self.proc = proc
        self.url = url
        self.startup = startup


@contextmanager
def serve(*args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    proc = subprocess.Popen(
        [*CST, "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CST_API_KEYS": "", **(env or {})},
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)

    pumper = threading.Thread(target=pump, daemon=True)
    pumper.start()
    url = None
    startup = ""
    deadline = time.monotonic() + 30
    seen: list[str] = []
    while url is None and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        m = STARTUP.match(line)
        if m:
            url, startup = m.group(1), line
    try:
        if url is None:
            proc.kill()
            pytest.fail(f"server did not start: {seen}")
        yield Server(proc, url, startup)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        pumper.join(10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_the_seeds_flow_against_a_live_server() -> None:
    with serve() as s, httpx.Client(base_url=s.url, timeout=10) as c:
        assert s.startup.rstrip().endswith("modules, no API keys)")
        form = {"content-type": "application/x-www-form-urlencoded"}  # curl -d without -H
        body = json.dumps({"source": SHOUT, "dagName": "my-pipeline"})
        r = c.post("/compile", content=body, headers=form)
        assert r.status_code == 200, r.text
        r = c.post("/execute", content='{"ref": "my-pipeline", "inputs": {"text": "hello"}}', headers=form)
        assert r.status_code == 200 and r.json()["outputs"] == {"shout": "HELLO"}
        metrics = c.get("/metrics").text
        assert 'cst_executions_total{pipeline="my-pipeline",status="ok"} 1.0' in metrics
        assert c.get("/metrics/cost").json()["last_hour"]["queries"] == 1
        assert c.get("/health").json()["status"] == "ok"
        assert set(c.get("/openapi.json").json()["paths"]) >= {"/compile", "/execute", "/run", "/pipelines/{ref}"}


def test_bodies_over_the_limit_are_413_whether_declared_or_streamed() -> None:
    with serve("--max-body", "1KiB") as s, httpx.Client(base_url=s.url, timeout=10) as c:
        big = b'{"source": "' + b"#" * 5000 + b'"}'
        r = c.post("/compile", content=big)
        assert r.status_code == 413 and "1024 bytes" in r.json()["message"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
            yield b'{"source": "'
            for _ in range(10):
                yield b"#" * 500
            yield b'"}'

        r = c.post("/compile", content=chunks())
        assert r.status_code == 413
    with serve() as s, httpx.Client(base_url=s.url, timeout=10) as c:
        assert c.post("/compile", content=big).status_code == 400  # under the default 1 MiB: a compile error


def test_api_keys_from_the_environment() -> None:
    with serve(env={"CST_API_KEYS": "alpha,beta"}) as s, httpx.Client(base_url=s.url, timeout=10) as c:
        assert c.get("/pipelines").status_code == 401
        assert c.get("/pipelines", headers={"authorization": "Bearer beta"}).status_code == 200
        assert c.get("/health").status_code == 200
        assert "API keys: 2" in s.startup


def test_the_pipelines_directory_is_watched(tmp_path: Path) -> None:
    (tmp_path / "shout.cst").write_text(SHOUT)
    with serve("--pipelines", str(tmp_path)) as s, httpx.Client(base_url=s.url, timeout=10) as c:
        assert [p["name"] for p in c.get("/pipelines").json()["pipelines"]] == ["shout"]
        (tmp_path / "slow.cst").write_text(SLOW)
        deadline = time.monotonic() + 10
        while c.get("/pipelines/slow").status_code != 200:
            assert time.monotonic() < deadline, "the new file was not picked up"
            time.sleep(0.2)


def test_sigterm_drains_in_flight_requests_then_exits(tmp_path: Path) -> None:
    (tmp_path / "slow.cst").write_text(SLOW)
    with serve("--pipelines", str(tmp_path)) as s:
        result: dict[str, httpx.Response] = {}

        def slow_request() -> None:
            with httpx.Client(base_url=s.url, timeout=20) as c:
                result["r"] = c.post("/execute", json={"ref": "slow", "inputs": {"q": "x"}})

        t = threading.Thread(target=slow_request)
        t.start()
        with httpx.Client(base_url=s.url, timeout=10) as c:
            deadline = time.monotonic() + 5
            while c.get("/health/ready").json()["in_flight"] < 2:  # the slow one, and this one
                assert time.monotonic() < deadline
                time.sleep(0.02)
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        with httpx.Client(base_url=s.url, timeout=10) as c:
            r = c.post("/execute", json={"ref": "slow", "inputs": {"q": "y"}})
            assert r.status_code == 503 and r.json()["error"] == "draining"
        t.join(20)
        assert result["r"].status_code == 200 and result["r"].json()["status"] == "ok"
        assert s.proc.wait(10) == 0
    with pytest.raises(httpx.ConnectError), httpx.Client(base_url=s.url, timeout=2) as c:
        c.get("/health")


def test_a_port_in_use_is_exit_2_with_a_message() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([*CST, "serve", "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert f"cannot serve on 127.0.0.1:{port}" in proc.stderr
    assert "Traceback" not in proc.stderr
