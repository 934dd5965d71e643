"""`match`: which members of the subject's type each arm takes, the names it binds, exhaustiveness and
unreachable arms.

A record pattern takes the members that have all its fields and binds those fields; `is T` takes the members
of type T; `_` takes the rest. When the subject is a name, each arm sees it narrowed to the members it took.
An Optional subject has the extra member "none", which only `_` takes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from cst_cli.check import typed as t
from cst_cli.check._scope import Entry, Locals
from cst_cli.diagnostics import Span, warning
from cst_cli.syntax import ast
from cst_cli.types.model import (
    FLOAT,
    INT,
    NOTHING,
    UNKNOWN,
    NothingT,
    OptionalT,
    RecordT,
    Type,
    UnionT,
    UnknownT,
    is_subtype,
    join_all,
    render,
    union,
)

if TYPE_CHECKING:
    from cst_cli.check._exprs import ExprChecker


def check_match(ck: ExprChecker, m: ast.Match, env: Locals) -> t.TExpr:
    subject = ck.check(m.subject, env)
    st = subject.type
    unknown = isinstance(st, UnknownT)
    members = _members(st)
    remaining = list(range(len(members)))
    narrow: tuple[str, Entry] | None = None
    if isinstance(subject, t.TRef):
        narrow = (subject.name, (st, subject.kind))
    cases: list[t.TMatchCase] = []
    for case in m.cases:
        pat = case.pattern
        arm_env = dict(env)
        pt: Type | None = None
        match pat:
            case ast.RecordPattern(fields=fields):
                matching = [i for i, x in enumerate(members) if _has_fields(x, fields)]
                if not unknown and not matching:
                    ck.err(
                        "E015",
                        f"Pattern {{ {', '.join(fields)} }} can never match: no member of {render(st)} "
                        "has all these fields",
                        pat.span,
                        _shapes(members),
                    )
            case ast.TypePattern(type=texpr):
                pt = ck.types.resolve(texpr)
                matching = [i for i, x in enumerate(members) if _covers(pt, x)]
                if not unknown and not matching and not isinstance(pt, UnknownT):
                    ck.err(
                        "E015",
                        f"Pattern is {render(pt)} can never match: {render(st)} has no such member",
                        pat.span,
                        _shapes(members),
                    )
            case ast.WildcardPattern():
                matching = list(remaining)
        taken = [i for i in remaining if i in matching]
        if not unknown and not taken and (matching or isinstance(pat, ast.WildcardPattern)):
            ck.diags.append(
                warning(
                    "W007",
                    "Unreachable match arm: earlier arms already cover what it matches",
                    pat.span,
                    "remove it, or move it before the arm that covers it",
                )
            )
        chosen = [members[i] for i in (taken or matching)]
        if narrow is not None and chosen and not unknown:
            arm_env[narrow[0]] = (_narrowed(chosen), narrow[1][1])
        kind: Literal["record", "type", "wildcard"]
        if isinstance(pat, ast.RecordPattern):
            kind = "record"
            for name in pat.fields:
                arm_env[name] = (_field_join(chosen, name), "param")
        elif isinstance(pat, ast.TypePattern):
            kind = "type"
        else:
            kind = "wildcard"
        remaining = [i for i in remaining if i not in matching]
        value = ck.check(case.value, arm_env)
        cases.append(
            t.TMatchCase(
                kind=kind,
                fields=pat.fields if isinstance(pat, ast.RecordPattern) else (),
                match_type=pt,
                value=value,
            )
        )
    if remaining and not unknown:
        missing = ", ".join(_render_member(members[i]) for i in remaining)
        head = Span(file=m.span.file, start=m.span.start, end=max(m.subject.span.end, m.span.start))
        ck.err("E015", f"Non-exhaustive match: missing {missing}", head, "add an arm for each, or a `_ -> ...` arm")
    ty = join_all(c.value.type for c in cases)
    return t.TMatch(span=m.span, type=ty, subject=subject, cases=tuple(cases))


def _members(ty: Type) -> list[Type]:
    match ty:
        case UnionT(members=ms):
            return list(ms)
        case OptionalT(inner=inner):
            return [*_members(inner), NOTHING]
    return [ty]


def _has_fields(ty: Type, fields: tuple[str, ...]) -> bool:
    if isinstance(ty, UnknownT):
        return True
    return isinstance(ty, RecordT) and all(ty.field(f) is not None for f in fields)


def _covers(pattern: Type, member: Type) -> bool:
    """Whether `is pattern` takes values of `member` (no Int -> Float widening: an Int is not a Float here)."""
    if isinstance(member, NothingT):
        return False
    if isinstance(pattern, UnionT):
        return any(_covers(p, member) for p in pattern.members)
    if member == INT and pattern == FLOAT:
        return False
    return is_subtype(member, pattern)


def _narrowed(chosen: list[Type]) -> Type:
    rest = union(x for x in chosen if not isinstance(x, NothingT))
    if any(isinstance(x, NothingT) for x in chosen) and not isinstance(rest, NothingT):
        return OptionalT(inner=rest)
    return rest


def _field_join(chosen: list[Type], name: str) -> Type:
    found: list[Type] = []
    for x in chosen:
        ft = x.field(name) if isinstance(x, RecordT) else None
        found.append(ft if ft is not None else UNKNOWN)
    return join_all(found) if found else UNKNOWN


def _render_member(ty: Type) -> str:
    return "none" if isinstance(ty, NothingT) else render(ty)


def _shapes(members: list[Type]) -> str:
    return "the members are: " + ", ".join(_render_member(x) for x in members)
