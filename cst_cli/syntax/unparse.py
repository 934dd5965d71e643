"""AST -> canonical source text that parses back to an equal AST (spans aside).

One declaration per line, annotations on their own lines, single spaces around binary operators, and
parentheses only where precedence needs them. Imports only cst_cli.syntax.ast.
"""

from __future__ import annotations

import math
from typing import Final

from cst_cli.syntax import ast

__all__ = ["unparse", "unparse_expr", "unparse_type"]

# Binding power of each expression form (higher binds tighter), as in LANGUAGE.md section 4.
_LAMBDA: Final = 0  # also `if`: their body runs to the end of the expression
_COALESCE: Final = 1
_WHEN: Final = 2
_NOT: Final = 5
_COMPARISON: Final = 6
_UNARY_MINUS: Final = 9
_POSTFIX: Final = 10
_PRIMARY: Final = 11
_BINARY: Final = {
    "or": 3,
    "and": 4,
    "==": _COMPARISON,
    "!=": _COMPARISON,
    "<": _COMPARISON,
    "<=": _COMPARISON,
    ">": _COMPARISON,
    ">=": _COMPARISON,
    "+": 7,
    "-": 7,
    "*": 8,
    "/": 8,
}
_STRING_ESCAPES: Final = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def unparse(program: ast.Program) -> str:
    """The canonical text of a program: `parse(unparse(p))` equals `p` but for spans."""
    return "".join(_decl(d) + "\n" for d in program.decls)


def unparse_expr(expr: ast.Expr) -> str:
    return _expr(expr, _LAMBDA)


def unparse_type(type_: ast.TypeExpr) -> str:
    match type_:
        case ast.TypeName(name=name, args=()):
            return name
        case ast.TypeName(name=name, args=args):
            return f"{name}<{', '.join(unparse_type(a) for a in args)}>"
        case ast.RecordType(fields=()):
            return "{}"
        case ast.RecordType(fields=fields):
            return "{ " + ", ".join(f"{f.name}: {unparse_type(f.type)}" for f in fields) + " }"
        case ast.UnionType(members=members):
            return " | ".join(unparse_type(m) for m in members)
        case ast.MergeType(left=left, right=right):
            return f"{unparse_type(left)} + {unparse_type(right)}"


def _decl(decl: ast.Decl) -> str:
    match decl:
        case ast.TypeDecl(name=name, type=type_):
            return f"type {name} = {unparse_type(type_)}"
        case ast.UseDecl(path=path, alias=None):
            return f"use {'.'.join(path)}"
        case ast.UseDecl(path=path, alias=alias):
            return f"use {'.'.join(path)} as {alias}"
        case ast.InputDecl(name=name, type=type_, annotations=annotations):
            return _annotations(annotations) + f"in {name}: {unparse_type(type_)}"
        case ast.OutputDecl(name=name, annotations=annotations):
            return _annotations(annotations) + f"out {name}"
        case ast.Binding(name=name, value=ast.Call(options=options) as call) if options:
            return f"{name} = {_call(call)} with {', '.join(_option(o) for o in options)}"
        case ast.Binding(name=name, value=value):
            return f"{name} = {_expr(value, _LAMBDA)}"


def _annotations(annotations: tuple[ast.Annotation, ...]) -> str:
    lines = []
    for a in annotations:
        args = ", ".join(
            _expr(arg.value, _LAMBDA) if arg.name is None else f"{arg.name}: {_expr(arg.value, _LAMBDA)}"
            for arg in a.args
        )
        lines.append(f"@{a.name}({args})\n" if a.args else f"@{a.name}\n")
    return "".join(lines)


def _option(option: ast.Option) -> str:
    match option.value:
        case ast.BoolLit(value=True) if option.name == "lazy":
            return "lazy"
        case ast.Duration() as d:
            return f"{option.name}: {_duration(d)}"
        case ast.Rate(count=count, per=per):
            return f"{option.name}: {count}/{_duration(per)}"
        case value:
            return f"{option.name}: {_expr(value, _LAMBDA)}"


def _duration(d: ast.Duration) -> str:
    return f"{d.amount}{d.unit}"


def _call(call: ast.Call) -> str:
    pin = f"@{call.version}" if call.version is not None else ""
    args = ", ".join(
        _expr(a.value, _LAMBDA) if a.name is None else f"{a.name}={_expr(a.value, _LAMBDA)}" for a in call.args
    )
    return f"{'.'.join(call.callee)}{pin}({args})"


def _level(expr: ast.Expr) -> int:
    match expr:
        case ast.Lambda() | ast.If():
            return _LAMBDA
        case ast.Coalesce():
            return _COALESCE
        case ast.When():
            return _WHEN
        case ast.BinOp(op=op):
            return _BINARY[op]
        case ast.UnaryOp(op="not"):
            return _NOT
        case ast.UnaryOp():
            return _UNARY_MINUS
        case ast.IntLit(value=v) | ast.FloatLit(value=v) if v < 0 or math.copysign(1.0, v) < 0:
            return _UNARY_MINUS  # `-5` is a literal, but `-5.x` is `-(5.x)`
        case ast.FieldAccess() | ast.Projection():
            return _POSTFIX
        case _:
            return _PRIMARY


def _expr(expr: ast.Expr, min_level: int) -> str:
    """The text of `expr`, in parentheses if it binds more loosely than its place needs."""
    text = _bare(expr)
    return text if _level(expr) >= min_level else f"({text})"


def _bare(expr: ast.Expr) -> str:
    match expr:
        case ast.IntLit(value=v):
            return str(v)
        case ast.FloatLit(value=v):
            return _float(v)
        case ast.StrLit(value=v):
            return '"' + _escape(v) + '"'
        case ast.BoolLit(value=v):
            return "true" if v else "false"
        case ast.Interp(parts=parts):
            return (
                '"' + "".join(_escape(p) if isinstance(p, str) else "${" + _expr(p, _LAMBDA) + "}" for p in parts) + '"'
            )
        case ast.ListLit(items=items):
            return "[" + ", ".join(_expr(i, _LAMBDA) for i in items) + "]"
        case ast.RecordLit(fields=()):
            return "{}"
        case ast.RecordLit(fields=fields):
            return "{ " + ", ".join(f"{f.name}: {_expr(f.value, _LAMBDA)}" for f in fields) + " }"
        case ast.Ref(name=name):
            return name
        case ast.Call() as call:
            return _call(call)
        case ast.FieldAccess(target=target, field=field):
            return f"{_expr(target, _POSTFIX)}.{field}"
        case ast.Projection(target=target, fields=fields):
            return f"{_expr(target, _POSTFIX)}[{', '.join(fields)}]"
        case ast.BinOp(op=op, left=left, right=right):
            level = _BINARY[op]
            # left-associative; comparisons are not associative at all
            left_level = level + 1 if level == _COMPARISON else level
            return f"{_expr(left, left_level)} {op} {_expr(right, level + 1)}"
        case ast.UnaryOp(op="not", operand=operand):
            return f"not {_expr(operand, _NOT)}"
        case ast.UnaryOp(operand=operand):
            inner = _expr(operand, _UNARY_MINUS)
            if isinstance(operand, ast.IntLit | ast.FloatLit) and not inner.startswith(("-", "(")):
                inner = f"({inner})"  # `-5` would be the literal -5, not a negation of 5
            return f"-{inner}"
        case ast.If(cond=cond, then=then, else_=else_):
            return f"if ({_expr(cond, _LAMBDA)}) {_expr(then, _LAMBDA)} else {_expr(else_, _LAMBDA)}"
        case ast.Branch(cases=cases, otherwise=otherwise):
            branches = [f"{_expr(c.cond, _LAMBDA)} -> {_expr(c.value, _LAMBDA)}" for c in cases]
            branches.append(f"otherwise -> {_expr(otherwise, _LAMBDA)}")
            return "branch { " + ", ".join(branches) + " }"
        case ast.When(value=value, cond=cond):
            return f"{_expr(value, _WHEN)} when {_expr(cond, _WHEN + 1)}"
        case ast.Coalesce(left=left, right=right):
            return f"{_expr(left, _COALESCE + 1)} ?? {_expr(right, _COALESCE)}"
        case ast.Match(subject=subject, cases=cases):
            arms = ", ".join(f"{_pattern(c.pattern)} -> {_expr(c.value, _LAMBDA)}" for c in cases)
            return f"match ({_expr(subject, _LAMBDA)}) {{ {arms} }}"
        case ast.Lambda(params=params, body=body):
            ps = ", ".join(p.name if p.type is None else f"{p.name}: {unparse_type(p.type)}" for p in params)
            return f"({ps}) => {_expr(body, _LAMBDA)}"


def _pattern(pattern: ast.Pattern) -> str:
    match pattern:
        case ast.RecordPattern(fields=fields):
            return "{ " + ", ".join(fields) + " }"
        case ast.TypePattern(type=type_):
            return f"is {unparse_type(type_)}"
        case ast.WildcardPattern():
            return "_"


def _escape(text: str) -> str:
    out = "".join(_STRING_ESCAPES.get(c, c) for c in text)
    return out.replace("${", "\\${")


def _float(v: float) -> str:
    if math.isinf(v):
        return "-1.0e999" if v < 0 else "1.0e999"
    if math.isnan(v):
        return "0.0"  # not a value the parser produces
    text = repr(v)
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + ("e" + exponent if exponent else "")
