"""A pipeline picture as JSON for tools: the stable `cst-graph/1` shape documented in docs/graph.md.

Keys are only ever added within `cst-graph/1`, never renamed or removed. Imports render.graph.view only.
"""

from __future__ import annotations

from typing import Any

from cst_cli.render.graph.view import GraphView

GRAPH_FORMAT = "cst-graph/1"


def to_json(view: GraphView) -> dict[str, Any]:
    """The document: `format`, `pipeline`, `hash`, `nodes`, `edges`, `critical_path`, `run` (null without a
    trace). Each node: `id`, `kind`, `name`, `type`, `stage`, `reach`, `expr`, `module`, `version`, `options`
    (an object, in source order), `members`, `critical`, `measured` (null without a trace)."""
    nodes: list[dict[str, Any]] = []
    for n in view.nodes:
        m = n.measured
        nodes.append(
            {
                "id": n.id,
                "kind": n.kind,
                "name": n.name,
                "type": n.type,
                "stage": n.stage,
                "reach": n.reach,
                "expr": n.expr,
                "module": n.module,
                "version": n.version,
                "options": dict(n.options),
                "members": list(n.members),
                "critical": n.critical,
                "measured": None
                if m is None
                else {
                    "outcome": m.outcome,
                    "latency_ms": m.latency_ms,
                    "attempts": m.attempts,
                    "cost_usd": m.cost_usd,
                    "error": m.error,
                    "critical_share": m.critical_share,
                },
            }
        )
    edges = [
        {"source": e.source, "target": e.target, "type": e.type, "role": e.role, "critical": e.critical}
        for e in view.edges
    ]
    run = view.run
    return {
        "format": GRAPH_FORMAT,
        "pipeline": view.file,
        "hash": view.hash,
        "nodes": nodes,
        "edges": edges,
        "critical_path": list(view.critical_path),
        "run": None
        if run is None
        else {
            "status": run.status,
            "wall_ms": run.wall_ms,
            "calls": run.calls,
            "attempts": run.attempts,
            "cache_hits": run.cache_hits,
            "cost_usd": run.cost_usd,
        },
    }
