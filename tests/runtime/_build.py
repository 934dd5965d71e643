"""Hand-built typed programs for runtime and DAG tests (no parser needed): a tiny expression DSL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cst_cli.check.typed import (
    TBinding,
    TCall,
    TExpr,
    TInput,
    TOutput,
    TRef,
    TypedProgram,
)
from cst_cli.diagnostics import Span
from cst_cli.modules.api import ModuleSpec, Options, spec_of
from cst_cli.types.model import Type

SPAN = Span(file="t.cst", start=0, end=1)


def span(start: int = 0, end: int = 1) -> Span:
    return Span(file="t.cst", start=start, end=end)


def ref(name: str, t: Type, kind: str = "binding") -> TRef:
    return TRef(span=SPAN, type=t, name=name, kind=kind)  # type: ignore[arg-type]


def spec(fn: Callable[..., Any] | ModuleSpec) -> ModuleSpec:
    s = fn if isinstance(fn, ModuleSpec) else spec_of(fn)
    assert s is not None
    return s


def call(
    fn: Callable[..., Any] | ModuleSpec,
    *args: TExpr,
    options: Options | None = None,
    fallback: TExpr | None = None,
    type: Type | None = None,
    at: int = 0,
) -> TCall:
    s = spec(fn)
    return TCall(
        span=span(at, at + 1),
        type=type or s.returns,
        module=s,
        args=args,
        options=options or Options(),
        fallback=fallback,
    )


def program(
    inputs: dict[str, Type],
    bindings: list[tuple[str, TExpr]],
    outputs: list[str],
    types: dict[str, Type] | None = None,
) -> TypedProgram:
    known: dict[str, Type] = dict(inputs)
    for name, e in bindings:
        known[name] = e.type
    known.update(types or {})
    return TypedProgram(
        file="t.cst",
        inputs=tuple(TInput(name=n, type=t, span=SPAN) for n, t in inputs.items()),
        bindings=tuple(TBinding(name=n, span=SPAN, value=e) for n, e in bindings),
        outputs=tuple(TOutput(name=o, type=known[o], span=SPAN) for o in outputs),
    )
