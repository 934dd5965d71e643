"""A pipeline picture as a Mermaid `flowchart` (GitHub renders it in a ```mermaid block).

Node ids are `n0`, `n1`, ... (DAG ids hold `#`, `.` and `:`); labels are quoted, with every character Mermaid
could read as syntax written as a numeric entity (`#34;` for a quote, `#35;` for `#`, `#60;` for `<`), so
`List<Int>`, `[brackets]` and string literals show as written. Imports render.graph and render.dot only.
"""

from __future__ import annotations

from cst_cli.render.dot import measured_text, ms_text, usd
from cst_cli.render.graph.view import GraphView, ViewNode

_ENTITIES = {'"': "#34;", "#": "#35;", "&": "#38;", "<": "#60;", ">": "#62;", "`": "#96;", "|": "#124;"}
_SHAPES = {"input": ('[/"', '"/]'), "call": ('["', '"]'), "inline": ('(["', '"])'), "output": ('[["', '"]]')}


def text(s: str) -> str:
    """Text made safe inside a quoted Mermaid label."""
    return "".join(_ENTITIES.get(c, c) for c in s).replace("\n", " ")


def _label(n: ViewNode) -> str:
    head = f"<b>{text(n.name)}</b>: {text(n.brief)}"
    if n.kind == "input":
        lines = [f"in {head}"]
    elif n.kind == "output":
        lines = [f"out {head}"]
    elif n.kind == "call":
        lines = [head, text(n.expr)]
        if n.options:
            lines.append("with " + text(", ".join(f"{k}: {v}" for k, v in n.options)))
    else:
        lines = [f"{text(n.name)} = {text(n.expr)}"]
    m = n.measured
    if m is not None and (n.kind == "call" or m.outcome != "ok"):
        lines.append(f"<i>{text(measured_text(m, n.kind))}</i>")
    return "<br/>".join(lines)


def render_mermaid(view: GraphView) -> str:
    """The flowchart, ending in a newline (no ```mermaid fence: add it when pasting into Markdown)."""
    ids = {n.id: f"n{k}" for k, n in enumerate(view.nodes)}
    out = ["flowchart TD"]
    title = f"{view.file} (hash {view.hash[:12]})"
    if view.run is not None:
        r = view.run
        title += f": run {r.status} in {ms_text(r.wall_ms)}, {r.calls} calls, {usd(r.cost_usd)}"
    out.append(f"  %% {title}")
    if view.critical_path:
        path = " -> ".join(p for p in view.critical_path if not p.startswith("out:"))
        out.append(f"  %% critical path: {path}")
    for n in view.nodes:
        left, right = _SHAPES[n.kind]
        out.append(f"  {ids[n.id]}{left}{_label(n)}{right}")
    critical_links: list[int] = []
    for k, e in enumerate(view.edges):
        arrow = "-.->" if e.role in ("lazy", "fallback") else "-->"
        label = text(e.brief) if e.role != "fallback" else "fallback: " + text(e.brief)
        out.append(f'  {ids[e.source]} {arrow}|"{label}"| {ids[e.target]}')
        if e.critical:
            critical_links.append(k)
    out.append("  classDef cstInput fill:#e8f0fe,stroke:#444")
    out.append("  classDef cstCall fill:#ffffff,stroke:#444")
    out.append("  classDef cstInline fill:#f4f4f4,stroke:#888,font-size:11px")
    out.append("  classDef cstOutput fill:#e6f4ea,stroke:#444")
    out.append("  classDef cstConditional stroke-dasharray:5 4")
    out.append("  classDef cstFailed fill:#fde2e1")
    out.append("  classDef cstCritical stroke:#d62728,stroke-width:3px")
    groups: dict[str, list[str]] = {}
    for n in view.nodes:
        groups.setdefault(n.kind, []).append(ids[n.id])
        m = n.measured
        if n.reach != "always" or (m is not None and m.outcome in ("not_needed", "skipped")):
            groups.setdefault("conditional", []).append(ids[n.id])
        if m is not None and m.outcome in ("failed", "timed_out"):
            groups.setdefault("failed", []).append(ids[n.id])
        if n.critical:
            groups.setdefault("critical", []).append(ids[n.id])
    for cls in ("input", "call", "inline", "output", "conditional", "failed", "critical"):
        if cls in groups:  # class names are prefixed: `call`, `class`, `end` ... are Mermaid keywords
            out.append(f"  class {','.join(groups[cls])} cst{cls.capitalize()}")
    if critical_links:
        out.append(f"  linkStyle {','.join(map(str, critical_links))} stroke:#d62728,stroke-width:3px")
    return "\n".join(out) + "\n"
