"""The resilience demo modules on trio's virtual clock (no real sleeping), and their seeded randomness."""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import trio
import trio.testing

from cst_cli.modules.api import ModuleSpec
from stdlib_modules import _random
from stdlib_modules.resilience import ServiceError

Spec = Callable[[str], ModuleSpec]


def run(fn: Callable[[], Awaitable[Any]]) -> Any:
    """Run on a virtual clock that jumps ahead whenever every task is asleep."""
    return trio.run(fn, clock=trio.testing.MockClock(autojump_threshold=0))


async def timed(spec: ModuleSpec, value: str) -> tuple[str | None, float]:
    """(result or None on failure, virtual seconds taken)."""
    start = trio.current_time()
    try:
        result: str | None = await spec.func(value)
    except ServiceError:
        result = None
    return result, trio.current_time() - start


@pytest.mark.parametrize(
    ("name", "seconds", "result"),
    [
        ("SlowQuery", 0.5, "query result for: q"),
        ("SlowApiCall", 1.0, "api response for: q"),
        ("ExpensiveCompute", 2.0, "computed: q"),
        ("RateLimitedApi", 0.05, "rate limited api response for: q"),
        ("ResourceIntensiveTask", 0.2, "processed: q"),
        ("QuickCheck", 0.01, "checked: q"),
        ("DeepAnalysis", 1.5, "analysis of: q"),
    ],
)
def test_durations_on_the_virtual_clock(spec: Spec, name: str, seconds: float, result: str) -> None:
    got, took = run(lambda: timed(spec(name), "q"))
    assert got == result
    assert took == pytest.approx(seconds)


def test_always_fails_service_always_raises(spec: Spec) -> None:
    async def main() -> None:
        for i in range(20):
            with pytest.raises(ServiceError, match="AlwaysFailsService: this service always fails"):
                await spec("AlwaysFailsService").func(f"x{i}")

    run(main)


def _flaky_outcomes(spec: Spec, seed: int | None, inputs: list[str]) -> list[bool]:
    async def main() -> list[bool]:
        _random.seed(seed)
        return [(await timed(spec("FlakyService"), value))[0] is not None for value in inputs]

    result: list[bool] = run(main)
    return result


def test_flaky_service_is_deterministic_for_a_seed(spec: Spec) -> None:
    inputs = ["same"] * 30 + [f"in-{i}" for i in range(30)]
    first = _flaky_outcomes(spec, 7, inputs)
    assert _flaky_outcomes(spec, 7, inputs) == first
    assert any(_flaky_outcomes(spec, s, inputs) != first for s in (8, 9, 10))
    assert True in first and False in first


def test_flaky_service_fails_often(spec: Spec) -> None:
    outcomes = _flaky_outcomes(spec, 1, [f"in-{i}" for i in range(500)])
    failure_rate = outcomes.count(False) / len(outcomes)
    assert 0.5 < failure_rate < 0.7


def test_flaky_service_takes_100ms_whether_it_fails_or_not(spec: Spec) -> None:
    async def main() -> set[float]:
        _random.seed(3)
        return {round((await timed(spec("FlakyService"), f"x{i}"))[1], 6) for i in range(20)}

    assert run(main) == {0.1}


def test_seeded_outcomes_do_not_depend_on_scheduling_order(spec: Spec) -> None:
    """Concurrent calls (trio shuffles their order) see the same outcomes as sequential ones."""
    inputs = [f"req-{i}" for i in range(40)]

    async def concurrent() -> list[bool]:
        _random.seed(11)
        results: dict[str, bool] = {}

        async def one(value: str) -> None:
            results[value] = (await timed(spec("FlakyService"), value))[0] is not None

        async with trio.open_nursery() as nursery:
            for value in inputs:
                nursery.start_soon(one, value)
        return [results[v] for v in inputs]

    assert run(concurrent) == _flaky_outcomes(spec, 11, inputs)


def test_timeout_prone_service_is_usually_fast_sometimes_slow(spec: Spec) -> None:
    async def main() -> list[tuple[str | None, float]]:
        _random.seed(5)
        return [await timed(spec("TimeoutProneService"), f"q{i}") for i in range(200)]

    replies = run(main)
    fast = [took for result, took in replies if result is not None and result.startswith("fast")]
    slow = [took for result, took in replies if result is not None and result.startswith("slow")]
    assert len(fast) + len(slow) == 200
    assert all(t == pytest.approx(0.1) for t in fast)
    assert all(3.0 <= t <= 8.0 for t in slow)
    assert 0.15 < len(slow) / 200 < 0.45
    assert run(main) == replies  # same seed, same replies and delays


def test_the_seed_is_per_context() -> None:
    def seeded() -> tuple[int | None, float]:
        _random.seed(123)
        return _random.current_seed(), _random.rng().random()

    outside = _random.current_seed()
    first = contextvars.copy_context().run(seeded)
    second = contextvars.copy_context().run(seeded)
    assert first == second
    assert first[0] == 123
    assert _random.current_seed() == outside  # the copies did not leak into this context


def test_a_seed_set_before_trio_run_reaches_every_task() -> None:
    def outer() -> list[int | None]:
        _random.seed(99)

        async def main() -> list[int | None]:
            seen: list[int | None] = []

            async def task() -> None:
                seen.append(_random.current_seed())

            async with trio.open_nursery() as nursery:
                for _ in range(3):
                    nursery.start_soon(task)
            return seen

        result: list[int | None] = trio.run(main)
        return result

    assert contextvars.copy_context().run(outer) == [99, 99, 99]


def test_streams_are_per_key_and_reproducible() -> None:
    def draws(seed: int | None) -> tuple[list[float], list[float]]:
        _random.seed(seed)
        a = _random.stream("a")
        b = _random.stream("b")
        return [a.random() for _ in range(3)], [b.random() for _ in range(3)]

    a1, b1 = contextvars.copy_context().run(draws, 4)
    a2, b2 = contextvars.copy_context().run(draws, 4)
    assert (a1, b1) == (a2, b2)
    assert a1 != b1
    unseeded_a, _ = contextvars.copy_context().run(draws, None)
    assert unseeded_a != a1
