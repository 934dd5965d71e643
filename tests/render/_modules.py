"""Deterministic modules for graph, bench and cost tests: fixed latencies on trio's clock (virtual in tests),
fixed prices, a counter of calls, and one that always fails."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TypeVar

import msgspec
import trio

from cst_cli.modules.api import Cost, Options, module
from cst_cli.modules.registry import Registry

T = TypeVar("T")
U = TypeVar("U")

CALLS: Counter[str] = Counter()


class Hit(msgspec.Struct, frozen=True):
    id: str
    score: float


class Profile(msgspec.Struct, frozen=True):
    userId: str
    tags: list[str]


@module(description="embed a text (200 ms, $0.001)", cost=Cost(per_call=0.001, unit="embedding"))
async def Embed(text: str) -> list[float]:
    CALLS["Embed"] += 1
    await trio.sleep(0.2)
    return [float(len(text)), 1.0]


@module(description="vector search (500 ms, $0.002)", cost=0.002)
async def Search(vector: list[float], k: int) -> list[Hit]:
    CALLS["Search"] += 1
    await trio.sleep(0.5)
    return [Hit(id=f"p{i}", score=1.0 / (i + 1)) for i in range(min(k, 3))]


@module(description="a user's profile (100 ms)")
async def GetProfile(userId: str) -> Profile:
    CALLS["GetProfile"] += 1
    await trio.sleep(0.1)
    return Profile(userId=userId, tags=["a", "b"])


@module(description="rerank (50 ms, $0.01)", cost=0.01)
async def Rerank(hits: list[Hit], profile: Profile) -> list[Hit]:
    CALLS["Rerank"] += 1
    await trio.sleep(0.05)
    return list(reversed(hits))


@module(description="an LLM priced by result: $0.001 per character", cost=Cost(per_call_fn=lambda r: 0.001 * len(r)))
async def Summarize(text: str) -> str:
    CALLS["Summarize"] += 1
    await trio.sleep(0.3)
    return text[:10]


@module(description="always fails after 10 ms ($0.005 per attempt)", cost=0.005)
async def Broken(text: str) -> str:
    CALLS["Broken"] += 1
    await trio.sleep(0.01)
    raise ConnectionError("service down")


@module(description="retries twice by default", defaults=Options(retry=2), cost=0.001)
async def Retrying(text: str) -> str:
    CALLS["Retrying"] += 1
    await trio.sleep(0.02)
    return text


@module(inline=True, description="words")
def Count(text: str) -> int:
    CALLS["Count"] += 1
    return len(text.split())


@module(inline=True, description="upper", cost=0.0001)
def Upper(text: str) -> str:
    CALLS["Upper"] += 1
    return text.upper()


@module("map", namespace="stdlib.collection", inline=True, description="map")
def map_(items: list[T], f: Callable[[T], U]) -> list[U]:
    return [f(x) for x in items]


MODULES = [Embed, Search, GetProfile, Rerank, Summarize, Broken, Retrying, Count, Upper, map_]


def registry() -> Registry:
    return Registry.from_specs(MODULES)
