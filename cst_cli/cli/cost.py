"""`cst cost`: what a pipeline costs per run and per million runs; a static estimate from its DAG, or measured
from runs (`--inputs`, `--runs N`) or from a trace; `--budget` fails CI (exit 5) when a change costs too much.

A shell over cst_cli.runtime.cost.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cst_cli.cli._common import Exit

if TYPE_CHECKING:
    from cst_cli.runtime.cost import MeasuredCost, StaticEstimate


class CostFormat(str, enum.Enum):  # noqa: UP042 - typer needs a str Enum
    table = "table"
    json = "json"


def cost_cmd(
    file: Path = typer.Argument(..., help="The pipeline to cost.", show_default=False, metavar="FILE"),
    inputs_file: str | None = typer.Option(
        None,
        "--inputs",
        help="Run it on these inputs (a JSON object, an array of objects or JSON Lines; - for stdin) and measure.",
        show_default=False,
    ),
    input_values: list[str] = typer.Option(
        [], "--input", "-i", help="NAME=VALUE (JSON when it parses, else text); implies measuring.", show_default=False
    ),
    examples: bool = typer.Option(False, "--examples", help="Run it on its @example inputs and measure."),
    runs: int | None = typer.Option(
        None, "--runs", "-n", min=1, help="Measured runs (default 1 when inputs are given).", show_default=False
    ),
    trace: Path | None = typer.Option(
        None, "--trace", help="Measure a recorded run instead (cst run --trace).", show_default=False
    ),
    prices: Path | None = typer.Option(
        None,
        "--prices",
        help="YAML: a prices: mapping (as in cst.yaml) or module -> USD per call; overrides the modules' prices.",
        show_default=False,
    ),
    budget: float | None = typer.Option(
        None, "--budget", min=0.0, help="Exit 5 when the cost per run exceeds this (USD).", show_default=False
    ),
    format: CostFormat = typer.Option(CostFormat.table, "--format", "-f", help="table for people, json for tools."),
    seed: int | None = typer.Option(None, "--seed", help="Seed run k with SEED + k (demo modules, retry jitter)."),
    config: Path | None = typer.Option(
        None, "--config", help="A cst.yaml (default: ./cst.yaml when present).", show_default=False
    ),
) -> None:
    """Cost a pipeline: per module, calls, attempts and USD; per run and per million runs.

    Without inputs: a static estimate from the DAG (expected: what every run calls plus conditional calls as
    if branch arms were taken evenly; worst case: every call with every retry). With inputs or a trace:
    measured calls, attempts, cache hits and USD.

    Exit 0, 1 the program has errors, 2 usage (a malformed prices file or trace, the trace of another
    pipeline), 4 inputs missing or invalid, 5 over --budget (expected cost for an estimate, measured cost per
    run otherwise), 130 interrupted.

    Examples:

      cst cost pipeline.cst

      cst cost pipeline.cst --prices prices.yaml --budget 0.05

      cst cost pipeline.cst --examples --runs 20 --format json

      cst cost pipeline.cst --trace run.json
    """
    from cst_cli.cli._common import compile_or_exit, fail, require_file, write_json

    if budget is not None and budget != budget:  # NaN: no cost is ever over it, the gate would never fail
        fail("--budget must be a number of USD >= 0, got nan")
    measuring = inputs_file is not None or bool(input_values) or examples or runs is not None
    if trace is not None and measuring:
        fail("--trace measures a recorded run: give it without --inputs, -i, --examples or --runs")
    if trace is not None:
        require_file(trace, "trace file")
    extra: dict[str, float] = {}
    if prices is not None:
        from cst_cli.runtime.cost import PriceError, load_prices

        try:
            extra = load_prices(prices)
        except PriceError as exc:
            fail(str(exc))
    pipeline, cfg = compile_or_exit(file, config)

    from cst_cli.runtime.cost import estimate, measure, with_prices

    cfg = with_prices(cfg, extra)
    report: StaticEstimate | MeasuredCost
    if trace is not None:
        from cst_cli.cli.graph import load_trace

        recorded = load_trace(trace, pipeline.built)
        report = measure(pipeline.built, [recorded], extra, reapply=True)
    elif measuring:
        report = _measure_runs(pipeline, cfg, inputs_file, input_values, examples, runs or 1, seed)
    else:
        report = estimate(pipeline.built, cfg)

    mode = "measured" if trace is not None or measuring else "static"
    over = budget is not None and report.per_run_usd > budget + 1e-15
    if format is CostFormat.json:
        import msgspec

        doc: dict[str, Any] = {"mode": mode, **msgspec.to_builtins(report)}
        doc["budget_usd"] = budget
        doc["over_budget"] = over
        write_json(doc)
    else:
        from cst_cli.cli._common import report_console

        report_console().print(_tables(report, budget))
    if over:
        from cst_cli.cli._common import stderr_console
        from cst_cli.render.dot import usd

        what = "expected cost" if mode == "static" else "measured cost"
        stderr_console().print(
            f"[bold red]over budget:[/] {what} {usd(report.per_run_usd)} per run > {usd(budget or 0.0)} (--budget)"
        )
        raise typer.Exit(int(Exit.OVER_BUDGET))
    raise typer.Exit(int(Exit.OK))


def _measure_runs(
    pipeline: Any,
    cfg: Any,
    inputs_file: str | None,
    input_values: list[str],
    examples: bool,
    runs: int,
    seed: int | None,
) -> MeasuredCost:
    import trio

    from cst_cli.cli._common import read_input_sets, stderr_console
    from cst_cli.cli.bench import prepare_input_sets
    from cst_cli.runtime.cost import collect_traces, measure
    from cst_cli.runtime.runner import Runtime

    sets = read_input_sets(inputs_file, input_values)
    sets = prepare_input_sets([pipeline], sets, examples=examples, dataset=inputs_file is not None and len(sets) > 1)
    runtime = Runtime(cfg, clock=trio.current_time)
    try:
        traces = collect_traces(pipeline, sets, runs=runs, runtime=runtime, seed=seed)
    except KeyboardInterrupt:
        stderr_console().print("[bold red]interrupted[/]")
        raise typer.Exit(int(Exit.INTERRUPTED)) from None
    failed = sum(t.status != "ok" for t in traces)
    if failed:
        stderr_console().print(
            f"[yellow]warning:[/] {failed} of {len(traces)} run{'s' * (len(traces) != 1)} failed; "
            "their calls and attempts are counted (see cst run for the errors)"
        )
    return measure(pipeline.built, traces, cfg.prices)


def _tables(report: StaticEstimate | MeasuredCost, budget: float | None) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from cst_cli.render.dot import usd
    from cst_cli.runtime.cost import StaticEstimate

    parts: list[Any] = []
    if isinstance(report, StaticEstimate):
        table = Table(
            title=f"{report.pipeline}: static estimate", title_justify="left", show_edge=False, pad_edge=False
        )
        for col, just in (
            ("module", "left"),
            ("version", "left"),
            ("price/call", "right"),
            ("calls/run", "right"),
            ("expected/run", "right"),
            ("worst attempts", "right"),
            ("worst/run", "right"),
        ):
            table.add_column(col, justify=just)  # type: ignore[arg-type]
        for m in report.modules:
            calls = str(m.always_calls)
            if m.conditional_calls:
                calls += f" + {m.conditional_calls}?"
            if m.per_element:
                calls += " ×n"
            price = usd(m.price_usd) + ("*" if m.price_from == "config" else "") + ("+" if m.result_priced else "")
            table.add_row(
                Text(m.module),
                m.version,
                price,
                calls,
                usd(m.expected_usd),
                str(m.worst_attempts),
                usd(m.worst_usd),
            )
        parts.append(table)
        parts.append(Text(""))
        parts.append(
            Text.assemble(
                ("per run: ", "bold"),
                f"expected {usd(report.per_run_usd)} · worst {usd(report.worst_per_run_usd)}",
            )
        )
        parts.append(
            Text.assemble(
                ("per million runs: ", "bold"),
                f"expected {_big(report.per_million_runs_usd)} · worst {_big(report.worst_per_million_runs_usd)}",
            )
        )
        legend = ["? conditional calls (branch, ??, fallback)"]
        if any(m.price_from == "config" for m in report.modules):
            legend.append("* price from cst.yaml or --prices")
        if any(m.result_priced for m in report.modules):
            legend.append("+ plus a part priced by the result")
        parts.append(Text("  ".join(legend), style="dim"))
    else:
        table = Table(
            title=f"{report.pipeline}: measured over {report.runs} run{'s' * (report.runs != 1)}"
            + (f" ({report.failed_runs} failed)" if report.failed_runs else ""),
            title_justify="left",
            show_edge=False,
            pad_edge=False,
        )
        for col, just in (
            ("module", "left"),
            ("version", "left"),
            ("price/call", "right"),
            ("calls", "right"),
            ("attempts", "right"),
            ("retries", "right"),
            ("cache hits", "right"),
            ("failed", "right"),
            ("cost/run", "right"),
        ):
            table.add_column(col, justify=just)  # type: ignore[arg-type]
        for mm in report.modules:
            table.add_row(
                Text(mm.module),
                mm.version,
                usd(mm.price_usd),
                str(mm.calls),
                str(mm.attempts),
                str(mm.retries),
                str(mm.cache_hits),
                str(mm.failed),
                usd(mm.per_run_usd),
            )
        parts.append(table)
        parts.append(Text(""))
        parts.append(Text.assemble(("per run: ", "bold"), usd(report.per_run_usd)))
        parts.append(Text.assemble(("per million runs: ", "bold"), _big(report.per_million_runs_usd)))
    for note in report.notes:
        parts.append(Text(f"note: {note}", style="dim"))
    if budget is not None:
        ok = report.per_run_usd <= budget + 1e-15
        parts.append(
            Text.assemble(
                ("budget: ", "bold"),
                f"{usd(budget)} per run ",
                ("ok" if ok else "exceeded", "green" if ok else "bold red"),
            )
        )
    return Group(*parts)


def _big(x: float) -> str:
    return f"${x:,.2f}"
