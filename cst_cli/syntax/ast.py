"""Frozen AST nodes with spans, produced by the parser and never mutated afterwards.

Imports only cst_cli.diagnostics. Later phases return new structures keyed by these nodes' spans or ids.
"""

from __future__ import annotations

import msgspec

from cst_cli.diagnostics import Span


class Node(msgspec.Struct, frozen=True, kw_only=True):
    span: Span


# ---------------------------------------------------------------- type expressions


class TypeName(Node, frozen=True, kw_only=True):
    """`String`, `Product`, `List<Int>`, `Map<String, Int>`, `Optional<T>`."""

    name: str
    args: tuple[TypeExpr, ...] = ()


class FieldType(Node, frozen=True, kw_only=True):
    name: str
    type: TypeExpr


class RecordType(Node, frozen=True, kw_only=True):
    fields: tuple[FieldType, ...]


class UnionType(Node, frozen=True, kw_only=True):
    members: tuple[TypeExpr, ...]


class MergeType(Node, frozen=True, kw_only=True):
    """`A + B`: type-level record merge (right wins on a clash)."""

    left: TypeExpr
    right: TypeExpr


TypeExpr = TypeName | RecordType | UnionType | MergeType


# ---------------------------------------------------------------- expressions


class IntLit(Node, frozen=True, kw_only=True):
    value: int


class FloatLit(Node, frozen=True, kw_only=True):
    value: float


class StrLit(Node, frozen=True, kw_only=True):
    value: str


class BoolLit(Node, frozen=True, kw_only=True):
    value: bool


class Interp(Node, frozen=True, kw_only=True):
    """An interpolated string: parts alternate literal text (str) and expressions."""

    parts: tuple[str | Expr, ...]


class ListLit(Node, frozen=True, kw_only=True):
    items: tuple[Expr, ...]


class RecordField(Node, frozen=True, kw_only=True):
    name: str
    value: Expr


class RecordLit(Node, frozen=True, kw_only=True):
    fields: tuple[RecordField, ...]


class Ref(Node, frozen=True, kw_only=True):
    """A name: a binding, an input, or a lambda parameter."""

    name: str


class Arg(Node, frozen=True, kw_only=True):
    """A call argument; `name` is set for a named argument (`topK=100`)."""

    name: str | None
    value: Expr


class Duration(Node, frozen=True, kw_only=True):
    """`200ms`, `2s`, `10min`, `1h`, `1d`; only inside `with`."""

    amount: int
    unit: str  # ms s min h d

    @property
    def seconds(self) -> float:
        return self.amount * _UNIT_SECONDS[self.unit]


_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


class Rate(Node, frozen=True, kw_only=True):
    """`10/1s`: at most `count` calls per `per`."""

    count: int
    per: Duration


class Option(Node, frozen=True, kw_only=True):
    """One `name: value` of a `with` clause. Bare words (`exponential`, `skip`) arrive as Ref."""

    name: str
    name_span: Span
    value: Expr | Duration | Rate


class Call(Node, frozen=True, kw_only=True):
    """`Module(args)`, `ns.fn(args)`, `alias.fn(args)`, `Module@2(args)`, with optional `with` options."""

    callee: tuple[str, ...]  # dotted parts: ("stdlib", "math", "add") or ("Trim",)
    callee_span: Span
    version: int | None
    args: tuple[Arg, ...]
    options: tuple[Option, ...] = ()


class FieldAccess(Node, frozen=True, kw_only=True):
    target: Expr
    field: str
    field_span: Span


class Projection(Node, frozen=True, kw_only=True):
    """`r[a, b]` or `r{a, b}`."""

    target: Expr
    fields: tuple[str, ...]
    field_spans: tuple[Span, ...]


class BinOp(Node, frozen=True, kw_only=True):
    """Arithmetic `+ - * /`, comparison `== != < <= > >=`, logic `and or`."""

    op: str
    op_span: Span
    left: Expr
    right: Expr


class UnaryOp(Node, frozen=True, kw_only=True):
    """`not e` and `-e`."""

    op: str
    operand: Expr


class If(Node, frozen=True, kw_only=True):
    cond: Expr
    then: Expr
    else_: Expr


class BranchCase(Node, frozen=True, kw_only=True):
    cond: Expr
    value: Expr


class Branch(Node, frozen=True, kw_only=True):
    cases: tuple[BranchCase, ...]
    otherwise: Expr


class When(Node, frozen=True, kw_only=True):
    value: Expr
    cond: Expr


class Coalesce(Node, frozen=True, kw_only=True):
    left: Expr
    right: Expr


class RecordPattern(Node, frozen=True, kw_only=True):
    fields: tuple[str, ...]


class TypePattern(Node, frozen=True, kw_only=True):
    type: TypeExpr


class WildcardPattern(Node, frozen=True, kw_only=True):
    pass


Pattern = RecordPattern | TypePattern | WildcardPattern


class MatchCase(Node, frozen=True, kw_only=True):
    pattern: Pattern
    value: Expr


class Match(Node, frozen=True, kw_only=True):
    subject: Expr
    cases: tuple[MatchCase, ...]


class Param(Node, frozen=True, kw_only=True):
    name: str
    type: TypeExpr | None = None


class Lambda(Node, frozen=True, kw_only=True):
    params: tuple[Param, ...]
    body: Expr


Expr = (
    IntLit
    | FloatLit
    | StrLit
    | BoolLit
    | Interp
    | ListLit
    | RecordLit
    | Ref
    | Call
    | FieldAccess
    | Projection
    | BinOp
    | UnaryOp
    | If
    | Branch
    | When
    | Coalesce
    | Match
    | Lambda
)


# ---------------------------------------------------------------- declarations


class AnnotationArg(Node, frozen=True, kw_only=True):
    name: str | None
    value: Expr


class Annotation(Node, frozen=True, kw_only=True):
    """`@example(expr)`, `@source("kind", key: expr)`, `@sink(...)`."""

    name: str
    args: tuple[AnnotationArg, ...]


class TypeDecl(Node, frozen=True, kw_only=True):
    name: str
    name_span: Span
    type: TypeExpr


class UseDecl(Node, frozen=True, kw_only=True):
    path: tuple[str, ...]  # ("stdlib", "math")
    path_span: Span
    alias: str | None = None


class InputDecl(Node, frozen=True, kw_only=True):
    name: str
    name_span: Span
    type: TypeExpr
    annotations: tuple[Annotation, ...] = ()


class Binding(Node, frozen=True, kw_only=True):
    name: str
    name_span: Span
    value: Expr


class OutputDecl(Node, frozen=True, kw_only=True):
    name: str
    name_span: Span
    annotations: tuple[Annotation, ...] = ()


Decl = TypeDecl | UseDecl | InputDecl | Binding | OutputDecl


class Program(Node, frozen=True, kw_only=True):
    decls: tuple[Decl, ...]
