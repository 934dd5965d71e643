"""The type model of the language: frozen, hashable type terms, subtyping, join and rendering.

Imports only msgspec; knows nothing of syntax, modules or the checker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import msgspec

PrimName = Literal["String", "Int", "Float", "Boolean"]


class Prim(msgspec.Struct, frozen=True, kw_only=True, tag="prim"):
    name: PrimName


class NothingT(msgspec.Struct, frozen=True, kw_only=True, tag="nothing"):
    """The type of `[]` and of none: below everything."""


class ListT(msgspec.Struct, frozen=True, kw_only=True, tag="list"):
    elem: Type


class SeqT(msgspec.Struct, frozen=True, kw_only=True, tag="seq"):
    elem: Type


class MapT(msgspec.Struct, frozen=True, kw_only=True, tag="map"):
    key: Type
    value: Type


class OptionalT(msgspec.Struct, frozen=True, kw_only=True, tag="optional"):
    inner: Type


class RecordT(msgspec.Struct, frozen=True, kw_only=True, tag="record"):
    """Fields in declaration order; compare with `same_type`, not `==`, when order may differ."""

    fields: tuple[tuple[str, Type], ...]

    def field(self, name: str) -> Type | None:
        for n, t in self.fields:
            if n == name:
                return t
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.fields)


class UnionT(msgspec.Struct, frozen=True, kw_only=True, tag="union"):
    """Two or more members, flattened and de-duplicated (build with `union`)."""

    members: tuple[Type, ...]


class TypeVar(msgspec.Struct, frozen=True, kw_only=True, tag="var"):
    """A module's type parameter; `constraints` restricts it to one of those types (e.g. Int or Float)."""

    name: str
    constraints: tuple[Type, ...] = ()


class FunctionT(msgspec.Struct, frozen=True, kw_only=True, tag="function"):
    """The type of a lambda argument of a higher-order module."""

    params: tuple[Type, ...]
    result: Type


class UnknownT(msgspec.Struct, frozen=True, kw_only=True, tag="unknown"):
    """The type of an expression that already has an error: compatible with everything, so one mistake
    gives one diagnostic instead of a cascade."""


Type = Prim | NothingT | ListT | SeqT | MapT | OptionalT | RecordT | UnionT | TypeVar | FunctionT | UnknownT

STRING = Prim(name="String")
INT = Prim(name="Int")
FLOAT = Prim(name="Float")
BOOLEAN = Prim(name="Boolean")
NOTHING = NothingT()
UNKNOWN = UnknownT()

PRIMITIVES: Mapping[str, Prim] = {"String": STRING, "Int": INT, "Float": FLOAT, "Boolean": BOOLEAN}


def record(fields: Iterable[tuple[str, Type]]) -> RecordT:
    return RecordT(fields=tuple(fields))


def union(members: Iterable[Type]) -> Type:
    """Flatten nested unions, drop duplicates and Nothing; one member is that member."""
    flat: list[Type] = []
    for m in members:
        for x in m.members if isinstance(m, UnionT) else (m,):
            if isinstance(x, NothingT):
                continue
            if not any(same_type(x, y) for y in flat):
                flat.append(x)
    if not flat:
        return NOTHING
    if len(flat) == 1:
        return flat[0]
    return UnionT(members=tuple(flat))


def merge_records(left: RecordT, right: RecordT) -> RecordT:
    """`A + B` on record types: the fields of both, the right one winning on a clash."""
    right_names = set(right.names)
    return RecordT(fields=tuple((n, t) for n, t in left.fields if n not in right_names) + right.fields)


def same_type(a: Type, b: Type) -> bool:
    if a == b:
        return True
    return is_subtype(a, b) and is_subtype(b, a) and not _widens(a, b) and not _widens(b, a)


def _widens(a: Type, b: Type) -> bool:
    return a == INT and b == FLOAT


def is_subtype(a: Type, b: Type) -> bool:
    """a <: b. Int widens to Float [ext]; a T is accepted where Optional<T> is expected."""
    if a == b or isinstance(a, (UnknownT, NothingT)) or isinstance(b, UnknownT):
        return True
    if isinstance(a, UnionT):
        return all(is_subtype(m, b) for m in a.members)
    if isinstance(b, UnionT):
        return any(is_subtype(a, m) for m in b.members)
    match a, b:
        case Prim(name="Int"), Prim(name="Float"):
            return True
        case ListT(elem=x), ListT(elem=y) | SeqT(elem=y):
            return is_subtype(x, y)
        case SeqT(elem=x), SeqT(elem=y):
            return is_subtype(x, y)
        case OptionalT(inner=x), OptionalT(inner=y):
            return is_subtype(x, y)
        case _, OptionalT(inner=y):
            return is_subtype(a, y)
        case MapT(key=k1, value=v1), MapT(key=k2, value=v2):
            return same_type(k1, k2) and is_subtype(v1, v2)
        case RecordT(), RecordT():
            for name, t in b.fields:
                have = a.field(name)
                if have is None or not is_subtype(have, t):
                    return False
            return True
        case FunctionT(params=p1, result=r1), FunctionT(params=p2, result=r2):
            return (
                len(p1) == len(p2) and all(is_subtype(y, x) for x, y in zip(p1, p2, strict=True)) and is_subtype(r1, r2)
            )
    return False


def join(a: Type, b: Type) -> Type:
    """The type of `if`/`branch`/`match` arms: the supertype when one exists, else the union."""
    if is_subtype(a, b):
        return b
    if is_subtype(b, a):
        return a
    match a, b:
        case ListT(elem=x), ListT(elem=y):
            return ListT(elem=join(x, y))
        case ((ListT(elem=x) | SeqT(elem=x)), (ListT(elem=y) | SeqT(elem=y))):
            return SeqT(elem=join(x, y))
        case OptionalT(inner=x), OptionalT(inner=y):
            return OptionalT(inner=join(x, y))
        case OptionalT(inner=x), _:
            return OptionalT(inner=join(x, b))
        case _, OptionalT(inner=y):
            return OptionalT(inner=join(a, y))
    return union((a, b))


def join_all(types: Iterable[Type]) -> Type:
    out: Type = NOTHING
    for t in types:
        out = join(out, t)
    return out


def is_numeric(t: Type) -> bool:
    return t in (INT, FLOAT)


def children(t: Type) -> tuple[Type, ...]:
    """The types directly inside `t` (element, key and value, fields, members, parameters and result)."""
    match t:
        case ListT(elem=e) | SeqT(elem=e) | OptionalT(inner=e):
            return (e,)
        case MapT(key=k, value=v):
            return (k, v)
        case RecordT(fields=fs):
            return tuple(x for _, x in fs)
        case UnionT(members=ms):
            return ms
        case FunctionT(params=ps, result=r):
            return (*ps, r)
    return ()


def mentions(t: Type, kind: type) -> bool:
    """Whether `t`, or any type inside it, is a `kind` (e.g. UnknownT, TypeVar)."""
    return isinstance(t, kind) or any(mentions(c, kind) for c in children(t))


def contains_unknown(t: Type) -> bool:
    return mentions(t, UnknownT)


def render(t: Type) -> str:
    """The type in the language's own syntax, as diagnostics and `cst modules` show it."""
    match t:
        case Prim(name=n):
            return n
        case NothingT():
            return "Nothing"
        case UnknownT():
            return "<unknown>"
        case ListT(elem=e):
            return f"List<{render(e)}>"
        case SeqT(elem=e):
            return f"Seq<{render(e)}>"
        case OptionalT(inner=e):
            return f"Optional<{render(e)}>"
        case MapT(key=k, value=v):
            return f"Map<{render(k)}, {render(v)}>"
        case RecordT(fields=fs):
            if not fs:
                return "{}"
            return "{ " + ", ".join(f"{n}: {render(x)}" for n, x in fs) + " }"
        case UnionT(members=ms):
            return " | ".join(render(m) for m in ms)
        case TypeVar(name=n):
            return n
        case FunctionT(params=ps, result=r):
            return "(" + ", ".join(render(p) for p in ps) + ") => " + render(r)
    raise AssertionError(t)  # pragma: no cover


def zero_value(t: Type) -> object:
    """The zero value of section 5 (on_error skip/log): "", 0, 0.0, false, [], {}, none."""
    match t:
        case Prim(name="String"):
            return ""
        case Prim(name="Int"):
            return 0
        case Prim(name="Float"):
            return 0.0
        case Prim(name="Boolean"):
            return False
        case ListT() | SeqT():
            return []
        case MapT():
            return {}
        case RecordT(fields=fs):
            return {n: zero_value(x) for n, x in fs}
    return None
