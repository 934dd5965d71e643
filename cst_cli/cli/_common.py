"""What every command shares: exit codes, consoles, output formats, loading the registry and files.

The CLI is the only layer that prints or exits; the library below never does.
"""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from cst_cli.modules.registry import Registry


class Exit(enum.IntEnum):
    """Exit codes, the same for every command (documented in cst(1))."""

    OK = 0
    PROGRAM_ERRORS = 1
    USAGE = 2
    RUN_FAILED = 3
    INPUTS = 4
    OVER_BUDGET = 5
    INTERRUPTED = 130


class Format(enum.StrEnum):
    text = "text"
    json = "json"


def stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: Exit = Exit.USAGE) -> NoReturn:
    """One line on stderr, then exit with `code`."""
    from rich.markup import escape

    stderr_console().print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(int(code))


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def write_json(doc: object) -> None:
    """Exactly one JSON document on stdout."""
    import msgspec

    sys.stdout.buffer.write(msgspec.json.format(msgspec.json.encode(doc), indent=2) + b"\n")
    sys.stdout.flush()


def load_modules(warn: bool = True) -> Registry:
    """The installed modules; broken plugins are warned about on stderr (W006), never fatal."""
    from cst_cli.modules.registry import load_registry

    registry = load_registry()
    if warn and registry.problems and not os.environ.get("CST_QUIET_PLUGINS"):
        from rich.markup import escape

        err = stderr_console()
        for p in registry.problems:
            err.print(f"[yellow]warning[W006]:[/] module plugin {escape(p.plugin)} was not loaded: {escape(p.message)}")
    return registry


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; a directory stands for the `.cst` files below it (sorted). Missing paths: exit 2."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.cst") if q.is_file()))
        elif p.is_file() or str(p) == "-":
            out.append(p)
        else:
            fail(f"no such file or directory: {p}")
    return out


def read_path(path: Path) -> bytes:
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
