"""Names in scope while checking expressions, the free names of an expression (the dependency graph), and
the stand-in for an expression that could not be typed.

Imports the AST, the typed IR and the type model only.
"""

from __future__ import annotations

from collections.abc import Mapping

from cst_cli.check import typed as t
from cst_cli.diagnostics import Span
from cst_cli.syntax import ast
from cst_cli.types.model import UNKNOWN, Type

# a name's type and what kind of name it is
Entry = tuple[Type, t.RefKind]
Locals = Mapping[str, Entry]

NO_LOCALS: Locals = {}


def placeholder(span: Span) -> t.TExpr:
    """The typed stand-in for an expression that could not be typed (never reaches a TypedProgram)."""
    return t.TLit(span=span, type=UNKNOWN, value="")


def free_names(expr: ast.Expr) -> list[str]:
    """The names `expr` uses from outside itself, in order of first use (lambda parameters and the fields a
    record pattern binds are inside). Only `fallback:` among the options is an expression: the others'
    bare words (`exponential`, `skip`) are not names."""
    out: dict[str, None] = {}
    _walk(expr, _NO_NAMES, out)
    return list(out)


_LEAVES = frozenset({ast.IntLit, ast.FloatLit, ast.StrLit, ast.BoolLit})
_NO_NAMES: frozenset[str] = frozenset()


def _walk(e: ast.Expr, bound: frozenset[str], out: dict[str, None]) -> None:
    # exact-type fast paths for the commonest nodes (a structural match tries each case in turn); any other
    # node, or a subclass, goes through the match below
    if type(e) is ast.Ref:
        if e.name not in bound:
            out[e.name] = None
        return
    if type(e) in _LEAVES:
        return
    if type(e) is ast.Interp:
        for p in e.parts:
            if not isinstance(p, str):
                _walk(p, bound, out)
        return
    if type(e) is ast.Call:
        for a in e.args:
            _walk(a.value, bound, out)
        for o in e.options:
            if o.name == "fallback" and not isinstance(o.value, ast.Duration | ast.Rate):
                _walk(o.value, bound, out)
        return
    match e:
        case ast.Ref(name=n):
            if n not in bound:
                out[n] = None
        case ast.IntLit() | ast.FloatLit() | ast.StrLit() | ast.BoolLit():
            pass
        case ast.Interp(parts=parts):
            for p in parts:
                if not isinstance(p, str):
                    _walk(p, bound, out)
        case ast.ListLit(items=items):
            for x in items:
                _walk(x, bound, out)
        case ast.RecordLit(fields=fields):
            for f in fields:
                _walk(f.value, bound, out)
        case ast.Call(args=args, options=options):
            for a in args:
                _walk(a.value, bound, out)
            for o in options:
                if o.name == "fallback" and not isinstance(o.value, ast.Duration | ast.Rate):
                    _walk(o.value, bound, out)
        case ast.FieldAccess(target=t) | ast.Projection(target=t):
            _walk(t, bound, out)
        case ast.BinOp(left=left, right=right) | ast.Coalesce(left=left, right=right):
            _walk(left, bound, out)
            _walk(right, bound, out)
        case ast.UnaryOp(operand=x):
            _walk(x, bound, out)
        case ast.If(cond=c, then=t, else_=f):
            _walk(c, bound, out)
            _walk(t, bound, out)
            _walk(f, bound, out)
        case ast.Branch(cases=cases, otherwise=otherwise):
            for case in cases:
                _walk(case.cond, bound, out)
                _walk(case.value, bound, out)
            _walk(otherwise, bound, out)
        case ast.When(value=v, cond=c):
            _walk(v, bound, out)
            _walk(c, bound, out)
        case ast.Match(subject=s, cases=cases):
            _walk(s, bound, out)
            for mc in cases:
                inner = bound | set(mc.pattern.fields) if isinstance(mc.pattern, ast.RecordPattern) else bound
                _walk(mc.value, inner, out)
        case ast.Lambda(params=params, body=body):
            _walk(body, bound | {p.name for p in params}, out)
