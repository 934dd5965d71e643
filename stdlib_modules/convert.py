"""`stdlib.convert`: conversions between String, Int and Float."""

from __future__ import annotations

import math as _pymath
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from cst_cli.modules.api import module
from stdlib_modules._numbers import int64

T = TypeVar("T")

_NS = "stdlib.convert"
_TAGS = ("convert",)


@module(
    "to-string",
    namespace=_NS,
    description="Any value as text (a String unchanged, anything else as JSON)",
    tags=_TAGS,
    inline=True,
)
def to_string(value: T) -> str:
    """A String as is; other values as their JSON text: `42`, `3.5`, `true`, `[1, 2]` as `[1,2]`, none as `null`."""
    if isinstance(value, str):
        return value
    return msgspec.json.encode(value).decode()


@module("to-int", namespace=_NS, description="A Float as an Int, truncated toward zero", tags=_TAGS, inline=True)
def to_int(value: float) -> int:
    """Raises:
    ValueError: value is NaN or infinite.
    """
    if not _pymath.isfinite(value):
        raise ValueError(f"to-int: cannot convert {value} to an Int")
    return int64("to-int", int(value))


@module("to-float", namespace=_NS, description="An Int as a Float", tags=_TAGS, inline=True)
def to_float(value: int) -> float:
    return float(value)


__cst_modules__: list[Callable[..., Any]] = [to_string, to_int, to_float]
