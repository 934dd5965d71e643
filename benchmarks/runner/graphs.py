"""The benchmark graphs, as cst source and as plain dependency lists for the peers (trio, Hamilton, Dask).

wide N:  x -> N-2 independent inc(x) -> one list of them -> total (fan-out + join), N nodes in the DAG.
chain N: x -> inc -> inc -> ... (N-1 calls), N nodes.
The wide graph's join is also the fan-in case (one node with N-3 inputs).
"""

from __future__ import annotations

from typing import Any

import trio

from cst_cli.check.typed import TBinding, TCall, TInput, TListLit, TOutput, TRef, TypedProgram
from cst_cli.diagnostics import Span
from cst_cli.modules.api import Options, module, spec_of
from cst_cli.modules.registry import Registry
from cst_cli.types.model import INT, ListT


@module(inline=True, description="x + 1 (pure)")
def inc(x: int) -> int:
    return x + 1


@module(inline=True, description="sum of a list (pure)")
def total(xs: list[int]) -> int:
    return sum(xs)


@module(description="x + 1 (async)")
async def ainc(x: int) -> int:
    await trio.lowlevel.checkpoint()
    return x + 1


@module(description="x after 20 ms (async)")
async def sleepy(x: int) -> int:
    await trio.sleep(0.02)
    return x


def registry() -> Registry:
    return Registry.from_specs([inc, total, ainc, sleepy])


def wide_source(n: int, fn: str = "inc", opts: str = "") -> str:
    k = n - 3  # x, the list, total
    lines = ["in x: Int"]
    lines += [f"b{i} = {fn}(x){opts}" for i in range(k)]
    lines.append("xs = [" + ", ".join(f"b{i}" for i in range(k)) + "]")
    lines.append("t = total(xs)")
    lines.append("out t")
    return "\n".join(lines) + "\n"


def chain_source(n: int, fn: str = "inc", opts: str = "") -> str:
    lines = ["in x: Int", f"a0 = {fn}(x){opts}"]
    lines += [f"a{i} = {fn}(a{i - 1}){opts}" for i in range(1, n - 1)]
    lines.append(f"out a{n - 2}")
    return "\n".join(lines) + "\n"


def sleepers_source(n: int) -> str:
    lines = ["in x: Int"] + [f"s{i} = sleepy(x)" for i in range(n)] + [f"out s{i}" for i in range(n)]
    return "\n".join(lines) + "\n"


def wide_deps(n: int) -> list[tuple[int, ...]]:
    """Node 0 is x; 1..n-3 inc(x); n-2 the list; n-1 total."""
    k = n - 3
    deps: list[tuple[int, ...]] = [()]
    deps += [(0,)] * k
    deps.append(tuple(range(1, k + 1)))
    deps.append((n - 2,))
    return deps


def chain_deps(n: int) -> list[tuple[int, ...]]:
    return [()] + [(i - 1,) for i in range(1, n)]


# Typed programs built directly (no parser): what the checker would produce for the sources above.


def _typed(bindings: list[tuple[str, Any]], outputs: list[str]) -> TypedProgram:
    span = Span(file="bench.cst", start=0, end=1)
    types = {name: e.type for name, e in bindings}
    return TypedProgram(
        file="bench.cst",
        inputs=(TInput(name="x", type=INT, span=span),),
        bindings=tuple(TBinding(name=n, span=span, value=e) for n, e in bindings),
        outputs=tuple(TOutput(name=o, type=types[o], span=span) for o in outputs),
    )


def _ref(name: str) -> TRef:
    return TRef(
        span=Span(file="bench.cst", start=0, end=1), type=INT, name=name, kind="input" if name == "x" else "binding"
    )


def _call(fn: Any, arg: Any, opts: Options) -> TCall:
    spec = spec_of(fn)
    assert spec is not None
    return TCall(span=arg.span, type=spec.returns, module=spec, args=(arg,), options=opts)


def wide_program(n: int, fn: Any = inc, opts: Options | None = None) -> TypedProgram:
    o = opts or Options()
    k = n - 3
    bindings: list[tuple[str, Any]] = [(f"b{i}", _call(fn, _ref("x"), o)) for i in range(k)]
    span = Span(file="bench.cst", start=0, end=1)
    xs = TListLit(span=span, type=ListT(elem=INT), items=tuple(_ref(f"b{i}") for i in range(k)))
    bindings.append(("t", _call(total, xs, Options())))
    return _typed(bindings, ["t"])


def chain_program(n: int, fn: Any = inc, opts: Options | None = None) -> TypedProgram:
    o = opts or Options()
    bindings: list[tuple[str, Any]] = [("a0", _call(fn, _ref("x"), o))]
    bindings += [(f"a{i}", _call(fn, _ref(f"a{i - 1}"), o)) for i in range(1, n - 1)]
    return _typed(bindings, [f"a{n - 2}"])


def sleepers_program(n: int) -> TypedProgram:
    bindings: list[tuple[str, Any]] = [(f"s{i}", _call(sleepy, _ref("x"), Options())) for i in range(n)]
    return _typed(bindings, [name for name, _ in bindings])
