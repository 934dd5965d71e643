"""Checking is linear in the number of bindings (ASTs built directly: this measures the checker alone)."""

from __future__ import annotations

import gc
import time

from cst_cli.check.checker import check_program
from cst_cli.diagnostics import Span
from cst_cli.syntax import ast
from tests.check._helpers import REGISTRY


def _program(n: int) -> ast.Program:
    """`in x: Int`, then a chain b0..b(n-1) of arithmetic and calls, in reverse order (worst for ordering)."""
    pos = 0

    def sp(width: int = 1) -> Span:
        nonlocal pos
        pos += width + 1
        return Span(file="big.cst", start=pos, end=pos + width)

    decls: list[ast.Decl] = [
        ast.InputDecl(span=sp(), name="x", name_span=sp(), type=ast.TypeName(span=sp(), name="Int"))
    ]
    for i in reversed(range(n)):
        prev = ast.Ref(span=sp(), name=f"b{i - 1}" if i else "x")
        if i % 2:
            value: ast.Expr = ast.BinOp(
                span=sp(), op="+", op_span=sp(), left=prev, right=ast.IntLit(span=sp(), value=i)
            )
        else:
            value = ast.Call(
                span=sp(),
                callee=("stdlib", "math", "add"),
                callee_span=sp(),
                version=None,
                args=(
                    ast.Arg(span=sp(), name=None, value=prev),
                    ast.Arg(span=sp(), name=None, value=ast.IntLit(span=sp(), value=1)),
                ),
            )
        decls.append(ast.Binding(span=sp(), name=f"b{i}", name_span=sp(), value=value))
    decls.append(ast.OutputDecl(span=sp(), name=f"b{n - 1}", name_span=sp()))
    return ast.Program(span=Span(file="big.cst", start=0, end=pos), decls=tuple(decls))


def _best(n: int, runs: int = 5) -> float:
    """Best of `runs`, with the cyclic GC paused: its full collections scale with the heap, not our code."""
    program = _program(n)
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            start = time.perf_counter()
            typed, diags = check_program(program, REGISTRY)
            best = min(best, time.perf_counter() - start)
            assert typed is not None and not diags
    finally:
        gc.enable()
    return best


def test_ten_thousand_bindings_check_fast() -> None:
    assert _best(10_000, runs=1) < 1.0


def test_checking_is_linear() -> None:
    small, large = _best(1_000), _best(2_000)
    assert large <= 2.5 * small, (small, large)
