"""Test modules and helpers for the server tests: an app over stdlib plus modules that cost, sleep, fail
and recover, and an httpx client through the ASGI transport (no socket)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import msgspec
import trio

from cst_cli.modules.api import module, spec_of
from cst_cli.modules.registry import Registry, load_registry
from cst_cli.runtime.config import Config
from cst_cli.server import ApiKeys, App, ServerSettings

CALLS: Counter[str] = Counter()

SHOUT = "in text: String\ncleaned = Trim(text)\nshout = Uppercase(cleaned)\nout shout\n"


@module(cost=0.02, inline=True, description="a priced call")
def Priced(text: str) -> str:
    CALLS["Priced"] += 1
    return text + "!"


@module(description="sleeps for the given seconds")
async def Sleepy(seconds: float) -> str:
    await trio.sleep(seconds)
    return "awake"


@module(description="fails the first two calls for each input, then succeeds")
def Flaky(text: str) -> str:
    CALLS["Flaky:" + text] += 1
    if CALLS["Flaky:" + text] <= 2:
        raise RuntimeError("flaky")
    return text


@module(description="always fails")
def Boom(text: str) -> str:
    raise RuntimeError("boom")


class Item(msgspec.Struct, frozen=True):
    name: str
    price: float


@module(inline=True, description="sum of prices")
def Total(items: list[Item]) -> float:
    return sum(i.price for i in items)


def server_registry() -> Registry:
    registry = load_registry()
    for f in (Priced, Sleepy, Flaky, Boom, Total):
        spec = spec_of(f)
        assert spec is not None
        registry.add(spec)
    return registry


_REGISTRY: Registry | None = None


def make_app(keys: tuple[str, ...] = (), config: Config | None = None, **settings: Any) -> App:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = server_registry()
    return App(ServerSettings(**settings), registry=_REGISTRY, config=config, api_keys=ApiKeys.from_keys(keys))


@asynccontextmanager
async def client(app: App | None = None, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = app if app is not None else make_app(**settings)
    async with app.running():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://cst.test") as c:
            yield c


def run(test: Callable[[], Awaitable[None]]) -> None:
    trio.run(test)
