"""Test modules for the runner: counters to see what ran, and modules that fail in every way."""

from __future__ import annotations

import threading
from collections import Counter

import msgspec
import trio

from cst_cli.modules.api import Cost, Options, module

CALLS: Counter[str] = Counter()
LOG: list[tuple[str, float]] = []  # (what, trio time) for ordering tests
GATE = threading.Event()


def reset() -> None:
    CALLS.clear()
    LOG.clear()
    GATE.clear()


@module(inline=True)
def inc(x: int) -> int:
    CALLS["inc"] += 1
    return x + 1


@module(inline=True)
def double(x: int) -> int:
    CALLS["double"] += 1
    return x * 2


@module(inline=True)
def add(a: int, b: int) -> int:
    return a + b


@module()
def blocking_double(x: int) -> int:
    """Plain sync, not inline: runs in a worker thread."""
    CALLS["blocking_double"] += 1
    return x * 2


@module()
async def slow(x: int) -> int:
    CALLS["slow"] += 1
    await trio.sleep(1.0)
    return x * 10


@module()
async def nap(x: int) -> int:
    CALLS["nap"] += 1
    LOG.append(("nap start", trio.current_time()))
    await trio.sleep(0.02)
    return x


@module()
async def hang(x: int) -> int:
    CALLS["hang"] += 1
    await trio.sleep_forever()
    raise AssertionError("unreachable")


@module()
async def boom(x: int) -> int:
    CALLS["boom"] += 1
    LOG.append(("boom", trio.current_time()))
    raise RuntimeError("boom")


@module(inline=True)
def boom_inline(x: int) -> int:
    CALLS["boom_inline"] += 1
    raise ValueError("bad input")


FLAKY_FAILURES = {"left": 0}


@module()
async def flaky(x: int) -> int:
    """Fails while FLAKY_FAILURES['left'] > 0."""
    CALLS["flaky"] += 1
    LOG.append(("flaky", trio.current_time()))
    if FLAKY_FAILURES["left"] > 0:
        FLAKY_FAILURES["left"] -= 1
        raise ConnectionError("try again")
    return x


@module(inline=True)
def wrong_type(x: int) -> str:
    CALLS["wrong_type"] += 1
    return x  # type: ignore[return-value]


@module()
async def wrong_type_async(x: int) -> str:
    return 42  # type: ignore[return-value]


@module()
async def stamp(x: int) -> int:
    """Records when it started (for throttle, concurrency and priority order)."""
    LOG.append((f"stamp {x}", trio.current_time()))
    await trio.sleep(1.0)
    return x


@module(cost=0.25)
async def priced(x: int) -> int:
    return x


@module(cost=Cost(per_call_fn=lambda r: r * 0.01))
async def priced_fn(x: int) -> int:
    return x


@module(defaults=Options(retry=2, breaker_threshold=2, breaker_cooldown=10.0))
async def always_down(x: int) -> int:
    CALLS["always_down"] += 1
    raise ConnectionError("service down")


class Item(msgspec.Struct, frozen=True):
    name: str
    price: float


@module(inline=True)
def cheapest(items: list[Item]) -> Item:
    return min(items, key=lambda i: i.price)


@module(inline=True)
def text_of(x: int) -> str:
    return f"n={x}"
