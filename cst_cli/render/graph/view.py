"""The picture of a pipeline that every graph format draws: inputs, calls, inline operations and outputs as
nodes, values as typed edges, stages of work that can run in parallel, and (with a trace) what each node
measured and the critical path.

Inline operations that feed exactly one consumer are folded into it (`c = if (b > n) a else c#2` is one node),
so the picture has roughly one node per binding. Imports dag, runtime (trace, critical path), modules and types.
"""

from __future__ import annotations

import itertools
from typing import Literal

import msgspec

from cst_cli.dag.build import BuiltDag
from cst_cli.dag.ir import AnyNode, CallNode, ConstNode, InputNode
from cst_cli.dag.reach import Reach, reach_of
from cst_cli.render.graph.expr import Ref, expr_text, options_text
from cst_cli.runtime.critical import critical_path
from cst_cli.runtime.trace import Trace
from cst_cli.types.model import ListT, MapT, OptionalT, RecordT, SeqT, Type, UnionT, render

BRIEF = 40  # types longer than this are shown with their records' field names only

NodeKind = Literal["input", "call", "inline", "output"]
EdgeRole = Literal["arg", "lazy", "fallback", "output"]


class Measured(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What a trace says about a node (its root DAG node)."""

    outcome: str
    latency_ms: float | None = None
    attempts: int = 0
    cost_usd: float = 0.0
    error: str | None = None
    critical_share: float = 0.0  # fraction of the run's wall time this node accounts for


class ViewNode(msgspec.Struct, frozen=True, kw_only=True):
    id: str  # the DAG id of its root node; outputs are `out:NAME`
    kind: NodeKind
    name: str  # input, binding or output name; inner calls keep their node id (`c#2`)
    type: str
    brief: str  # the type, records shortened to their field names when it is long
    stage: int  # longest chain of nodes before it (inputs 0): nodes of one stage can run in parallel
    reach: Reach  # always runs, only when a branch/fallback needs it, or never (no output needs it)
    expr: str = ""  # inline nodes: the folded expression; calls: `Module@1.0(args)`; outputs: the value's node
    module: str | None = None
    version: str | None = None
    options: tuple[tuple[str, str], ...] = ()
    members: tuple[str, ...] = ()  # the DAG node ids folded into this node
    measured: Measured | None = None
    critical: bool = False


class ViewEdge(msgspec.Struct, frozen=True, kw_only=True):
    source: str
    target: str
    type: str
    brief: str
    role: EdgeRole
    critical: bool = False


class RunSummary(msgspec.Struct, frozen=True, kw_only=True):
    status: str
    wall_ms: float
    calls: int
    attempts: int
    cache_hits: int
    cost_usd: float


class GraphView(msgspec.Struct, frozen=True, kw_only=True):
    file: str
    hash: str
    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    critical_path: tuple[str, ...] = ()
    run: RunSummary | None = None

    def node(self, node_id: str) -> ViewNode:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    @property
    def stages(self) -> list[list[ViewNode]]:
        """Inputs and work nodes by stage (outputs excluded)."""
        out: list[list[ViewNode]] = []
        for n in self.nodes:
            if n.kind == "output":
                continue
            while len(out) <= n.stage:
                out.append([])
            out[n.stage].append(n)
        return out


class TraceMismatch(Exception):
    """The trace is of another pipeline (its structural hash differs)."""


def brief(t: Type, limit: int = BRIEF) -> str:
    """`render(t)`, or when that is longer than `limit`, records as `{ id, title, … 8 fields }`."""
    full = render(t)
    return full if len(full) <= limit else _brief(t)


def _brief(t: Type) -> str:
    match t:
        case RecordT(fields=fs):
            names = [n for n, _ in fs]
            return (
                "{ " + ", ".join(names) + " }"
                if len(names) <= 3
                else "{ " + ", ".join(names[:2]) + f", … {len(names)} fields }}"
            )
        case ListT(elem=e):
            return f"List<{_brief(e)}>"
        case SeqT(elem=e):
            return f"Seq<{_brief(e)}>"
        case OptionalT(inner=e):
            return f"Optional<{_brief(e)}>"
        case MapT(key=k, value=v):
            return f"Map<{_brief(k)}, {_brief(v)}>"
        case UnionT(members=ms):
            return " | ".join(_brief(m) for m in ms)
    return render(t)


def _owners(nodes: tuple[AnyNode, ...]) -> tuple[list[int | None], list[str | None]]:
    """Which shown node each DAG node belongs to (None: a constant, printed where it is used), and how a
    folded node is reached from its owner (None strict, "lazy", "fallback")."""
    n = len(nodes)
    consumers: list[set[int]] = [set() for _ in range(n)]
    for i, node in enumerate(nodes):
        for d in (*node.deps, *node.lazy):
            consumers[d].add(i)
    owner: list[int | None] = [None] * n
    via: list[str | None] = [None] * n
    for i in range(n - 1, -1, -1):
        node = nodes[i]
        root = isinstance(node, InputNode | CallNode) or "#" not in node.id
        if root:
            owner[i] = i
        elif isinstance(node, ConstNode):
            owner[i] = None
        elif len(consumers[i]) == 1:
            (c,) = consumers[i]
            owner[i] = owner[c] if owner[c] is not None else i
            consumer = nodes[c]
            if isinstance(consumer, CallNode) and consumer.fallback == i:
                via[i] = "fallback"
            elif i in consumer.lazy:
                via[i] = "lazy"
            else:
                via[i] = via[c] if owner[c] != c else None
        else:
            owner[i] = i
    return owner, via


def build_view(built: BuiltDag, trace: Trace | None = None) -> GraphView:
    """The picture of `built`, annotated with `trace` when given.

    Raises:
        TraceMismatch: the trace's structural hash is not the pipeline's.
    """
    dag = built.dag
    nodes = dag.nodes
    if trace is not None and trace.hash != built.hash:
        raise TraceMismatch(
            f"the trace is of another pipeline (structural hash {trace.hash[:12]}, this one is {built.hash[:12]})"
        )
    owner, via = _owners(nodes)
    reach = reach_of(built.dag)
    roots = [i for i in range(len(nodes)) if owner[i] == i]
    members: dict[int, list[int]] = {r: [] for r in roots}
    for i, o in enumerate(owner):
        if o is not None:
            members[o].append(i)

    def ref_for(r: int) -> Ref:
        def ref(i: int) -> str | None:
            o = owner[i]
            return None if o == r or o is None else nodes[o].id

        return ref

    edges: dict[tuple[int, int], EdgeRole] = {}
    for r in roots:
        for m in members[r]:
            node = nodes[m]
            strict_deps = len(node.deps)
            for k, d in enumerate((*node.deps, *node.lazy)):
                od = owner[d]
                if od is None or od == r:
                    continue
                role: EdgeRole
                if via[m] == "fallback" or (k >= strict_deps and isinstance(node, CallNode) and node.fallback == d):
                    role = "fallback"
                elif via[m] == "lazy" or k >= strict_deps:
                    role = "lazy"
                else:
                    role = "arg"
                old = edges.get((od, r))
                if old is None or (old != "arg" and role == "arg"):
                    edges[(od, r)] = role
    stage: dict[int, int] = {}
    for r in roots:  # index order is topological
        # a fallback runs after its call failed, not before it: its edge does not push the call down
        stage[r] = max((stage[s] + 1 for (s, t), role in edges.items() if t == r and role != "fallback"), default=0)

    measured, crit_ids, run = _measure(trace, nodes, owner) if trace is not None else ({}, [], None)
    crit_set = set(crit_ids)
    crit_pairs = set(itertools.pairwise(crit_ids))

    view_nodes: list[ViewNode] = []
    for r in roots:
        node = nodes[r]
        ref = ref_for(r)
        common = {
            "id": node.id,
            "type": render(node.type),
            "brief": brief(node.type),
            "stage": stage[r],
            "reach": reach[r],
            "members": tuple(nodes[m].id for m in members[r]),
            "measured": measured.get(node.id),
            "critical": node.id in crit_set,
        }
        if isinstance(node, InputNode):
            view_nodes.append(ViewNode(kind="input", name=node.name, **common))  # type: ignore[arg-type]
        elif isinstance(node, CallNode):
            args = ", ".join(expr_text(nodes, d, ref) for d in node.deps)
            opts = options_text(node.options)
            if node.fallback is not None:
                opts.append(("fallback", expr_text(nodes, node.fallback, ref)))
            view_nodes.append(
                ViewNode(
                    kind="call",
                    name=node.id,
                    expr=f"{node.module}@{node.version[0]}.{node.version[1]}({args})",
                    module=node.module,
                    version=f"{node.version[0]}.{node.version[1]}",
                    options=tuple(opts),
                    **common,  # type: ignore[arg-type]
                )
            )
        else:
            text = expr_text(nodes, r, ref)
            view_nodes.append(ViewNode(kind="inline", name=node.id, expr=text, **common))  # type: ignore[arg-type]
    view_edges = [
        ViewEdge(
            source=nodes[s].id,
            target=nodes[t].id,
            type=render(nodes[s].type),
            brief=brief(nodes[s].type),
            role=role,
            critical=(nodes[s].id, nodes[t].id) in crit_pairs,
        )
        for (s, t), role in sorted(edges.items())
    ]
    last = crit_ids[-1] if crit_ids else None
    crit_out: str | None = None
    for out in dag.outputs:
        src = owner[out.node]
        src_id = nodes[src].id if src is not None else nodes[out.node].id
        out_id = f"out:{out.name}"
        is_crit = src_id == last and crit_out is None
        if is_crit:
            crit_out = out_id
        view_nodes.append(
            ViewNode(
                id=out_id,
                kind="output",
                name=out.name,
                type=render(out.type),
                brief=brief(out.type),
                stage=stage.get(src, 0) + 1 if src is not None else 1,
                reach="always",
                expr=src_id,
                critical=is_crit,
            )
        )
        view_edges.append(
            ViewEdge(
                source=src_id,
                target=out_id,
                type=render(out.type),
                brief=brief(out.type),
                role="output",
                critical=is_crit,
            )
        )
    path = tuple(crit_ids) + ((crit_out,) if crit_out else ())
    return GraphView(
        file=built.file,
        hash=built.hash,
        nodes=tuple(view_nodes),
        edges=tuple(view_edges),
        critical_path=path,
        run=run,
    )


def _measure(
    trace: Trace, nodes: tuple[AnyNode, ...], owner: list[int | None]
) -> tuple[dict[str, Measured], list[str], RunSummary]:
    by_id = {n.id: n for n in trace.nodes}
    cp = critical_path(trace)
    index = {n.id: i for i, n in enumerate(nodes)}
    # the critical path in shown nodes: DAG ids mapped to their owners, repeats collapsed
    shown: list[str] = []
    share: dict[str, float] = {}
    for node_id, seg in zip(cp.nodes, cp.segments, strict=True):
        i = index.get(node_id)
        if i is None or owner[i] is None:
            continue
        oid = nodes[owner[i]].id  # type: ignore[index]
        if not shown or shown[-1] != oid:
            shown.append(oid)
        share[oid] = share.get(oid, 0.0) + seg
    measured: dict[str, Measured] = {}
    for i, node in enumerate(nodes):
        if owner[i] != i:
            continue
        t = by_id.get(node.id)
        if t is None:
            continue
        latency = (t.end - t.start) * 1000 if t.start is not None and t.end is not None else None
        measured[node.id] = Measured(
            outcome=t.outcome,
            latency_ms=round(latency, 3) if latency is not None else None,
            attempts=t.attempts,
            cost_usd=t.cost,
            error=t.error,
            critical_share=round(share.get(node.id, 0.0) / cp.wall, 4) if cp.wall > 0 else 0.0,
        )
    tot = trace.totals
    run = RunSummary(
        status=trace.status,
        wall_ms=round(tot.wall * 1000, 3),
        calls=tot.calls,
        attempts=tot.attempts,
        cache_hits=tot.cache_hits,
        cost_usd=tot.cost,
    )
    return measured, shown, run
