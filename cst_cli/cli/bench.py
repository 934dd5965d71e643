"""`cst bench`: run a pipeline many times in one process and report latency percentiles, throughput, failures
and where the time goes; `--compare` runs two pipelines interleaved on the same inputs (A/B).

A shell over cst_cli.runtime.bench: progress on stderr when it is a terminal, the report on stdout.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cst_cli.cli._common import Exit

if TYPE_CHECKING:
    from cst_cli.api import Pipeline
    from cst_cli.runtime.bench import BenchReport


class BenchFormat(str, enum.Enum):  # noqa: UP042 - typer needs a str Enum
    table = "table"
    json = "json"


def bench_cmd(
    file: Path = typer.Argument(..., help="The pipeline to benchmark.", show_default=False, metavar="FILE"),
    inputs_file: str | None = typer.Option(
        None,
        "--inputs",
        help="Inputs: a JSON object, a JSON array of objects or JSON Lines (runs cycle through them); - for stdin.",
        show_default=False,
    ),
    input_values: list[str] = typer.Option(
        [], "--input", "-i", help="NAME=VALUE for every run (JSON when it parses, else text).", show_default=False
    ),
    examples: bool = typer.Option(False, "--examples", help="Fill inputs from @example annotations."),
    runs: int = typer.Option(100, "--runs", "-n", min=1, help="Measured runs (per pipeline)."),
    concurrency: int = typer.Option(1, "--concurrency", "-c", min=1, help="Runs in flight at once."),
    warmup: int = typer.Option(0, "--warmup", "-w", min=0, help="Runs before measuring (per pipeline)."),
    format: BenchFormat = typer.Option(BenchFormat.table, "--format", "-f", help="table for people, json for tools."),
    compare: Path | None = typer.Option(
        None, "--compare", help="A second pipeline run interleaved on the same inputs (A/B).", show_default=False
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed run k with SEED + k (demo modules, retry jitter)."),
    config: Path | None = typer.Option(
        None, "--config", help="A cst.yaml (default: ./cst.yaml when present).", show_default=False
    ),
) -> None:
    """Benchmark a pipeline: latency min/p50/p95/p99/max, throughput, failures by kind, and per call node its
    p50/p95 and its share of the critical path.

    All runs share one runtime per pipeline (breakers, throttles, caches), as a server would.

    Exit 0 measured, 1 the program has errors, 2 usage, 3 every measured run failed, 4 inputs missing or
    invalid (nothing is run), 130 interrupted.

    Examples:

      cst bench pipeline.cst --examples -n 1000 -c 16

      cst bench search-v1.cst --inputs queries.jsonl --compare search-v2.cst -n 200

      cst bench pipeline.cst -i text=hello --format json | jq .p95_ms
    """
    from cst_cli.cli._common import compile_or_exit, no_color, read_input_sets, stderr_console, write_json

    pipeline, cfg = compile_or_exit(file, config)
    other = compile_or_exit(compare, config)[0] if compare is not None else None
    pipelines = [pipeline] if other is None else [pipeline, other]
    sets = read_input_sets(inputs_file, input_values)
    sets = prepare_input_sets(pipelines, sets, examples=examples, dataset=inputs_file is not None and len(sets) > 1)

    import trio

    from cst_cli.runtime.bench import bench
    from cst_cli.runtime.bench import compare as ratios
    from cst_cli.runtime.runner import Runtime

    runtimes = [Runtime(cfg, clock=trio.current_time) for _ in pipelines]
    runnables: list[Any] = pipelines if other is None else [_OwnInputs(p) for p in pipelines]
    err = stderr_console()
    try:
        if err.is_terminal and not no_color():  # a live bar is escape codes (cursor moves) all the same
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            columns = (TextColumn("bench"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns, console=err, transient=True) as bar:
                task = bar.add_task("runs", total=runs * len(pipelines))
                reports = bench(
                    runnables,
                    sets,
                    runs=runs,
                    concurrency=concurrency,
                    warmup=warmup,
                    runtimes=runtimes,
                    seed=seed,
                    progress=lambda done, total: bar.update(task, completed=done),
                )
        else:
            reports = bench(
                runnables, sets, runs=runs, concurrency=concurrency, warmup=warmup, runtimes=runtimes, seed=seed
            )
    except KeyboardInterrupt:
        err.print("[bold red]interrupted[/]")
        raise typer.Exit(int(Exit.INTERRUPTED)) from None

    if format is BenchFormat.json:
        import msgspec

        if len(reports) == 1:
            write_json(msgspec.to_builtins(reports[0]))
        else:
            write_json(
                {
                    "baseline": msgspec.to_builtins(reports[0]),
                    "candidate": msgspec.to_builtins(reports[1]),
                    "ratio": ratios(reports[0], reports[1]),
                }
            )
    else:
        from cst_cli.cli._common import report_console

        report_console().print(_tables(reports))
    all_failed = any(r.runs and r.failures == r.runs for r in reports)
    raise typer.Exit(int(Exit.RUN_FAILED if all_failed else Exit.OK))


def prepare_input_sets(
    pipelines: list[Pipeline], sets: list[dict[str, Any]], *, examples: bool, dataset: bool
) -> list[dict[str, Any]]:
    """Input sets every pipeline accepts: @example values under them (--examples); in a dataset of many sets,
    fields that are not inputs of the pipelines (labels, ids) dropped with one warning. A set with a
    missing, invalid or unknown input: one line on stderr, exit 4."""
    from rich.markup import escape

    from cst_cli.cli._common import fail, stderr_console

    declared: set[str] = set()
    for p in pipelines:
        declared.update(i.name for i in p.program.inputs)
    base: dict[str, Any] = {}
    if examples:
        for p in pipelines:
            for k, v in p.example_inputs().items():
                base.setdefault(k, v)
    out: list[dict[str, Any]] = []
    dropped: set[str] = set()
    for s in sets:
        merged = {**base, **s}
        if dataset:
            dropped.update(k for k in merged if k not in declared)
            merged = {k: v for k, v in merged.items() if k in declared}
        out.append(merged)
    if dropped:
        stderr_console().print(
            f"[yellow]warning:[/] ignoring fields that are not inputs: {escape(', '.join(sorted(dropped)))}"
        )
    for p in pipelines:
        own = {i.name for i in p.program.inputs} if len(pipelines) > 1 else None
        for number, one in enumerate(out, start=1):
            problems = p.prepare_inputs(one if own is None else {n: v for n, v in one.items() if n in own}).problems
            if problems:
                where = f" (input set {number})" if len(out) > 1 else ""
                fail(f"{p.file}: {problems[0].message}{where}", Exit.INPUTS)
    return out


class _OwnInputs:
    """A pipeline given only the inputs it declares (two compared pipelines need not take the same ones)."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.built = pipeline.built
        self.names = {i.name for i in pipeline.program.inputs}

    async def run_async(self, inputs: Any, **kw: Any) -> Any:
        return await self.pipeline.run_async({k: v for k, v in inputs.items() if k in self.names}, **kw)


def _tables(reports: list[BenchReport]) -> Any:
    """The report for people: figures (side by side with b/a when comparing), then per call node."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from cst_cli.render.dot import ms_text, usd
    from cst_cli.runtime.bench import compare as ratios

    a = reports[0]
    title = f"{a.runs} runs · concurrency {a.concurrency}" + (f" · warmup {a.warmup}" if a.warmup else "")
    summary = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    summary.add_column("")
    for r in reports:
        summary.add_column(Text(r.pipeline), justify="right")
    if len(reports) == 2:
        summary.add_column("b/a", justify="right")
    ratio = ratios(reports[0], reports[1]) if len(reports) == 2 else {}

    def row(label: str, field: str | None, show: Any) -> None:
        cells = [show(getattr(r, field) if field else r) for r in reports]
        if len(reports) == 2:
            x = ratio.get(field or "")
            cells.append("" if x is None else f"{x:.2f}×")
        summary.add_row(label, *cells)

    row("ok", None, lambda r: f"{r.ok}/{r.runs}")
    row("failures", None, lambda r: _failures(r))
    for f in ("min_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms"):
        row(f.removesuffix("_ms"), f, ms_text)
    row("throughput", "throughput_per_s", lambda x: f"{x:,.1f} runs/s")
    row("cost per run", "cost_per_run_usd", usd)
    parts: list[Any] = [summary]
    for r in reports:
        if not r.nodes:
            continue
        nodes = Table(
            title=f"calls in {r.pipeline}" if len(reports) > 1 else "calls",
            title_justify="left",
            show_edge=False,
            pad_edge=False,
        )
        for col, just in (
            ("node", "left"),
            ("module", "left"),
            ("runs", "right"),
            ("p50", "right"),
            ("p95", "right"),
            ("attempts", "right"),
            ("cache hits", "right"),
            ("critical path", "right"),
        ):
            nodes.add_column(col, justify=just)  # type: ignore[arg-type]
        for n in sorted(r.nodes, key=lambda n: -n.critical_share):
            nodes.add_row(
                Text(n.id),
                Text(n.module),
                str(n.runs),
                ms_text(n.p50_ms),
                ms_text(n.p95_ms),
                f"{n.mean_attempts:g}",
                str(n.cache_hits),
                f"{n.critical_share:.0%}",
            )
        parts += [Text(""), nodes]
    return Group(*parts)


def _failures(r: BenchReport) -> str:
    if not r.failures:
        return "0"
    return f"{r.failures} (" + ", ".join(f"{k} {v}" for k, v in r.failures_by_kind.items()) + ")"
