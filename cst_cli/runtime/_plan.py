"""Runtime and Plan: the state that outlives a run (breakers, throttles, limiters, caches, plans) and the
per-node dispatch computed once per pipeline (modes, functions, checkers, effective options).
"""

from __future__ import annotations

import time
import typing
from collections import OrderedDict
from collections.abc import Callable
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
from cst_cli.runtime.cache import DEFAULT_CACHE_DIR, DiskCache, MemoryCache
from cst_cli.runtime.config import Config
from cst_cli.runtime.ops import op_function
from cst_cli.runtime.policy import DEFAULT_PRIORITY, ThrottleWindow, effective_options, needs_task
from cst_cli.runtime.values import Checker, checker
from cst_cli.types.model import Type

if TYPE_CHECKING:
    import trio

M_INPUT, M_CONST, M_OP, M_CONTROL, M_LAMBDA, M_INLINE, M_TASK = range(7)
X_INLINE, X_ASYNC, X_THREAD = range(3)  # how a task call invokes its module


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
        # calls that run even when no output needs them: `lazy: false` from the call or the module's defaults
        # (the DAG knows those), or from cst.yaml's defaults for the module
        self.eager: tuple[int, ...] = built.dag.eager + tuple(
            i for i in built.open_lazy if self.calls[i].opts.lazy is False
        )
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
