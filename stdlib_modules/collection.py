"""`stdlib.collection`: higher-order functions over lists of any element type. A lambda argument arrives as a
plain Python callable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from cst_cli.modules.api import module

T = TypeVar("T")
U = TypeVar("U")
K = TypeVar("K")

_NS = "stdlib.collection"
_TAGS = ("collection", "higher-order")


@module("filter", namespace=_NS, description="The elements for which the predicate holds", tags=_TAGS)
def filter_(items: list[T], predicate: Callable[[T], bool]) -> list[T]:
    return [x for x in items if predicate(x)]


@module("map", namespace=_NS, description="The function applied to every element", tags=_TAGS)
def map_(items: list[T], f: Callable[[T], U]) -> list[U]:
    return [f(x) for x in items]


@module("all", namespace=_NS, description="Whether the predicate holds for every element (true when empty)", tags=_TAGS)
def all_(items: list[T], predicate: Callable[[T], bool]) -> bool:
    return all(predicate(x) for x in items)


@module("any", namespace=_NS, description="Whether the predicate holds for some element (false when empty)", tags=_TAGS)
def any_(items: list[T], predicate: Callable[[T], bool]) -> bool:
    return any(predicate(x) for x in items)


@module(
    "sort-by",
    namespace=_NS,
    description="The elements in ascending order of a key (stable)",
    tags=_TAGS,
)
def sort_by(items: list[T], key: Callable[[T], K]) -> list[T]:
    """Keys compare as Python values: numbers, strings, booleans, and lists of them.

    Raises:
        TypeError: two keys cannot be compared (records, or a String against an Int).
    """
    keys: list[Any] = [key(x) for x in items]
    order = list(range(len(items)))
    try:
        order.sort(key=keys.__getitem__)
    except TypeError as exc:
        raise TypeError(f"sort-by: the keys cannot be compared ({exc})") from None
    return [items[i] for i in order]


__cst_modules__: list[Callable[..., Any]] = [filter_, map_, all_, any_, sort_by]
