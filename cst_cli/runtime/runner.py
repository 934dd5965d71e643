"""The trio runner: one nursery per run, inline nodes in a tight loop, a task only per call that needs one.

Ready inline nodes (operations, conditionals, inline modules without task options) run directly in
`_drain`, which completing tasks call too, so a chain of pure nodes never touches the event loop. Async
modules run in worker tasks (one per chain of calls, see `_call_task`); blocking sync modules in worker
threads under a limiter sized for the graph. A plan with no task calls at all runs without an event loop
(`execute_sync`), and this module imports trio only when a run needs it (about 40 ms of `cst run`). The
`Runtime` holds what outlives one run: breakers, throttle windows, per-module limiters and caches.
"""

from __future__ import annotations

import functools
import math
import random
import time
import typing
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from cst_cli.dag.build import BuiltDag
from cst_cli.dag.ir import (
    AnyNode,
    CallNode,
    ConstNode,
    InputNode,
    LambdaNode,
    OpNode,
    iter_calls,
)
from cst_cli.modules.api import ModuleSpec, Options
from cst_cli.runtime import scheduler as S
from cst_cli.runtime.breaker import Breaker
from cst_cli.runtime.cache import DEFAULT_CACHE_DIR, DiskCache, MemoryCache, cache_key
from cst_cli.runtime.config import Config
from cst_cli.runtime.lambdas import make_closure
from cst_cli.runtime.ops import UNSET, op_function, step
from cst_cli.runtime.policy import (
    DEFAULT_PRIORITY,
    PriorityLimiter,
    ThrottleWindow,
    backoff_delay,
    effective_options,
    needs_task,
    throttle,
)
from cst_cli.runtime.trace import Outcome, Reason, RunError
from cst_cli.runtime.values import Checker, ValueMismatch, checker, describe
from cst_cli.types.model import OptionalT, Prim, RecordT, Type, render, zero_value

if TYPE_CHECKING:
    import trio

M_INPUT, M_CONST, M_OP, M_CONTROL, M_LAMBDA, M_INLINE, M_TASK = range(7)
X_INLINE, X_ASYNC, X_THREAD = range(3)  # how a task call invokes its module

MAX_THREADS = 64


PLAN_CACHE_SIZE = 256  # plans kept per Runtime (least recently run dropped first)


class Runtime:
    """State shared by runs (the server and bench reuse one): breakers, throttles, limiters, caches.

    Args:
        config: cst.yaml settings (module defaults, breaker, cache directory, prices).
        clock: seconds, monotonic; breakers, throttles and the memory cache use it. Pass
            `trio.current_time` to run them on trio's (virtual) clock in tests.
        cache_dir: where `cache_backend: "disk"` keeps entries (default: cst.yaml's, else `.cst-cache`).
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        cache_dir: str | None = None,
    ) -> None:
        self.config = config or Config()
        self.clock = clock
        self.breakers: dict[str, Breaker] = {}
        self.throttles: dict[str, ThrottleWindow] = {}
        self.limiters: dict[str, trio.CapacityLimiter] = {}
        self.memory_cache = MemoryCache(clock)
        self.cache_dir = cache_dir or self.config.cache_dir or DEFAULT_CACHE_DIR
        self._disk: DiskCache | None = None
        self.threads_in_flight = 0
        # recently run DAGs -> their plans; bounded so a server compiling new sources forever stays flat
        self._plans: OrderedDict[int, tuple[BuiltDag, Plan]] = OrderedDict()

    @property
    def disk_cache(self) -> DiskCache:
        if self._disk is None:
            self._disk = DiskCache(self.cache_dir)
        return self._disk

    def breaker(self, module: str, opts: Options) -> Breaker:
        found = self.breakers.get(module)
        if found is None:
            found = Breaker(
                opts.breaker_threshold or self.config.breaker_threshold,
                opts.breaker_cooldown if opts.breaker_cooldown is not None else self.config.breaker_cooldown,
            )
            self.breakers[module] = found
        return found

    def plan(self, built: BuiltDag) -> Plan:
        found = self._plans.get(id(built))
        if found is not None and found[0] is built:
            self._plans.move_to_end(id(built))
            return found[1]
        plan = Plan(built, self)
        self._plans[id(built)] = (built, plan)
        if len(self._plans) > PLAN_CACHE_SIZE:
            self._plans.popitem(last=False)
        return plan


class _Call(msgspec.Struct, kw_only=True, gc=False):
    """What the runner needs about one call node, computed once per plan. Nothing it holds refers back to
    it, so the cycle collector need not track it (`gc=False`)."""

    node: CallNode
    spec: ModuleSpec
    opts: Options
    func: Callable[..., Any]
    check: Checker
    how: int
    breaker: Breaker
    price: float
    priority: int
    simple: bool = False  # only retry/timeout/breaker apply
    timeout: float | None = None
    retries: int = 0
    cost_fn: Callable[[Any], Any] | None = None
    needs_task: bool = False  # an inline module whose options still need a task


_CONVERTED: dict[int, tuple[Callable[..., Any], Callable[..., Any]]] = {}


def _converters(spec: ModuleSpec) -> Callable[..., Any]:
    """The module function, converting record arguments to the Struct/dataclass its hints ask for (memoised
    per function: reading type hints is slow)."""
    found = _CONVERTED.get(id(spec.func))
    if found is not None and found[0] is spec.func:
        return found[1]
    made = _make_converters(spec)
    _CONVERTED[id(spec.func)] = (spec.func, made)
    return made


def _make_converters(spec: ModuleSpec) -> Callable[..., Any]:
    func = spec.func
    try:
        hints = typing.get_type_hints(func)
    except Exception:
        return func
    names = [p.name for p in spec.params]
    convs: list[Any] = []
    for n in names:
        h = hints.get(n)
        convs.append(h if h is not None and _has_class(h) else None)
    if not any(c is not None for c in convs):
        return func

    def call(*args: Any) -> Any:
        return func(*[a if c is None else msgspec.convert(a, c) for a, c in zip(args, convs, strict=False)])

    return call


def _has_class(hint: Any) -> bool:
    if isinstance(hint, type):
        return hint not in (str, int, float, bool, list, dict, tuple, type(None))
    return any(_has_class(a) for a in typing.get_args(hint) if not isinstance(a, list)) or any(
        _has_class(x) for a in typing.get_args(hint) if isinstance(a, list) for x in a
    )


class Plan:
    """Per-node dispatch for one pipeline under one Runtime: modes, functions, checkers, effective options."""

    def __init__(self, built: BuiltDag, runtime: Runtime) -> None:
        nodes = built.dag.nodes
        self.built = built
        self.n = len(nodes)
        self.deps: list[tuple[int, ...]] = [n.deps for n in nodes]
        self.dependents = S.dependents_of(self.deps)  # shared, read-only, by the schedulers of every run
        self.modes = bytearray(self.n)
        self.fns: list[Callable[..., Any] | None] = [None] * self.n
        self.calls: dict[int, _Call] = {}
        self.simple = bytearray(self.n)  # 1: a task call a worker may take over after finishing another call
        self.thread_calls = 0
        self._shared: dict[tuple[str, tuple[int, int], Options, Type], _Call] = {}
        cfg = runtime.config
        for i, n in enumerate(nodes):
            match n:
                case InputNode():
                    self.modes[i] = M_INPUT
                case ConstNode():
                    self.modes[i] = M_CONST
                case OpNode():
                    self.modes[i] = M_OP
                    self.fns[i] = op_function(n)
                case LambdaNode():
                    self.modes[i] = M_LAMBDA
                case CallNode():
                    c = self.call_info(n, runtime, cfg, nodes)
                    self.calls[i] = c
                    inline = c.how == X_INLINE and not c.needs_task and n.fallback is None
                    self.modes[i] = M_INLINE if inline else M_TASK
                    self.fns[i] = c.func
                    self.simple[i] = not inline and c.simple
                    if c.how == X_THREAD:
                        self.thread_calls += 1
                case _:
                    self.modes[i] = M_CONTROL
        self.lambda_specs = built.specs
        self.needs_loop = M_TASK in self.modes  # else every node runs inline: no event loop needed

    def call_info(self, n: CallNode, runtime: Runtime, cfg: Config, nodes: tuple[AnyNode, ...]) -> _Call:
        # calls of one module version with the same options and type share all but their node (a
        # 4,000-call program has a handful of distinct ones)
        key = (n.module, n.version, n.options, n.type)
        base = self._shared.get(key)
        if base is None:
            base = self._shared[key] = self._call_template(n, runtime, cfg)
        c = msgspec.structs.replace(base, node=n)
        if n.fallback is not None:
            c.simple = False
        if c.how == X_INLINE:
            # a lambda argument calling a blocking or async module: the higher-order call goes to a thread
            for d in n.deps:
                arg = nodes[d]
                if isinstance(arg, LambdaNode) and any(
                    not self.built.specs[k.module_key].inline or self.built.specs[k.module_key].is_async
                    for k in iter_calls(arg.body)
                ):
                    c.how = X_THREAD
        return c

    def _call_template(self, n: CallNode, runtime: Runtime, cfg: Config) -> _Call:
        spec = self.built_spec(n)
        opts = effective_options(spec.defaults, cfg.modules.get(n.module), n.options)
        simple = (
            opts.cache is None
            and opts.concurrency is None
            and opts.throttle is None
            and opts.on_error in (None, "propagate")
        )
        return _Call(
            simple=simple,
            node=n,
            spec=spec,
            opts=opts,
            func=_converters(spec),
            check=checker(n.type),
            how=X_ASYNC if spec.is_async else X_INLINE if spec.inline else X_THREAD,
            breaker=runtime.breaker(n.module, opts),
            price=cfg.prices.get(n.module, spec.cost.per_call),
            priority=opts.priority if opts.priority is not None else DEFAULT_PRIORITY,
            timeout=opts.timeout,
            retries=opts.retry or 0,
            cost_fn=spec.cost.per_call_fn,
            needs_task=needs_task(opts),
        )

    def built_spec(self, n: CallNode) -> ModuleSpec:
        return self.built.specs[n.module_key]


class NodeFailed(Exception):
    def __init__(self, cause: int) -> None:
        super().__init__(cause)
        self.cause = cause


def wrap_value(t: Type, message: str) -> Any:
    """`on_error: wrap`: the error as a value of the call's type (see cst-run(1)): a String is the message
    (`error: ...`), a record gets its `error`/`message` String field set, an Optional is none, anything
    else its zero value."""
    match t:
        case Prim(name="String"):
            return f"error: {message}"
        case OptionalT():
            return None
        case RecordT(fields=fs):
            out = zero_value(t)
            assert isinstance(out, dict)
            for name, ft in fs:
                if name in ("error", "message") and ft in (Prim(name="String"), OptionalT(inner=Prim(name="String"))):
                    out[name] = message
                    break
            return out
    return zero_value(t)


class Run:
    """One run of a plan. Create, then `await execute()`; read `values`, the records and `errors` after."""

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
            self.roots.extend(dag.eager)

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

    async def execute(self) -> None:
        import trio

        self._now = trio.lowlevel.current_clock().current_time  # what trio.current_time() calls, minus two hops
        limit = self.max_concurrency
        self._threads = trio.CapacityLimiter(
            max(1, min(MAX_THREADS, limit or MAX_THREADS, self.plan.thread_calls or 1))
        )
        self.t0 = self._now()
        wall0 = time.perf_counter()
        if self.seed is not None:
            _seed_stdlib(self.seed)
        self._done = trio.Event()
        try:
            async with trio.open_nursery() as nursery:
                self._nursery = nursery
                for r in self.roots:
                    self._failed_by_demand(self.sched.demand(r))
                self._drain()
                if self._inflight and not self.fatal:
                    await self._done.wait()
                nursery.cancel_scope.cancel()
        except BaseExceptionGroup as group:
            self.interrupted = True
            if group.subgroup(KeyboardInterrupt) is not None:  # Ctrl-C: say so plainly, not as a group
                raise KeyboardInterrupt from None
            raise
        except BaseException:
            self.interrupted = True
            raise
        finally:
            self.wall = time.perf_counter() - wall0
            self._nursery = None

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

    def _mark_skipped(self, nodes: list[int], cause: int) -> None:
        for j in nodes:
            if self.outcome[j] is None:
                self.outcome[j] = "skipped"

    def _notify(self, i: int) -> None:
        for ev in self._watch.pop(i, ()):
            ev.set()

    async def _need(self, j: int) -> Any:
        """The value of node `j`, demanding it; raises NodeFailed when it failed."""
        import trio

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

    # ------------------------------------------------------------------ calls with options

    async def _call_task(self, i: int) -> None:
        """A worker: runs call `i`, then the first simple call that finishing it made ready, and so on, so a
        chain of calls costs one task rather than a task per node.

        Timed attempts in one worker share a cancel scope whose deadline moves from attempt to attempt
        (entering and leaving a scope per attempt costs ~5 us). That is safe because trio expires deadlines
        only between scheduling batches, and the worker never yields with the scope open outside an attempt:
        it closes the scope before any other wait (backoff, slots, a fallback, the periodic checkpoint). So a
        deadline can only fire during the attempt it was set for.
        """
        import trio

        calls = self.plan.calls
        fast = self._global is None
        scope: trio.CancelScope | None = None
        ran = 0
        try:
            while True:
                c = calls[i]
                if c.simple and fast:  # no cache, slots, fallback, on_error: just the attempts
                    sc, scope = scope, None  # _simple_call owns it now, and closes it if it raises
                    scope = await self._simple_call(c, i, sc)
                else:
                    _close(scope)
                    scope = None
                    await self._run_call(i)
                i = self._drain(True)
                if i < 0:
                    break
                ran += 1
                if not ran & 63:  # a checkpoint now and then, in case the modules never yield
                    _close(scope)
                    scope = None
                    await trio.lowlevel.checkpoint()
        except BaseException:
            _close(scope)
            self._inflight -= 1
            if not self.fatal:
                self._drain()
            self._finish_check()
            raise
        _close(scope)
        self._inflight -= 1
        self._finish_check()

    async def _simple_call(self, c: _Call, i: int, scope: trio.CancelScope | None) -> trio.CancelScope | None:
        """The attempts of a simple call (retry, timeout, breaker), recorded as `_attempts` and
        `_call_task` would. Timed attempts run under the worker's `scope` (opened here when None); returns
        it, or None once closed: after a timeout, an exception, or when its deadline may have fired (a
        result can arrive in the batch its deadline expires: cancellation only lands at a checkpoint)."""
        import trio

        try:
            br = c.breaker
            timeout = c.timeout
            args = [self.values[d] for d in self.plan.deps[i]]
            t = self._now()
            self.start[i] = t
            made = 0
            cost = 0.0
            while True:
                if br.state != "closed" and not br.allow(self.runtime.clock()):
                    err = self._error(c, "circuit_open", "circuit open: calls fail fast for now", made)
                    break
                made += 1
                cost += c.price
                try:
                    if timeout is None:
                        v = await (c.func(*args) if c.how == X_ASYNC else self._invoke(c, args))
                    else:
                        deadline = t + timeout
                        if scope is None:
                            scope = trio.CancelScope(deadline=deadline)
                            scope.__enter__()
                        else:
                            scope.deadline = deadline
                        try:
                            v = await (c.func(*args) if c.how == X_ASYNC else self._invoke(c, args))
                        except BaseException as exc:
                            sc, scope = scope, None  # what `with scope:` does on the way out
                            if sc.__exit__(type(exc), exc, exc.__traceback__):  # True: our deadline fired
                                raise trio.TooSlowError from None
                            raise
                    v = c.check(v, False)
                except trio.TooSlowError:
                    br.failure(self.runtime.clock())
                    err = self._error(c, "timeout", f"timed out after {_secs(timeout or 0)}", made)
                except ValueMismatch as exc:
                    br.failure(self.runtime.clock())
                    err = self._error(c, "bad_result", self._bad_result(c, exc), made)
                except Exception as exc:
                    br.failure(self.runtime.clock())
                    err = self._error(c, "exception", f"{type(exc).__name__}: {exc}", made)
                except BaseException:
                    br.abandon()
                    self.attempts[i] = made
                    raise
                else:
                    if br.state != "closed" or br.failures:
                        br.success()
                    self.attempts[i] = made
                    self.breaker_state[i] = br.state
                    if c.cost_fn is not None:
                        cost += self._per_call_fn(c, v)
                    if cost:
                        self.costs[i] = cost
                    t = self._now()
                    if timeout is not None and t >= deadline:
                        _close(scope)  # its deadline may have fired with the result already in
                        scope = None
                    self.end[i] = t
                    self.values[i] = v
                    self.outcome[i] = "ok"
                    self.sched.complete(i)
                    if i in self._watch:
                        self._notify(i)
                    return scope
                if made > c.retries or br.state == "open":
                    break
                _close(scope)
                scope = None
                await trio.sleep(backoff_delay(c.opts.delay or 0.0, made, c.opts.backoff, self._rng))
                t = self._now()
            self.attempts[i] = made
            self.breaker_state[i] = br.state
            if cost:
                self.costs[i] = cost
            self.end[i] = self._now()
            self._fail_node(i, err)
            return scope
        except BaseException:
            _close(scope)
            raise

    async def _run_call(self, i: int) -> None:
        c = self.plan.calls[i]
        opts = c.opts
        args = [self.values[d] for d in self.plan.deps[i]]
        self.start[i] = self._now()
        key: str | None = None
        disk = opts.cache_backend == "disk"
        if opts.cache is not None:
            key = cache_key(c.node.module, c.node.version, args)
            if key is not None:
                hit, v = self.runtime.disk_cache.get(key, c.node.type) if disk else self.runtime.memory_cache.get(key)
                if hit:
                    self._succeed(i, v, "cached")
                    return
        v, err = await self._guarded(c, i, args)
        if err is None:
            if key is not None and opts.cache is not None:
                if disk:
                    self.runtime.disk_cache.put(key, c.node.module, v, c.node.type, opts.cache)
                else:
                    self.runtime.memory_cache.put(key, v, opts.cache)
            self._succeed(i, v, "ok")
            return
        if c.node.fallback is not None:
            try:
                fv = await self._need(c.node.fallback)
            except NodeFailed as nf:
                cause = self.errors.get(nf.cause)
                err = msgspec.structs.replace(
                    err, message=f"{err.message}; its fallback failed: {cause.message if cause else 'failed'}"
                )
            else:
                self.errors[i] = err
                self.recovered[i] = "fallback"
                self._succeed(i, fv, "fallback")
                return
        if opts.on_error in ("skip", "log", "wrap"):
            self.errors[i] = err
            self.recovered[i] = opts.on_error
            if opts.on_error == "log":
                self.warnings.append(f"{c.node.module} ({c.node.id}) failed, using its zero value: {err.message}")
            value = wrap_value(c.node.type, err.message) if opts.on_error == "wrap" else zero_value(c.node.type)
            self._succeed(i, value, "fallback")
            return
        self.end[i] = self._now()
        self._fail_node(i, err)

    def _succeed(self, i: int, v: Any, outcome: Outcome) -> None:
        self.end[i] = self._now()
        self.values[i] = v
        self.outcome[i] = outcome
        self.sched.complete(i)
        if i in self._watch:
            self._notify(i)

    async def _guarded(self, c: _Call, i: int, args: list[Any]) -> tuple[Any, RunError | None]:
        """Priority slot, module concurrency and throttle around the attempts."""
        opts = c.opts
        if self._global is None and opts.concurrency is None and opts.throttle is None:
            return await self._attempts(c, i, args)  # the common case: no slots to take
        if self._global is not None:
            await self._global.acquire(c.priority)
        try:
            if opts.concurrency is not None:
                import trio

                lim = self.runtime.limiters.get(c.node.module)
                if lim is None or lim.total_tokens != opts.concurrency:
                    lim = self.runtime.limiters.setdefault(c.node.module, trio.CapacityLimiter(opts.concurrency))
                async with lim:
                    return await self._throttled(c, i, args)
            return await self._throttled(c, i, args)
        finally:
            if self._global is not None:
                self._global.release()

    async def _throttled(self, c: _Call, i: int, args: list[Any]) -> tuple[Any, RunError | None]:
        if c.opts.throttle is not None:
            calls, per = c.opts.throttle
            window = self.runtime.throttles.get(c.node.module)
            if window is None:
                window = self.runtime.throttles[c.node.module] = ThrottleWindow(calls, per)
            await throttle(window, self.runtime.clock)
        return await self._attempts(c, i, args)

    async def _attempts(self, c: _Call, i: int, args: list[Any]) -> tuple[Any, RunError | None]:
        """Retry with backoff around a timeout per attempt; the breaker sees every attempt."""
        import trio

        opts = c.opts
        retries = opts.retry or 0
        br = c.breaker
        clock = self.runtime.clock
        made = 0
        err: RunError
        cost = 0.0
        while True:
            if not br.allow(clock()):
                err = self._error(c, "circuit_open", "circuit open: calls fail fast for now", made)
                break
            made += 1
            try:
                cost += c.price
                if opts.timeout is not None:
                    # a bare CancelScope: `fail_after` is the same plus a generator, measurably slower per call
                    with trio.CancelScope(deadline=self._now() + opts.timeout) as scope:
                        v = await c.func(*args) if c.how == X_ASYNC else await self._invoke(c, args)
                    if scope.cancelled_caught:
                        raise trio.TooSlowError
                else:
                    v = await c.func(*args) if c.how == X_ASYNC else await self._invoke(c, args)
                v = c.check(v, False)
            except trio.TooSlowError:
                br.failure(clock())
                err = self._error(c, "timeout", f"timed out after {_secs(opts.timeout or 0)}", made)
            except ValueMismatch as exc:
                br.failure(clock())
                err = self._error(c, "bad_result", self._bad_result(c, exc), made)
            except Exception as exc:
                br.failure(clock())
                err = self._error(c, "exception", f"{type(exc).__name__}: {exc}", made)
            except BaseException:
                br.abandon()
                self.attempts[i] = made
                raise
            else:
                br.success()
                self.attempts[i] = made
                self.breaker_state[i] = br.state
                if c.spec.cost.per_call_fn is not None:
                    cost += self._per_call_fn(c, v)
                if cost:
                    self.costs[i] = cost
                return v, None
            if made > retries or br.state == "open":
                break
            await trio.sleep(backoff_delay(opts.delay or 0.0, made, opts.backoff, self._rng))
        self.attempts[i] = made
        self.breaker_state[i] = br.state
        if cost:
            self.costs[i] = cost
        return None, err

    async def _invoke(self, c: _Call, args: list[Any]) -> Any:
        if c.how == X_ASYNC:
            return await c.func(*args)
        import trio

        if c.how == X_THREAD:
            return await trio.to_thread.run_sync(
                functools.partial(self._in_thread, c.func, args), limiter=self._threads, abandon_on_cancel=True
            )
        await trio.lowlevel.checkpoint()
        return c.func(*args)

    def _in_thread(self, func: Callable[..., Any], args: list[Any]) -> Any:
        self.runtime.threads_in_flight += 1
        try:
            return func(*args)
        finally:
            self.runtime.threads_in_flight -= 1

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


def _close(scope: trio.CancelScope | None) -> None:
    """Leave a cancel scope entered by hand (`scope.__enter__()`), if any."""
    if scope is not None:
        scope.__exit__(None, None, None)


def _at(exc: ValueMismatch) -> str:
    return f" (at {exc.path}: expected {exc.expected})" if exc.path else ""


def _secs(s: float) -> str:
    return f"{s * 1000:g}ms" if s < 1 else f"{s:g}s"


def _seed_stdlib(seed: int) -> None:
    try:
        from stdlib_modules import _random
    except ImportError:  # pragma: no cover - the built-in library is not installed
        return
    _random.seed(seed)
