"""Compact source-like text for the inline parts of a DAG (`b > n`, `"${a} has ${b}"`, `(x) => x * 2`) and
for `with` options, as graph labels show them. Imports dag, modules and types only.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from cst_cli.dag.ir import (
    AnyNode,
    BranchNode,
    CallNode,
    CaptureNode,
    CoalesceNode,
    ConstNode,
    IfNode,
    InputNode,
    LambdaNode,
    LogicNode,
    MatchNode,
    OpNode,
    ParamNode,
    WhenNode,
)
from cst_cli.modules.api import PRIORITY_NAMES, Options
from cst_cli.types.model import render

# Binding strength, loosest first (LANGUAGE.md section 4): a child looser than its slot is parenthesised.
_LAMBDA, _COALESCE, _WHEN, _OR, _AND, _NOT, _COMPARE, _ADD, _MUL, _NEG, _POSTFIX, _PRIMARY = range(12)
_INFIX = {
    "add": ("+", _ADD),
    "sub": ("-", _ADD),
    "merge": ("+", _ADD),
    "merge_each": ("+", _ADD),
    "mul": ("*", _MUL),
    "div": ("/", _MUL),
    "eq": ("==", _COMPARE),
    "ne": ("!=", _COMPARE),
    "lt": ("<", _COMPARE),
    "le": ("<=", _COMPARE),
    "gt": (">", _COMPARE),
    "ge": (">=", _COMPARE),
}

# `ref(i)` names node i when it is shown elsewhere (an input, a call, another graph node); None inlines it.
Ref = Callable[[int], str | None]


def literal(value: object) -> str:
    """A constant as the language writes it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("$", "\\$")
    return repr(value)


def expr_text(nodes: tuple[AnyNode, ...], root: int, ref: Ref) -> str:
    """The expression computing `nodes[root]`, with referenced nodes shown by name."""
    return _Printer(nodes, ref).text(root, _LAMBDA)


class _Printer:
    def __init__(self, nodes: tuple[AnyNode, ...], ref: Ref) -> None:
        self.nodes = nodes
        self.ref = ref

    def text(self, i: int, slot: int) -> str:
        name = self.ref(i)
        if name is not None:
            return name
        s, level = self.node(self.nodes[i])
        return f"({s})" if level < slot else s

    def node(self, n: AnyNode) -> tuple[str, int]:
        t = self.text
        match n:
            case InputNode(name=name) | ParamNode(name=name) | CaptureNode(name=name):
                return name, _PRIMARY
            case ConstNode(value=v):
                return literal(v), _PRIMARY
            case CallNode(module=m, deps=deps):
                return f"{m}({', '.join(t(d, _LAMBDA) for d in deps)})", _POSTFIX
            case OpNode(op="ref", deps=(d,)):
                return t(d, _PRIMARY), _PRIMARY
            case OpNode(op="not", deps=(d,)):
                return f"not {t(d, _NOT)}", _NOT
            case OpNode(op="neg", deps=(d,)):
                return f"-{t(d, _NEG)}", _NEG
            case OpNode(op="field", deps=(d,), fields=(f,)):
                return f"{t(d, _POSTFIX)}.{f}", _POSTFIX
            case OpNode(op="project", deps=(d,), fields=fs):
                return f"{t(d, _POSTFIX)}{{{', '.join(fs)}}}", _POSTFIX
            case OpNode(op="interp", deps=deps, parts=parts):
                out: list[str] = []
                it = iter(deps)
                for p in parts:
                    out.append(_escape_text(p) if p is not None else "${" + t(next(it), _LAMBDA) + "}")
                return '"' + "".join(out) + '"', _PRIMARY
            case OpNode(op="list", deps=deps):
                return "[" + ", ".join(t(d, _LAMBDA) for d in deps) + "]", _PRIMARY
            case OpNode(op="record", deps=deps, fields=fs):
                if not deps:
                    return "{}", _PRIMARY
                return "{ " + ", ".join(f"{f}: {t(d, _LAMBDA)}" for f, d in zip(fs, deps, strict=True)) + " }", _PRIMARY
            case OpNode(op=op, deps=(a, b)) if op in _INFIX:
                sym, level = _INFIX[op]
                right_slot = level + 1 if level != _COMPARE else _ADD
                left_slot = level if level != _COMPARE else _ADD
                return f"{t(a, left_slot)} {sym} {t(b, right_slot)}", level
            case OpNode(op=op):  # pragma: no cover - every op with its arity is handled above
                return f"{op}({', '.join(t(d, _LAMBDA) for d in n.deps)})", _POSTFIX
            case IfNode(deps=(c,), lazy=(a, b)):
                return f"if ({t(c, _LAMBDA)}) {t(a, _COALESCE)} else {t(b, _COALESCE)}", _LAMBDA
            case BranchNode(conds=conds, values=values, otherwise=o):
                arms = [f"{t(c, _LAMBDA)} -> {t(v, _LAMBDA)}" for c, v in zip(conds, values, strict=True)]
                arms.append(f"otherwise -> {t(o, _LAMBDA)}")
                return "branch { " + ", ".join(arms) + " }", _PRIMARY
            case WhenNode(deps=(c,), lazy=(v,)):
                return f"{t(v, _OR)} when {t(c, _OR)}", _WHEN
            case CoalesceNode(deps=(a,), lazy=(b,)):
                return f"{t(a, _WHEN)} ?? {t(b, _COALESCE)}", _COALESCE
            case LogicNode(op=op, deps=(a,), lazy=(b,)):
                level = _AND if op == "and" else _OR
                return f"{t(a, level)} {op} {t(b, level + 1)}", level
            case MatchNode(deps=(s,), arms=arms):
                shown: list[str] = []
                for arm in arms:
                    if arm.kind == "record":
                        pat = "{ " + ", ".join(arm.fields) + " }"
                    elif arm.kind == "type" and arm.match_type is not None:
                        pat = f"is {render(arm.match_type)}"
                    else:
                        pat = "_"
                    shown.append(f"{pat} -> {t(arm.value, _LAMBDA)}")
                return f"match ({t(s, _LAMBDA)}) {{ " + ", ".join(shown) + " }", _PRIMARY
            case LambdaNode(params=params, body=body, result=result):
                inner = expr_text(body, result, _no_ref)
                return f"({', '.join(params)}) => {inner}", _LAMBDA
        return n.id, _PRIMARY  # pragma: no cover - a node kind added later: shown by id


def _no_ref(i: int) -> str | None:
    return None


def _escape_text(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t").replace("$", "\\$")


def duration(seconds: float) -> str:
    """`200ms`, `2s`, `10min`, `1h`, `1d`; fractions fall back to the next smaller unit."""
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0)):
        if seconds >= size and (seconds / size).is_integer():
            return f"{int(seconds / size)}{unit}"
    ms = seconds * 1000
    return f"{int(ms)}ms" if ms.is_integer() else f"{ms:g}ms"


def options_text(opts: Options) -> list[tuple[str, str]]:
    """The options a call's `with` gives, as (name, value text) in the language's own notation."""
    out: list[tuple[str, str]] = []
    names = {v: k for k, v in PRIORITY_NAMES.items()}
    for f in opts.__struct_fields__:
        v = getattr(opts, f)
        if v is None:
            continue
        if f in ("delay", "timeout", "cache", "breaker_cooldown"):
            text = duration(v)
        elif f == "throttle":
            text = f"{v[0]}/{duration(v[1])}"
        elif f == "cache_backend":
            text = literal(v)
        elif f == "priority":
            text = names.get(v, str(v))
        elif isinstance(v, bool):
            text = "true" if v else "false"
        else:
            text = str(v)
        out.append((f, text))
    return out
