"""What every command shares: exit codes, consoles, output formats, loading the registry and files.

The CLI is the only layer that prints or exits; the library below never does.
"""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from cst_cli.api import Pipeline
    from cst_cli.modules.registry import Registry
    from cst_cli.runtime.config import Config


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


def no_color() -> bool:
    """NO_COLOR is set (and not empty, as no-color.org says): plain text, not even bold or dim.

    rich alone drops only the colours under NO_COLOR and still writes bold, dim and italic on a terminal;
    a console without a colour system writes no escape codes at all."""
    return os.environ.get("NO_COLOR", "") != ""


def _style_options() -> dict[str, Any]:
    return {"color_system": None} if no_color() else {}


def stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, **_style_options())


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, **_style_options())


class _LazyStderr:
    """Stands in for the stderr console and creates it at the first print: a run with nothing to report
    never imports rich (~15 ms)."""

    def __init__(self) -> None:
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            self._console = stderr_console()
        return getattr(self._console, name)


def lazy_stderr_console() -> Console:
    return cast("Console", _LazyStderr())


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


def require_file(path: Path, what: str = "file") -> None:
    """Exit 2 with one line unless `path` can be read as a file: missing, or a directory. A pipe, /dev/stdin
    or a shell's process substitution (`<(...)`) is read like a file, as `--inputs` reads it."""
    if str(path) == "-":
        return
    if path.is_dir():
        fail(f"{path} is a directory, not a {what}")
    if not path.exists():
        fail(f"no such {what}: {path}")


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; a directory stands for the `.cst` files below it (sorted). Missing paths: exit 2."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.cst") if q.is_file()))
        elif p.exists() or str(p) == "-":
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


def compile_or_exit(file: Path, config: Path | None = None) -> tuple[Pipeline, Config]:
    """cst.yaml (or `config`), the modules with its pins, then `file` compiled (graph, bench and cost share it).

    A missing file or a bad cst.yaml is one line on stderr and exit 2; a program with errors prints its
    diagnostics on stderr as `cst check` renders them and exits 1; warnings are printed and compilation goes on.
    """
    from cst_cli.api import Pipeline
    from cst_cli.check import compile_source
    from cst_cli.render.diagnostics import render_text
    from cst_cli.runtime.config import ConfigError, load_config

    try:
        cfg = load_config(config)
    except ConfigError as exc:
        fail(str(exc))
    require_file(file)
    base = load_modules(warn=True)
    registry = base.with_pins(cfg.pins) if cfg.pins else base
    name = "<stdin>" if str(file) == "-" else str(file)
    compiled = compile_source(read_path(file), name, registry)
    if compiled.diagnostics:
        render_text(compiled.diagnostics, {name: compiled.source}, stderr_console())
    if compiled.program is None or compiled.errors:
        raise typer.Exit(int(Exit.PROGRAM_ERRORS))
    return Pipeline(compiled.program, source=compiled.source, registry=base, pins=cfg.pins), cfg


def read_input_sets(inputs_file: str | None, values: list[str]) -> list[dict[str, Any]]:
    """Input sets for commands that run a pipeline many times (bench, cost).

    `inputs_file` (a path, or - for stdin) holds one JSON object, a JSON array of objects, or JSON Lines (one
    object per line); `values` are `-i NAME=VALUE` as `cst run` reads them (VALUE is JSON when it parses, else
    text) and apply to every set. No file and no values: one empty set. Unreadable or malformed: exit 2.
    """
    import msgspec

    sets: list[dict[str, Any]] = []
    if inputs_file is not None:
        where = "stdin" if inputs_file == "-" else inputs_file
        data = read_inputs_bytes(inputs_file)
        docs: list[Any]
        try:
            doc = msgspec.json.decode(data)
            docs = doc if isinstance(doc, list) else [doc]
        except RecursionError:
            fail(f"--inputs {where}: not valid JSON: nested too deeply")
        except msgspec.DecodeError:
            docs = []
            for k, line in enumerate(data.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    docs.append(msgspec.json.decode(line))
                except (msgspec.DecodeError, RecursionError) as exc:
                    why = "nested too deeply" if isinstance(exc, RecursionError) else exc
                    fail(f"--inputs {where}: line {k}: not valid JSON: {why}")
        for k, d in enumerate(docs, start=1):
            if not isinstance(d, dict):
                fail(f"--inputs {where}: item {k}: expected a JSON object of input name -> value")
            sets.append(d)
        if not sets:
            fail(f"--inputs {where}: no input sets")
    overrides = parse_assignments(values)
    return [{**s, **overrides} for s in sets] if sets else [overrides]


def read_inputs_bytes(inputs_file: str) -> bytes:
    """The bytes of `--inputs FILE` (- for stdin); unreadable: exit 2."""
    try:
        return sys.stdin.buffer.read() if inputs_file == "-" else Path(inputs_file).read_bytes()
    except OSError as exc:
        fail(f"cannot read {inputs_file}: {exc.strerror or exc}")


def parse_assignments(values: list[str]) -> dict[str, Any]:
    """`-i NAME=VALUE` options: VALUE is JSON when it parses, else text (`-i q=hello`, `-i n=3`)."""
    import msgspec

    out: dict[str, Any] = {}
    for item in values:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            fail(f"-i {item!r}: expected NAME=VALUE")
        try:
            item.encode("utf-8")
        except UnicodeEncodeError:  # bytes the locale could not decode reach us as lone surrogates
            fail(f"-i {item!r}: not valid UTF-8")
        try:
            value: Any = msgspec.json.decode(text)
        except (msgspec.DecodeError, RecursionError):
            value = text
        out[name.strip()] = value
    return out


def report_console() -> Console:
    """stdout for reports with tables (bench, cost, graph's tree): the terminal's width on a terminal, else
    COLUMNS or 120 columns, so a piped report is not squeezed to 80."""
    from rich.console import Console

    width = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 120
    return Console(highlight=False, width=width, **_style_options())
