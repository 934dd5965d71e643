"""The span-free DAG IR: one node per input, constant, module call and inline operation, keyed by index.

Nodes name their dependencies by index in `Dag.nodes`. `deps` are strict (computed before the node runs);
`lazy` ones are demanded only when the node asks for them at run time (the arms of conditionals, the right
side of `??`/`and`/`or`, a call's `fallback:`), which is how laziness gates whole sub-DAGs. Imports types and
modules only; never the runtime.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from cst_cli.modules.api import Options
from cst_cli.types.model import Type

Scalar = str | int | float | bool | None

OpName = Literal[
    "add",
    "sub",
    "mul",
    "div",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "not",
    "neg",
    "merge",
    "merge_each",
    "field",
    "project",
    "interp",
    "list",
    "record",
    "ref",
]


class Node(msgspec.Struct, frozen=True, kw_only=True, tag_field="kind", gc=False):
    """A DAG node. `id` is stable and readable: a binding's root node is named after the binding, its inner
    nodes `binding#k`; inputs are named after the input.

    `gc=False` (inherited) here and on the other IR records: frozen records built bottom-up cannot form a
    reference cycle, so the cycle collector need not track them (8,000 nodes no longer trigger collections
    of everything the compiler left alive)."""

    id: str
    type: Type
    deps: tuple[int, ...] = ()
    lazy: tuple[int, ...] = ()


class InputNode(Node, frozen=True, kw_only=True, tag="input"):
    name: str


class ConstNode(Node, frozen=True, kw_only=True, tag="const"):
    value: Scalar


class CallNode(Node, frozen=True, kw_only=True, tag="call"):
    """A module call; `deps` are the arguments in parameter order; `fallback` (also in `lazy`) is computed
    only when every attempt failed. `options` are what the call says; defaults are applied by the runtime."""

    module: str  # qualified name
    version: tuple[int, int]
    options: Options = Options()
    fallback: int | None = None

    @property
    def module_key(self) -> str:
        return module_key(self.module, self.version)


class OpNode(Node, frozen=True, kw_only=True, tag="op"):
    """An inline operation over its `deps`.

    `fields`: the field of `field`, the fields of `project`, the names of `record`. `parts`: the text of
    `interp`, None marking where the next dependency's rendered value goes.
    """

    op: OpName
    fields: tuple[str, ...] = ()
    elementwise: bool = False
    parts: tuple[str | None, ...] = ()


class IfNode(Node, frozen=True, kw_only=True, tag="if"):
    """deps (cond,), lazy (then, else)."""


class BranchNode(Node, frozen=True, kw_only=True, tag="branch"):
    """deps (first condition,); lazy: the other conditions, every value and `otherwise`, demanded in order."""

    conds: tuple[int, ...]
    values: tuple[int, ...]
    otherwise: int


class WhenNode(Node, frozen=True, kw_only=True, tag="when"):
    """deps (cond,), lazy (value,): the value when cond holds, else none."""


class CoalesceNode(Node, frozen=True, kw_only=True, tag="coalesce"):
    """deps (left,), lazy (right,): right is computed only when left is none."""


class LogicNode(Node, frozen=True, kw_only=True, tag="logic"):
    """deps (left,), lazy (right,): short-circuit `and`/`or`."""

    op: Literal["and", "or"]


class MatchArm(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    kind: Literal["record", "type", "wildcard"]
    fields: tuple[str, ...] = ()
    match_type: Type | None = None
    value: int


class MatchNode(Node, frozen=True, kw_only=True, tag="match"):
    """deps (subject,); lazy: each arm's value, the first arm that matches is demanded."""

    arms: tuple[MatchArm, ...]


class ParamNode(Node, frozen=True, kw_only=True, tag="param"):
    """Inside a lambda body: the lambda's `index`-th parameter."""

    name: str
    index: int


class CaptureNode(Node, frozen=True, kw_only=True, tag="capture"):
    """Inside a lambda body: the value of the enclosing graph's node `LambdaNode.deps[index]` (a closure)."""

    name: str
    index: int


class LambdaNode(Node, frozen=True, kw_only=True, tag="lambda"):
    """A lambda passed to a higher-order module: its value is a Python callable evaluating `body` (a small
    graph of its own, local indices, result `result`). `deps` are the outer nodes it captures."""

    params: tuple[str, ...]
    body: tuple[AnyNode, ...]
    result: int


AnyNode = (
    InputNode
    | ConstNode
    | CallNode
    | OpNode
    | IfNode
    | BranchNode
    | WhenNode
    | CoalesceNode
    | LogicNode
    | MatchNode
    | ParamNode
    | CaptureNode
    | LambdaNode
)


class DagInput(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    name: str
    type: Type
    node: int


class DagOutput(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    name: str
    type: Type
    node: int


class Dag(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A whole pipeline: nodes in topological order (every dependency before its user).

    `eager`: calls with `lazy: false` (said by the call, else by the module's defaults) outside any
    conditional; they run even when no output needs them.
    """

    nodes: tuple[AnyNode, ...]
    inputs: tuple[DagInput, ...]
    outputs: tuple[DagOutput, ...]
    eager: tuple[int, ...] = ()


def module_key(qualified_name: str, version: tuple[int, int]) -> str:
    """`stdlib.math.add@1.0`: how a module version is named in traces and side tables."""
    return f"{qualified_name}@{version[0]}.{version[1]}"


def iter_calls(nodes: tuple[AnyNode, ...]) -> list[CallNode]:
    """Every call node, lambda bodies included."""
    out: list[CallNode] = []
    stack = list(nodes)
    while stack:
        n = stack.pop()
        if isinstance(n, CallNode):
            out.append(n)
        elif isinstance(n, LambdaNode):
            stack.extend(n.body)
    return out
