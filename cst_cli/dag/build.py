"""Lower a checked `TypedProgram` to the DAG IR, with the side tables the runtime needs (spans, module specs).

Iterative over bindings (a 10,000-binding chain is no deeper than one binding); recursion only follows the
nesting of one expression, which the parser bounds. Imports check (typed IR), modules, types, dag.ir.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Literal

import msgspec

from cst_cli.check.typed import (
    TBinOp,
    TBranch,
    TCall,
    TCoalesce,
    TExpr,
    TField,
    TIf,
    TInterp,
    TLambda,
    TListLit,
    TLit,
    TMatch,
    TProject,
    TRecordLit,
    TRef,
    TUnary,
    TWhen,
    TypedProgram,
)
from cst_cli.dag.ir import (
    AnyNode,
    BranchNode,
    CallNode,
    CaptureNode,
    CoalesceNode,
    ConstNode,
    Dag,
    DagInput,
    DagOutput,
    IfNode,
    InputNode,
    LambdaNode,
    LogicNode,
    MatchArm,
    MatchNode,
    OpName,
    OpNode,
    ParamNode,
    WhenNode,
    module_key,
)
from cst_cli.diagnostics import Span
from cst_cli.modules.api import ModuleSpec
from cst_cli.types.model import BOOLEAN, UNKNOWN, FunctionT, RecordT, Type, UnionT

_ARITH: dict[str, OpName] = {"+": "add", "-": "sub", "*": "mul", "/": "div"}
_COMPARE: dict[str, OpName] = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


@dataclass(frozen=True)
class BuiltDag:
    """The DAG and what it deliberately leaves out: where each node is in the source (by node id), the
    module implementations (by `module_key`), and the structural hash."""

    dag: Dag
    spans: dict[str, Span]
    specs: dict[str, ModuleSpec]
    file: str
    # calls outside any conditional that neither the call nor the module's defaults make lazy or eager:
    # cst.yaml's defaults for the module decide (the runner's plan adds those it makes eager to `dag.eager`)
    open_lazy: tuple[int, ...] = ()

    @functools.cached_property
    def hash(self) -> str:  # computed on first use: `cst run` without a trace never needs it
        return structural_hash(self.dag)

    def node_index(self, node_id: str) -> int | None:
        for i, n in enumerate(self.dag.nodes):
            if n.id == node_id:
                return i
        return None


def structural_hash(dag: Dag) -> str:
    """sha256 of the canonical encoding: spans, whitespace and comments do not count; module names and
    versions, options and types do."""
    return hashlib.sha256(msgspec.json.encode(dag, order="deterministic")).hexdigest()


# A name as a scope sees it: a node index, or a match field not yet materialised (subject index, field).
_Binding = int | tuple[int, str]


@dataclass
class _Graph:
    """One graph under construction: the pipeline, or a lambda body (with a parent to capture from)."""

    prefix: str
    parent: _Graph | None
    nodes: list[AnyNode] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    names: dict[str, int] = field(default_factory=dict)  # inputs and bindings (top level only)
    scopes: list[dict[str, _Binding]] = field(default_factory=list)  # lambda params, match fields
    captures: list[int] = field(default_factory=list)  # parent indices, for lambda bodies
    captured: dict[str, int] = field(default_factory=dict)  # name -> local CaptureNode index
    counter: int = 0

    def new_id(self, owner: str) -> str:
        self.counter += 1
        return f"{owner}#{self.counter}" if self.parent is None else f"{self.prefix}.{self.counter}"

    def add(self, node: AnyNode, span: Span) -> int:
        self.nodes.append(node)
        self.spans.append(span)
        return len(self.nodes) - 1

    def resolve(self, name: str, span: Span, owner: str) -> int:
        for scope in reversed(self.scopes):
            if name in scope:
                b = scope[name]
                if isinstance(b, tuple):  # a match field: materialise `subject.field` on first use
                    subject, fname = b
                    subject_type = self.nodes[subject].type
                    ftype: Type | None = None
                    members = subject_type.members if isinstance(subject_type, UnionT) else (subject_type,)
                    for m in members:
                        if isinstance(m, RecordT) and m.field(fname) is not None:
                            ftype = m.field(fname)
                            break
                    idx = self.add(
                        OpNode(
                            id=self.new_id(owner),
                            type=ftype if ftype is not None else subject_type,
                            op="field",
                            fields=(fname,),
                            deps=(subject,),
                        ),
                        span,
                    )
                    scope[name] = idx
                    return idx
                return b
        if self.parent is None:
            return self.names[name]
        if name in self.captured:
            return self.captured[name]
        outer = self.parent.resolve(name, span, owner)
        self.captures.append(outer)
        idx = self.add(
            CaptureNode(
                id=self.new_id(owner), type=self.parent.nodes[outer].type, name=name, index=len(self.captures) - 1
            ),
            span,
        )
        self.captured[name] = idx
        return idx


class _Builder:
    def __init__(self, program: TypedProgram) -> None:
        self.program = program
        self.specs: dict[str, ModuleSpec] = {}
        self.eager: list[int] = []
        self.open_lazy: list[int] = []
        self.gated = 0
        self.owner = ""
        self.subgraphs: list[_Graph] = []
        self._names: dict[int, tuple[ModuleSpec, str]] = {}  # id(spec) -> (spec, qualified name), per spec

    def build(self) -> BuiltDag:
        g = _Graph(prefix="", parent=None)
        inputs: list[DagInput] = []
        for inp in self.program.inputs:
            idx = g.add(InputNode(id=inp.name, type=inp.type, name=inp.name), inp.span)
            g.names[inp.name] = idx
            inputs.append(DagInput(name=inp.name, type=inp.type, node=idx))
        for b in self.program.bindings:
            self.owner = b.name
            g.counter = 0
            g.names[b.name] = self.expr(g, b.value, root_id=b.name)
        outputs = tuple(DagOutput(name=o.name, type=o.type, node=g.names[o.name]) for o in self.program.outputs)
        dag = Dag(nodes=tuple(g.nodes), inputs=tuple(inputs), outputs=outputs, eager=tuple(self.eager))
        spans: dict[str, Span] = {}
        self._collect_spans(g, spans)
        return BuiltDag(dag=dag, spans=spans, specs=self.specs, file=self.program.file, open_lazy=tuple(self.open_lazy))

    def _collect_spans(self, g: _Graph, out: dict[str, Span]) -> None:
        for n, s in zip(g.nodes, g.spans, strict=True):
            out.setdefault(n.id, s)
        for sub in self.subgraphs:
            for n, s in zip(sub.nodes, sub.spans, strict=True):
                out.setdefault(n.id, s)

    def _gated(self, g: _Graph, e: TExpr) -> int:
        self.gated += 1
        try:
            return self.expr(g, e)
        finally:
            self.gated -= 1

    def expr(self, g: _Graph, e: TExpr, root_id: str | None = None) -> int:
        """The index of the node computing `e` (a reference is its target, unless it is a binding's root).

        A node's id is taken after its operands are built (`binding#k` numbers inner nodes in that order).
        No closures here: a nested function would make every local a cell, on every call.
        """
        if isinstance(e, TRef) and root_id is None:
            return g.resolve(e.name, e.span, self.owner)
        match e:
            case TRef():
                target = g.resolve(e.name, e.span, self.owner)
                return g.add(OpNode(id=root_id or g.new_id(self.owner), type=e.type, op="ref", deps=(target,)), e.span)
            case TLit(value=lit):
                return g.add(ConstNode(id=root_id or g.new_id(self.owner), type=e.type, value=lit), e.span)
            case TCall():
                return self._call(g, e, root_id)
            case TInterp(parts=parts):
                deps: list[int] = []
                texts: list[str | None] = []
                for p in parts:
                    if isinstance(p, str):
                        texts.append(p)
                    else:
                        deps.append(self.expr(g, p))
                        texts.append(None)
                node: AnyNode = OpNode(
                    id=root_id or g.new_id(self.owner), type=e.type, op="interp", deps=tuple(deps), parts=tuple(texts)
                )
            case TListLit(items=items):
                ds = tuple([self.expr(g, x) for x in items])
                node = OpNode(id=root_id or g.new_id(self.owner), type=e.type, op="list", deps=ds)
            case TRecordLit(fields=fs):
                ds = tuple([self.expr(g, x) for _, x in fs])
                names = tuple([n for n, _ in fs])
                node = OpNode(id=root_id or g.new_id(self.owner), type=e.type, op="record", deps=ds, fields=names)
            case TField(target=t, field=fname, elementwise=ew):
                d = self.expr(g, t)
                node = OpNode(
                    id=root_id or g.new_id(self.owner),
                    type=e.type,
                    op="field",
                    deps=(d,),
                    fields=(fname,),
                    elementwise=ew,
                )
            case TProject(target=t, fields=pfs, elementwise=ew):
                d = self.expr(g, t)
                node = OpNode(
                    id=root_id or g.new_id(self.owner), type=e.type, op="project", deps=(d,), fields=pfs, elementwise=ew
                )
            case TBinOp(op=op, kind=kind, left=lhs, right=rhs):
                if kind == "logic":
                    left = self.expr(g, lhs)
                    right = self._gated(g, rhs)
                    lop: Literal["and", "or"] = "and" if op == "and" else "or"
                    node = LogicNode(
                        id=root_id or g.new_id(self.owner), type=BOOLEAN, op=lop, deps=(left,), lazy=(right,)
                    )
                else:
                    left = self.expr(g, lhs)
                    right = self.expr(g, rhs)
                    name: OpName = (
                        _ARITH[op] if kind == "arith" else _COMPARE[op] if kind == "compare" else kind  # merge(_each)
                    )
                    node = OpNode(id=root_id or g.new_id(self.owner), type=e.type, op=name, deps=(left, right))
            case TUnary(op=op, operand=x):
                d = self.expr(g, x)
                uop: OpName = "not" if op == "not" else "neg"
                node = OpNode(id=root_id or g.new_id(self.owner), type=e.type, op=uop, deps=(d,))
            case TIf(cond=c, then=t, else_=f):
                cond = self.expr(g, c)
                then = self._gated(g, t)
                other = self._gated(g, f)
                node = IfNode(id=root_id or g.new_id(self.owner), type=e.type, deps=(cond,), lazy=(then, other))
            case TBranch(cases=cases, otherwise=o):
                conds: list[int] = []
                values: list[int] = []
                for k, (c, v) in enumerate(cases):
                    conds.append(self.expr(g, c) if k == 0 else self._gated(g, c))
                    values.append(self._gated(g, v))
                other = self._gated(g, o)
                node = BranchNode(
                    id=root_id or g.new_id(self.owner),
                    type=e.type,
                    deps=(conds[0],),
                    lazy=tuple(conds[1:]) + tuple(values) + (other,),
                    conds=tuple(conds),
                    values=tuple(values),
                    otherwise=other,
                )
            case TWhen(value=v, cond=c):
                cond = self.expr(g, c)
                value = self._gated(g, v)
                node = WhenNode(id=root_id or g.new_id(self.owner), type=e.type, deps=(cond,), lazy=(value,))
            case TCoalesce(left=lhs, right=rhs):
                left = self.expr(g, lhs)
                right = self._gated(g, rhs)
                node = CoalesceNode(id=root_id or g.new_id(self.owner), type=e.type, deps=(left,), lazy=(right,))
            case TMatch(subject=s, cases=match_cases):
                subject = self.expr(g, s)
                arms: list[MatchArm] = []
                for mc in match_cases:
                    g.scopes.append({f: (subject, f) for f in mc.fields} if mc.kind == "record" else {})
                    try:
                        arm_value = self._gated(g, mc.value)
                    finally:
                        g.scopes.pop()
                    arms.append(MatchArm(kind=mc.kind, fields=mc.fields, match_type=mc.match_type, value=arm_value))
                node = MatchNode(
                    id=root_id or g.new_id(self.owner),
                    type=e.type,
                    deps=(subject,),
                    lazy=tuple([a.value for a in arms]),
                    arms=tuple(arms),
                )
            case TLambda(params=params, body=body):
                return self._lambda(g, e, params, body, root_id)
            case _:  # pragma: no cover
                raise AssertionError(f"unknown expression {type(e).__name__}")
        return g.add(node, e.span)

    def _lambda(self, g: _Graph, e: TLambda, params: tuple[str, ...], body: TExpr, root_id: str | None) -> int:
        lam_id = root_id or g.new_id(self.owner)
        sub = _Graph(prefix=lam_id, parent=g)
        sub.scopes.append({})
        for k, p in enumerate(params):
            ptype = e.type.params[k] if isinstance(e.type, FunctionT) and k < len(e.type.params) else UNKNOWN
            sub.scopes[0][p] = sub.add(ParamNode(id=sub.new_id(self.owner), type=ptype, name=p, index=k), e.span)
        saved_gated, self.gated = self.gated, 1  # calls in a lambda body are never eager roots
        try:
            result = self.expr(sub, body)
        finally:
            self.gated = saved_gated
        self.subgraphs.append(sub)
        return g.add(
            LambdaNode(
                id=lam_id,
                type=e.type,
                deps=tuple(sub.captures),
                params=params,
                body=tuple(sub.nodes),
                result=result,
            ),
            e.span,
        )

    def _call(self, g: _Graph, e: TCall, root_id: str | None) -> int:
        spec = e.module
        args = tuple([self.expr(g, a) for a in e.args])
        fallback = self._gated(g, e.fallback) if e.fallback is not None else None
        known = self._names.get(id(spec))
        if known is None or known[0] is not spec:
            qualified = spec.qualified_name
            known = self._names[id(spec)] = (spec, qualified)
            self.specs[module_key(qualified, spec.version)] = spec
        idx = g.add(
            CallNode(
                id=root_id or g.new_id(self.owner),
                type=e.type,
                deps=args,
                lazy=(fallback,) if fallback is not None else (),
                module=known[1],
                version=spec.version,
                options=e.options,
                fallback=fallback,
            ),
            e.span,
        )
        if g.parent is None and self.gated == 0:
            lazy = e.options.lazy if e.options.lazy is not None else spec.defaults.lazy
            if lazy is False:
                self.eager.append(idx)
            elif lazy is None:
                self.open_lazy.append(idx)
        return idx


def build_dag(program: TypedProgram) -> BuiltDag:
    """Lower a checked program. Never fails on a program the checker accepted."""
    return _Builder(program).build()
