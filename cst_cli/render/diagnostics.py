"""Diagnostics for people (rustc-like text through rich) and for tools (the stable JSON shape).

Imports diagnostics only; writes to the console it is given, never to sys.stdout by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cst_cli.diagnostics import Diagnostic, Severity, Source

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow"}
_TAB = "    "


def to_json(d: Diagnostic, source: Source | None) -> dict[str, Any]:
    """The JSON shape tools rely on: 1-based line/column; end_column is one past the last character."""
    if source is not None:
        start = source.position(d.span.start)
        end = source.position(max(d.span.end, d.span.start))
        line, column, end_line, end_column = start.line, start.column, end.line, end.column
    else:
        line = column = end_line = end_column = 1
    return {
        "file": d.span.file,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "hint": d.hint,
    }


def to_json_list(diagnostics: Iterable[Diagnostic], sources: Mapping[str, Source | None]) -> list[dict[str, Any]]:
    return [to_json(d, sources.get(d.span.file)) for d in diagnostics]


def render_text(diagnostics: Iterable[Diagnostic], sources: Mapping[str, Source | None], console: Console) -> None:
    """Print each diagnostic like a compiler: header, location, source line with carets, hint, notes."""
    from rich.markup import escape
    from rich.text import Text

    for d in diagnostics:
        source = sources.get(d.span.file)
        style = _STYLE[d.severity]
        header = Text()
        header.append(f"{d.severity.value}[{d.code}]", style=style)
        header.append(": ")
        header.append(d.message, style="bold")
        console.print(header)
        if source is None:
            console.print(f"  [blue]-->[/] {escape(d.span.file)}")
        else:
            _snippet(d, source, console)
        if d.hint:
            console.print(Text.assemble(("  = ", "blue"), ("hint", "bold"), f": {d.hint}"))
        for note in d.notes:
            where = ""
            if note.span is not None and source is not None:
                p = source.position(note.span.start)
                where = f" ({note.span.file}:{p.line}:{p.column})"
            console.print(Text.assemble(("  = ", "blue"), ("note", "bold"), f": {note.message}{where}"))
        console.print()


def _snippet(d: Diagnostic, source: Source, console: Console) -> None:
    from rich.text import Text

    start = source.position(d.span.start)
    end = source.position(max(d.span.end, d.span.start))
    gutter = len(str(start.line))
    pad = " " * gutter
    console.print(Text.assemble((f"{pad}--> ", "blue"), f"{d.span.file}:{start.line}:{start.column}"))
    line_text = source.line_text(start.line)
    if not line_text and source.line_count < start.line:
        return
    shown = line_text.replace("\t", _TAB)
    console.print(Text(f"{pad} |", style="blue"))
    console.print(Text.assemble((f"{start.line} | ", "blue"), _printable(shown)))  # same widths as the caret
    # caret under the span's first line; a span running past the line underlines to its end
    prefix = line_text[: start.column - 1]
    col = len(_printable(prefix).replace("\t", _TAB))
    last = end.column - 1 if end.line == start.line else len(line_text)
    width = max(1, len(_printable(line_text[start.column - 1 : last]).replace("\t", _TAB)))
    caret = Text.assemble((f"{pad} | ", "blue"), " " * col, ("^" * width, _STYLE[d.severity]))
    console.print(caret)


def _printable(text: str) -> str:
    """Control characters shown as U+XXXX so a stray byte cannot garble the terminal."""
    if all(c >= " " or c == "\t" for c in text):
        return text
    return "".join(c if c >= " " or c == "\t" else f"<U+{ord(c):04X}>" for c in text)


def summary(diagnostics: Iterable[Diagnostic], files: int) -> str:
    """`2 errors, 1 warning in 3 files`."""
    ds = list(diagnostics)
    errors = sum(1 for d in ds if d.severity is Severity.ERROR)
    warnings = len(ds) - errors
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    return f"{', '.join(parts)} in {_plural(files, 'file')}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
