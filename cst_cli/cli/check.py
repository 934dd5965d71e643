"""`cst check`: parse and type-check files against the installed modules; report every problem."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from cst_cli.cli._common import Exit, Format


def check_cmd(
    paths: list[Path] = typer.Argument(
        ...,
        help="Files to check; a directory stands for the .cst files below it; - reads stdin.",
        show_default=False,
        metavar="PATH...",
    ),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text for people, json for tools."),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail the check too (exit 1)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only problems and the summary, no 'ok' line."),
) -> None:
    """Parse and type-check pipelines; report every problem in every file.

    Exit 0 when no file has an error, 1 when any has (or any warning, with --strict), 2 for a usage error.

    Examples:

      cst check pipeline.cst

      cst check samples/            # every .cst file below samples/

      cst check --format json a.cst b.cst | jq '.[] | .code'

      cst check --strict pipeline.cst   # in CI: warnings fail too
    """
    from cst_cli.check import compile_source
    from cst_cli.cli._common import expand_paths, load_modules, read_path, stdout_console, write_json
    from cst_cli.diagnostics import Diagnostic, Source
    from cst_cli.render.diagnostics import render_text, summary, to_json_list

    files = expand_paths(paths)
    if not files:
        from cst_cli.cli._common import fail

        fail("no .cst files to check")
    registry = load_modules(warn=format is Format.text)
    all_diags: list[Diagnostic] = []
    sources: dict[str, Source | None] = {}
    for path in files:
        name = "<stdin>" if str(path) == "-" else str(path)
        result = compile_source(read_path(path), name, registry)
        sources[name] = result.source
        all_diags.extend(result.diagnostics)

    has_error = any(d.is_error for d in all_diags)
    failed = has_error or (strict and bool(all_diags))
    if format is Format.json:
        write_json(to_json_list(all_diags, sources))
    elif not all_diags and _plain_stdout():
        # A clean run into a pipe or file: the bytes rich would write, without importing rich (~13 ms).
        if not quiet:
            sys.stdout.write(f"ok: {summary(all_diags, len(files))}\n")
    else:
        out = stdout_console()
        render_text(all_diags, sources, out)
        line = summary(all_diags, len(files))
        if failed:  # on stdout with the diagnostics it sums up, so the two never interleave out of order
            out.print(f"[bold red]{line}[/]")
        elif all_diags or not quiet:
            out.print(f"[bold green]ok[/]: {line}" if not all_diags else f"[bold yellow]{line}[/]")
    raise typer.Exit(int(Exit.PROGRAM_ERRORS if failed else Exit.OK))


def _plain_stdout() -> bool:
    """Whether rich surely writes stdout without escape codes: not a terminal, and none of the variables
    that make rich treat it as one (their meaning varies across rich versions) is set."""
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return False
    try:
        return not sys.stdout.isatty()
    except ValueError:
        return False
