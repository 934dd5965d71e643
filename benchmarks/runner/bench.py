"""Runner benchmarks, side by side with a hand-written trio program, Hamilton and Dask (run on demand).

    python -m benchmarks.runner.bench            # everything (about a minute on 2 cores)
    python -m benchmarks.runner.bench --quick    # fewer repeats, no Hamilton/Dask

Prints microseconds per node (best of R runs) and the ratio to the trio baseline. Hamilton and Dask are
optional (`pip install sf-hamilton dask`); missing ones are reported as such.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.runner import graphs, peers
from cst_cli.api import Pipeline
from cst_cli.check.typed import TypedProgram
from cst_cli.modules.api import Options
from cst_cli.runtime.runner import Runtime


def best(fn: Callable[[], float], repeats: int) -> float:
    return min(fn() for _ in range(repeats))


def cst_pipeline(program: TypedProgram) -> Pipeline:
    return Pipeline(program)


def cst_time(p: Pipeline, runtime: Runtime) -> float:
    t0 = time.perf_counter()
    r = p.run({"x": 1}, runtime=runtime)
    dt = time.perf_counter() - t0
    assert r.status == "ok", r.errors
    return dt


def row(label: str, n: int, secs: float, base: float | None) -> None:
    us = secs / n * 1e6
    ratio = f"{secs / base:6.2f}x" if base else "   -   "
    print(f"  {label:<34} {us:9.2f} us/node  {ratio}")


def in_process(repeats: int, peers_too: bool) -> None:
    rt = Runtime()
    for shape in ("wide", "chain"):
        one_shape(shape, repeats, rt, peers_too)
    sleepers_and_scaling(repeats, rt)


def one_shape(shape: str, repeats: int, rt: Runtime, peers_too: bool) -> None:
    n = 1000
    deps = graphs.wide_deps(n) if shape == "wide" else graphs.chain_deps(n)
    wide = shape == "wide"
    p = cst_pipeline(graphs.wide_program(n) if wide else graphs.chain_program(n))
    assert len(p.dag.nodes) == n, len(p.dag.nodes)
    print(f"\n{shape} {n} nodes, pure modules")
    base = best(lambda: peers.run_trio_tasks(deps, wide), repeats)
    row("trio, a task per node (baseline)", n, base, base)
    row("trio, cheap nodes inline", n, best(lambda: peers.run_trio_tasks(deps, wide, inline=True), repeats), base)
    row("cst (pipeline.run)", n, best(lambda: cst_time(p, rt), repeats), base)
    if peers_too:
        for name, fn in (("hamilton", peers.run_hamilton), ("dask sync scheduler", peers.run_dask)):
            try:
                row(name, n, best(lambda fn=fn: fn(deps, wide), max(1, repeats // 3)), base)  # type: ignore[misc]
            except ImportError:
                print(f"  {name:<34} not installed")

    print(f"{shape} {n} nodes, async modules with timeout: 1s, retry: 2")
    opts = Options(timeout=1.0, retry=2)
    make = graphs.wide_program if wide else graphs.chain_program
    pa = cst_pipeline(make(n, graphs.ainc, opts))
    abase = best(lambda: peers.run_trio_tasks(deps, wide, is_async=True), repeats)
    row("trio, a task per node (baseline)", n, abase, abase)
    row("cst (pipeline.run)", n, best(lambda: cst_time(pa, rt), repeats), abase)


def sleepers_and_scaling(repeats: int, rt: Runtime) -> None:
    print("\n50 independent modules sleeping 20 ms each")
    ps = cst_pipeline(graphs.sleepers_program(50))
    secs = best(lambda: cst_time(ps, rt), repeats)
    print(f"  {'cst (pipeline.run)':<34} {secs * 1000:9.2f} ms total (goal <= 25 ms)")

    print("\nscaling: per-node cost at 10,000 vs 1,000 nodes (pure)")
    for shape in ("chain", "wide"):
        per: dict[int, float] = {}
        for n in (1000, 10_000):
            p = cst_pipeline(graphs.chain_program(n) if shape == "chain" else graphs.wide_program(n))
            cst_time(p, rt)  # the first run builds the plan (per pipeline and runtime, then reused)
            per[n] = best(lambda p=p: cst_time(p, rt), max(1, repeats // 2)) / n  # type: ignore[misc]
        print(
            f"  {shape:<6} 1,000: {per[1000] * 1e6:6.2f} us/node   10,000: {per[10_000] * 1e6:6.2f} us/node"
            f"   ratio {per[10_000] / per[1000]:.2f} (goal <= 1.3)"
        )


_SPLIT = """
import sys, time
t0 = time.perf_counter()
import msgspec
from cst_cli.cli import main as _m
from cst_cli.api import Pipeline
from cst_cli.check import compile_source
from cst_cli.modules.registry import load_registry
reg = load_registry()
t1 = time.perf_counter()
res = compile_source(open(sys.argv[1], 'rb').read(), sys.argv[1], reg)
t2 = time.perf_counter()
p = Pipeline(res.program, source=res.source)
t3 = time.perf_counter()
r = p.run({'x': 1})
t4 = time.perf_counter()
assert r.status == 'ok', r.errors
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""


def whole_process(repeats: int) -> None:
    n = 4000
    k = n - 2
    lines = ["use stdlib.math", "in x: Int", "a0 = add(x, 1)"]
    lines += [f"a{i} = add(a{i - 1}, {i})" for i in range(1, k)]
    lines.append(f"out a{k - 1}")
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "big.cst"
        f.write_text("\n".join(lines) + "\n")
        env = {**os.environ, "CST_QUIET_PLUGINS": "1"}

        def cli() -> float:
            t0 = time.perf_counter()
            out = subprocess.run(
                [shutil.which("cst") or "cst", "run", str(f), "-i", "x=1", "--format", "json"],
                capture_output=True,
                env=env,
                check=False,
            )
            dt = time.perf_counter() - t0
            assert out.returncode == 0 and out.stdout.startswith(b"{"), out.stderr.decode()
            return dt

        def bare() -> float:
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            return time.perf_counter() - t0

        total = best(cli, repeats)
        start = best(bare, repeats)
        splits = [
            [
                float(x)
                for x in subprocess.run(
                    [sys.executable, "-c", _SPLIT, str(f)], capture_output=True, check=True, env=env
                ).stdout.split()
            ]
            for _ in range(repeats)
        ]
        imp, comp, build, run = (min(s[k] for s in splits) for k in range(4))
        # the DAG of `a_i = add(a_{i-1}, i)` has an input, the constants and the calls
        nodes = len(Pipeline.from_source(f.read_text(), "big.cst").dag.nodes)
    print(f"\n`cst run` of a {n}-binding program of pure stdlib calls ({nodes} DAG nodes), whole process")
    print(f"  total {total * 1000:8.1f} ms = {total / n * 1e6:6.1f} us per binding (goal <= 50)")
    print(
        f"  interpreter start {start * 1000:6.1f} ms | imports + registry {imp * 1000:6.1f} ms | "
        f"compile {comp * 1000:6.1f} ms | DAG build {build * 1000:6.1f} ms | run {run * 1000:6.1f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    repeats = 3 if args.quick else args.repeats
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; best of {repeats}; ratio = time / trio baseline")
    in_process(repeats, peers_too=not args.quick)
    whole_process(max(1, repeats // 2))


if __name__ == "__main__":
    main()
