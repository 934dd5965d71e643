"""Deterministic traces for graph goldens: a real run on trio's virtual clock (wall time replaced by the
virtual one), or, for samples whose modules do real work, a synthetic trace scheduled from the DAG."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import msgspec
import trio
import trio.testing

from cst_cli.api import Pipeline
from cst_cli.dag.build import BuiltDag
from cst_cli.dag.ir import CallNode
from cst_cli.dag.reach import reach_of
from cst_cli.runtime.critical import critical_path
from cst_cli.runtime.runner import Runtime
from cst_cli.runtime.trace import NodeTrace, Trace, TraceTotals


def virtual_run(pipeline: Pipeline, inputs: Mapping[str, Any], **kw: Any) -> Trace:
    """Run on the virtual clock; the trace's real-time fields are made fixed."""

    async def main() -> Trace:
        rt = Runtime(clock=trio.current_time)
        return (await pipeline.run_async(inputs, runtime=rt, **kw)).trace

    trace = trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    return fixed(trace)


def fixed(trace: Trace) -> Trace:
    """started_at 0 and totals.wall from the (virtual) node times, so the trace is the same on every run."""
    wall = critical_path(trace).wall
    return msgspec.structs.replace(
        trace, started_at=0.0, totals=msgspec.structs.replace(trace.totals, wall=round(wall, 9))
    )


def _duration(node_id: str) -> float:
    """10-99 ms, fixed per node id."""
    return (10 + int(hashlib.sha256(node_id.encode()).hexdigest()[:6], 16) % 90) / 1000


def synthetic(built: BuiltDag) -> Trace:
    """A plausible successful run: what outputs always need runs as early as its dependencies allow, each call
    taking a duration fixed by its id; conditional and unused nodes are not needed."""
    dag = built.dag
    reach = reach_of(dag)
    fin: dict[int, float] = {}
    nodes: list[NodeTrace] = []
    calls = attempts = 0
    cost = 0.0
    for i, n in enumerate(dag.nodes):
        kind = n.__struct_config__.tag
        deps = tuple(dag.nodes[d].id for d in (*n.deps, *n.lazy))
        if reach[i] != "always":
            nodes.append(NodeTrace(id=n.id, kind=str(kind), outcome="not_needed", deps=deps))
            continue
        start = max((fin[d] for d in (*n.deps, *n.lazy) if d in fin), default=0.0)
        if isinstance(n, CallNode):
            end = round(start + _duration(n.id), 6)
            price = built.specs[n.module_key].cost.per_call
            calls += 1
            attempts += 1
            cost += price
            fin[i] = end
            nodes.append(
                NodeTrace(
                    id=n.id,
                    kind="call",
                    outcome="ok",
                    module=n.module,
                    version=f"{n.version[0]}.{n.version[1]}",
                    start=start,
                    end=end,
                    attempts=1,
                    cost=price,
                    deps=deps,
                )
            )
        else:
            fin[i] = start
            nodes.append(NodeTrace(id=n.id, kind=str(kind), outcome="ok", deps=deps))
    wall = max(fin.values(), default=0.0)
    return Trace(
        pipeline=built.file,
        hash=built.hash,
        status="ok",
        started_at=0.0,
        outputs={o.name: dag.nodes[o.node].id for o in dag.outputs},
        nodes=nodes,
        totals=TraceTotals(
            wall=wall,
            nodes_run=sum(1 for t in nodes if t.outcome != "not_needed"),
            calls=calls,
            attempts=attempts,
            retries=0,
            cache_hits=0,
            failed=0,
            cost=round(cost, 12),
        ),
    )
