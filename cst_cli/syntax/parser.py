"""The syntax phase's public face: bytes -> Source (decode), Source -> Program (parse), and diagnostics.

Nothing is built at import time and Lark is imported only if the parse table must be (re)built. Imports
only cst_cli.diagnostics and cst_cli.syntax.
"""

from __future__ import annotations

import gc
import re
from typing import TYPE_CHECKING

from cst_cli.diagnostics import Diagnostic, Source, Span, error, sorted_diagnostics
from cst_cli.syntax import ast

if TYPE_CHECKING:
    from cst_cli.syntax._driver import Driver
    from cst_cli.syntax._lexer import Spelling

__all__ = ["decode", "parse", "parse_expression"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")
_MAX_CONTROL_REPORTS = 20


def decode(data: bytes, file: str) -> tuple[Source | None, list[Diagnostic]]:
    """Decode a source file as UTF-8 (a leading BOM is dropped) and report stray control characters.

    Args:
        data: the file's bytes.
        file: the name that spans and messages use.

    Returns:
        The Source, or None when the bytes are not UTF-8 (E040 at the first bad byte); and E040 for each
        run of control characters other than tab, line feed and carriage return (the Source is still
        returned then, so parsing can go on).
    """
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = body[: exc.start].decode("utf-8")
        where = Source(file, before).position(len(before))
        bad = body[exc.start]
        message = (
            f"the file is not valid UTF-8: byte 0x{bad:02X} at line {where.line}, column {where.column}"
            " cannot be decoded"
        )
        span = Span(file=file, start=len(before), end=len(before) + 1)
        return None, [error("E040", message, span, "save the file as UTF-8")]
    diagnostics: list[Diagnostic] = []
    if _CONTROL.search(text) is not None:
        from cst_cli.syntax._lexer import control_char_message

        runs = list(_CONTROL.finditer(text))
        for m in runs[:_MAX_CONTROL_REPORTS]:
            span = Span(file=file, start=m.start(), end=m.end())
            diagnostics.append(error("E040", control_char_message(m.group()), span))
        if len(runs) > _MAX_CONTROL_REPORTS:
            last = runs[-1]
            diagnostics.append(
                error(
                    "E040",
                    f"{len(runs) - _MAX_CONTROL_REPORTS} more runs of control characters are not shown",
                    Span(file=file, start=last.start(), end=last.end()),
                    "is this a text file?",
                )
            )
    return Source(file, text), diagnostics


def parse(source: Source) -> tuple[ast.Program | None, list[Diagnostic]]:
    """Parse a whole source file into a Program.

    Never raises. An empty file (or one with only comments) is an empty Program.

    Returns:
        The Program, or None if there is any error; and every diagnostic found (one per broken
        declaration at most, plus lexical ones), sorted by place.
    """
    # The parse allocates many small acyclic objects: the cyclic GC would only rescan them, again and
    # again (a third of the time on a large file), so it is paused while parsing.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(source)
    except Exception as exc:  # a bug; still a diagnostic, never a traceback
        return None, [_internal_error(source.name, exc)]
    finally:
        if gc_was_enabled:
            gc.enable()


def parse_expression(text: str, file: str = "<expr>") -> tuple[ast.Expr | None, list[Diagnostic]]:
    """Parse one expression (for tests and tools): the whole text must be that expression."""
    try:
        driver = _driver(Source(file, text))
        result = driver.run("expr")
        diagnostics = _collect(driver)
    except Exception as exc:  # a bug; still a diagnostic, never a traceback
        return None, [_internal_error(file, exc)]
    if any(d.is_error for d in diagnostics) or result is None:
        return None, diagnostics
    expr: ast.Expr = result
    return expr, diagnostics


def _parse(source: Source) -> tuple[ast.Program | None, list[Diagnostic]]:
    driver = _driver(source)
    decls: list[ast.Decl] = driver.run("program")
    diagnostics = _collect(driver)
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    span = Span(file=source.name, start=0, end=len(source.text))
    return ast.Program(span=span, decls=tuple(decls)), diagnostics


_spelling: tuple[object, Spelling] | None = None


def _driver(source: Source) -> Driver:
    # Imported here, not at the top: importing this module must stay cheap.
    from cst_cli.syntax._driver import Driver
    from cst_cli.syntax._lexer import Spelling, tokenize
    from cst_cli.syntax._table import load_table

    global _spelling
    table = load_table()
    if _spelling is None or _spelling[0] is not table:
        _spelling = (table, Spelling(table.literals))
    return Driver(table, tokenize(source, _spelling[1]), source)


def _collect(driver: Driver) -> list[Diagnostic]:
    builder = driver.builder
    return sorted_diagnostics(
        driver.tokens.diagnostics + builder.diagnostics + list(builder.pending_ints.values()) + driver.diagnostics
    )


def _internal_error(file: str, exc: Exception) -> Diagnostic:
    return error(
        "E020",
        f"internal error in the parser: {type(exc).__name__}: {exc}",
        Span(file=file, start=0, end=0),
        "this is a bug in cst; please report it with the file that caused it",
    )
