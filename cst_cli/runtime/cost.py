"""What a pipeline costs in USD: a static estimate from its DAG (expected and worst case per run), or the
measured cost of runs (their traces); prices from the modules (`Cost`), overridden by cst.yaml `prices:` and
by a prices file.

Library logic only: no printing. Imports dag, modules, runtime (config, policy, trace); never render or cli.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import msgspec
import trio

from cst_cli.dag.build import BuiltDag
from cst_cli.dag.ir import AnyNode, BranchNode, CallNode, Dag, LambdaNode, MatchNode, module_key
from cst_cli.dag.reach import Reach, reach_of
from cst_cli.runtime.bench import Runnable
from cst_cli.runtime.config import Config
from cst_cli.runtime.critical import RAN
from cst_cli.runtime.policy import effective_options
from cst_cli.runtime.runner import Runtime
from cst_cli.runtime.trace import Trace

MILLION = 1_000_000


class PriceError(Exception):
    """A prices file is unreadable or malformed; the message names the file and the key."""


class StaticModuleCost(msgspec.Struct, frozen=True, kw_only=True):
    """One module version in a static estimate.

    `always_calls`: call sites every run makes; `conditional_calls`: call sites only a branch arm, `??`,
    `when`, `and`/`or` or a `fallback:` reaches. `expected_calls` weighs conditional ones by how often their
    arm is taken when arms are taken evenly (an `if` arm 1/2, one of k `branch`/`match` arms 1/k), a
    `fallback:` by 0 (calls are expected to succeed); `worst_calls` counts every site and `worst_attempts`
    every retry of each. A module called inside a lambda (`per_element`) is counted once per run: multiply
    by the list's length.
    """

    module: str
    version: str
    price_usd: float  # per attempt
    price_from: Literal["module", "config"]
    unit: str
    result_priced: bool  # Cost.per_call_fn: part of the price depends on the result (not estimated)
    per_element: bool
    cached: bool  # some call has `cache:`: repeated inputs cost less than this
    nodes: list[str]
    always_calls: int
    conditional_calls: int
    expected_calls: float
    worst_calls: int
    worst_attempts: int
    expected_usd: float
    worst_usd: float


class StaticEstimate(msgspec.Struct, frozen=True, kw_only=True):
    pipeline: str
    hash: str
    per_run_usd: float  # expected: one attempt per expected call
    worst_per_run_usd: float  # every call site, conditional ones included, with every retry
    per_million_runs_usd: float
    worst_per_million_runs_usd: float
    modules: list[StaticModuleCost]
    notes: list[str]


class MeasuredModuleCost(msgspec.Struct, frozen=True, kw_only=True):
    module: str
    version: str
    price_usd: float
    calls: int  # calls that ran (cached ones included)
    attempts: int
    retries: int
    cache_hits: int
    failed: int
    cost_usd: float  # over all runs
    per_run_usd: float


class MeasuredCost(msgspec.Struct, frozen=True, kw_only=True):
    pipeline: str
    hash: str
    runs: int
    failed_runs: int
    total_usd: float
    per_run_usd: float
    per_million_runs_usd: float
    calls: int
    attempts: int
    cache_hits: int
    modules: list[MeasuredModuleCost]
    notes: list[str]


def load_prices(path: str | Path) -> dict[str, float]:
    """A prices file: YAML with a `prices:` mapping (the shape of cst.yaml's section; other cst.yaml keys are
    ignored, so a cst.yaml works too), or a bare mapping of module name -> USD per call.

    Raises:
        PriceError: unreadable, not YAML, not a mapping, or a price that is not a number >= 0.
    """
    import yaml

    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PriceError(f"{file}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "invalid syntax"
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise PriceError(f"{file}: not valid YAML: {problem}{where}") from None
    prefix = ""
    if isinstance(data, dict) and "prices" in data:
        data, prefix = data["prices"], "prices."
        if data is None:
            return {}
    if not isinstance(data, dict):
        raise PriceError(f"{file}: expected a mapping of module name -> USD per call (or a prices: section)")
    out: dict[str, float] = {}
    for name, price in data.items():
        if not isinstance(price, int | float) or isinstance(price, bool) or price < 0:
            shown = msgspec.json.encode(price).decode() if isinstance(price, str | int | float | bool) else "a mapping"
            raise PriceError(f"{file}: {prefix}{name}: expected a price in USD (a number >= 0), got {shown}")
        out[str(name)] = float(price)
    return out


def with_prices(config: Config, prices: Mapping[str, float]) -> Config:
    """`config` with `prices` layered over its own `prices:` (the prices file wins)."""
    return msgspec.structs.replace(config, prices={**config.prices, **prices})


def _lazy_weight(node: AnyNode, dep: int) -> float:
    """How often a node demands its lazy dependency `dep`, with arms taken evenly and calls succeeding."""
    match node:
        case CallNode():
            return 0.0  # the fallback: only when every attempt failed
        case BranchNode(values=values, otherwise=o):
            return 1.0 / (len(values) + 1) if dep in values or dep == o else 0.5
        case MatchNode(arms=arms):
            return 1.0 / len(arms) if arms else 0.0
    return 0.5  # an if arm, the right side of ??/and/or, the value of `when`


def run_probability(dag: Dag) -> list[float]:
    """Per node, how likely a run computes it under `_lazy_weight`'s assumptions (1 for what outputs need
    through strict dependencies, 0 for what no output needs)."""
    p = [0.0] * len(dag.nodes)
    for r in [o.node for o in dag.outputs] + list(dag.eager):
        p[r] = 1.0
    for i in range(len(dag.nodes) - 1, -1, -1):  # users come after their dependencies
        if p[i] == 0.0:
            continue
        node = dag.nodes[i]
        for d in node.deps:
            p[d] = max(p[d], p[i])
        for d in node.lazy:
            p[d] = max(p[d], p[i] * _lazy_weight(node, d))
    return p


def _calls(built: BuiltDag) -> list[tuple[CallNode, Reach, float, bool]]:
    """Every call with how surely a run makes it; calls in a lambda body take their higher-order call's reach
    and are marked per element."""
    reach = reach_of(built.dag)
    prob = run_probability(built.dag)
    out: list[tuple[CallNode, Reach, float, bool]] = []
    for i, node in enumerate(built.dag.nodes):
        if isinstance(node, CallNode):
            out.append((node, reach[i], prob[i], False))
        elif isinstance(node, LambdaNode):
            stack = list(node.body)
            while stack:
                n = stack.pop()
                if isinstance(n, CallNode):
                    out.append((n, reach[i], prob[i], True))
                elif isinstance(n, LambdaNode):
                    stack.extend(n.body)
    return out


def estimate(built: BuiltDag, config: Config | None = None) -> StaticEstimate:
    """The static estimate: per module, calls per run, expected and worst-case USD.

    Expected: every call weighted by how likely a run makes it (see `StaticModuleCost`), one attempt each (a
    cache can only lower it). Worst case: every call site, conditional ones too, each with every retry.
    """
    cfg = config or Config()
    rows: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for node, how, prob, per_element in _calls(built):
        key = node.module_key
        spec = built.specs[key]
        opts = effective_options(spec.defaults, cfg.modules.get(node.module), node.options)
        tries = 1 + (opts.retry or 0)
        configured = node.module in cfg.prices
        price = cfg.prices[node.module] if configured else spec.cost.per_call
        row = rows.setdefault(
            key,
            {
                "module": node.module,
                "version": f"{node.version[0]}.{node.version[1]}",
                "price_usd": price,
                "price_from": "config" if configured else "module",
                "unit": spec.cost.unit,
                "result_priced": spec.cost.per_call_fn is not None,
                "per_element": False,
                "cached": False,
                "nodes": [],
                "always_calls": 0,
                "conditional_calls": 0,
                "expected_calls": 0.0,
                "worst_calls": 0,
                "worst_attempts": 0,
            },
        )
        row["nodes"].append(node.id)
        row["per_element"] = row["per_element"] or per_element
        row["cached"] = row["cached"] or opts.cache is not None
        if how == "unused":
            continue
        row["always_calls" if how == "always" else "conditional_calls"] += 1
        row["expected_calls"] += prob
        row["worst_calls"] += 1
        row["worst_attempts"] += tries
    modules = [
        StaticModuleCost(
            **{**r, "expected_calls": round(r["expected_calls"], 6)},
            expected_usd=round(r["price_usd"] * r["expected_calls"], 12),
            worst_usd=round(r["price_usd"] * r["worst_attempts"], 12),
        )
        for r in rows.values()
    ]
    modules.sort(key=lambda m: (-m.expected_usd, -m.worst_usd, m.module))
    if any(m.conditional_calls for m in modules):
        notes.append(
            "conditional calls count in the expected figure as if arms were taken evenly (fallbacks: never), "
            "in the worst case always, with every retry"
        )
    if any(m.result_priced for m in modules):
        names = ", ".join(m.module for m in modules if m.result_priced)
        notes.append(f"{names}: priced by result (Cost.per_call_fn); only the fixed part is estimated")
    if any(m.per_element for m in modules):
        names = ", ".join(m.module for m in modules if m.per_element)
        notes.append(f"{names}: called once per list element inside a lambda; counted once per run")
    if any(m.cached for m in modules):
        notes.append("cached calls cost less when inputs repeat: the figures assume no cache hits")
    expected = sum(m.expected_usd for m in modules)
    worst = sum(m.worst_usd for m in modules)
    return StaticEstimate(
        pipeline=built.file,
        hash=built.hash,
        per_run_usd=round(expected, 12),
        worst_per_run_usd=round(worst, 12),
        per_million_runs_usd=round(expected * MILLION, 6),
        worst_per_million_runs_usd=round(worst * MILLION, 6),
        modules=modules,
        notes=notes,
    )


def measure(
    built: BuiltDag, traces: Sequence[Trace], prices: Mapping[str, float] | None = None, *, reapply: bool = False
) -> MeasuredCost:
    """The measured cost of runs from their traces.

    Args:
        built: the pipeline the traces are of.
        traces: one per run.
        prices: module -> USD per attempt where it is not the module's own price (shown in the report).
        reapply: re-price the traces' attempts with `prices` (a prices file given with a trace recorded under
            other prices): such a module's recorded cost, result-priced part included, becomes attempts x price.
    """
    over = dict(prices or {})
    rows: dict[str, dict[str, Any]] = {}
    failed_runs = 0
    notes: list[str] = []
    for trace in traces:
        failed_runs += trace.status != "ok"
        for n in trace.nodes:
            if n.kind != "call" or n.module is None or n.outcome not in RAN:
                continue
            version = n.version or ""
            key = f"{n.module}@{version}"
            spec = built.specs.get(key) or built.specs.get(module_key(n.module, _version(version)))
            row = rows.setdefault(
                key,
                {
                    "module": n.module,
                    "version": version,
                    "price_usd": over.get(n.module, spec.cost.per_call if spec is not None else 0.0),
                    "calls": 0,
                    "attempts": 0,
                    "retries": 0,
                    "cache_hits": 0,
                    "failed": 0,
                    "cost_usd": 0.0,
                },
            )
            row["calls"] += 1
            row["attempts"] += n.attempts
            row["retries"] += max(0, n.attempts - 1)
            row["cache_hits"] += n.outcome == "cached"
            row["failed"] += n.outcome in ("failed", "timed_out")
            row["cost_usd"] += n.attempts * over[n.module] if reapply and n.module in over else n.cost
    runs = len(traces)
    modules = [
        MeasuredModuleCost(
            **{**r, "cost_usd": round(r["cost_usd"], 12)},
            per_run_usd=round(r["cost_usd"] / runs, 12) if runs else 0.0,
        )
        for r in rows.values()
    ]
    modules.sort(key=lambda m: (-m.cost_usd, m.module))
    if reapply and any(m.module in over for m in modules):
        notes.append("prices from the prices file re-applied to the recorded attempts")
    total = sum(m.cost_usd for m in modules)
    per_run = total / runs if runs else 0.0
    return MeasuredCost(
        pipeline=built.file,
        hash=built.hash,
        runs=runs,
        failed_runs=failed_runs,
        total_usd=round(total, 12),
        per_run_usd=round(per_run, 12),
        per_million_runs_usd=round(per_run * MILLION, 6),
        calls=sum(m.calls for m in modules),
        attempts=sum(m.attempts for m in modules),
        cache_hits=sum(m.cache_hits for m in modules),
        modules=modules,
        notes=notes,
    )


def _version(text: str) -> tuple[int, int]:
    major, _, minor = text.partition(".")
    return (int(major), int(minor)) if major.isdigit() and minor.isdigit() else (0, 0)


def collect_traces(
    pipeline: Runnable,
    input_sets: Sequence[Mapping[str, Any]],
    *,
    runs: int,
    runtime: Runtime,
    seed: int | None = None,
    clock: trio.abc.Clock | None = None,
) -> list[Trace]:
    """Run `pipeline` `runs` times, one after another on one runtime (input set k modulo their number, seed
    + k when seeded), in a fresh trio loop; the traces of every run, failed ones included."""

    async def main() -> list[Trace]:
        out: list[Trace] = []
        for k in range(runs):
            result = await pipeline.run_async(
                input_sets[k % len(input_sets)], seed=seed + k if seed is not None else None, runtime=runtime
            )
            out.append(result.trace)
        return out

    return trio.run(main, clock=clock)
