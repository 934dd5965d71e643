"""Type checking: AST + module registry -> typed program + diagnostics. Never imports trio.

`compile_source` is the one call every front end (CLI, server, tests) uses: decode, parse, check.
"""

from __future__ import annotations

import msgspec

from cst_cli.check.typed import TypedProgram
from cst_cli.diagnostics import Diagnostic, Source, sorted_diagnostics
from cst_cli.modules.registry import Registry


class CompileResult(msgspec.Struct, frozen=True, kw_only=True):
    """What compiling one file gave: the source (None when it could not be decoded), the typed program
    (None when there is any error) and every diagnostic, sorted by place."""

    file: str
    source: Source | None
    program: TypedProgram | None
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def ok(self) -> bool:
        return self.program is not None and not self.errors


def compile_source(data: bytes | str, file: str, registry: Registry) -> CompileResult:
    """Decode, parse and check one file; never raises for any input."""
    from cst_cli.check.checker import check_program
    from cst_cli.syntax.parser import decode, parse

    diags: list[Diagnostic] = []
    if isinstance(data, str):
        source: Source | None = Source(file, data)
        if any(c < " " and c not in "\t\n\r" for c in data):
            source, diags = decode(data.encode("utf-8", "surrogatepass"), file)
    else:
        source, diags = decode(data, file)
    if source is None:
        return CompileResult(file=file, source=None, program=None, diagnostics=sorted_diagnostics(diags))
    ast, parse_diags = parse(source)
    diags.extend(parse_diags)
    program: TypedProgram | None = None
    if ast is not None and not any(d.is_error for d in diags):
        program, check_diags = check_program(ast, registry)
        diags.extend(check_diags)
    return CompileResult(file=file, source=source, program=program, diagnostics=sorted_diagnostics(diags))


__all__ = ["CompileResult", "TypedProgram", "compile_source"]
