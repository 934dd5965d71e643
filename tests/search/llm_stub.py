"""A stub OpenAI-compatible chat-completions server on 127.0.0.1 (random port), for the LLM client's tests.

`StubLLM.mode` picks the reply: "ok" (the `content` with token usage), "http500", "slow" (sleeps
`delay` seconds first), "bad-body" (not JSON), "no-choices" (JSON without choices). Every request body is
kept in `requests`, with its Authorization header.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class StubLLM:
    def __init__(self) -> None:
        self.mode = "ok"
        self.content = "hello"
        self.delay = 1.0
        self.prompt_tokens = 120
        self.completion_tokens = 30
        self.requests: list[dict[str, Any]] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                stub.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                if self.path != "/v1/chat/completions":
                    return self._send(404, b'{"error": "not found"}')
                if stub.mode == "http500":
                    return self._send(500, b'{"error": {"message": "internal error"}}')
                if stub.mode == "slow":
                    time.sleep(stub.delay)
                if stub.mode == "bad-body":
                    return self._send(200, b"<html>not json</html>")
                if stub.mode == "no-choices":
                    return self._send(200, b'{"id": "x", "choices": []}')
                reply = {
                    "id": "chatcmpl-1",
                    "model": body.get("model", "stub"),
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": stub.content}}],
                    "usage": {
                        "prompt_tokens": stub.prompt_tokens,
                        "completion_tokens": stub.completion_tokens,
                        "total_tokens": stub.prompt_tokens + stub.completion_tokens,
                    },
                }
                self._send(200, json.dumps(reply).encode())

            def _send(self, status: int, data: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

        return Handler


@contextmanager
def running_stub() -> Iterator[StubLLM]:
    stub = StubLLM()
    server = ThreadingHTTPServer(("127.0.0.1", 0), stub.handler())
    server.daemon_threads = True
    stub.server = server
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
