"""Python type hints -> language types: how a module's signature is read from its parameters.

str String, int Int, float Float, bool Boolean, list[T] List, Sequence[T] Seq, dict/Mapping[K, V] Map,
T | None Optional, msgspec Struct / dataclass / TypedDict a record, unions, TypeVar a type variable,
Callable[[A], B] a function (lambda) type. Imports only the type model.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

from cst_cli.types.model import (
    BOOLEAN,
    FLOAT,
    INT,
    STRING,
    FunctionT,
    ListT,
    MapT,
    OptionalT,
    RecordT,
    SeqT,
    Type,
    TypeVar,
    union,
)


class UnsupportedHint(TypeError):
    """A hint with no language type (e.g. `bytes`, a bare `list`, a missing annotation)."""


_PRIMS: dict[object, Type] = {str: STRING, int: INT, float: FLOAT, bool: BOOLEAN}
_BARE: dict[object, str] = {
    list: "list[int]",
    tuple: "tuple[int, ...]",
    dict: "dict[str, int]",
    collections.abc.Sequence: "Sequence[int]",
    collections.abc.Mapping: "Mapping[str, int]",
}


def hint_to_type(hint: Any, _seen: frozenset[int] = frozenset()) -> Type:
    """Convert one resolved type hint. Raises UnsupportedHint for anything without a language type."""
    if hint in _PRIMS:
        return _PRIMS[hint]
    if isinstance(hint, typing.TypeVar):
        constraints = tuple(hint_to_type(c, _seen) for c in hint.__constraints__)
        return TypeVar(name=hint.__name__, constraints=constraints)
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        inner = union(hint_to_type(a, _seen) for a in members)
        return OptionalT(inner=inner) if len(members) < len(args) else inner
    if origin is typing.Annotated:
        return hint_to_type(args[0], _seen)
    if origin is list:
        return ListT(elem=_one_arg(hint, args, _seen))
    if origin in (collections.abc.Sequence, tuple) and (origin is not tuple or (len(args) == 2 and args[1] is ...)):
        return SeqT(elem=_one_arg(hint, args[:1], _seen))
    if origin in (dict, collections.abc.Mapping):
        if len(args) != 2:
            raise UnsupportedHint(f"{hint!r} needs key and value types")
        return MapT(key=hint_to_type(args[0], _seen), value=hint_to_type(args[1], _seen))
    if origin is collections.abc.Callable:
        if len(args) != 2 or not isinstance(args[0], list):
            raise UnsupportedHint(f"{hint!r}: a Callable needs its parameter types")
        return FunctionT(params=tuple(hint_to_type(a, _seen) for a in args[0]), result=hint_to_type(args[1], _seen))
    if hint in _BARE:
        raise UnsupportedHint(f"a bare {hint.__name__} needs type arguments, e.g. {_BARE[hint]}")
    if isinstance(hint, type):
        return _record(hint, _seen)
    raise UnsupportedHint(f"unsupported type hint {hint!r}")


def _one_arg(hint: Any, args: tuple[Any, ...], seen: frozenset[int]) -> Type:
    if len(args) != 1:
        raise UnsupportedHint(f"{hint!r} needs an element type")
    return hint_to_type(args[0], seen)


def _record(cls: type, seen: frozenset[int]) -> RecordT:
    if id(cls) in seen:
        raise UnsupportedHint(f"recursive record type {cls.__name__} is not supported")
    seen = seen | {id(cls)}
    is_struct = hasattr(cls, "__struct_fields__")
    is_typed_dict = typing.is_typeddict(cls)
    if not (is_struct or is_typed_dict or dataclasses.is_dataclass(cls)):
        raise UnsupportedHint(f"unsupported type hint {cls.__name__}: use a msgspec Struct, dataclass or TypedDict")
    hints = typing.get_type_hints(cls)
    if is_struct:
        names: tuple[str, ...] = cls.__struct_fields__  # type: ignore[attr-defined]
    elif is_typed_dict:
        names = tuple(hints)
    else:
        names = tuple(f.name for f in dataclasses.fields(cls))
    return RecordT(fields=tuple((n, hint_to_type(hints[n], seen)) for n in names))


def signature_of(func: Callable[..., Any]) -> tuple[tuple[tuple[str, Type, bool], ...], Type]:
    """The language signature of a module function: ((name, type, has_default), ...), return type.

    Raises:
        UnsupportedHint: a parameter or the return has no (supported) hint.
    """
    try:
        hints = typing.get_type_hints(func)
    except Exception as exc:  # NameError for an unresolvable forward reference, etc.
        raise UnsupportedHint(f"cannot read the type hints of {func.__qualname__}: {exc}") from exc
    params: list[tuple[str, Type, bool]] = []
    for p in inspect.signature(func).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise UnsupportedHint(f"{func.__qualname__}: *args/**kwargs are not supported")
        if p.name not in hints:
            raise UnsupportedHint(f"{func.__qualname__}: parameter {p.name!r} has no type hint")
        params.append((p.name, hint_to_type(hints[p.name]), p.default is not p.empty))
    if "return" not in hints:
        raise UnsupportedHint(f"{func.__qualname__}: the return type has no hint")
    return tuple(params), hint_to_type(hints["return"])
