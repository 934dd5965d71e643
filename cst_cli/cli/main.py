"""The `cst` command: a thin typer shell over the library, one file per command.

Command modules import their heavy dependencies inside the command function, so `cst --help` and
`cst check` stay fast.
"""

from __future__ import annotations

import sys

import typer

from cst_cli import __version__
from cst_cli.cli._common import Exit

app = typer.Typer(
    name="cst",
    help=(
        "Check, graph, run, benchmark and cost typed ML/AI pipelines written in the cst language.\n\n"
        "Examples:\n\n"
        "  cst check pipeline.cst\n\n"
        "  cst run samples/search/hybrid-search.cst --examples\n\n"
        "  cst graph pipeline.cst --format dot | dot -Tsvg > pipeline.svg\n\n"
        "Exit codes: 0 ok, 1 program has errors, 2 usage, 3 run failed, 4 inputs missing or invalid, "
        "5 over budget, 130 interrupted. See cst(1)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cst {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """cst: typed ML/AI pipelines."""


def _register() -> None:
    """Commands in the order people meet them: check, run, see, measure, list, serve."""
    from cst_cli.cli import bench, check, cost, graph, modules, run, serve

    app.command("check", no_args_is_help=True)(check.check_cmd)
    app.command("run", no_args_is_help=True)(run.run_cmd)
    app.command("graph", no_args_is_help=True)(graph.graph_cmd)
    app.command("bench", no_args_is_help=True)(bench.bench_cmd)
    app.command("cost", no_args_is_help=True)(cost.cost_cmd)
    app.command("modules")(modules.modules_cmd)
    app.command("serve")(serve.serve_cmd)


_register()


def main() -> None:
    """Console-script entry point: maps Ctrl-C to exit 130 and never shows a traceback for usage errors."""
    import gc

    # Compiling and running build many small acyclic objects (AST, types, DAG): with the default threshold
    # the cyclic collector runs hundreds of times for nothing (~10% of `cst run` on 4,000 bindings). Freeze
    # what imports created and collect young objects less often; cycles are still collected.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(int(Exit.INTERRUPTED))
    except BaseExceptionGroup as group:
        # Ctrl-C inside a trio nursery (cst bench's workers, say) arrives wrapped in a group: still 130 and one
        # line, never a traceback.
        if group.subgroup(KeyboardInterrupt) is None:
            raise
        sys.stderr.write("interrupted\n")
        sys.exit(int(Exit.INTERRUPTED))
