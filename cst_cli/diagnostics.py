"""Spans, diagnostics and the table of diagnostic codes shared by every phase.

Imports nothing from the rest of cst_cli: every other package may import this one.
"""

from __future__ import annotations

import bisect
from enum import StrEnum
from typing import Final

import msgspec


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Span(msgspec.Struct, frozen=True, kw_only=True):
    """A half-open range of character offsets [start, end) in one source file."""

    file: str
    start: int
    end: int

    def cover(self, other: Span) -> Span:
        """The smallest span holding both (same file assumed)."""
        return Span(file=self.file, start=min(self.start, other.start), end=max(self.end, other.end))


class Note(msgspec.Struct, frozen=True, kw_only=True):
    """A secondary message pointing at another place (e.g. the first definition for E030)."""

    message: str
    span: Span | None = None


class Diagnostic(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    severity: Severity
    message: str
    span: Span
    hint: str | None = None
    notes: tuple[Note, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class Position(msgspec.Struct, frozen=True):
    line: int  # 1-based
    column: int  # 1-based, in characters


class Source:
    """A source text with fast offset -> (line, column) mapping."""

    __slots__ = ("_line_starts", "name", "text")

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._line_starts = starts

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return Position(line + 1, offset - self._line_starts[line] + 1)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline."""
        if line < 1 or line > len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end != -1 else len(self.text)].rstrip("\r")

    @property
    def line_count(self) -> int:
        return len(self._line_starts)


def error(code: str, message: str, span: Span, hint: str | None = None, notes: tuple[Note, ...] = ()) -> Diagnostic:
    return Diagnostic(code=code, severity=Severity.ERROR, message=message, span=span, hint=hint, notes=notes)


def warning(code: str, message: str, span: Span, hint: str | None = None, notes: tuple[Note, ...] = ()) -> Diagnostic:
    return Diagnostic(code=code, severity=Severity.WARNING, message=message, span=span, hint=hint, notes=notes)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.span.file, d.span.start, d.span.end, d.code)


def sorted_diagnostics(diags: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[Diagnostic]:
    """Sort by place, dropping exact duplicates (same code, span and message)."""
    seen: set[tuple[str, str, int, int, str]] = set()
    out: list[Diagnostic] = []
    for d in sorted(diags, key=sort_key):
        key = (d.code, d.span.file, d.span.start, d.span.end, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


class CstError(Exception):
    """Raised at a phase boundary with every diagnostic the phase collected."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics[:3]))
        self.diagnostics = diagnostics


# The stable codes. E001-E031 are the reference engine's; later ones are ours.
CODES: Final[dict[str, str]] = {
    "E001": "undefined variable",
    "E002": "undefined function",
    "E003": "undefined type",
    "E004": "undefined namespace",
    "E005": "ambiguous function",
    "E006": "invalid projection",
    "E007": "invalid field access",
    "E010": "type mismatch",
    "E011": "incompatible operator",
    "E012": "incompatible merge",
    "E013": "unsupported comparison",
    "E014": "unsupported arithmetic",
    "E015": "general type error",
    "E016": "invalid option value",
    "E017": "fallback type mismatch",
    "E020": "parse error",
    "E021": "unexpected token",
    "E030": "duplicate definition",
    "E031": "circular dependency",
    # ours, after the reference engine's
    "E040": "source is not valid text (not UTF-8, control characters)",
    "E041": "literal out of range",
    "E042": "nesting too deep",
    "E043": "program has no output",
    "E044": "unknown argument or wrong argument count",
    "E045": "unknown option",
    "E046": "invalid annotation",
    "E047": "unknown module version",
    "W001": "delay without retry",
    "W002": "retry count above 10",
    "W003": "unused input",
    "W004": "unused binding",
    "W005": "option has no effect (streaming option, or duplicate)",
    "W006": "module plugin could not be loaded",
    "W007": "unreachable match arm",
}
