"""Serving an App with hypercorn's trio worker, and draining on SIGTERM/SIGINT: new requests get 503, in-flight
ones finish (up to `drain_timeout`), then hypercorn stops. A second signal stops at once."""

from __future__ import annotations

import functools
import logging
import signal
from typing import cast

import trio
from hypercorn.config import Config as HypercornConfig
from hypercorn.trio import serve as hypercorn_serve
from hypercorn.typing import ASGIFramework

from cst_cli.server.app import App

log = logging.getLogger("cst.server")


def hypercorn_config(app: App, *, access_log: bool = False) -> HypercornConfig:
    s = app.settings
    config = HypercornConfig()
    host = f"[{s.host}]" if ":" in s.host and not s.host.startswith("[") else s.host
    config.bind = [f"{host}:{s.port}"]
    config.errorlog = logging.getLogger("cst.server.hypercorn")
    config.accesslog = logging.getLogger("cst.server.access") if access_log else None
    config.graceful_timeout = s.drain_timeout
    config.include_server_header = False
    return config


async def serve(
    app: App,
    *,
    access_log: bool = False,
    signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT),
    task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED,
) -> int | None:
    """Serve `app` until one of `signals` arrives and in-flight requests are drained.

    Reports the bound URLs through `task_status` (useful with port 0). Returns the signal that stopped it.

    Raises:
        OSError: the address cannot be bound.
    """
    config = hypercorn_config(app, access_log=access_log)
    stop = trio.Event()
    received: list[int] = []

    async def shutdown_trigger() -> None:
        await stop.wait()

    async def drain() -> None:
        log.info("draining: %d request(s) in flight", app.in_flight)
        app.begin_draining()
        if not await app.wait_drained(app.settings.drain_timeout):
            log.warning("drain timeout: %d request(s) still in flight", app.in_flight)
        stop.set()

    async def watch_signals(nursery: trio.Nursery) -> None:
        with trio.open_signal_receiver(*signals) as incoming:
            async for signum in incoming:
                received.append(signum)
                if len(received) == 1:
                    nursery.start_soon(drain)
                else:
                    stop.set()

    async with trio.open_nursery() as nursery:

        async def run_server(*, task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED) -> None:
            await hypercorn_serve(
                cast(ASGIFramework, app), config, shutdown_trigger=shutdown_trigger, task_status=task_status
            )
            nursery.cancel_scope.cancel()

        if signals:
            nursery.start_soon(watch_signals, nursery)
        binds: list[str] = await nursery.start(functools.partial(run_server))
        task_status.started(binds)
    return received[0] if received else None
