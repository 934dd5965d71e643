"""`cst graph`: draw a pipeline as a tree, Graphviz DOT, Mermaid or JSON, optionally annotated with a run's trace
(latency, attempts, outcome, cost per node, and the critical path). A shell over cst_cli.render."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cst_cli.cli._common import Exit

if TYPE_CHECKING:
    from cst_cli.dag.build import BuiltDag
    from cst_cli.render.graph.view import GraphView
    from cst_cli.runtime.trace import Trace


class GraphFormat(str, enum.Enum):  # noqa: UP042 - typer needs a str Enum
    tree = "tree"
    dot = "dot"
    mermaid = "mermaid"
    json = "json"


_BY_SUFFIX = {
    ".dot": GraphFormat.dot,
    ".gv": GraphFormat.dot,
    ".mmd": GraphFormat.mermaid,
    ".mermaid": GraphFormat.mermaid,
    ".json": GraphFormat.json,
    ".txt": GraphFormat.tree,
}


def graph_cmd(
    file: Path = typer.Argument(
        ..., help="The pipeline to draw (- reads it from stdin).", show_default=False, metavar="FILE"
    ),
    format: GraphFormat | None = typer.Option(
        None,
        "--format",
        "-f",
        help="tree (default on a terminal), dot (default when piped), mermaid or json.",
        show_default=False,
    ),
    trace: Path | None = typer.Option(
        None,
        "--trace",
        help="A cst-trace/1 file of a run of this pipeline (cst run --trace): annotate nodes, mark the critical path.",
        show_default=False,
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write here instead of stdout; the format follows the suffix (.dot .gv .mmd .json .txt) unless given.",
        show_default=False,
    ),
    config: Path | None = typer.Option(
        None, "--config", help="A cst.yaml (default: ./cst.yaml when present) for version pins.", show_default=False
    ),
) -> None:
    """Draw a pipeline: inputs, module calls (with versions and options), inline operations, outputs.

    With --trace, every node shows its measured latency, attempts, outcome and cost, and the critical path
    (the chain of nodes that set the run's wall time) is highlighted.

    Exit 0 drawn, 1 the program has errors (diagnostics on stderr), 2 usage: a missing file, a malformed
    trace or the trace of another pipeline.

    Examples:

      cst graph pipeline.cst

      cst graph pipeline.cst | dot -Tsvg > pipeline.svg

      cst run pipeline.cst --inputs in.json --trace run.json && cst graph pipeline.cst --trace run.json

      cst graph pipeline.cst --format mermaid -o pipeline.mmd
    """
    from cst_cli.cli._common import compile_or_exit, fail, require_file, stdout_is_terminal

    if trace is not None:
        require_file(trace, "trace file")
    pipeline, _ = compile_or_exit(file, config)
    loaded = load_trace(trace, pipeline.built) if trace is not None else None

    from cst_cli.render.graph import TraceMismatch, build_view

    try:
        view = build_view(pipeline.built, loaded)
    except TraceMismatch as exc:  # pragma: no cover - load_trace checked the hash already
        fail(f"{trace}: {exc}")
    fmt = format
    if fmt is None:
        if output is not None:
            fmt = _BY_SUFFIX.get(output.suffix.lower(), GraphFormat.dot)
        else:
            fmt = GraphFormat.tree if stdout_is_terminal() else GraphFormat.dot
    if fmt is GraphFormat.tree:
        _write_tree(view, output)
    else:
        text = _render_text(view, fmt)
        if output is None:
            import sys

            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                fail(f"cannot write {output}: {exc.strerror or exc}")
    raise typer.Exit(int(Exit.OK))


def load_trace(path: Path, built: BuiltDag) -> Trace:
    """Read a trace of this pipeline; a malformed one or one of another pipeline: one line, exit 2."""
    import msgspec

    from cst_cli.cli._common import fail
    from cst_cli.runtime.trace import decode_trace

    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    try:
        trace = decode_trace(data)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError) as exc:
        fail(f"{path}: not a cst-trace/1 trace: {'nested too deeply' if isinstance(exc, RecursionError) else exc}")
    if trace.hash != built.hash:
        fail(
            f"{path}: the trace is of another pipeline ({trace.pipeline}, structural hash {trace.hash[:12]}), "
            f"not of {built.file} ({built.hash[:12]}): run it again with cst run --trace"
        )
    return trace


def _render_text(view: GraphView, fmt: GraphFormat) -> str:
    if fmt is GraphFormat.dot:
        from cst_cli.render.dot import render_dot

        return render_dot(view)
    if fmt is GraphFormat.mermaid:
        from cst_cli.render.mermaid import render_mermaid

        return render_mermaid(view)
    import msgspec

    from cst_cli.render.graph.json import to_json

    return (msgspec.json.format(msgspec.json.encode(to_json(view)), indent=2) + b"\n").decode()


def _write_tree(view: GraphView, output: Path | None) -> None:
    from rich.console import Console

    from cst_cli.cli._common import fail, report_console
    from cst_cli.render.tree import render_tree

    if output is None:
        report_console().print(render_tree(view))
        return
    try:
        with output.open("w", encoding="utf-8") as f:
            Console(file=f, no_color=True, width=120, highlight=False).print(render_tree(view))
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
