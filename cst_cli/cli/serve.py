"""`cst serve`: the HTTP API (compile, execute, pipelines, modules, health, metrics, cost) on hypercorn + trio.

The CLI part only: options, environment (`CST_API_KEYS`), files, logging to stderr, the startup line, exit
codes. The server itself lives in cst_cli.server and never prints or exits.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import typer

from cst_cli.cli._common import Exit

_SIZE = re.compile(r"^\s*(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "k": 1024, "kb": 1000, "kib": 1024, "m": 1024**2, "mb": 1000**2, "mib": 1024**2}
_UNITS |= {"g": 1024**3, "gb": 1000**3, "gib": 1024**3}


def parse_size(text: str) -> int | None:
    """`1048576`, `512KiB`, `1MiB`, `1M` (binary), `1MB` (decimal) -> bytes; None when it is not a size."""
    m = _SIZE.match(text)
    if not m:
        return None
    return int(m.group(1)) * _UNITS[(m.group(2) or "b").lower()]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default)."),
    port: int = typer.Option(8080, "--port", "-p", help="Port to bind; 0 picks a free one (printed at start)."),
    pipelines: Path | None = typer.Option(
        None, "--pipelines", help="Directory of .cst files served by file name; reloaded when they change."
    ),
    config: Path | None = typer.Option(None, "--config", help="cst.yaml (default: ./cst.yaml when it exists)."),
    api_keys_file: Path | None = typer.Option(
        None, "--api-keys-file", help="File of API keys, one per line; CST_API_KEYS (comma-separated) adds more."
    ),
    max_body: str = typer.Option("1MiB", "--max-body", help="Largest request body (413 beyond), e.g. 1MiB, 64KiB."),
    max_exec_time: float = typer.Option(30.0, "--max-exec-time", help="Seconds an execution may take (504 beyond)."),
    drain_timeout: float = typer.Option(
        60.0, "--drain-timeout", help="On SIGTERM, seconds in-flight requests may take before the server stops."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log pipeline loads and every request to stderr."),
) -> None:
    """Serve the HTTP API: POST /compile, /execute, /run; GET/DELETE /pipelines; GET /modules, /health,
    /metrics, /metrics/cost, /openapi.json.

    With API keys configured (CST_API_KEYS or --api-keys-file), every route but /health* and /metrics*
    needs 'Authorization: Bearer <key>'. SIGTERM drains: in-flight requests finish, new ones get 503.

    Examples:

      cst serve --pipelines pipelines/

      curl -X POST localhost:8080/execute -d '{"ref": "search-v1", "inputs": {"query": "laptops"}}'

      CST_API_KEYS=secret1,secret2 cst serve --host 0.0.0.0 --port 9000
    """
    import logging
    import os
    import signal
    import sys

    import trio

    from cst_cli.cli._common import fail, load_modules
    from cst_cli.runtime.config import ConfigError, load_config
    from cst_cli.server import ApiKeys, App, ServerSettings, parse_keys, serve

    if not 0 <= port <= 65535:
        fail(f"--port must be between 0 and 65535, got {port}")
    body_limit = parse_size(max_body)
    if body_limit is None or body_limit < 1:
        fail(f"--max-body must be a positive size such as 1048576, 512KiB or 1MiB, got {max_body!r}")
    if not max_exec_time > 0:
        fail(f"--max-exec-time must be > 0 seconds, got {max_exec_time:g}")
    if not drain_timeout >= 0:
        fail(f"--drain-timeout must be >= 0 seconds, got {drain_timeout:g}")
    if pipelines is not None and not pipelines.is_dir():
        fail(f"--pipelines: not a directory: {pipelines}")

    keys = parse_keys(os.environ.get("CST_API_KEYS", ""))
    if api_keys_file is not None:
        try:
            from_file = parse_keys(api_keys_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"--api-keys-file: cannot read {api_keys_file}: {getattr(exc, 'strerror', None) or exc}")
        if not from_file:
            fail(f"--api-keys-file: no keys in {api_keys_file}")
        keys.extend(from_file)

    try:
        cfg = load_config(config)
    except ConfigError as exc:
        fail(str(exc))

    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO if verbose else logging.WARNING, format="cst serve: %(message)s"
    )
    settings = ServerSettings(
        host=host,
        port=port,
        pipelines_dir=str(pipelines) if pipelines is not None else None,
        max_body=body_limit,
        max_exec_time=max_exec_time,
        drain_timeout=drain_timeout,
    )
    app = App(settings, registry=load_modules(warn=True), config=cfg, api_keys=ApiKeys.from_keys(keys))

    stopped_by: list[int | None] = []

    async def run(task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED) -> None:
        stopped_by.append(await serve(app, access_log=verbose, task_status=task_status))

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            binds: list[str] = await nursery.start(run)
            auth = f"API keys: {len(app.api_keys)}" if app.api_keys.enabled else "no API keys"
            exposed = "" if is_loopback(host) or app.api_keys.enabled else " - WARNING: not loopback and no API keys"
            sys.stderr.write(
                f"cst serve: listening on {', '.join(binds)} ({len(app.store)} pipelines, "
                f"{len(app.registry.all())} modules, {auth}){exposed}\n"
            )
            sys.stderr.flush()

    try:
        trio.run(main)
    except (OSError, BaseExceptionGroup) as exc:
        cause = _os_error(exc)
        if cause is None:
            raise
        fail(f"cannot serve on {host}:{port}: {cause.strerror or cause}")
    if stopped_by and stopped_by[0] == signal.SIGINT:
        raise typer.Exit(int(Exit.INTERRUPTED))
    raise typer.Exit(int(Exit.OK))


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError (a failed bind) inside what trio raised, if that is all it is."""
    if isinstance(exc, OSError):
        return exc
    if isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        return _os_error(exc.exceptions[0])
    return None
