"""`cst modules`: list the installed modules with their signatures, versions and origins."""

from __future__ import annotations

import typer

from cst_cli.cli._common import Format


def modules_cmd(
    pattern: str = typer.Argument(
        "", help="Only modules whose qualified name contains this text.", show_default=False, metavar="PATTERN"
    ),
    tag: str = typer.Option("", "--tag", help="Only modules with this tag."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text for people, json for tools."),
) -> None:
    """List installed modules: qualified name, version, signature, description, tags, origin.

    Modules come from Python entry points in the group cst.modules (the built-in library registers the
    same way). A plugin that fails to load is a warning (W006) on stderr, not an error.

    Examples:

      cst modules

      cst modules stdlib.math

      cst modules --tag resilience --format json
    """
    from cst_cli.cli._common import load_modules, stdout_console, write_json

    registry = load_modules(warn=True)
    specs = [s for s in registry.all() if pattern.lower() in s.qualified_name.lower() and (not tag or tag in s.tags)]
    if format is Format.json:
        write_json(
            {
                "modules": [s.describe() for s in specs],
                "problems": [{"plugin": p.plugin, "message": p.message} for p in registry.problems],
            }
        )
        return
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold", box=None, pad_edge=False)
    table.add_column("module", style="cyan", no_wrap=True)
    table.add_column("ver")
    table.add_column("signature")
    table.add_column("description")
    table.add_column("tags", style="dim")
    for s in specs:
        table.add_row(s.qualified_name, s.version_text, s.signature(), s.description, ", ".join(s.tags))
    out = stdout_console()
    out.print(table)
    origins = sorted({s.origin for s in specs})
    if origins:
        out.print(f"\n{len(specs)} modules from: " + "; ".join(origins))
    else:
        out.print("no modules match" if pattern or tag else "no modules installed")
