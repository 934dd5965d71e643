"""Run-time values and JSON (LANGUAGE.md section 8): input decoding with JSON-path errors, checking what a
module returned against its declared type, output encoding, `is T` shape tests and text rendering.

Values are plain Python: str, int, float, bool, None (none), list, dict (records and maps). Checkers are
compiled once per type into closures, so checking an Int result is one `type(v) is int`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from cst_cli.types.model import (
    FunctionT,
    ListT,
    MapT,
    NothingT,
    OptionalT,
    Prim,
    RecordT,
    SeqT,
    Type,
    TypeVar,
    UnionT,
    UnknownT,
    render,
)

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1


class ValueMismatch(Exception):
    """A value does not have the expected type. `path` is relative (`.items[2].price`), empty at the top."""

    def __init__(self, path: str, expected: str, got: object) -> None:
        super().__init__(f"{path}: expected {expected}, got {describe(got)}")
        self.path = path
        self.expected = expected
        self.got = got

    def at(self, root: str) -> str:
        """The message with `root` prefixed to the path: `inputs.order.items[2].price: expected ...`."""
        return f"{root}{self.path}: expected {self.expected}, got {describe(self.got)}"


def describe(v: object, limit: int = 60) -> str:
    """A short JSON-ish rendering of a bad value for messages."""
    if isinstance(v, _Missing):
        return "nothing"
    try:
        text = msgspec.json.encode(to_builtins(v)).decode()
    except (TypeError, msgspec.EncodeError, ValueError, RecursionError):  # RecursionError: nested too deeply
        text = type(v).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def to_builtins(v: object) -> Any:
    """Structs, dataclasses and tuples to dicts and lists (what a module may return for a record)."""
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (msgspec.Struct, tuple, set, frozenset)) or dataclasses.is_dataclass(v):
        return msgspec.to_builtins(v, str_keys=False)
    if isinstance(v, list):
        return [to_builtins(x) for x in v]
    if isinstance(v, Mapping):
        return {k: to_builtins(x) for k, x in v.items()}
    return v


Checker = Callable[[Any, bool], Any]
"""`check(value, from_json) -> value` (maybe converted: Int widened to Float, a Struct to a dict, a JSON
`[[k, v], ...]` to a Map); raises ValueMismatch."""

_CHECKERS: dict[Type, Checker] = {}


def checker(t: Type) -> Checker:
    """The compiled checker of `t` (memoised: types are hashable)."""
    found = _CHECKERS.get(t)
    if found is None:
        found = _compile(t)
        _CHECKERS[t] = found
    return found


def check_value(v: object, t: Type, *, from_json: bool = False) -> Any:
    """`v` checked (and converted) against `t`. Raises ValueMismatch with a relative path."""
    return checker(t)(v, from_json)


def _compile(t: Type) -> Checker:
    name = render(t)
    match t:
        case Prim(name="String"):

            def c_str(v: Any, j: bool) -> Any:
                if type(v) is str:
                    return v
                raise ValueMismatch("", name, v)

            return c_str
        case Prim(name="Int"):

            def c_int(v: Any, j: bool) -> Any:
                if type(v) is int and INT_MIN <= v <= INT_MAX:
                    return v
                raise ValueMismatch("", name if type(v) is not int else "Int (64-bit)", v)

            return c_int
        case Prim(name="Float"):

            def c_float(v: Any, j: bool) -> Any:
                tv = type(v)
                if tv is float:
                    return v
                if tv is int:
                    return float(v)
                raise ValueMismatch("", name, v)

            return c_float
        case Prim(name="Boolean"):

            def c_bool(v: Any, j: bool) -> Any:
                if type(v) is bool:
                    return v
                raise ValueMismatch("", name, v)

            return c_bool
        case ListT(elem=e) | SeqT(elem=e):
            elem = checker(e)
            if isinstance(e, (UnknownT, TypeVar, NothingT)):

                def c_list_any(v: Any, j: bool) -> Any:
                    if type(v) is list:
                        return v
                    if isinstance(v, (list, tuple)):
                        return list(v)
                    raise ValueMismatch("", name, v)

                return c_list_any

            def c_list(v: Any, j: bool) -> Any:
                if not isinstance(v, (list, tuple)):
                    raise ValueMismatch("", name, v)
                out = []
                for i, x in enumerate(v):
                    try:
                        out.append(elem(x, j))
                    except ValueMismatch as exc:
                        raise ValueMismatch(f"[{i}]{exc.path}", exc.expected, exc.got) from None
                return out

            return c_list
        case OptionalT(inner=i):
            inner = checker(i)

            def c_opt(v: Any, j: bool) -> Any:
                return None if v is None else inner(v, j)

            return c_opt
        case RecordT(fields=fs):
            fields = [(n, checker(ft)) for n, ft in fs]

            def c_rec(v: Any, j: bool) -> Any:
                if not isinstance(v, dict):
                    if isinstance(v, msgspec.Struct) or dataclasses.is_dataclass(v):
                        v = to_builtins(v)
                    else:
                        raise ValueMismatch("", name, v)
                out = dict(v)
                for n, fc in fields:
                    if n not in v:
                        raise ValueMismatch(f".{n}", render(dict(fs)[n]), _Missing())
                    try:
                        out[n] = fc(v[n], j)
                    except ValueMismatch as exc:
                        raise ValueMismatch(f".{n}{exc.path}", exc.expected, exc.got) from None
                return out

            return c_rec
        case MapT(key=k, value=val):
            kc, vc = checker(k), checker(val)

            def c_map(v: Any, j: bool) -> Any:
                if j and isinstance(v, list):  # a Map with non-String keys: [[k, v], ...]
                    pairs = v
                    if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
                        raise ValueMismatch("", name, v)
                elif isinstance(v, Mapping):
                    pairs = list(v.items())
                else:
                    raise ValueMismatch("", name, v)
                out = {}
                for key, x in pairs:
                    try:
                        ck = kc(key, j)
                    except ValueMismatch as exc:
                        raise ValueMismatch(f"[{describe(key)}] (key)", exc.expected, exc.got) from None
                    try:
                        out[ck] = vc(x, j)
                    except ValueMismatch as exc:
                        raise ValueMismatch(f"[{describe(key)}]{exc.path}", exc.expected, exc.got) from None
                return out

            return c_map
        case UnionT(members=ms):
            members = [(render(m), checker(m)) for m in ms]

            def c_union(v: Any, j: bool) -> Any:
                for _, mc in members:
                    try:
                        return mc(v, j)
                    except ValueMismatch:
                        continue
                if j and isinstance(v, dict) and set(v) == {"tag", "value"}:
                    for mname, mc in members:
                        if v["tag"] == mname:
                            return mc(v["value"], j)
                raise ValueMismatch("", name, v)

            return c_union
        case FunctionT():

            def c_fn(v: Any, j: bool) -> Any:
                if callable(v):
                    return v
                raise ValueMismatch("", name, v)

            return c_fn
    # TypeVar, Unknown, Nothing: nothing to check at run time

    def c_any(v: Any, j: bool) -> Any:
        return to_builtins(v)

    return c_any


class _Missing:
    """Stands for an absent field in messages."""

    def __repr__(self) -> str:
        return "nothing"


def conforms(v: object, t: Type) -> bool:
    """`is T`: whether `v` has the shape of `t` (strict for numbers: an Int is not a Float here)."""
    match t:
        case Prim(name="Float"):
            return type(v) is float
        case OptionalT(inner=i):
            return v is None or conforms(v, i)
        case UnionT(members=ms):
            return any(conforms(v, m) for m in ms)
        case ListT(elem=e) | SeqT(elem=e):
            return isinstance(v, list) and all(conforms(x, e) for x in v)
        case RecordT(fields=fs):
            return isinstance(v, dict) and all(n in v and conforms(v[n], ft) for n, ft in fs)
        case MapT(key=k, value=val):
            return isinstance(v, dict) and all(conforms(a, k) and conforms(b, val) for a, b in v.items())
    try:
        check_value(v, t)
    except ValueMismatch:
        return False
    return True


def _needs_encoding(t: Type) -> bool:
    match t:
        case MapT(key=k, value=v):
            return k != Prim(name="String") or _needs_encoding(v)
        case ListT(elem=e) | SeqT(elem=e) | OptionalT(inner=e):
            return _needs_encoding(e)
        case RecordT(fields=fs):
            return any(_needs_encoding(x) for _, x in fs)
        case UnionT(members=ms):
            return any(_needs_encoding(x) for x in ms)
        case TypeVar() | UnknownT():
            return True
    return False


def to_json(v: object, t: Type) -> Any:
    """A value as JSON-ready builtins: a Map with non-String keys becomes `[[k, v], ...]`."""
    if not _needs_encoding(t):
        return v
    match t:
        case MapT(key=k, value=val):
            if isinstance(v, dict):
                if k == Prim(name="String"):
                    return {a: to_json(b, val) for a, b in v.items()}
                return [[to_json(a, k), to_json(b, val)] for a, b in v.items()]
        case ListT(elem=e) | SeqT(elem=e):
            if isinstance(v, list):
                return [to_json(x, e) for x in v]
        case OptionalT(inner=e):
            return None if v is None else to_json(v, e)
        case RecordT(fields=fs):
            if isinstance(v, dict):
                types = dict(fs)
                return {n: to_json(x, types[n]) if n in types else _untyped_json(x) for n, x in v.items()}
        case UnionT(members=ms):
            for m in ms:
                if conforms(v, m):
                    return to_json(v, m)
    return _untyped_json(v)


def _untyped_json(v: object) -> Any:
    if isinstance(v, dict):
        if all(isinstance(k, str) for k in v):
            return {k: _untyped_json(x) for k, x in v.items()}
        return [[_untyped_json(k), _untyped_json(x)] for k, x in v.items()]
    if isinstance(v, list):
        return [_untyped_json(x) for x in v]
    return v


def render_text(v: object) -> str:
    """How `${...}` shows a value: Int as digits, Float like JSON, String as is, the rest as JSON."""
    tv = type(v)
    if tv is str:
        return v  # type: ignore[return-value]
    if tv is int:
        return str(v)
    return msgspec.json.encode(_untyped_json(v)).decode()
