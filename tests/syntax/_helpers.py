"""Shared helpers for the syntax tests: parse-or-fail, span-free comparison, diagnostics as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cst_cli.diagnostics import Diagnostic, Source
from cst_cli.syntax import ast
from cst_cli.syntax.parser import parse, parse_expression

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples" / "language").glob("*.cst"))


def strip(node: Any) -> Any:
    """A span-free, comparable picture of an AST: (node kind, (field, value)...) tuples."""
    if isinstance(node, ast.Node):
        fields = [(name, strip(getattr(node, name))) for name in node.__struct_fields__ if not _is_span_field(name)]
        return (type(node).__name__, *fields)
    if isinstance(node, tuple):
        return tuple(strip(item) for item in node)
    return node


def _is_span_field(name: str) -> bool:
    return name == "span" or name.endswith(("_span", "_spans"))


def program(text: str, file: str = "t.cst") -> ast.Program:
    """Parse text that must be valid."""
    result, diagnostics = parse(Source(file, text))
    assert result is not None and not diagnostics, describe(text, diagnostics)
    return result


def expr(text: str) -> ast.Expr:
    result, diagnostics = parse_expression(text, "e.cst")
    assert result is not None and not diagnostics, describe(text, diagnostics)
    return result


def describe(text: str, diagnostics: list[Diagnostic]) -> str:
    """Diagnostics as `line:col CODE message [hint]` lines, the way the golden files show them."""
    source = Source("t.cst", text)
    lines = []
    for d in diagnostics:
        p = source.position(d.span.start)
        line = f"{p.line}:{p.column} {d.code} {d.message}"
        if d.hint:
            line += f"  [hint: {d.hint}]"
        lines.append(line)
    return "\n".join(lines)


def errors(text: str) -> str:
    """Parse text that must be invalid; its diagnostics, described."""
    result, diagnostics = parse(Source("t.cst", text))
    assert result is None and diagnostics, f"expected errors in {text!r}"
    return describe(text, diagnostics)


def walk(node: Any) -> list[ast.Node]:
    """Every node below (and including) `node`, parents first."""
    out: list[ast.Node] = []
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Node):
            out.append(n)
            todo.extend(reversed([getattr(n, f) for f in n.__struct_fields__]))
        elif isinstance(n, tuple):
            todo.extend(reversed(n))
    return out
