"""`stdlib.string`: text operations. Splitting is literal (no regular expressions) and keeps empty parts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cst_cli.modules.api import module

_NS = "stdlib.string"
_TAGS = ("string",)


@module("concat", namespace=_NS, description="The two strings one after the other", tags=_TAGS, inline=True)
def concat(a: str, b: str) -> str:
    return a + b


@module("string-length", namespace=_NS, description="Number of characters in a string", tags=_TAGS, inline=True)
def string_length(text: str) -> int:
    return len(text)


@module("join", namespace=_NS, description="The strings of a list joined with a separator", tags=_TAGS, inline=True)
def join(items: list[str], separator: str) -> str:
    return separator.join(items)


@module(
    "split",
    namespace=_NS,
    description="Parts of a text between occurrences of a separator (empty separator: characters)",
    tags=_TAGS,
    inline=True,
)
def split(text: str, separator: str) -> list[str]:
    """`split("a,,b", ",")` is `["a", "", "b"]`; an empty separator splits into characters."""
    return list(text) if separator == "" else text.split(separator)


@module("contains", namespace=_NS, description="Whether a text contains a substring", tags=_TAGS, inline=True)
def contains(text: str, substring: str) -> bool:
    return substring in text


@module("trim", namespace=_NS, description="The text without leading and trailing whitespace", tags=_TAGS, inline=True)
def trim(text: str) -> str:
    return text.strip()


@module(
    "replace",
    namespace=_NS,
    description="The text with every occurrence of target replaced",
    tags=_TAGS,
    inline=True,
)
def replace(text: str, target: str, replacement: str) -> str:
    return text.replace(target, replacement)


__cst_modules__: list[Callable[..., Any]] = [concat, string_length, join, split, contains, trim, replace]
