"""What a server is configured with. Plain values: the CLI parses options and the environment into this."""

from __future__ import annotations

import msgspec

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_MAX_BODY = 1024 * 1024
DEFAULT_MAX_EXEC_TIME = 30.0


class ServerSettings(msgspec.Struct, frozen=True, kw_only=True):
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    pipelines_dir: str | None = None  # *.cst files loaded at start, reloaded when they change
    max_body: int = DEFAULT_MAX_BODY  # bytes; larger request bodies get 413
    max_exec_time: float = DEFAULT_MAX_EXEC_TIME  # seconds per execution; longer ones get 504
    reload_interval: float = 1.0  # seconds between polls of the pipelines directory
    max_pipelines: int = 1000
    drain_timeout: float = 60.0  # on SIGTERM, how long in-flight requests may take before the server stops
