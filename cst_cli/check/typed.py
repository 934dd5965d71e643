"""The checker's output: a typed program whose expressions carry their types and resolved modules.

New structures, not annotations on the AST. Spans stay so run-time errors can point at the source;
the DAG phase drops them. Imports diagnostics, types and modules only.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from cst_cli.diagnostics import Span
from cst_cli.modules.api import ModuleSpec, Options
from cst_cli.types.model import Type


class TNode(msgspec.Struct, frozen=True, kw_only=True):
    span: Span
    type: Type


class TLit(TNode, frozen=True, kw_only=True):
    """A literal: str, int, float or bool."""

    value: str | int | float | bool


class TInterp(TNode, frozen=True, kw_only=True):
    parts: tuple[str | TExpr, ...]


class TListLit(TNode, frozen=True, kw_only=True):
    items: tuple[TExpr, ...]


class TRecordLit(TNode, frozen=True, kw_only=True):
    fields: tuple[tuple[str, TExpr], ...]


RefKind = Literal["input", "binding", "param"]


class TRef(TNode, frozen=True, kw_only=True):
    name: str
    kind: RefKind


class TCall(TNode, frozen=True, kw_only=True):
    """A resolved module call. `args` are in the module's parameter order (named arguments placed)."""

    module: ModuleSpec
    args: tuple[TExpr, ...]
    options: Options  # what the call's `with` says (module defaults are applied by the runner)
    fallback: TExpr | None = None
    streaming: tuple[tuple[str, str], ...] = ()  # batch/window/...: kept as source text, no-ops


class TField(TNode, frozen=True, kw_only=True):
    """`r.f`; `elementwise` when `r` is a List/Seq of records (gives a List of the field)."""

    target: TExpr
    field: str
    elementwise: bool = False


class TProject(TNode, frozen=True, kw_only=True):
    target: TExpr
    fields: tuple[str, ...]
    elementwise: bool = False


BinKind = Literal["arith", "compare", "logic", "merge", "merge_each"]


class TBinOp(TNode, frozen=True, kw_only=True):
    """`kind` says how to evaluate: arithmetic (Int/Float, Int widened when mixed), comparison, and/or,
    record merge, or element-wise merge of a List<record> with a record."""

    op: str
    kind: BinKind
    left: TExpr
    right: TExpr


class TUnary(TNode, frozen=True, kw_only=True):
    op: Literal["not", "-"]
    operand: TExpr


class TIf(TNode, frozen=True, kw_only=True):
    cond: TExpr
    then: TExpr
    else_: TExpr


class TBranch(TNode, frozen=True, kw_only=True):
    cases: tuple[tuple[TExpr, TExpr], ...]
    otherwise: TExpr


class TWhen(TNode, frozen=True, kw_only=True):
    value: TExpr
    cond: TExpr


class TCoalesce(TNode, frozen=True, kw_only=True):
    left: TExpr
    right: TExpr


class TMatchCase(msgspec.Struct, frozen=True, kw_only=True):
    """kind `record`: the value is a record with all `fields` (they are bound as names in `value`);
    `type`: the value is of `match_type`; `wildcard`: anything."""

    kind: Literal["record", "type", "wildcard"]
    fields: tuple[str, ...] = ()
    match_type: Type | None = None
    value: TExpr


class TMatch(TNode, frozen=True, kw_only=True):
    subject: TExpr
    cases: tuple[TMatchCase, ...]


class TLambda(TNode, frozen=True, kw_only=True):
    """`type` is a FunctionT with the inferred parameter types."""

    params: tuple[str, ...]
    body: TExpr


TExpr = (
    TLit
    | TInterp
    | TListLit
    | TRecordLit
    | TRef
    | TCall
    | TField
    | TProject
    | TBinOp
    | TUnary
    | TIf
    | TBranch
    | TWhen
    | TCoalesce
    | TMatch
    | TLambda
)


class TInput(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    type: Type
    span: Span
    examples: tuple[TExpr, ...] = ()  # from @example(...), already type-checked


class TOutput(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    type: Type
    span: Span


class TBinding(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    span: Span
    value: TExpr


class TypedProgram(msgspec.Struct, frozen=True, kw_only=True):
    """A program without errors. `bindings` are in dependency order (each after what it uses)."""

    file: str
    inputs: tuple[TInput, ...]
    bindings: tuple[TBinding, ...]
    outputs: tuple[TOutput, ...]
    aliases: tuple[tuple[str, Type], ...] = ()
