"""Hypothesis strategies for whole programs, built as ASTs (with dummy spans) in the parser's normal form.

Normal form is what the parser produces: unions flat, merges left-nested, `-5` a literal, interpolations
without empty text parts, `with` options only on a binding's call.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from cst_cli.diagnostics import Span
from cst_cli.syntax import ast

S = Span(file="gen.cst", start=0, end=0)
KEYWORDS = frozenset(
    {"type", "in", "out", "if", "else", "true", "false", "use", "as", "and", "or", "not", "when", "branch"}
    | {"otherwise", "with", "lazy", "match", "is"}
)
NAME_RE = r"[a-z][a-z0-9_]{0,4}(-[a-z0-9]{1,3})?"
_BINARY = ["??", "when", "or", "and", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"]

names = st.one_of(
    st.sampled_from(["a", "b", "x", "list-sum", "eq-int", "_", "_tmp", "Trim", "topK"]),
    st.from_regex(NAME_RE, fullmatch=True),
).filter(lambda n: n not in KEYWORDS)
field_names = names.filter(lambda n: n != "_")


# ---------------------------------------------------------------- types


def _type_name_leaf() -> st.SearchStrategy[ast.TypeExpr]:
    return st.builds(
        lambda n: ast.TypeName(span=S, name=n),
        st.sampled_from(["String", "Int", "Float", "Boolean", "Product", "T"]),
    )


def _type_compound(inner: st.SearchStrategy[ast.TypeExpr]) -> st.SearchStrategy[ast.TypeExpr]:
    generic = st.builds(
        lambda n, args: ast.TypeName(span=S, name=n, args=tuple(args)),
        st.sampled_from(["List", "Seq", "Candidates", "Optional", "Map"]),
        st.lists(types_any(inner), min_size=1, max_size=2),
    )
    record = st.builds(
        lambda fs: ast.RecordType(span=S, fields=tuple(ast.FieldType(span=S, name=n, type=t) for n, t in fs)),
        st.lists(st.tuples(field_names, types_any(inner)), max_size=3),
    )
    return st.one_of(generic, record)


def types_any(atoms: st.SearchStrategy[ast.TypeExpr]) -> st.SearchStrategy[ast.TypeExpr]:
    """A type: atoms, `A + B` (left-nested) or `A | B | C` (flat) over them."""

    def merge(items: list[ast.TypeExpr]) -> ast.TypeExpr:
        result = items[0]
        for item in items[1:]:
            result = ast.MergeType(span=S, left=result, right=item)
        return result

    merged = st.lists(atoms, min_size=1, max_size=3).map(merge)
    union = st.lists(merged, min_size=2, max_size=3).map(lambda ms: ast.UnionType(span=S, members=tuple(ms)))
    return st.one_of(merged, union)


type_atoms: st.SearchStrategy[ast.TypeExpr] = st.recursive(_type_name_leaf(), _type_compound, max_leaves=6)
types = types_any(type_atoms)


# ---------------------------------------------------------------- expressions


def _leaves() -> st.SearchStrategy[ast.Expr]:
    return st.one_of(
        st.builds(lambda v: ast.IntLit(span=S, value=v), st.integers(-(2**63), 2**63 - 1)),
        st.builds(lambda v: ast.FloatLit(span=S, value=v), st.floats(allow_nan=False, allow_infinity=False)),
        st.builds(lambda v: ast.StrLit(span=S, value=v), st.text(max_size=8)),
        st.builds(lambda v: ast.BoolLit(span=S, value=v), st.booleans()),
        st.builds(lambda n: ast.Ref(span=S, name=n), names),
    )


def _interp(parts: list[Any]) -> ast.Expr:
    merged: list[Any] = []
    for p in parts:
        if isinstance(p, str):
            if not p:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += p
                continue
        merged.append(p)
    if not any(not isinstance(p, str) for p in merged):
        return ast.StrLit(span=S, value="".join(merged))
    return ast.Interp(span=S, parts=tuple(merged))


def _call(callee: list[str], version: int | None, args: list[tuple[str | None, ast.Expr]]) -> ast.Call:
    return ast.Call(
        span=S,
        callee=tuple(callee),
        callee_span=S,
        version=version,
        args=tuple(ast.Arg(span=S, name=n, value=v) for n, v in args),
    )


def _pattern() -> st.SearchStrategy[ast.Pattern]:
    return st.one_of(
        st.builds(
            lambda fs: ast.RecordPattern(span=S, fields=tuple(fs)), st.lists(field_names, min_size=1, max_size=3)
        ),
        st.builds(lambda t: ast.TypePattern(span=S, type=t), types),
        st.just(ast.WildcardPattern(span=S)),
    )


def _compound(e: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
    small = st.lists(e, max_size=3)
    return st.one_of(
        st.lists(st.one_of(st.text(max_size=5), e), min_size=1, max_size=4).map(_interp),
        st.builds(lambda items: ast.ListLit(span=S, items=tuple(items)), small),
        st.builds(
            lambda fs: ast.RecordLit(span=S, fields=tuple(ast.RecordField(span=S, name=n, value=v) for n, v in fs)),
            st.lists(st.tuples(field_names, e), max_size=3),
        ),
        st.builds(
            _call,
            st.lists(names, min_size=1, max_size=3),
            st.one_of(st.none(), st.integers(0, 99)),
            st.lists(st.tuples(st.one_of(st.none(), field_names), e), max_size=3),
        ),
        st.builds(lambda t, f: ast.FieldAccess(span=S, target=t, field=f, field_span=S), e, field_names),
        st.builds(
            lambda t, fs: ast.Projection(span=S, target=t, fields=tuple(fs), field_spans=(S,) * len(fs)),
            e,
            st.lists(field_names, min_size=1, max_size=3),
        ),
        st.builds(_binary, st.sampled_from(_BINARY), e, e),
        st.builds(lambda op, x: ast.UnaryOp(span=S, op=op, operand=x), st.sampled_from(["not", "-"]), e),
        st.builds(lambda c, t, f: ast.If(span=S, cond=c, then=t, else_=f), e, e, e),
        st.builds(
            lambda cs, o: ast.Branch(
                span=S, cases=tuple(ast.BranchCase(span=S, cond=c, value=v) for c, v in cs), otherwise=o
            ),
            st.lists(st.tuples(e, e), max_size=2),
            e,
        ),
        st.builds(
            lambda subject, cs: ast.Match(
                span=S, subject=subject, cases=tuple(ast.MatchCase(span=S, pattern=p, value=v) for p, v in cs)
            ),
            e,
            st.lists(st.tuples(_pattern(), e), min_size=1, max_size=3),
        ),
        st.builds(
            lambda ps, body: ast.Lambda(
                span=S, params=tuple(ast.Param(span=S, name=n, type=t) for n, t in ps), body=body
            ),
            st.lists(st.tuples(names, st.one_of(st.none(), types)), max_size=2),
            e,
        ),
    )


def _binary(op: str, left: ast.Expr, right: ast.Expr) -> ast.Expr:
    if op == "??":
        return ast.Coalesce(span=S, left=left, right=right)
    if op == "when":
        return ast.When(span=S, value=left, cond=right)
    return ast.BinOp(span=S, op=op, op_span=S, left=left, right=right)


exprs: st.SearchStrategy[ast.Expr] = st.recursive(_leaves(), _compound, max_leaves=12)


# ---------------------------------------------------------------- declarations


def _duration() -> st.SearchStrategy[ast.Duration]:
    return st.builds(
        lambda n, u: ast.Duration(span=S, amount=n, unit=u),
        st.integers(0, 10**6),
        st.sampled_from(["ms", "s", "min", "h", "d"]),
    )


option_values: st.SearchStrategy[Any] = st.one_of(
    exprs,
    _duration(),
    st.builds(lambda c, per: ast.Rate(span=S, count=c, per=per), st.integers(0, 1000), _duration()),
)
options = st.builds(
    lambda n, v: ast.Option(span=S, name=n, name_span=S, value=v),
    st.one_of(st.sampled_from(["retry", "timeout", "lazy", "priority", "cache_backend"]), names),
    option_values,
)
annotations = st.lists(
    st.builds(
        lambda n, args: ast.Annotation(
            span=S, name=n, args=tuple(ast.AnnotationArg(span=S, name=k, value=v) for k, v in args)
        ),
        st.sampled_from(["example", "source", "sink"]),
        st.lists(st.tuples(st.one_of(st.none(), field_names), exprs), max_size=2),
    ),
    max_size=2,
)


def _binding(name: str, value: ast.Expr, opts: list[ast.Option]) -> ast.Binding:
    if isinstance(value, ast.Call) and opts:
        value = ast.Call(
            span=S,
            callee=value.callee,
            callee_span=S,
            version=value.version,
            args=value.args,
            options=tuple(opts),
        )
    return ast.Binding(span=S, name=name, name_span=S, value=value)


decls: st.SearchStrategy[ast.Decl] = st.one_of(
    st.builds(lambda n, t: ast.TypeDecl(span=S, name=n, name_span=S, type=t), names, types),
    st.builds(
        lambda path, alias: ast.UseDecl(span=S, path=tuple(path), path_span=S, alias=alias),
        st.lists(names, min_size=1, max_size=3),
        st.one_of(st.none(), names),
    ),
    st.builds(
        lambda anns, n, t: ast.InputDecl(span=S, name=n, name_span=S, type=t, annotations=tuple(anns)),
        annotations,
        names,
        types,
    ),
    st.builds(lambda anns, n: ast.OutputDecl(span=S, name=n, name_span=S, annotations=tuple(anns)), annotations, names),
    st.builds(_binding, names, exprs, st.lists(options, max_size=3)),
)
programs = st.lists(decls, max_size=6).map(lambda ds: ast.Program(span=S, decls=tuple(ds)))
