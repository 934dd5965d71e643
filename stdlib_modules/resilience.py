"""Resilience demo modules of the reference engine (no namespace): String in, String out, slow, flaky or failing
on purpose, for trying `retry`, `timeout`, `fallback`, `cache` and friends.

Each is `async` and waits with `trio.sleep`, so tests run them on trio's virtual clock. Their randomness comes
from `stdlib_modules._random` (seeded by `cst run --seed N`), one stream per module and input.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from cst_cli.modules.api import Cost, module
from stdlib_modules import _random

_TAGS = ("demo", "resilience")

FLAKY_FAILURE_RATE = 0.6
TIMEOUT_PRONE_SLOW_RATE = 0.3  # share of TimeoutProneService replies that are slow
TIMEOUT_PRONE_FAST = 0.1  # seconds
TIMEOUT_PRONE_SLOW = (3.0, 8.0)  # seconds, uniform


class ServiceError(RuntimeError):
    """A simulated failure of a demo service."""


async def _sleep(seconds: float) -> None:
    import trio  # here, not at the top: loading the registry (`cst check`) must not pay for importing trio

    await trio.sleep(seconds)


def _rng(module_name: str, value: str) -> random.Random:
    return _random.stream(f"{module_name}:{value}")


@module(description="A slow database query (~500 ms)", tags=_TAGS)
async def SlowQuery(input: str) -> str:
    await _sleep(0.5)
    return f"query result for: {input}"


@module(description="A slow remote API call (~1 s)", tags=_TAGS, cost=Cost(per_call=0.002, unit="api call"))
async def SlowApiCall(input: str) -> str:
    await _sleep(1.0)
    return f"api response for: {input}"


@module(description="An expensive computation (~2 s)", tags=_TAGS, cost=Cost(per_call=0.005, unit="computation"))
async def ExpensiveCompute(input: str) -> str:
    await _sleep(2.0)
    return f"computed: {input}"


@module(description="A service that fails at random, 60% of calls (~100 ms)", tags=_TAGS)
async def FlakyService(input: str) -> str:
    """Raises:
    ServiceError: on 60% of calls, drawn from the seeded stream of this input.
    """
    fails = _rng("FlakyService", input).random() < FLAKY_FAILURE_RATE
    await _sleep(0.1)
    if fails:
        raise ServiceError(f"FlakyService: simulated transient failure for {input!r}")
    return f"flaky service ok: {input}"


@module(description="A service that usually replies in 100 ms, sometimes only after 3-8 s", tags=_TAGS)
async def TimeoutProneService(input: str) -> str:
    r = _rng("TimeoutProneService", input)
    slow = r.random() < TIMEOUT_PRONE_SLOW_RATE
    await _sleep(r.uniform(*TIMEOUT_PRONE_SLOW) if slow else TIMEOUT_PRONE_FAST)
    return f"{'slow' if slow else 'fast'} reply for: {input}"


@module(description="A rate-limited API (~50 ms per call)", tags=_TAGS, cost=Cost(per_call=0.0005, unit="api call"))
async def RateLimitedApi(input: str) -> str:
    await _sleep(0.05)
    return f"rate limited api response for: {input}"


@module(description="A resource-hungry task (~200 ms)", tags=_TAGS, cost=Cost(per_call=0.001, unit="task"))
async def ResourceIntensiveTask(input: str) -> str:
    await _sleep(0.2)
    return f"processed: {input}"


@module(description="A quick check (~10 ms)", tags=_TAGS)
async def QuickCheck(input: str) -> str:
    await _sleep(0.01)
    return f"checked: {input}"


@module(description="A deep analysis (~1.5 s)", tags=_TAGS, cost=Cost(per_call=0.01, unit="analysis"))
async def DeepAnalysis(input: str) -> str:
    await _sleep(1.5)
    return f"analysis of: {input}"


@module(description="A service that always fails (after ~10 ms)", tags=_TAGS)
async def AlwaysFailsService(input: str) -> str:
    """Raises:
    ServiceError: always.
    """
    await _sleep(0.01)
    raise ServiceError(f"AlwaysFailsService: this service always fails (input {input!r})")


__cst_modules__: list[Callable[..., Any]] = [
    SlowQuery,
    SlowApiCall,
    ExpensiveCompute,
    FlakyService,
    TimeoutProneService,
    RateLimitedApi,
    ResourceIntensiveTask,
    QuickCheck,
    DeepAnalysis,
    AlwaysFailsService,
]
