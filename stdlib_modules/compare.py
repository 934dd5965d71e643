"""`stdlib.compare`: equality of Ints and Strings, ordering of numbers (generic in N: Int or Float)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from cst_cli.modules.api import module

N = TypeVar("N", int, float)

_NS = "stdlib.compare"
_TAGS = ("compare",)


@module("eq-int", namespace=_NS, description="Whether two Ints are equal", tags=_TAGS, inline=True)
def eq_int(a: int, b: int) -> bool:
    return a == b


@module("eq-string", namespace=_NS, description="Whether two Strings are equal", tags=_TAGS, inline=True)
def eq_string(a: str, b: str) -> bool:
    return a == b


@module("gt", namespace=_NS, description="Whether a > b", tags=_TAGS, inline=True)
def gt(a: N, b: N) -> bool:
    return a > b


@module("lt", namespace=_NS, description="Whether a < b", tags=_TAGS, inline=True)
def lt(a: N, b: N) -> bool:
    return a < b


@module("gte", namespace=_NS, description="Whether a >= b", tags=_TAGS, inline=True)
def gte(a: N, b: N) -> bool:
    return a >= b


@module("lte", namespace=_NS, description="Whether a <= b", tags=_TAGS, inline=True)
def lte(a: N, b: N) -> bool:
    return a <= b


__cst_modules__: list[Callable[..., Any]] = [eq_int, eq_string, gt, lt, gte, lte]
