"""A run's state and its synchronous part: the inline evaluation loop (`_drain`), inline calls, failures and
waiting. `Run` (in `_tasks`) adds the trio side; trio is imported only inside the functions that wait.
"""

from __future__ import annotations

import functools
import math
import random
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from cst_cli.dag.ir import CallNode, ConstNode, LambdaNode
from cst_cli.runtime import scheduler as S
from cst_cli.runtime._plan import (
    M_CONST,
    M_CONTROL,
    M_INLINE,
    M_LAMBDA,
    M_OP,
    M_TASK,
    Plan,
    Runtime,
    _Call,
    _converters,
)
from cst_cli.runtime.lambdas import make_closure
from cst_cli.runtime.ops import UNSET, step
from cst_cli.runtime.policy import PriorityLimiter
from cst_cli.runtime.trace import Outcome, Reason, RunError
from cst_cli.runtime.values import ValueMismatch, checker, describe
from cst_cli.types.model import render

if TYPE_CHECKING:
    import trio


class NodeFailed(Exception):
    def __init__(self, cause: int) -> None:
        super().__init__(cause)
        self.cause = cause


class _RunLoop:
    """What a run holds and does without an event loop; `Run` adds `execute` and the call tasks."""

    if TYPE_CHECKING:

        async def _call_task(self, i: int) -> None: ...  # the worker `_drain` starts for a task call: in `Run`

    def __init__(
        self,
        plan: Plan,
        runtime: Runtime,
        inputs: Mapping[str, Any],
        unavailable: Mapping[str, Reason],
        *,
        outputs: list[str] | None = None,
        keep_going: bool = False,
        max_concurrency: int | None = None,
        seed: int | None = None,
    ) -> None:
        self.plan = plan
        self.runtime = runtime
        self.keep_going = keep_going
        self.seed = seed
        dag = plan.built.dag
        n = plan.n
        self.values: list[Any] = [UNSET] * n
        self.sched = S.Scheduler(plan.deps, plan.dependents)
        self.outcome: list[Outcome | None] = [None] * n
        self.start: list[float] = [math.nan] * n
        self.end: list[float] = [math.nan] * n
        self.attempts: dict[int, int] = {}
        self.costs: dict[int, float] = {}
        self.recovered: dict[int, str] = {}
        self.breaker_state: dict[int, str] = {}
        self.errors: dict[int, RunError] = {}
        # nodes demanded only to compute a fallback, and failures that reached no other node: the call that
        # needed the fallback decides (its on_error may recover), so they neither end the run nor count as
        # errors of the run by themselves
        self.soft: set[int] = set()
        self.absorbed: set[int] = set()
        self.warnings: list[str] = []
        self.fatal = False
        self.interrupted = False
        self.t0 = 0.0
        self.wall = 0.0
        self._inflight = 0
        self._watch: dict[int, list[trio.Event]] = {}
        self._nursery: trio.Nursery | None = None
        self._done: trio.Event | None = None
        self._rng = random.Random(seed)
        self._now: Callable[[], float] = time.perf_counter  # the run's clock, bound in execute()
        limit = max_concurrency or runtime.config.max_concurrency
        self.max_concurrency = limit
        self._global = PriorityLimiter(limit) if limit else None
        self._threads: trio.CapacityLimiter | None = None  # made in execute()
        # inputs and constants are done before anything is demanded
        sched, values = self.sched, self.values
        for inp in dag.inputs:
            if inp.name in inputs:
                values[inp.node] = inputs[inp.name]
                sched.preset_done(inp.node)
                self.outcome[inp.node] = "ok"
            else:
                sched.preset_failed(inp.node)
                reason = unavailable.get(inp.name, "missing_input")
                self.outcome[inp.node] = "failed"
                self.errors[inp.node] = RunError(
                    node=inp.name,
                    reason=reason,
                    message=f"input '{inp.name}' is {'missing' if reason == 'missing_input' else 'invalid'}",
                )
        wanted = set(outputs) if outputs is not None else None
        self.roots = [o.node for o in dag.outputs if wanted is None or o.name in wanted]
        if outputs is None:
            self.roots.extend(plan.eager)

    # ------------------------------------------------------------------ driving

    def execute_sync(self) -> None:
        """Run a plan without task calls (`plan.needs_loop` false) to completion, with no event loop: every
        node is inline, so nothing ever waits."""
        assert not self.plan.needs_loop
        self._now = time.perf_counter  # trio's default clock is this plus an offset; traces are relative
        self.t0 = self._now()
        wall0 = time.perf_counter()
        if self.seed is not None:
            _seed_stdlib(self.seed)
        try:
            for r in self.roots:
                self._failed_by_demand(self.sched.demand(r))
            self._drain()
        except BaseException:
            self.interrupted = True
            raise
        finally:
            self.wall = time.perf_counter() - wall0

    def _finish_check(self) -> None:
        if (self._inflight == 0 or self.fatal) and self._done is not None:
            self._done.set()

    def _drain(self, claim: bool = False) -> int:
        """Run every ready inline node; start a task for each ready call that needs one. With `claim`, the
        first ready simple call is not started but returned, for the calling worker to run next (-1: none)."""
        if self.fatal:
            return -1
        claimed = -1
        if claim and self._global is not None:
            claim = False  # calls take priority-ordered slots: let each queue from its own task
        simple = self.plan.simple
        sched = self.sched
        ready = sched.ready
        state = sched.state
        values = self.values
        modes = self.plan.modes
        fns = self.plan.fns
        deps = self.plan.deps
        complete = sched.complete
        nodes = self.plan.built.dag.nodes
        while ready:
            i = ready.popleft()
            state[i] = S.RUNNING
            m = modes[i]
            if m == M_OP:
                try:
                    v = fns[i](*[values[d] for d in deps[i]])  # type: ignore[misc]
                except Exception as exc:
                    self._fail_node(i, RunError(node=nodes[i].id, reason="operation", message=str(exc)))
                    if self.fatal:
                        return -1
                    continue
                values[i] = v
                complete(i)
                if i in self._watch:
                    self._notify(i)
            elif m == M_INLINE:
                self._inline_call(i)
                if self.fatal:
                    return -1
            elif m == M_TASK:
                if claim and claimed < 0 and simple[i]:
                    claimed = i
                    continue
                self._inflight += 1
                assert self._nursery is not None
                self._nursery.start_soon(self._call_task, i)
            elif m == M_CONTROL:
                try:
                    done, x = step(nodes[i], values)
                except Exception as exc:
                    self._fail_node(i, RunError(node=nodes[i].id, reason="operation", message=str(exc)))
                    if self.fatal:
                        return -1
                    continue
                if done:
                    values[i] = x
                    self.outcome[i] = "ok"
                    complete(i)
                    if i in self._watch:
                        self._notify(i)
                else:
                    if self.soft and i in self.soft:
                        self._mark_soft(x)
                    self._failed_by_demand(sched.wait_on(i, x))
            elif m == M_CONST:
                node = nodes[i]
                assert isinstance(node, ConstNode)
                values[i] = node.value
                complete(i)
                if i in self._watch:
                    self._notify(i)
            elif m == M_LAMBDA:
                node = nodes[i]
                assert isinstance(node, LambdaNode)
                values[i] = make_closure(node, [values[d] for d in deps[i]], self._invoke_in_lambda)
                complete(i)
        self._finish_check()
        return claimed

    def _inline_call(self, i: int) -> None:
        c = self.plan.calls[i]
        br = c.breaker
        values = self.values
        if br.state != "closed" and not br.allow(self.runtime.clock()):
            self._fail_node(i, self._error(c, "circuit_open", "circuit open: calls fail fast for now", 0))
            return
        args = [values[d] for d in self.plan.deps[i]]
        now = self._now
        self.start[i] = now()
        try:
            v = c.check(c.func(*args), False)
        except ValueMismatch as exc:
            self.end[i] = now()
            self.attempts[i] = 1
            br.failure(self.runtime.clock())
            self._fail_node(i, self._error(c, "bad_result", self._bad_result(c, exc), 1))
            return
        except Exception as exc:
            self.end[i] = now()
            self.attempts[i] = 1
            br.failure(self.runtime.clock())
            self._fail_node(i, self._error(c, "exception", f"{type(exc).__name__}: {exc}", 1))
            return
        self.end[i] = now()
        if br.failures:
            br.success()
        self.attempts[i] = 1
        if c.price or c.cost_fn is not None:
            self.costs[i] = self._cost(c, 1, v)
        values[i] = v
        self.outcome[i] = "ok"
        self.sched.complete(i)
        if i in self._watch:
            self._notify(i)

    # ------------------------------------------------------------------ failures and waiting

    def _fail_node(self, i: int, err: RunError) -> None:
        self.errors[i] = err
        self.outcome[i] = "timed_out" if err.reason == "timeout" else "failed"
        failed = self.sched.fail(i)
        self._mark_skipped(failed[1:], i)
        for j in failed:
            if j in self._watch:
                self._notify(j)
        if self.soft and all(j in self.soft for j in failed):
            self.absorbed.add(i)  # only a fallback needed it: its call decides
            return
        if not self.keep_going and err.reason not in ("missing_input", "cancelled"):
            self.fatal = True
            if self._done is not None:
                self._done.set()

    def _failed_by_demand(self, failed: list[int]) -> None:
        if not failed:
            return
        cause = self.sched.cause.get(failed[0], failed[0])
        self._mark_skipped(failed, cause)
        for j in failed:
            if j in self._watch:
                self._notify(j)
        if cause in self.absorbed and not all(j in self.soft for j in failed):
            self.unabsorb(cause)  # a failure only a fallback had needed is now needed by more

    def unabsorb(self, cause: int) -> None:
        """A failure that only a fallback had needed fails more than that call: it is an error of the run
        (and, without keep_going, ends it)."""
        if cause not in self.absorbed:
            return
        self.absorbed.discard(cause)
        if not self.keep_going:
            self.fatal = True
            if self._done is not None:
                self._done.set()

    def _mark_soft(self, j: int) -> None:
        """Mark `j` and what it would demand (nodes not demanded yet) as needed only by a fallback."""
        state, deps, soft = self.sched.state, self.plan.deps, self.soft
        stack = [j]
        while stack:
            k = stack.pop()
            if state[k] != S.IDLE or k in soft:
                continue
            soft.add(k)
            stack.extend(deps[k])

    def _mark_skipped(self, nodes: list[int], cause: int) -> None:
        for j in nodes:
            if self.outcome[j] is None:
                self.outcome[j] = "skipped"

    def _notify(self, i: int) -> None:
        for ev in self._watch.pop(i, ()):
            ev.set()

    async def _need(self, j: int) -> Any:
        """The value of node `j` (a fallback), demanding it; raises NodeFailed when it failed. What only the
        fallback demands is `soft`: its failure is the calling node's to handle."""
        import trio

        self._mark_soft(j)
        self._failed_by_demand(self.sched.demand(j))
        while True:
            if self.sched.is_done(j):
                return self.values[j]
            if self.sched.is_failed(j):
                raise NodeFailed(self.sched.cause.get(j, j))
            ev = trio.Event()
            self._watch.setdefault(j, []).append(ev)
            self._drain()
            if self.sched.is_done(j) or self.sched.is_failed(j):
                continue
            await ev.wait()

    def _invoke_in_lambda(self, node: CallNode, args: list[Any]) -> Any:
        spec = self.plan.built.specs[node.module_key]
        func = _converters(spec)
        if spec.is_async:
            import trio

            v = trio.from_thread.run(functools.partial(func, *args))
        else:
            v = func(*args)
        try:
            return checker(node.type)(v, False)
        except ValueMismatch as exc:
            raise ValueError(f"returned {describe(v)}, expected {render(node.type)}{_at(exc)}") from None

    # ------------------------------------------------------------------ helpers

    def _error(self, c: _Call, reason: Reason, message: str, attempts: int) -> RunError:
        return RunError(
            node=c.node.id,
            reason=reason,
            message=message,
            module=c.node.module,
            version=c.spec.version_text,
            attempts=attempts,
        )

    def _bad_result(self, c: _Call, exc: ValueMismatch) -> str:
        return f"{c.spec.name} returned {describe(exc.got)}, expected {render(c.node.type)}{_at(exc)}"

    def _cost(self, c: _Call, attempts: int, v: Any) -> float:
        cost = c.price * attempts
        if c.spec.cost.per_call_fn is not None:
            cost += self._per_call_fn(c, v)
        return cost

    def _per_call_fn(self, c: _Call, v: Any) -> float:
        fn = c.spec.cost.per_call_fn
        try:
            return float(fn(v)) if fn is not None else 0.0
        except Exception as exc:
            self.warnings.append(f"{c.node.module}: its cost function failed: {type(exc).__name__}: {exc}")
            return 0.0


def _at(exc: ValueMismatch) -> str:
    return f" (at {exc.path}: expected {exc.expected})" if exc.path else ""


def _seed_stdlib(seed: int) -> None:
    try:
        from stdlib_modules import _random
    except ImportError:  # pragma: no cover - the built-in library is not installed
        return
    _random.seed(seed)
