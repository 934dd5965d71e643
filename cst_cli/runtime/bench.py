"""Benchmarking: run pipelines many times in one trio loop, C runs in flight, each pipeline with one shared
Runtime (breakers, throttles, caches), as a server would; then latency percentiles, throughput, failures by
kind and, per call node, its latency and its share of the critical path.

Library logic only: no printing, no terminal; progress is a callback. Imports the runtime and dag, never
render or cli (the Pipeline API it drives lives in cst_cli.api and is passed in).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import msgspec
import trio

from cst_cli.runtime.critical import critical_path
from cst_cli.runtime.runner import Runtime
from cst_cli.runtime.trace import Trace

if TYPE_CHECKING:
    from cst_cli.dag.build import BuiltDag


class _Result(Protocol):
    """What bench reads from a run's result (`cst_cli.api.RunResult`)."""

    @property
    def status(self) -> str: ...

    @property
    def trace(self) -> Trace: ...


class Runnable(Protocol):
    """A compiled pipeline (`cst_cli.api.Pipeline`)."""

    @property
    def built(self) -> BuiltDag: ...

    async def run_async(
        self, inputs: Mapping[str, Any], *, seed: int | None = ..., runtime: Runtime | None = ...
    ) -> _Result: ...


class NodeStats(msgspec.Struct, frozen=True, kw_only=True):
    """One call node over all measured runs. `critical_share`: the fraction of all runs' wall time this node
    accounts for on their critical paths; `critical_runs`: the fraction of runs whose critical path holds it."""

    id: str
    module: str
    runs: int  # runs in which it ran (cached included)
    p50_ms: float
    p95_ms: float
    mean_attempts: float
    cache_hits: int
    critical_share: float
    critical_runs: float


class BenchReport(msgspec.Struct, frozen=True, kw_only=True):
    """One pipeline's figures. Latencies are of whole runs, failed ones included (ms)."""

    pipeline: str
    hash: str
    runs: int
    ok: int
    failures: int
    failures_by_kind: dict[str, int]
    min_ms: float
    mean_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    throughput_per_s: float
    elapsed_s: float
    concurrency: int
    warmup: int
    cost_per_run_usd: float
    nodes: list[NodeStats]


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of values sorted ascending; 0 for no values."""
    if not sorted_values:
        return 0.0
    k = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(k, len(sorted_values)) - 1]


def failure_kind(status: str, trace: Trace) -> str | None:
    """None for a run that computed every output; else `inputs`, `interrupted`, or the first error's reason
    (`exception`, `timeout`, `circuit_open`, `bad_result`, `operation`, `cancelled`)."""
    if status == "ok":
        return None
    if status != "failed":
        return status
    return trace.errors[0].reason if trace.errors else "failed"


class _Acc:
    """Accumulates one pipeline's measured runs (a few floats per run, not the traces)."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.failures: dict[str, int] = {}
        self.cost = 0.0
        self.node_lat: dict[str, list[float]] = {}
        self.node_module: dict[str, str] = {}
        self.node_attempts: dict[str, int] = {}
        self.node_hits: dict[str, int] = {}
        self.node_ran: dict[str, int] = {}
        self.crit_time: dict[str, float] = {}
        self.crit_runs: dict[str, int] = {}
        self.crit_wall = 0.0

    def add(self, latency: float, status: str, trace: Trace) -> None:
        self.latencies.append(latency)
        kind = failure_kind(status, trace)
        if kind is not None:
            self.failures[kind] = self.failures.get(kind, 0) + 1
        self.cost += trace.totals.cost
        for n in trace.nodes:
            if n.kind != "call" or n.outcome in ("not_needed", "skipped"):
                continue
            self.node_module[n.id] = n.module or ""
            self.node_ran[n.id] = self.node_ran.get(n.id, 0) + 1
            self.node_attempts[n.id] = self.node_attempts.get(n.id, 0) + n.attempts
            if n.outcome == "cached":
                self.node_hits[n.id] = self.node_hits.get(n.id, 0) + 1
            if n.start is not None and n.end is not None:
                self.node_lat.setdefault(n.id, []).append(n.end - n.start)
        cp = critical_path(trace)
        self.crit_wall += cp.wall
        for node_id in set(cp.nodes):
            self.crit_runs[node_id] = self.crit_runs.get(node_id, 0) + 1
        for node_id, seg in zip(cp.nodes, cp.segments, strict=True):
            self.crit_time[node_id] = self.crit_time.get(node_id, 0.0) + seg

    def report(self, built: BuiltDag, *, elapsed: float, concurrency: int, warmup: int, shared: bool) -> BenchReport:
        lat = sorted(self.latencies)
        runs = len(lat)
        failures = sum(self.failures.values())
        if shared:
            # runs interleaved with another pipeline's: Little's law on this pipeline's own latencies
            busy = sum(lat) / max(1, concurrency)
            throughput = runs / busy if busy > 0 else 0.0
        else:
            throughput = runs / elapsed if elapsed > 0 else 0.0
        order = {n.id: k for k, n in enumerate(built.dag.nodes)}
        nodes: list[NodeStats] = []
        for node_id in sorted(self.node_ran, key=lambda i: order.get(i, len(order))):
            times = sorted(self.node_lat.get(node_id, []))
            ran = self.node_ran[node_id]
            nodes.append(
                NodeStats(
                    id=node_id,
                    module=self.node_module[node_id],
                    runs=ran,
                    p50_ms=_ms(percentile(times, 0.50)),
                    p95_ms=_ms(percentile(times, 0.95)),
                    mean_attempts=round(self.node_attempts.get(node_id, 0) / ran, 3) if ran else 0.0,
                    cache_hits=self.node_hits.get(node_id, 0),
                    critical_share=round(self.crit_time.get(node_id, 0.0) / self.crit_wall, 4)
                    if self.crit_wall > 0
                    else 0.0,
                    critical_runs=round(self.crit_runs.get(node_id, 0) / runs, 4) if runs else 0.0,
                )
            )
        return BenchReport(
            pipeline=built.file,
            hash=built.hash,
            runs=runs,
            ok=runs - failures,
            failures=failures,
            failures_by_kind=dict(sorted(self.failures.items())),
            min_ms=_ms(lat[0]) if lat else 0.0,
            mean_ms=_ms(sum(lat) / runs) if runs else 0.0,
            p50_ms=_ms(percentile(lat, 0.50)),
            p95_ms=_ms(percentile(lat, 0.95)),
            p99_ms=_ms(percentile(lat, 0.99)),
            max_ms=_ms(lat[-1]) if lat else 0.0,
            throughput_per_s=round(throughput, 3),
            elapsed_s=round(elapsed, 6),
            concurrency=concurrency,
            warmup=warmup,
            cost_per_run_usd=round(self.cost / runs, 12) if runs else 0.0,
            nodes=nodes,
        )


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


Progress = Callable[[int, int], None]  # (measured runs done, measured runs in all)


async def bench_async(
    pipelines: Sequence[Runnable],
    input_sets: Sequence[Mapping[str, Any]],
    *,
    runs: int,
    concurrency: int = 1,
    warmup: int = 0,
    runtimes: Sequence[Runtime] | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
) -> list[BenchReport]:
    """Run each pipeline `warmup` times (not measured), then `runs` times, interleaved (run k of every
    pipeline uses input set k modulo their number), `concurrency` runs in flight.

    Args:
        pipelines: one, or two to compare (the A/B case: same inputs, interleaved).
        input_sets: inputs of each run, cycled.
        runs: measured runs per pipeline.
        concurrency: runs in flight at once (>= 1).
        warmup: runs per pipeline before measuring (caches and breakers keep what they learnt).
        runtimes: one per pipeline, shared by its runs (default: a new Runtime on trio's clock each).
        seed: when given, run k is seeded with seed + k (the same for every pipeline).
        progress: called after every measured run.

    Raises:
        ValueError: no pipeline, no input set, runs < 1 or concurrency < 1.
    """
    if not pipelines or not input_sets or runs < 1 or concurrency < 1 or warmup < 0:
        raise ValueError("bench needs a pipeline, an input set, runs >= 1, concurrency >= 1 and warmup >= 0")
    rts = list(runtimes) if runtimes is not None else [Runtime(clock=trio.current_time) for _ in pipelines]
    accs = [_Acc() for _ in pipelines]
    total = runs * len(pipelines)
    done = 0

    async def phase(count: int, measure: bool) -> None:
        nonlocal done
        jobs = iter([(k, p) for k in range(count) for p in range(len(pipelines))])

        async def worker() -> None:
            nonlocal done
            for k, p in jobs:
                inputs = input_sets[k % len(input_sets)]
                run_seed = seed + k if seed is not None else None
                t0 = trio.current_time()
                result = await pipelines[p].run_async(inputs, seed=run_seed, runtime=rts[p])
                t1 = trio.current_time()
                if measure:
                    accs[p].add(t1 - t0, result.status, result.trace)
                    done += 1
                    if progress is not None:
                        progress(done, total)

        async with trio.open_nursery() as nursery:
            for _ in range(min(concurrency, count * len(pipelines))):
                nursery.start_soon(worker)

    if warmup:
        await phase(warmup, False)
    start = trio.current_time()
    await phase(runs, True)
    elapsed = trio.current_time() - start
    shared = len(pipelines) > 1
    return [
        acc.report(p.built, elapsed=elapsed, concurrency=concurrency, warmup=warmup, shared=shared)
        for acc, p in zip(accs, pipelines, strict=True)
    ]


def bench(
    pipelines: Sequence[Runnable],
    input_sets: Sequence[Mapping[str, Any]],
    *,
    runs: int,
    concurrency: int = 1,
    warmup: int = 0,
    runtimes: Sequence[Runtime] | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
    clock: trio.abc.Clock | None = None,
) -> list[BenchReport]:
    """`bench_async` in a fresh trio loop (`clock`: e.g. `trio.testing.MockClock` in tests)."""

    async def main() -> list[BenchReport]:
        return await bench_async(
            pipelines,
            input_sets,
            runs=runs,
            concurrency=concurrency,
            warmup=warmup,
            runtimes=runtimes,
            seed=seed,
            progress=progress,
        )

    return trio.run(main, clock=clock)


def compare(a: BenchReport, b: BenchReport) -> dict[str, float | None]:
    """b relative to a, figure by figure (`p50_ms`: 0.5 means b's median is half of a's)."""
    out: dict[str, float | None] = {}
    for f in ("mean_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "throughput_per_s", "cost_per_run_usd"):
        x, y = getattr(a, f), getattr(b, f)
        out[f] = round(y / x, 4) if x else None
    return out
