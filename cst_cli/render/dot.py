"""A pipeline picture as Graphviz DOT (`cst graph --format dot | dot -Tsvg > p.svg`).

Labels are HTML-like (`<...>`), so the only escaping is `& < > "` as entities: no backslash sequences, no
record-field syntax to trip over (`List<Int>`, `{ id: String }`, quotes in string literals). Nodes of one
stage share a rank, which lines parallel branches up side by side. Imports render.graph only.
"""

from __future__ import annotations

import textwrap

from cst_cli.render.graph.view import GraphView, Measured, ViewEdge, ViewNode

CRITICAL = "#d62728"
_WRAP = 56
_OUTCOME_COLOR = {
    "failed": "#d62728",
    "timed_out": "#d62728",
    "fallback": "#e67e22",
    "cached": "#1f77b4",
    "skipped": "#888888",
    "not_needed": "#888888",
}
_FILL = {"input": "#e8f0fe", "call": "#ffffff", "inline": "#f4f4f4", "output": "#e6f4ea"}


def html(text: str) -> str:
    """Text made safe inside an HTML-like label."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _lines(text: str, width: int = _WRAP) -> str:
    """Escaped text, wrapped at spaces into left-aligned lines."""
    parts = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]
    return '<BR ALIGN="LEFT"/>'.join(html(p) for p in parts) + ('<BR ALIGN="LEFT"/>' if len(parts) > 1 else "")


def _id(node_id: str) -> str:
    return '"' + node_id.replace("\\", "\\\\").replace('"', '\\"') + '"'


def measured_text(m: Measured, kind: str) -> str:
    """`12.5 ms · 2 attempts · ok · $0.0040`: what a trace says about a node, in one line."""
    parts: list[str] = []
    if m.latency_ms is not None:
        parts.append(ms_text(m.latency_ms))
    if kind == "call" and m.attempts:
        parts.append(f"{m.attempts} attempt{'s' if m.attempts != 1 else ''}")
    parts.append(m.outcome.replace("_", " "))
    if m.cost_usd:
        parts.append(usd(m.cost_usd))
    if m.critical_share >= 0.005:
        parts.append(f"{m.critical_share:.0%} of wall")
    return " · ".join(parts)


def ms_text(ms: float) -> str:
    """`1.25 s`, `310 ms`, `12.5 ms`, `3.25 ms`, `40 µs`."""
    if ms < 1:
        return f"{ms * 1000:.0f} µs"
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    if ms >= 100:
        return f"{ms:.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def usd(x: float) -> str:
    if x == 0:
        return "$0"
    if x >= 0.01:
        return f"${x:,.4f}".rstrip("0").rstrip(".") if x < 100 else f"${x:,.2f}"
    return f"${x:.6f}".rstrip("0")


def _node(n: ViewNode) -> str:
    attrs: list[str] = []
    color = CRITICAL if n.critical else "#444444"
    width = "2.5" if n.critical else "1"
    style = ["filled"]
    if n.reach == "conditional":
        style.append("dashed")
    elif n.reach == "unused":
        style.append("dotted")
    m = n.measured
    if m is not None and m.outcome in ("not_needed", "skipped") and "dashed" not in style:
        style.append("dashed")
    fill = _FILL[n.kind]
    if m is not None and m.outcome in ("failed", "timed_out"):
        fill = "#fde2e1"
    title = f"<B>{html(n.name)}</B>: {html(n.brief)}"
    if n.kind == "call":
        rows = [title, _lines(n.expr)]
        if n.options:
            opts = ", ".join(f"{k}: {v}" for k, v in n.options)
            rows.append(f'<FONT POINT-SIZE="9" COLOR="#7a5c00">with {_lines(opts)}</FONT>')
        if m is not None:
            rows.append(_measured_row(m, n.kind))
        cells = "".join(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{r}</TD></TR>' for r in rows)
        label = f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{cells}</TABLE>>'
        attrs += ["shape=box", f'style="{",".join(["rounded", *style])}"']
    elif n.kind == "inline":
        body = f'<FONT POINT-SIZE="9">{html(n.name)} = {_lines(n.expr, 40)}</FONT>'
        if m is not None and m.outcome != "ok":
            body += "<BR/>" + _measured_row(m, n.kind)
        label = f"<{body}>"
        attrs += ["shape=box", f'style="{",".join(["rounded", *style])}"', "margin=0.05", "height=0.3"]
    elif n.kind == "input":
        label = f"<in {title}>"
        attrs += ["shape=parallelogram", f'style="{",".join(style)}"']
    else:
        label = f"<out {title}>"
        attrs += ["shape=doubleoctagon", f'style="{",".join(style)}"', "margin=0.02"]
    attrs += [f"label={label}", f'fillcolor="{fill}"', f'color="{color}"', f"penwidth={width}"]
    return f"  {_id(n.id)} [{', '.join(attrs)}];"


def _measured_row(m: Measured, kind: str) -> str:
    color = _OUTCOME_COLOR.get(m.outcome, "#2a7a2a")
    return f'<FONT POINT-SIZE="9" COLOR="{color}">{html(measured_text(m, kind))}</FONT>'


def _edge(e: ViewEdge) -> str:
    label = html(e.brief) if e.role != "fallback" else f"fallback: {html(e.brief)}"
    attrs = [f'label=<<FONT POINT-SIZE="9">{label}</FONT>>']
    if e.role in ("lazy", "fallback"):
        attrs.append("style=dashed")
    if e.critical:
        attrs += [f'color="{CRITICAL}"', "penwidth=2.5", f'fontcolor="{CRITICAL}"']
    else:
        attrs.append('color="#555555"')
    return f"  {_id(e.source)} -> {_id(e.target)} [{', '.join(attrs)}];"


def render_dot(view: GraphView) -> str:
    """The whole DOT document, ending in a newline."""
    title = html(view.file)
    if view.run is not None:
        r = view.run
        title += f"<BR/>run {html(r.status)} in {ms_text(r.wall_ms)} · {r.calls} calls · {usd(r.cost_usd)}"
        if view.critical_path:
            path = " → ".join(p for p in view.critical_path if not p.startswith("out:"))
            title += f'<BR/><FONT COLOR="{CRITICAL}">critical path: {_lines(path, 90)}</FONT>'
    out = [
        "digraph pipeline {",
        f'  graph [label=<{title}>, labelloc=t, fontname="Helvetica", fontsize=12, rankdir=TB, nodesep=0.3,'
        " ranksep=0.45];",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];',
    ]
    out += [_node(n) for n in view.nodes]
    out += [_edge(e) for e in view.edges]
    for k, stage in enumerate(view.stages):
        if len(stage) > 1:
            out.append(f"  {{ rank=same; {' '.join(_id(n.id) + ';' for n in stage)} }}  // stage {k}")
    outputs = [n for n in view.nodes if n.kind == "output"]
    if outputs:
        out.append(f"  {{ rank=max; {' '.join(_id(n.id) + ';' for n in outputs)} }}")
    out.append("}")
    return "\n".join(out) + "\n"
