"""Worker tasks: a chain of calls runs in one task, timed attempts share a cancel scope whose deadline moves.

Each test pins a case where sharing could go wrong: a deadline left from the previous call, a scope that
fired or that an exception left, a result that arrived as the deadline fired, cancellation mid-chain.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import trio
import trio.testing

from cst_cli.api import Pipeline, RunResult
from cst_cli.check.typed import TExpr
from cst_cli.modules.api import Options, module
from cst_cli.runtime.runner import Runtime
from cst_cli.types.model import INT
from tests.runtime import _modules as m
from tests.runtime._build import call, program, ref

X = ref("x", INT, "input")
TIMED = Options(timeout=1.0, retry=1)

RELEASE = {"event": None}  # a trio.Event per run: `held` waits on it, `releaser` sets it
HANG_ONCE = {"left": 0}


@module()
async def step(x: int) -> int:
    """0.6 s: two in a row outlast one 1 s deadline, so each needs its own."""
    await trio.sleep(0.6)
    return x + 1


@module()
async def quick(x: int) -> int:
    await trio.lowlevel.checkpoint()
    return x + 1


@module()
async def never_yields(x: int) -> int:
    return x + 1


ORDER: list[str] = []


@module()
async def never_yields_a(x: int) -> int:
    ORDER.append("a")
    return x + 1


@module()
async def never_yields_b(x: int) -> int:
    ORDER.append("b")
    return x + 1


BAD_ONCE = {"left": 0}


@module()
async def bad_once(x: int) -> int:
    await trio.lowlevel.checkpoint()
    if BAD_ONCE["left"] > 0:
        BAD_ONCE["left"] -= 1
        return "not a number"  # type: ignore[return-value]
    return x + 1


@module()
async def hang_once(x: int) -> int:
    if HANG_ONCE["left"] > 0:
        HANG_ONCE["left"] -= 1
        await trio.sleep_forever()
    await trio.lowlevel.checkpoint()
    return x + 1


@module()
async def held(x: int) -> int:
    ev = RELEASE["event"]
    assert isinstance(ev, trio.Event)
    await ev.wait()
    return x + 1


@module()
async def releaser(x: int) -> int:
    """At 0.5 s: wakes `held`, then moves the clock past its deadline before it gets to run."""
    await trio.sleep(0.5)
    ev = RELEASE["event"]
    assert isinstance(ev, trio.Event)
    ev.set()
    clock = trio.lowlevel.current_clock()
    assert isinstance(clock, trio.testing.MockClock)
    clock.jump(5.0)
    return x


@module()
async def late_boom(x: int) -> int:
    await trio.sleep(0.5)
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    m.reset()
    m.FLAKY_FAILURES["left"] = 0
    HANG_ONCE["left"] = 0
    BAD_ONCE["left"] = 0
    ORDER.clear()
    yield


def chain(fn: Any, n: int, options: Options = TIMED, first: TExpr = X) -> list[tuple[str, TExpr]]:
    out: list[tuple[str, TExpr]] = [("c0", call(fn, first, options=options))]
    out += [(f"c{i}", call(fn, ref(f"c{i - 1}", INT), options=options)) for i in range(1, n)]
    return out


def run_virtual(bindings: list[tuple[str, TExpr]], outputs: list[str], **kw: Any) -> RunResult:
    p = Pipeline(program({"x": INT}, bindings, outputs))

    async def main() -> RunResult:
        RELEASE["event"] = trio.Event()
        return await p.run_async({"x": 1}, runtime=Runtime(clock=trio.current_time), **kw)

    return trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))


def node(r: RunResult, node_id: str) -> Any:
    return next(n for n in r.trace.nodes if n.id == node_id)


class _Spawned(trio.abc.Instrument):
    def __init__(self) -> None:
        self.count = 0

    def task_spawned(self, task: trio.lowlevel.Task) -> None:
        self.count += 1


def test_a_chain_of_calls_runs_in_one_task() -> None:
    p = Pipeline(program({"x": INT}, chain(quick, 50), ["c49"]))
    spawned = _Spawned()

    async def main() -> RunResult:
        return await p.run_async({"x": 1}, runtime=Runtime(clock=trio.current_time))

    r = trio.run(main, instruments=[spawned])
    assert r.outputs == {"c49": 51}
    assert spawned.count < 10  # trio's own tasks, the run's nursery and one worker; not 50


def test_each_call_in_a_chain_gets_its_own_deadline() -> None:
    r = run_virtual(chain(step, 3), ["c2"])
    assert r.status == "ok" and r.outputs == {"c2": 4}
    assert [node(r, f"c{i}").end for i in range(3)] == pytest.approx([0.6, 1.2, 1.8])
    assert [node(r, f"c{i}").attempts for i in range(3)] == [1, 1, 1]


def test_a_timeout_mid_chain_retries_and_later_calls_still_time_out() -> None:
    HANG_ONCE["left"] = 1
    bindings = chain(quick, 2)
    bindings.append(("h", call(hang_once, ref("c1", INT), options=TIMED)))
    bindings.append(("after", call(quick, ref("h", INT), options=TIMED)))
    bindings.append(("stuck", call(m.hang, ref("after", INT), options=Options(timeout=2.0))))
    r = run_virtual(bindings, ["stuck"])
    assert r.status == "failed"
    assert node(r, "h").outcome == "ok" and node(r, "h").attempts == 2 and node(r, "h").end == pytest.approx(1.0)
    assert node(r, "after").outcome == "ok"
    (err,) = r.errors
    assert (err.node, err.reason, err.attempts) == ("stuck", "timeout", 1)
    assert node(r, "stuck").outcome == "timed_out" and node(r, "stuck").end == pytest.approx(3.0)


def test_failed_attempts_then_success_keep_timing_the_rest_of_the_chain() -> None:
    m.FLAKY_FAILURES["left"] = 1
    bindings = [("f", call(m.flaky, X, options=TIMED)), *chain(step, 2, first=ref("f", INT))]
    r = run_virtual(bindings, ["c1"])
    assert r.status == "ok" and r.outputs == {"c1": 3}
    assert node(r, "f").attempts == 2
    assert node(r, "c1").end == pytest.approx(1.2)


def test_a_result_that_arrives_as_its_deadline_fires_does_not_time_out_the_next_call() -> None:
    # `held` is woken at 0.5 s; before it runs, the clock jumps to 5.5 s and its deadline (1 s) fires.
    # It still returns its result (cancellation is only delivered at a checkpoint), and the next call of
    # the chain must not inherit the fired scope.
    bindings = [
        ("h", call(held, X, options=TIMED)),
        ("next", call(quick, ref("h", INT), options=TIMED)),
        ("r", call(releaser, X)),
    ]
    r = run_virtual(bindings, ["next", "r"])
    assert r.status == "ok", r.errors
    assert r.outputs == {"next": 3, "r": 1}
    assert node(r, "next").attempts == 1


def test_a_slow_inline_step_between_timed_calls_does_not_count_against_the_next() -> None:
    @module(inline=True)
    def jump(x: int) -> int:
        clock = trio.lowlevel.current_clock()
        assert isinstance(clock, trio.testing.MockClock)
        clock.jump(5.0)  # like 5 s of pure computation between two awaits
        return x

    bindings = [
        ("a", call(step, X, options=TIMED)),
        ("j", call(jump, ref("a", INT))),
        ("b", call(step, ref("j", INT), options=TIMED)),
    ]
    r = run_virtual(bindings, ["b"])
    assert r.status == "ok" and r.outputs == {"b": 3}
    assert node(r, "b").attempts == 1


def test_mixed_chain_of_simple_cached_and_timed_calls() -> None:
    cached = Options(cache=60.0, timeout=1.0)
    bindings = [
        ("a", call(step, X, options=TIMED)),
        ("b", call(step, ref("a", INT), options=cached)),
        ("c", call(step, ref("b", INT), options=TIMED)),
        ("d", call(m.hang, ref("c", INT), options=Options(timeout=0.5))),
    ]
    r = run_virtual(bindings, ["d"])
    assert r.status == "failed" and r.errors[0].node == "d" and r.errors[0].reason == "timeout"
    assert [node(r, k).end for k in "abcd"] == pytest.approx([0.6, 1.2, 1.8, 2.3])


def test_a_failure_elsewhere_cancels_a_running_chain_and_leaves_nothing_running() -> None:
    bindings = [*chain(step, 5), ("boom", call(late_boom, X))]
    p = Pipeline(program({"x": INT}, bindings, ["c4", "boom"]))

    async def main() -> RunResult:
        before = _tasks(trio.lowlevel.current_root_task())
        r = await p.run_async({"x": 1}, runtime=Runtime(clock=trio.current_time))
        assert _tasks(trio.lowlevel.current_root_task()) == before
        return r

    r = trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert r.status == "failed" and r.errors[0].node == "boom"
    assert r.trace.totals.wall < 0.6
    c0 = node(r, "c0")
    assert c0.outcome == "skipped" and c0.reason == "cancelled"
    assert node(r, "c1").outcome == "skipped"


def test_cancelling_from_outside_mid_chain_leaves_nothing_running() -> None:
    p = Pipeline(program({"x": INT}, chain(step, 5), ["c4"]))

    async def main() -> None:
        before = _tasks(trio.lowlevel.current_root_task())
        with trio.move_on_after(1.5) as scope:
            await p.run_async({"x": 1}, runtime=Runtime(clock=trio.current_time))
        assert scope.cancelled_caught
        assert _tasks(trio.lowlevel.current_root_task()) == before

    trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))


def _tasks(task: trio.lowlevel.Task) -> int:
    return 1 + sum(_tasks(t) for n in task.child_nurseries for t in n.child_tasks)


def test_a_long_chain_of_modules_that_never_yield() -> None:
    # the worker checkpoints now and then by itself; no recursion either
    r = run_virtual(chain(never_yields, 2000), ["c1999"])
    assert r.status == "ok" and r.outputs == {"c1999": 2001}
    assert r.trace.totals.attempts == 2000


def test_chains_of_modules_that_never_yield_take_turns() -> None:
    a = chain(never_yields_a, 500)
    b = [(f"b{k}", call(never_yields_b, X if k == 0 else ref(f"b{k - 1}", INT), options=TIMED)) for k in range(500)]
    r = run_virtual(a + b, ["c499", "b499"])
    assert r.status == "ok"
    switches = sum(1 for p, q in itertools.pairwise(ORDER) if p != q)
    assert switches > 5  # not one whole chain, then the other


def test_a_retry_with_backoff_in_a_chain_does_not_sleep_under_the_previous_deadline() -> None:
    BAD_ONCE["left"] = 1  # a wrong result fails the attempt after the module returned, scope still open
    opts = Options(timeout=1.0, retry=1, delay=3.0)  # the backoff outlasts the attempt's own deadline
    bindings = [*chain(quick, 2), ("f", call(bad_once, ref("c1", INT), options=opts))]
    r = run_virtual(bindings, ["f"], seed=1)
    assert r.status == "ok" and r.outputs == {"f": 4}
    assert node(r, "f").attempts == 2
    assert node(r, "f").end >= 1.5  # it did sleep: full jitter is between half and all of 3 s
