"""Example text modules of the reference engine's sample programs (no namespace)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cst_cli.modules.api import module

_TAGS = ("demo", "text")


@module(description="The text in upper case", tags=_TAGS, inline=True)
def Uppercase(text: str) -> str:
    return text.upper()


@module(description="The text in lower case", tags=_TAGS, inline=True)
def Lowercase(text: str) -> str:
    return text.lower()


@module(description="The text without leading and trailing whitespace", tags=_TAGS, inline=True)
def Trim(text: str) -> str:
    return text.strip()


@module(description="The text with every occurrence of find replaced", tags=_TAGS, inline=True)
def Replace(text: str, find: str, replace: str) -> str:
    return text.replace(find, replace)


@module(description="Number of whitespace-separated words", tags=_TAGS, inline=True)
def WordCount(text: str) -> int:
    """Splits on runs of whitespace and ignores empty parts: `"  a  b "` has 2 words, `""` none."""
    return len(text.split())


@module(description="Number of characters in the text", tags=_TAGS, inline=True)
def TextLength(text: str) -> int:
    return len(text)


@module(description="Whether the text contains a substring", tags=_TAGS, inline=True)
def Contains(text: str, substring: str) -> bool:
    return substring in text


@module(description="The lines of a text (\\n, \\r\\n or \\r; no trailing empty line)", tags=_TAGS, inline=True)
def SplitLines(text: str) -> list[str]:
    """`"a\\nb\\n"` is `["a", "b"]`; an empty text has no lines."""
    return text.splitlines()


@module(description="Parts of a text between occurrences of a delimiter", tags=_TAGS, inline=True)
def Split(text: str, delimiter: str) -> list[str]:
    """Literal (not a regular expression), keeping empty parts: `Split("a,,b", ",")` is `["a", "", "b"]`; an
    empty delimiter splits into characters."""
    return list(text) if delimiter == "" else text.split(delimiter)


__cst_modules__: list[Callable[..., Any]] = [
    Uppercase,
    Lowercase,
    Trim,
    Replace,
    WordCount,
    TextLength,
    Contains,
    SplitLines,
    Split,
]
