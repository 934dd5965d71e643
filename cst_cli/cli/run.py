"""`cst run`: compile a pipeline, read and check its inputs, run it, print its outputs (a shell over cst_cli.api).

stdout carries only the outputs (one JSON document with --format json); everything else goes to stderr.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cst_cli.cli._common import Exit

if TYPE_CHECKING:
    from rich.console import Console

    from cst_cli.api import RunResult
    from cst_cli.diagnostics import Diagnostic, Source


class RunFormat(str, enum.Enum):  # noqa: UP042 - typer needs a str Enum
    json = "json"
    table = "table"


def run_cmd(
    file: Path = typer.Argument(
        ..., help="The pipeline to run (- reads it from stdin).", show_default=False, metavar="FILE"
    ),
    inputs_file: str | None = typer.Option(
        None, "--inputs", help="A JSON object of inputs, from a file or - for stdin.", show_default=False
    ),
    input_values: list[str] = typer.Option(
        [],
        "--input",
        "-i",
        help="NAME=VALUE; VALUE is parsed as JSON when it parses, else taken as text. Overrides --inputs.",
        show_default=False,
    ),
    examples: bool = typer.Option(False, "--examples", help="Fill inputs from @example annotations."),
    format: RunFormat | None = typer.Option(
        None, "--format", "-f", help="json (default when stdout is not a terminal) or table.", show_default=False
    ),
    trace: Path | None = typer.Option(None, "--trace", help="Write a cst-trace/1 JSON trace here.", show_default=False),
    pins: list[str] = typer.Option(
        [], "--pin", help="MODULE=MAJOR: unpinned calls of MODULE use that major version.", show_default=False
    ),
    seed: int | None = typer.Option(None, "--seed", help="Seed demo modules' randomness and retry jitter."),
    max_concurrency: int | None = typer.Option(
        None, "--max-concurrency", min=1, help="At most N calls in flight; priority: orders them."
    ),
    keep_going: bool = typer.Option(False, "--keep-going", help="After a failure, compute all that does not need it."),
    config: Path | None = typer.Option(
        None, "--config", help="A cst.yaml (default: ./cst.yaml when present).", show_default=False
    ),
) -> None:
    """Run a pipeline and print its outputs.

    Exit 0 all outputs computed, 1 the program has errors, 2 usage, 3 the run failed, 4 inputs missing or
    invalid (what does not need them is still computed and printed), 130 interrupted.

    Examples:

      cst run samples/language/text-processing.cst -i text='Hello world' -i min_words=2

      cst run pipeline.cst --inputs inputs.json --trace trace.json

      echo '{"n": 3}' | cst run pipeline.cst --inputs - --format json

      cst run search.cst --examples --pin TextEmbedding=1 --seed 7
    """
    from cst_cli.cli._common import (
        fail,
        lazy_stderr_console,
        load_modules,
        read_path,
        require_file,
        stdout_is_terminal,
    )
    from cst_cli.runtime.config import ConfigError, load_config

    if str(file) == "-" and inputs_file == "-":
        fail("the pipeline and --inputs cannot both come from stdin")
    try:
        cfg = load_config(config)
    except ConfigError as exc:
        fail(str(exc))
    pin_map = dict(cfg.pins)
    cli_pins = _parse_pins(pins)
    pin_map.update(cli_pins)
    raw_inputs = _read_inputs(inputs_file, input_values)
    err = lazy_stderr_console()

    from cst_cli.api import Pipeline
    from cst_cli.check import compile_source

    base = load_modules(warn=True)
    if cli_pins:  # a misspelt --pin would otherwise change nothing, silently
        known = {n for s in base.all() for n in (s.qualified_name, s.name)}
        for mod in cli_pins:
            if mod not in known:
                fail(f"--pin {mod}={cli_pins[mod]}: no module named {mod} is installed (see cst modules)")
    registry = base.with_pins(pin_map) if pin_map else base
    name = "<stdin>" if str(file) == "-" else str(file)
    require_file(file)
    compiled = compile_source(read_path(file), name, registry)
    if compiled.program is None or compiled.errors:
        _print_diagnostics(compiled.diagnostics, {name: compiled.source}, err)
        raise typer.Exit(int(Exit.PROGRAM_ERRORS))
    if compiled.diagnostics:
        _print_diagnostics(compiled.diagnostics, {name: compiled.source}, err)
    pipeline = Pipeline(compiled.program, source=compiled.source, registry=base, pins=pin_map)

    merged: dict[str, Any] = pipeline.example_inputs() if examples else {}
    merged.update(raw_inputs)

    from cst_cli.runtime.runner import Runtime

    runtime = Runtime(cfg)
    try:
        result = pipeline.run(
            merged, seed=seed, max_concurrency=max_concurrency, keep_going=keep_going, runtime=runtime
        )
    except KeyboardInterrupt:
        err.print("[bold red]interrupted[/]")
        raise typer.Exit(int(Exit.INTERRUPTED)) from None

    if trace is not None:
        from cst_cli.runtime.trace import encode_trace

        try:
            trace.write_bytes(encode_trace(result.trace))
        except OSError as exc:
            err.print(f"[yellow]warning:[/] cannot write the trace to {trace}: {exc.strerror or exc}")

    _report(result, err)
    fmt = format or (RunFormat.table if stdout_is_terminal() else RunFormat.json)
    if fmt is RunFormat.json:
        from cst_cli.cli._common import write_json

        write_json(result.outputs)
    else:
        _print_table(result)
    code = {"ok": Exit.OK, "failed": Exit.RUN_FAILED, "inputs": Exit.INPUTS, "interrupted": Exit.INTERRUPTED}
    raise typer.Exit(int(code[result.status]))


def _parse_pins(pins: list[str]) -> dict[str, int]:
    from cst_cli.cli._common import fail

    out: dict[str, int] = {}
    for p in pins:
        mod, sep, major = p.partition("=")
        if not sep or not mod.strip() or not major.strip().isdigit():
            fail(f"--pin {p!r}: expected MODULE=MAJOR, e.g. --pin TextEmbedding=1")
        out[mod.strip()] = int(major)
    return out


def _read_inputs(inputs_file: str | None, values: list[str]) -> dict[str, Any]:
    """One JSON object from `--inputs` (a file, or - for stdin), overridden by `-i NAME=VALUE`."""
    import msgspec

    from cst_cli.cli._common import fail, parse_assignments, read_inputs_bytes

    out: dict[str, Any] = {}
    if inputs_file is not None:
        where = "stdin" if inputs_file == "-" else inputs_file
        try:
            doc = msgspec.json.decode(read_inputs_bytes(inputs_file))
        except (msgspec.DecodeError, RecursionError) as exc:
            fail(f"--inputs {where}: not valid JSON: {'nested too deeply' if isinstance(exc, RecursionError) else exc}")
        if not isinstance(doc, dict):
            fail(f"--inputs {where}: expected a JSON object of input name -> value")
        out.update(doc)
    out.update(parse_assignments(values))
    return out


def _print_diagnostics(diags: list[Diagnostic], sources: dict[str, Source | None], console: Console) -> None:
    try:
        from cst_cli.render.diagnostics import render_text
    except ImportError:  # pragma: no cover - the renderer ships with cst; a plain fallback all the same
        for d in diags:
            src = sources.get(d.span.file)
            pos = src.position(d.span.start) if src is not None else None
            where = f"{d.span.file}:{pos.line}:{pos.column}" if pos else d.span.file
            console.print(f"{where}: {d.severity.value}[{d.code}]: {d.message}", markup=False)
        return
    render_text(diags, sources, console)


def _report(result: RunResult, err: Console) -> None:
    from rich.markup import escape

    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}")
    unknown = False
    for p in result.input_problems:
        if p.kind != "missing":
            unknown = unknown or p.kind == "unknown"
            err.print(f"[bold red]error:[/] {escape(p.message)}")
    if result.missing_inputs:
        err.print(f"[bold red]error:[/] missing inputs: {escape(', '.join(result.missing_inputs))}")
    if unknown:
        err.print("[bold red]error:[/] nothing was run: an unknown input name is most likely a misspelt one")
        return
    for e in result.errors:
        where = e.location or e.node
        what = f"call {e.module}" if e.module else "operation"
        tries = f" after {e.attempts} attempt{'s' if e.attempts != 1 else ''}" if e.module else ""
        err.print(
            f"[bold red]error:[/] {escape(where)}: {escape(what)} ({escape(e.node)}) failed{tries}"
            f" ({e.reason.replace('_', ' ')}): {escape(e.message)}"
        )
    for name, why in result.not_computed.items():
        err.print(f"[yellow]not computed:[/] {escape(name)}: {escape(why)}")


def _print_table(result: RunResult) -> None:
    """Scalars and small values in one output/value table; a list of records gets a table of its own, one
    row per record and one column per field, which is how people read search results."""
    from rich.table import Table
    from rich.text import Text

    from cst_cli.cli._common import stdout_console

    console = stdout_console()
    table = Table("output", "value", show_lines=False)
    record_lists: list[tuple[str, list[dict[str, object]]]] = []
    for name, value in result.outputs.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            record_lists.append((name, value))
            table.add_row(Text(name), Text(f"{len(value)} records (below)", style="dim"))
        else:
            table.add_row(Text(name), Text(_cell(value)))
    for name in result.not_computed:
        table.add_row(Text(name), Text("not computed", style="dim"))
    console.print(table)
    for name, rows in record_lists:
        columns: list[str] = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        sub = Table(*columns, title=f"{name} ({len(rows)} records)", title_justify="left", show_lines=False)
        for row in rows:
            sub.add_row(*(Text(_cell(row.get(c))) for c in columns))
        console.print(sub)


def _cell(value: object) -> str:
    import msgspec

    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.6g}"
    return msgspec.json.encode(value).decode()
