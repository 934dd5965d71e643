"""Parse-and-check helpers for the checker's tests: results with diagnostics located by line and column."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from cst_cli.check.checker import check_program
from cst_cli.check.typed import TBinding, TExpr, TypedProgram
from cst_cli.diagnostics import Diagnostic, Source
from cst_cli.modules.registry import Registry
from tests.check._modules import registry as _test_registry

REGISTRY = _test_registry()


@dataclass
class Checked:
    source: Source
    typed: TypedProgram | None
    diags: list[Diagnostic]

    @property
    def codes(self) -> list[str]:
        return [d.code for d in self.diags]

    def one(self, code: str) -> Diagnostic:
        found = [d for d in self.diags if d.code == code]
        assert len(found) == 1, f"expected one {code}, got {self.describe()}"
        return found[0]

    def at(self, d: Diagnostic) -> tuple[int, int]:
        p = self.source.position(d.span.start)
        return p.line, p.column

    def text(self, d: Diagnostic) -> str:
        return self.source.text[d.span.start : d.span.end]

    def describe(self) -> str:
        return "\n".join(f"{d.code} {self.at(d)} {d.message} | {d.hint}" for d in self.diags)

    def binding(self, name: str) -> TBinding:
        assert self.typed is not None, self.describe()
        for b in self.typed.bindings:
            if b.name == name:
                return b
        raise KeyError(name)

    def value(self, name: str) -> TExpr:
        return self.binding(name).value


def check(src: str, registry: Registry | None = None) -> Checked:
    from cst_cli.syntax.parser import decode, parse

    text = textwrap.dedent(src).lstrip("\n")
    source, d1 = decode(text.encode(), "t.cst")
    assert source is not None, d1
    program, d2 = parse(source)
    assert program is not None and not any(d.is_error for d in [*d1, *d2]), [*d1, *d2]
    typed, diags = check_program(program, registry or REGISTRY)
    return Checked(source=source, typed=typed, diags=diags)


def clean(src: str, registry: Registry | None = None) -> Checked:
    """Check a program that must have no diagnostic at all."""
    c = check(src, registry)
    assert c.diags == [], c.describe()
    assert c.typed is not None
    return c


def only(src: str, code: str, registry: Registry | None = None) -> tuple[Checked, Diagnostic]:
    """Check a program whose only diagnostic has `code`."""
    c = check(src, registry)
    assert c.codes == [code], c.describe()
    return c, c.diags[0]
