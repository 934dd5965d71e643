"""`stdlib.list`: operations on lists of any element type (list-sum: numbers). Empty-list errors are raised."""

from __future__ import annotations

import math as _pymath
from collections.abc import Callable
from typing import Any, TypeVar, cast

from cst_cli.modules.api import module
from stdlib_modules._numbers import int64, is_int

T = TypeVar("T")
N = TypeVar("N", int, float)

_NS = "stdlib.list"
_TAGS = ("list",)


@module("list-length", namespace=_NS, description="Number of elements of a list", tags=_TAGS, inline=True)
def list_length(items: list[T]) -> int:
    return len(items)


@module(
    "list-first",
    namespace=_NS,
    description="First element of a list; an empty list is an error",
    tags=_TAGS,
    inline=True,
)
def list_first(items: list[T]) -> T:
    """Raises:
    ValueError: the list is empty.
    """
    if not items:
        raise ValueError("list-first: the list is empty")
    return items[0]


@module(
    "list-last",
    namespace=_NS,
    description="Last element of a list; an empty list is an error",
    tags=_TAGS,
    inline=True,
)
def list_last(items: list[T]) -> T:
    """Raises:
    ValueError: the list is empty.
    """
    if not items:
        raise ValueError("list-last: the list is empty")
    return items[-1]


@module("list-sum", namespace=_NS, description="Sum of a list of numbers (0 when empty)", tags=_TAGS, inline=True)
def list_sum(items: list[N]) -> N:
    return cast(N, _sum(items))


def _sum(items: list[int] | list[float]) -> int | float:
    if all(is_int(x) for x in items):
        return int64("list-sum", sum(cast(list[int], items)))
    return _pymath.fsum(items)


@module("list-is-empty", namespace=_NS, description="Whether a list has no elements", tags=_TAGS, inline=True)
def list_is_empty(items: list[T]) -> bool:
    return not items


@module("list-concat", namespace=_NS, description="The elements of a, then those of b", tags=_TAGS, inline=True)
def list_concat(a: list[T], b: list[T]) -> list[T]:
    return [*a, *b]


@module("list-reverse", namespace=_NS, description="The elements in reverse order", tags=_TAGS, inline=True)
def list_reverse(items: list[T]) -> list[T]:
    return items[::-1]


@module(
    "list-contains", namespace=_NS, description="Whether a list has an element equal to value", tags=_TAGS, inline=True
)
def list_contains(items: list[T], value: T) -> bool:
    return value in items


__cst_modules__: list[Callable[..., Any]] = [
    list_length,
    list_first,
    list_last,
    list_sum,
    list_is_empty,
    list_concat,
    list_reverse,
    list_contains,
]
