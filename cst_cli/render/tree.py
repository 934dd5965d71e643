"""A pipeline picture as a rich tree for the terminal: inputs, then the calls and inline operations stage by
stage (a stage's calls can run in parallel), then outputs; with a trace, what each node measured and the
critical path. Returns renderables; prints nothing. Imports render.graph and render.dot only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cst_cli.render.dot import measured_text, ms_text, usd
from cst_cli.render.graph.view import GraphView, ViewNode

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

_OUTCOME_STYLE = {
    "ok": "green",
    "cached": "blue",
    "fallback": "yellow",
    "failed": "bold red",
    "timed_out": "bold red",
    "skipped": "dim",
    "not_needed": "dim",
}


def _line(n: ViewNode) -> Text:
    from rich.text import Text

    t = Text()
    if n.kind == "input":
        t.append(n.name, style="bold cyan")
        t.append(f": {n.brief}")
    elif n.kind == "output":
        t.append(n.name, style="bold green")
        t.append(f": {n.brief}")
        t.append(f" ← {n.expr}", style="dim")
    elif n.kind == "call":
        t.append(n.name, style="bold")
        t.append(" = ")
        t.append(n.expr, style="magenta")
        t.append(f" → {n.brief}", style="dim")
        if n.options:
            t.append("  with ", style="yellow")
            t.append(", ".join(f"{k}: {v}" for k, v in n.options), style="yellow")
    else:
        t.append(n.name, style="dim bold")
        t.append(f" = {n.expr}", style="dim")
        t.append(f" → {n.brief}", style="dim")
    if n.reach == "conditional":
        t.append("  (only when needed)", style="dim italic")
    elif n.reach == "unused":
        t.append("  (unused: no output needs it)", style="dim italic")
    m = n.measured
    if m is not None and (n.kind == "call" or m.outcome != "ok"):
        t.append("  ")
        t.append(measured_text(m, n.kind), style=_OUTCOME_STYLE.get(m.outcome, ""))
        if m.error and m.outcome in ("failed", "timed_out", "fallback"):
            t.append(f" ({m.error})", style="red")
    if n.critical:
        t.append("  ◆ critical", style="bold red")
    return t


def render_tree(view: GraphView) -> RenderableType:
    """The tree (and, with a trace, a run line and the critical path under it)."""
    from rich.console import Group
    from rich.text import Text
    from rich.tree import Tree

    stages = view.stages
    calls = sum(1 for n in view.nodes if n.kind == "call")
    outputs = [n for n in view.nodes if n.kind == "output"]
    head = Text()
    head.append(view.file, style="bold")
    inputs = stages[0] if stages else []
    head.append(
        f"  {len(inputs)} input{'s' * (len(inputs) != 1)} · {calls} call{'s' * (calls != 1)} · "
        f"{len(outputs)} output{'s' * (len(outputs) != 1)} · hash {view.hash[:12]}",
        style="dim",
    )
    tree = Tree(head, guide_style="dim")
    if inputs:
        branch = tree.add(Text("inputs", style="bold"))
        for n in inputs:
            branch.add(_line(n))
    for k, stage in enumerate(stages[1:], start=1):
        busy = sum(1 for n in stage if n.kind == "call" and n.reach == "always")
        title = Text(f"stage {k}", style="bold")
        if busy > 1:
            title.append(f" · {busy} calls in parallel", style="dim")
        branch = tree.add(title)
        for n in stage:
            branch.add(_line(n))
    if outputs:
        branch = tree.add(Text("outputs", style="bold"))
        for n in outputs:
            branch.add(_line(n))
    parts: list[RenderableType] = [tree]
    if view.run is not None:
        r = view.run
        line = Text("run ", style="bold")
        line.append(r.status, style=_OUTCOME_STYLE.get(r.status, "bold red"))
        line.append(
            f" in {ms_text(r.wall_ms)} · {r.calls} call{'s' * (r.calls != 1)} · {r.attempts} attempt"
            f"{'s' * (r.attempts != 1)} · {r.cache_hits} cache hit{'s' * (r.cache_hits != 1)} · {usd(r.cost_usd)}"
        )
        parts.append(line)
    if view.critical_path:
        path = [p for p in view.critical_path if not p.startswith("out:")]
        line = Text("critical path: ", style="bold red")
        line.append(" → ".join(path))
        parts.append(line)
    return Group(*parts)
