"""The ASGI application: dispatch, API keys, limits, draining, lifespan (which runs the directory watcher).

Runs under any trio-based ASGI server (hypercorn's trio worker in `serve`), or in tests through httpx's ASGI
transport with `async with app.running(): ...`. Never prints or exits; problems go to the `cst.server` logger.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import trio

from cst_cli.modules.registry import Registry
from cst_cli.runtime.config import Config
from cst_cli.server._engine import Engine
from cst_cli.server._http import HttpError, Receive, Request, Response, Router, Scope, Send
from cst_cli.server._routes import build_routes
from cst_cli.server._store import PipelineStore
from cst_cli.server._watch import DirectoryWatcher
from cst_cli.server.auth import ApiKeys
from cst_cli.server.metrics import ServerMetrics
from cst_cli.server.settings import ServerSettings

log = logging.getLogger("cst.server")

_UNMATCHED = "<unmatched>"
# answered while draining: liveness, readiness (which says "draining") and metrics
_WHILE_DRAINING = frozenset({"/health", "/health/ready", "/metrics", "/metrics/cost"})


class App:
    """The `cst serve` HTTP API as an ASGI callable.

    Args:
        settings: limits, the pipelines directory and timings.
        registry: the installed modules (`load_registry()` by default).
        config: a loaded `cst.yaml` (`cst_cli.runtime.config.Config`), or None for defaults.
        api_keys: accepted keys; empty means no authentication.
        metrics: where to count (a fresh `ServerMetrics` by default).
    """

    def __init__(
        self,
        settings: ServerSettings | None = None,
        *,
        registry: Registry | None = None,
        config: Config | None = None,
        api_keys: ApiKeys | None = None,
        metrics: ServerMetrics | None = None,
    ) -> None:
        from cst_cli.modules.registry import load_registry

        self.settings = settings or ServerSettings()
        self.registry = registry if registry is not None else load_registry()
        self.api_keys = api_keys or ApiKeys()
        self.metrics = metrics or ServerMetrics()
        self.store = PipelineStore(self.settings.max_pipelines)
        self.engine = Engine(self.registry, config, self.metrics)
        self.watcher = (
            DirectoryWatcher(self.settings.pipelines_dir, self.store, self.engine)
            if self.settings.pipelines_dir
            else None
        )
        self.router = Router(build_routes(self))
        self.started = False
        self.draining = False
        self.in_flight = 0

    # ------------------------------------------------------------------ lifecycle

    async def startup(self, nursery: trio.Nursery) -> None:
        """Load the pipelines directory and start watching it in `nursery`."""
        if self.watcher is not None:
            await self.watcher.scan()
            nursery.start_soon(self.watcher.run, self.settings.reload_interval)
        self.metrics.pipelines.set(len(self.store))
        self.started = True

    @asynccontextmanager
    async def running(self) -> AsyncIterator[App]:
        """The app started (directory loaded and watched) for the duration of the block; for tests and
        servers without ASGI lifespan support."""
        async with trio.open_nursery() as nursery:
            await self.startup(nursery)
            try:
                yield self
            finally:
                nursery.cancel_scope.cancel()

    def begin_draining(self) -> None:
        """From now on new requests get 503 (except health and metrics); in-flight ones finish."""
        self.draining = True

    async def wait_drained(self, timeout: float) -> bool:
        """Wait until no request is in flight, at most `timeout` seconds; whether it got there."""
        with trio.move_on_after(timeout):
            while self.in_flight:
                await trio.sleep(0.02)
            return True
        return False

    # ------------------------------------------------------------------ ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            await send({"type": "websocket.close", "code": 1003})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        if message["type"] != "lifespan.startup":
            return
        async with trio.open_nursery() as nursery:
            try:
                await self.startup(nursery)
            except Exception as exc:
                log.exception("startup failed")
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                nursery.cancel_scope.cancel()
                return
            await send({"type": "lifespan.startup.complete"})
            while (await receive())["type"] != "lifespan.shutdown":
                pass
            nursery.cancel_scope.cancel()
        await send({"type": "lifespan.shutdown.complete"})

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        began = time.perf_counter()
        request = Request(scope, receive, self.settings.max_body)
        if self.draining and request.path not in _WHILE_DRAINING:
            response = HttpError(
                503,
                "draining",
                "the server is shutting down; retry on another instance",
                headers=(("retry-after", "1"),),
            ).response()
            await _send(response, send, close=True)
            self.metrics.record_request(_UNMATCHED, request.method, 503, time.perf_counter() - began)
            return
        self.in_flight += 1
        self.metrics.in_flight.inc()
        try:
            route, response = await self._dispatch(request)
            await _send(response, send, close=self.draining)
        finally:
            self.in_flight -= 1
            self.metrics.in_flight.dec()
        self.metrics.record_request(route, request.method, response.status, time.perf_counter() - began)

    async def _dispatch(self, request: Request) -> tuple[str, Response]:
        route_name = _UNMATCHED
        try:
            route, params = self.router.resolve(request.method, request.path)
            route_name = route.path
            request.path_params = params
            if not route.public and not self.api_keys.accepts(request.bearer_token()):
                raise HttpError(
                    401,
                    "unauthorized",
                    "missing or wrong API key; send 'Authorization: Bearer <key>'",
                    headers=(("www-authenticate", 'Bearer realm="cst"'),),
                )
            return route_name, await route.handler(request)
        except HttpError as exc:
            return route_name, exc.response()
        except Exception:
            # a bug of ours: logged with its traceback, never shown to the client
            log.exception("unhandled error in %s %s", request.method, request.path)
            return route_name, HttpError(500, "internal", "internal server error; see the server's log").response()


async def _send(response: Response, send: Send, *, close: bool) -> None:
    try:
        await response.send(send, close=close)
    except (OSError, trio.BrokenResourceError, trio.ClosedResourceError):
        log.debug("client went away before the response was sent")
