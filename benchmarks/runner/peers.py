"""The same graphs on the peers: a hand-written trio program (the baseline), Hamilton and Dask's sync scheduler.

Each `run_*` returns the seconds one execution took (graph construction excluded where the peer allows).
"""

from __future__ import annotations

import sys
import time
import types
from collections.abc import Callable
from typing import Any

import trio


def _node_fns(deps: list[tuple[int, ...]], wide: bool) -> list[Callable[..., Any]]:
    n = len(deps)
    fns: list[Callable[..., Any]] = [lambda: 1]
    for i in range(1, n):
        if wide and i == n - 2:
            fns.append(lambda *xs: list(xs))
        elif wide and i == n - 1:
            fns.append(sum)
        else:
            fns.append(lambda x: x + 1)
    return fns


def run_trio_tasks(deps: list[tuple[int, ...]], wide: bool, inline: bool = False, is_async: bool = False) -> float:
    """One trio task per node, started when its inputs are ready (inline=True: cheap nodes run in place)."""
    n = len(deps)
    fns = _node_fns(deps, wide)
    dependents: list[list[int]] = [[] for _ in range(n)]
    for i, ds in enumerate(deps):
        for d in ds:
            dependents[d].append(i)
    pending = [len(ds) for ds in deps]
    values: list[Any] = [None] * n

    async def main() -> float:
        t0 = time.perf_counter()
        async with trio.open_nursery() as nursery:

            def ready(i: int) -> None:
                if inline:
                    stack = [i]
                    while stack:
                        j = stack.pop()
                        values[j] = fns[j](*[values[d] for d in deps[j]])
                        for k in dependents[j]:
                            pending[k] -= 1
                            if pending[k] == 0:
                                stack.append(k)
                else:
                    nursery.start_soon(task, i)

            async def task(i: int) -> None:
                if is_async:
                    await trio.lowlevel.checkpoint()
                values[i] = fns[i](*[values[d] for d in deps[i]])
                for k in dependents[i]:
                    pending[k] -= 1
                    if pending[k] == 0:
                        ready(k)

            ready(0)
        return time.perf_counter() - t0

    return trio.run(main)


def hamilton_module(deps: list[tuple[int, ...]], wide: bool) -> types.ModuleType:
    n = len(deps)
    src = ["def n0(x: int) -> int:\n    return x\n"]
    for i in range(1, n):
        if wide and i == n - 2:
            args = ", ".join(f"n{d}: int" for d in deps[i])
            body = "[" + ", ".join(f"n{d}" for d in deps[i]) + "]"
            src.append(f"def n{i}({args}) -> list:\n    return {body}\n")
        elif wide and i == n - 1:
            src.append(f"def n{i}(n{deps[i][0]}: list) -> int:\n    return sum(n{deps[i][0]})\n")
        else:
            src.append(f"def n{i}(n{deps[i][0]}: int) -> int:\n    return n{deps[i][0]} + 1\n")
    name = f"bench_hamilton_graph_{n}_{int(wide)}"
    mod = types.ModuleType(name)
    exec("\n".join(src), mod.__dict__)  # generated benchmark code
    sys.modules[name] = mod  # Hamilton looks functions' modules up there
    return mod


def run_hamilton(deps: list[tuple[int, ...]], wide: bool) -> float:
    from hamilton import driver

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20 * len(deps)))  # Hamilton walks the graph recursively
    mod = hamilton_module(deps, wide)
    dr = driver.Builder().with_modules(mod).build()
    t0 = time.perf_counter()
    dr.execute([f"n{len(deps) - 1}"], inputs={"x": 1})
    return time.perf_counter() - t0


def run_dask(deps: list[tuple[int, ...]], wide: bool) -> float:
    import dask

    n = len(deps)
    fns = _node_fns(deps, wide)
    dsk: dict[str, Any] = {"n0": 1}
    for i in range(1, n):
        dsk[f"n{i}"] = (fns[i], *[f"n{d}" for d in deps[i]])
    t0 = time.perf_counter()
    dask.get(dsk, f"n{n - 1}")
    return time.perf_counter() - t0
