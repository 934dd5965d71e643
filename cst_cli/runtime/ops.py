"""Inline operations and conditionals: pure functions over values, compiled once per node.

`op_function(node)` gives a callable over the node's dependency values; `step(node, values)` decides a
conditional: its value, or the lazy dependency it needs next. No trio, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cst_cli.dag.ir import (
    AnyNode,
    BranchNode,
    CoalesceNode,
    IfNode,
    LogicNode,
    MatchNode,
    OpNode,
    WhenNode,
)
from cst_cli.runtime.values import INT_MAX, INT_MIN, conforms, render_text
from cst_cli.types.model import INT

UNSET: Any = type("Unset", (), {"__repr__": lambda self: "<unset>", "__slots__": ()})()
"""The value of a node not computed yet."""


class OpError(Exception):
    """An inline operation failed at run time (division by zero, Int overflow, a missing field)."""


def _int(name: str, r: int) -> int:
    if INT_MIN <= r <= INT_MAX:
        return r
    raise OpError(f"Int overflow in '{name}': {r} does not fit in 64 bits")


def _div_int(a: int, b: int) -> int:
    if b == 0:
        raise OpError(f"division by zero ({a} / 0)")
    q = abs(a) // abs(b)
    return _int("/", q if (a < 0) == (b < 0) else -q)


def _div_float(a: float, b: float) -> float:
    if b == 0:
        raise OpError(f"division by zero ({a} / {b})")
    return a / b


def _field(v: Any, f: str) -> Any:
    try:
        return v[f]
    except (KeyError, TypeError):
        raise OpError(f"field '{f}' not found in the value") from None


def _merge_each(a: Any, b: Any) -> Any:
    if isinstance(a, list):
        return [{**x, **b} for x in a]
    return [{**a, **x} for x in b]


def op_function(node: OpNode) -> Callable[..., Any]:
    """The function computing `node` from its dependency values, in `deps` order."""
    is_int = node.type == INT
    match node.op:
        case "add":
            return (lambda a, b: _int("+", a + b)) if is_int else (lambda a, b: a + b)
        case "sub":
            return (lambda a, b: _int("-", a - b)) if is_int else (lambda a, b: a - b)
        case "mul":
            return (lambda a, b: _int("*", a * b)) if is_int else (lambda a, b: a * b)
        case "div":
            return _div_int if is_int else _div_float
        case "eq":
            return lambda a, b: a == b
        case "ne":
            return lambda a, b: a != b
        case "lt":
            return lambda a, b: a < b
        case "le":
            return lambda a, b: a <= b
        case "gt":
            return lambda a, b: a > b
        case "ge":
            return lambda a, b: a >= b
        case "not":
            return lambda a: not a
        case "neg":
            return (lambda a: _int("-", -a)) if is_int else (lambda a: -a)
        case "merge":
            return lambda a, b: {**a, **b}
        case "merge_each":
            return _merge_each
        case "field":
            f = node.fields[0]
            if node.elementwise:
                return lambda v: [_field(x, f) for x in v]
            return lambda v: _field(v, f)
        case "project":
            fs = node.fields
            if node.elementwise:
                return lambda v: [{f: _field(x, f) for f in fs} for x in v]
            return lambda v: {f: _field(v, f) for f in fs}
        case "interp":
            parts = node.parts

            def interp(*args: Any) -> str:
                out: list[str] = []
                k = 0
                for p in parts:
                    if p is None:
                        out.append(render_text(args[k]))
                        k += 1
                    else:
                        out.append(p)
                return "".join(out)

            return interp
        case "list":
            return lambda *args: list(args)
        case "record":
            names = node.fields
            return lambda *args: dict(zip(names, args, strict=True))
        case "ref":
            return lambda v: v
    raise AssertionError(node.op)  # pragma: no cover


def step(node: AnyNode, values: Sequence[Any]) -> tuple[bool, Any]:
    """A conditional's next move: (True, value) when decided, (False, index) for the lazy dependency it needs.

    Called again once that dependency is done; stateless (it reads what is already computed).
    """

    def pick(target: int) -> tuple[bool, Any]:
        v = values[target]
        return (False, target) if v is UNSET else (True, v)

    match node:
        case IfNode(deps=(cond,), lazy=(then, other)):
            return pick(then if values[cond] else other)
        case BranchNode(conds=conds, values=vals, otherwise=other):
            for c, v in zip(conds, vals, strict=True):
                cv = values[c]
                if cv is UNSET:
                    return False, c
                if cv:
                    return pick(v)
            return pick(other)
        case WhenNode(deps=(cond,), lazy=(value,)):
            return pick(value) if values[cond] else (True, None)
        case CoalesceNode(deps=(left,), lazy=(right,)):
            lv = values[left]
            return (True, lv) if lv is not None else pick(right)
        case LogicNode(op=op, deps=(left,), lazy=(right,)):
            lv = values[left]
            if (op == "and" and not lv) or (op == "or" and lv):
                return True, lv
            return pick(right)
        case MatchNode(deps=(subject,), arms=arms):
            sv = values[subject]
            for arm in arms:
                if arm.kind == "wildcard":
                    return pick(arm.value)
                if arm.kind == "record":
                    if isinstance(sv, dict) and all(f in sv for f in arm.fields):
                        return pick(arm.value)
                elif arm.match_type is not None and conforms(sv, arm.match_type):
                    return pick(arm.value)
            raise OpError("no match arm matches the value")
    raise AssertionError(type(node).__name__)  # pragma: no cover
