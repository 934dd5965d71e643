"""The runner on trio's virtual clock: options, failures, laziness, cancellation, costs (hand-built programs)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import trio
import trio.testing

from cst_cli.api import Pipeline, RunResult
from cst_cli.check.typed import TBinOp, TCoalesce, TExpr, TIf, TLit, TWhen
from cst_cli.modules.api import Options
from cst_cli.runtime.runner import Runtime
from cst_cli.types.model import BOOLEAN, INT, STRING, OptionalT, RecordT
from tests.runtime import _modules as m
from tests.runtime._build import SPAN, call, program, ref

X = ref("x", INT, "input")


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    m.reset()
    m.FLAKY_FAILURES["left"] = 0
    yield


def lit(v: Any, t: Any = INT) -> TLit:
    return TLit(span=SPAN, type=t, value=v)


def pipe(
    *bindings: tuple[str, TExpr], outputs: list[str] | None = None, inputs: dict[str, Any] | None = None
) -> Pipeline:
    names = outputs if outputs is not None else [b[0] for b in bindings]
    return Pipeline(program(inputs if inputs is not None else {"x": INT}, list(bindings), names))


def run_virtual(p: Pipeline, inputs: dict[str, Any] | None = None, **kw: Any) -> RunResult:
    async def main() -> RunResult:
        rt = kw.pop("runtime", None) or Runtime(clock=trio.current_time)
        return await p.run_async({"x": 1} if inputs is None else inputs, runtime=rt, **kw)

    return trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))


def node(r: RunResult, node_id: str) -> Any:
    return next(n for n in r.trace.nodes if n.id == node_id)


# ---------------------------------------------------------------------------- basics


def test_pure_and_async_nodes_compute_outputs() -> None:
    p = pipe(
        ("a", call(m.inc, X)),
        ("b", call(m.slow, ref("a", INT))),
        ("c", TBinOp(span=SPAN, type=INT, op="+", kind="arith", left=ref("a", INT), right=ref("b", INT))),
    )
    r = run_virtual(p, {"x": 3})
    assert r.status == "ok"
    assert r.outputs == {"a": 4, "b": 40, "c": 44}
    assert node(r, "b").start == pytest.approx(0) and node(r, "b").end == pytest.approx(1.0)
    assert r.trace.format == "cst-trace/1" and r.trace.hash == p.hash


def test_independent_async_calls_run_concurrently() -> None:
    p = pipe(*[(f"s{k}", call(m.slow, X)) for k in range(20)])
    r = run_virtual(p)
    assert r.status == "ok"
    assert max(n.end or 0 for n in r.trace.nodes) == pytest.approx(1.0)


def test_thread_module_runs_off_the_loop() -> None:
    r = pipe(("a", call(m.blocking_double, X))).run({"x": 21})
    assert r.outputs == {"a": 42}


# ---------------------------------------------------------------------------- retry, timeout, fallback


def test_retry_with_exponential_backoff_waits_between_attempts() -> None:
    m.FLAKY_FAILURES["left"] = 3
    opts = Options(retry=3, delay=1.0, backoff="exponential")
    r = run_virtual(pipe(("a", call(m.flaky, X, options=opts))), seed=5)
    assert r.status == "ok" and r.outputs == {"a": 1}
    times = [t for what, t in m.LOG]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    for k, gap in enumerate(gaps, start=1):
        full = 1.0 * 2 ** (k - 1)
        assert full / 2 <= gap <= full + 1e-9
    assert node(r, "a").attempts == 4
    assert r.trace.totals.retries == 3


def test_same_seed_same_timing() -> None:
    opts = Options(retry=3, delay=1.0, backoff="linear")

    def once() -> list[float]:
        m.reset()
        m.FLAKY_FAILURES["left"] = 3
        run_virtual(pipe(("a", call(m.flaky, X, options=opts))), seed=11)
        return [t for _, t in m.LOG]

    assert once() == once()


def test_retries_exhausted_fail_the_run_with_attempts_and_reason() -> None:
    r = run_virtual(pipe(("a", call(m.boom, X, options=Options(retry=2, delay=0.1)))))
    assert r.status == "failed"
    (err,) = r.errors
    assert (err.node, err.module, err.attempts, err.reason) == ("a", "boom", 3, "exception")
    assert err.message == "RuntimeError: boom"
    assert m.CALLS["boom"] == 3
    assert node(r, "a").outcome == "failed"


def test_timeout_is_per_attempt() -> None:
    r = run_virtual(pipe(("a", call(m.hang, X, options=Options(timeout=2.0, retry=1)))))
    assert r.status == "failed"
    (err,) = r.errors
    assert err.reason == "timeout" and err.attempts == 2 and "2s" in err.message
    assert node(r, "a").outcome == "timed_out"
    assert node(r, "a").end == pytest.approx(4.0)


def test_fallback_is_used_only_when_attempts_fail_and_is_lazy() -> None:
    ok = pipe(("a", call(m.inc, X, options=Options(retry=1), fallback=call(m.boom, X))))
    r = run_virtual(ok)
    assert r.outputs == {"a": 2} and m.CALLS["boom"] == 0
    assert node(r, "a#1").outcome == "not_needed"
    bad = pipe(("a", call(m.boom, X, fallback=call(m.double, X))))
    r = run_virtual(bad, {"x": 4})
    assert r.status == "ok" and r.outputs == {"a": 8}
    assert node(r, "a").outcome == "fallback" and node(r, "a").recovered_by == "fallback"
    assert node(r, "a").error == "RuntimeError: boom"


def test_on_error_recovers_from_a_failed_fallback_without_ending_the_run() -> None:
    # on_error applies after the fallback is used up (cst-language(7)): the fallback's own failure is the
    # call's to handle, so it neither ends the run nor cancels the other calls
    opts = Options(on_error="skip")
    p = pipe(("a", call(m.boom, X, options=opts, fallback=call(m.boom, lit(2)))), ("c", call(m.slow, X)))
    r = run_virtual(p)
    assert r.status == "ok" and r.errors == []
    assert r.outputs == {"a": 0, "c": 10}
    assert m.CALLS["boom"] == 2 and node(r, "a").recovered_by == "skip"
    # without on_error the call fails, and says why its fallback did not help
    p = pipe(("a", call(m.boom, X, fallback=call(m.boom, lit(2)))), ("c", call(m.slow, X)))
    r = run_virtual(p)
    assert r.status == "failed" and r.trace.totals.wall < 1.0
    assert "its fallback failed" in next(e for e in r.errors if e.node == "a").message


def test_a_failed_fallback_that_an_output_also_needs_fails_the_run() -> None:
    shared = call(m.boom, lit(2))
    opts = Options(on_error="skip")
    p = pipe(("b", shared), ("a", call(m.boom, X, options=opts, fallback=ref("b", INT))), outputs=["a", "b"])
    r = run_virtual(p)
    assert r.status == "failed" and [e.node for e in r.errors] == ["b"]
    # needed by an untaken arm only: still recovered
    cond = TBinOp(span=SPAN, type=BOOLEAN, op=">", kind="compare", left=X, right=lit(0))
    arm = TIf(span=SPAN, type=INT, cond=cond, then=lit(7), else_=ref("b", INT))
    p = pipe(
        ("b", shared), ("a", call(m.boom, X, options=opts, fallback=ref("b", INT))), ("y", arm), outputs=["a", "y"]
    )
    r = run_virtual(p)
    assert r.status == "ok" and r.outputs == {"a": 0, "y": 7}
    # ... but an arm taken after the fallback failed needs it: that fails the run
    r = run_virtual(p, {"x": -1})
    assert r.status == "failed" and [e.node for e in r.errors] == ["b"]
    assert r.not_computed["y"] == "'b' failed"


@pytest.mark.parametrize(
    ("mode", "t", "expected"),
    [("skip", INT, 0), ("log", INT, 0), ("wrap", INT, 0), ("wrap", STRING, "error: RuntimeError: boom")],
)
def test_on_error(mode: str, t: Any, expected: Any) -> None:
    r = run_virtual(pipe(("a", call(m.boom, X, options=Options(on_error=mode), type=t))))  # type: ignore[arg-type]
    assert r.status == "ok" and r.outputs == {"a": expected}
    assert node(r, "a").recovered_by == mode
    assert bool(r.warnings) == (mode == "log")


def test_wrap_fills_a_records_error_field() -> None:
    from cst_cli.runtime.runner import wrap_value

    t = RecordT(fields=(("value", INT), ("error", OptionalT(inner=STRING))))
    assert wrap_value(t, "down") == {"value": 0, "error": "down"}
    assert wrap_value(OptionalT(inner=INT), "down") is None


def test_a_wrong_result_type_is_a_failure_of_the_call() -> None:
    r = run_virtual(pipe(("a", call(m.wrong_type, X)), ("b", call(m.wrong_type_async, X, options=Options(retry=1)))))
    assert r.status == "failed"
    err = r.errors[0]
    assert err.reason == "bad_result"
    assert "returned" in err.message and "expected String" in err.message


# ---------------------------------------------------------------------------- failure isolation


def test_failure_ends_the_run_promptly_and_cancels_other_branches() -> None:
    p = pipe(("a", call(m.boom, X)), ("b", call(m.hang, X)), ("c", call(m.slow, X)), ("d", call(m.inc, X)))
    r = run_virtual(p)
    assert r.status == "failed"
    assert r.trace.totals.wall < 1.0  # no waiting for the slow or hanging ones
    assert node(r, "b").outcome == "skipped" and node(r, "b").reason == "cancelled"
    assert "d" in r.outputs


def test_keep_going_computes_everything_that_does_not_need_the_failure() -> None:
    p = pipe(
        ("a", call(m.boom, X)),
        ("a2", call(m.inc, ref("a", INT))),
        ("c", call(m.slow, X)),
        outputs=["a2", "c"],
    )
    r = run_virtual(p, keep_going=True)
    assert r.status == "failed"
    assert r.outputs == {"c": 10}
    assert node(r, "a2").outcome == "skipped"
    assert r.not_computed["a2"].startswith("'a' failed")


def test_operation_errors_point_at_their_node() -> None:
    div = TBinOp(span=SPAN, type=INT, op="/", kind="arith", left=X, right=lit(0))
    r = run_virtual(pipe(("q", div)))
    assert r.status == "failed" and r.errors[0].reason == "operation"
    assert "division by zero" in r.errors[0].message
    neg = TBinOp(span=SPAN, type=INT, op="/", kind="arith", left=lit(-7), right=lit(2))
    assert run_virtual(pipe(("q", neg))).outputs == {"q": -3}  # Int division truncates toward zero


def test_cancelling_a_run_from_outside_leaves_nothing_running() -> None:
    p = pipe(("b", call(m.hang, X)), ("c", call(m.slow, X)))

    async def main() -> None:
        before = _tasks(trio.lowlevel.current_root_task())
        with trio.move_on_after(0.5):
            await p.run_async({"x": 1}, runtime=Runtime(clock=trio.current_time))
        assert _tasks(trio.lowlevel.current_root_task()) == before

    trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))


def _tasks(task: trio.lowlevel.Task) -> int:
    return 1 + sum(_tasks(t) for n in task.child_nurseries for t in n.child_tasks)


def test_after_a_failure_no_task_is_left_and_threads_finish() -> None:
    import threading

    finished = threading.Event()

    from cst_cli.modules.api import module

    @module()
    def wait_gate(x: int) -> int:
        m.GATE.wait(10)
        finished.set()
        return x

    rt = Runtime()
    p = pipe(("a", call(m.boom, X)), ("w", call(wait_gate, X)))

    async def main() -> RunResult:
        before = _tasks(trio.lowlevel.current_root_task())
        r = await p.run_async({"x": 1}, runtime=rt)
        assert _tasks(trio.lowlevel.current_root_task()) == before
        return r

    r = trio.run(main)
    assert r.status == "failed"
    m.GATE.set()
    assert finished.wait(10)
    for _ in range(1000):
        if rt.threads_in_flight == 0:
            break
        finished.wait(0.01)
    assert rt.threads_in_flight == 0


# ---------------------------------------------------------------------------- laziness


def test_untaken_branch_is_never_called() -> None:
    cond = TBinOp(span=SPAN, type=BOOLEAN, op=">", kind="compare", left=X, right=lit(0))
    e = TIf(span=SPAN, type=INT, cond=cond, then=call(m.inc, X), else_=call(m.boom, X))
    r = run_virtual(pipe(("a", e)), {"x": 5})
    assert r.outputs == {"a": 6} and m.CALLS["boom"] == 0
    r = run_virtual(pipe(("a", e)), {"x": -5})
    assert r.status == "failed" and m.CALLS["boom"] == 1


def test_coalesce_right_side_only_when_left_is_none() -> None:
    cond = TBinOp(span=SPAN, type=BOOLEAN, op=">", kind="compare", left=X, right=lit(0))
    guarded = TWhen(span=SPAN, type=OptionalT(inner=INT), value=call(m.inc, X), cond=cond)
    e = TCoalesce(span=SPAN, type=INT, left=guarded, right=call(m.double, X))
    assert run_virtual(pipe(("a", e)), {"x": 3}).outputs == {"a": 4}
    assert m.CALLS["double"] == 0 and m.CALLS["inc"] == 1
    assert run_virtual(pipe(("a", e)), {"x": -3}).outputs == {"a": -6}
    assert m.CALLS["inc"] == 1  # the guard was false: inc not called either


def test_only_what_outputs_need_runs_but_lazy_false_calls_do() -> None:
    p = pipe(("a", call(m.inc, X)), ("b", call(m.double, X)), outputs=["a"])
    run_virtual(p)
    assert m.CALLS["double"] == 0
    p = pipe(("a", call(m.inc, X)), ("b", call(m.double, X, options=Options(lazy=False))), outputs=["a"])
    run_virtual(p)
    assert m.CALLS["double"] == 1


def test_lazy_false_from_module_defaults_or_cst_yaml_makes_a_call_eager(tmp_path: Any) -> None:
    from cst_cli.modules.api import module
    from cst_cli.runtime.config import load_config

    @module(defaults=Options(lazy=False))
    async def eager_by_default(x: int) -> int:
        m.CALLS["eager_by_default"] += 1
        return x

    p = pipe(("a", call(m.inc, X)), ("b", call(eager_by_default, X)), outputs=["a"])
    run_virtual(p)
    assert m.CALLS["eager_by_default"] == 1  # the module's default applies: the call gives none
    p = pipe(("a", call(m.inc, X)), ("b", call(eager_by_default, X, options=Options(lazy=True))), outputs=["a"])
    run_virtual(p)
    assert m.CALLS["eager_by_default"] == 1  # the call overrides it
    (tmp_path / "cst.yaml").write_text("modules:\n  double: {lazy: false}\n")
    rt = Runtime(load_config(tmp_path / "cst.yaml"), clock=trio.current_time)
    run_virtual(pipe(("a", call(m.inc, X)), ("b", call(m.double, X)), outputs=["a"]), runtime=rt)
    assert m.CALLS["double"] == 1


def test_and_or_short_circuit() -> None:
    false = TBinOp(span=SPAN, type=BOOLEAN, op="<", kind="compare", left=X, right=lit(0))
    boom_is_pos = TBinOp(span=SPAN, type=BOOLEAN, op=">", kind="compare", left=call(m.boom, X), right=lit(0))
    e = TBinOp(span=SPAN, type=BOOLEAN, op="and", kind="logic", left=false, right=boom_is_pos)
    assert run_virtual(pipe(("a", e))).outputs == {"a": False} and m.CALLS["boom"] == 0


# ---------------------------------------------------------------------------- throttle, concurrency, priority


def _starts() -> list[float]:
    return sorted(t for what, t in m.LOG if what.startswith("stamp"))


def test_throttle_admits_n_per_window() -> None:
    opts = Options(throttle=(2, 1.0))
    p = pipe(*[(f"s{k}", call(m.stamp, lit(k), options=opts)) for k in range(5)])
    assert run_virtual(p).status == "ok"
    assert _starts() == pytest.approx([0, 0, 1, 1, 2])


def test_concurrency_limits_calls_in_flight_per_module() -> None:
    opts = Options(concurrency=2)
    p = pipe(*[(f"s{k}", call(m.stamp, lit(k), options=opts)) for k in range(5)])
    assert run_virtual(p).status == "ok"
    assert _starts() == pytest.approx([0, 0, 1, 1, 2])


def test_priority_orders_calls_under_max_concurrency() -> None:
    prios = [10, 90, 50, 100, 0]
    p = pipe(*[(f"s{k}", call(m.stamp, lit(k), options=Options(priority=pr))) for k, pr in enumerate(prios)])
    assert run_virtual(p, max_concurrency=1).status == "ok"
    order = [int(what.split()[1]) for what, _ in sorted(m.LOG, key=lambda x: x[1])]
    assert order == [3, 1, 2, 0, 4]  # all ready at once: strictly by priority


# ---------------------------------------------------------------------------- breaker, cache, cost


def test_breaker_opens_fails_fast_then_half_opens() -> None:
    p = pipe(("a", call(m.always_down, X)))

    async def main() -> list[RunResult]:
        rt = Runtime(clock=trio.current_time)
        out = [await p.run_async({"x": 1}, runtime=rt)]
        out.append(await p.run_async({"x": 1}, runtime=rt))
        await trio.sleep(11)
        out.append(await p.run_async({"x": 1}, runtime=rt))
        return out

    first, second, third = trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert first.errors[0].attempts == 2  # the circuit opened after 2 failures: no third attempt
    assert node(first, "a").breaker == "open"
    assert second.errors[0].reason == "circuit_open" and second.errors[0].attempts == 0
    assert third.errors[0].attempts == 1  # the half-open trial, failed: open again
    assert m.CALLS["always_down"] == 3


def test_memory_cache_reuses_results_until_the_ttl() -> None:
    p = pipe(("a", call(m.slow, X, options=Options(cache=60.0))))

    async def main() -> list[RunResult]:
        rt = Runtime(clock=trio.current_time)
        out = [await p.run_async({"x": 1}, runtime=rt), await p.run_async({"x": 1}, runtime=rt)]
        out.append(await p.run_async({"x": 2}, runtime=rt))
        await trio.sleep(61)
        out.append(await p.run_async({"x": 1}, runtime=rt))
        return out

    a, b, c, d = trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert [node(r, "a").outcome for r in (a, b, c, d)] == ["ok", "cached", "ok", "ok"]
    assert b.outputs == a.outputs and b.trace.totals.cache_hits == 1
    assert m.CALLS["slow"] == 3


def test_a_shorter_cache_duration_does_not_reuse_an_older_result() -> None:
    long = pipe(("a", call(m.slow, X, options=Options(cache=3600.0))))
    short = pipe(("a", call(m.slow, X, options=Options(cache=10.0))))

    async def main() -> list[RunResult]:
        rt = Runtime(clock=trio.current_time)
        out = [await long.run_async({"x": 1}, runtime=rt)]
        await trio.sleep(60)
        out.append(await short.run_async({"x": 1}, runtime=rt))  # 61 s old: too old for `cache: 10s`
        out.append(await long.run_async({"x": 1}, runtime=rt))
        return out

    rs = trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert [node(r, "a").outcome for r in rs] == ["ok", "ok", "cached"]
    assert m.CALLS["slow"] == 2


def test_disk_cache_persists_across_runtimes(tmp_path: Any) -> None:
    p = pipe(("a", call(m.slow, X, options=Options(cache=60.0, cache_backend="disk"))))
    r1 = run_virtual(p, runtime=Runtime(cache_dir=str(tmp_path)))
    r2 = run_virtual(p, runtime=Runtime(cache_dir=str(tmp_path)))
    assert node(r2, "a").outcome == "cached" and r2.outputs == r1.outputs
    assert m.CALLS["slow"] == 1


def test_cost_per_attempt_and_per_result() -> None:
    r = run_virtual(pipe(("a", call(m.priced, X)), ("b", call(m.priced_fn, lit(300)))))
    assert node(r, "a").cost == pytest.approx(0.25)
    assert node(r, "b").cost == pytest.approx(3.0)
    assert r.trace.totals.cost == pytest.approx(3.25)


def test_record_arguments_arrive_as_structs_and_results_leave_as_records() -> None:
    from cst_cli.types.model import FLOAT, ListT

    item = RecordT(fields=(("name", STRING), ("price", FLOAT)))
    p = pipe(("c", call(m.cheapest, ref("items", ListT(elem=item), "input"))), inputs={"items": ListT(elem=item)})
    r = run_virtual(p, {"items": [{"name": "a", "price": 2}, {"name": "b", "price": 1.5}]})
    assert r.outputs == {"c": {"name": "b", "price": 1.5}}
