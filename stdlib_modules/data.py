"""Example data modules of the reference engine's sample programs (no namespace): sums, averages, ranges."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cst_cli.modules.api import module
from stdlib_modules._numbers import int64

_TAGS = ("demo", "data")

RANGE_LIMIT = 10_000_000  # Range refuses to build more elements than this


@module(description="Sum of a list of Ints (0 when empty)", tags=_TAGS, inline=True)
def SumList(numbers: list[int]) -> int:
    return int64("SumList", sum(numbers))


@module(description="Mean of a list of Ints (0.0 when empty)", tags=_TAGS, inline=True)
def Average(numbers: list[int]) -> float:
    """The arithmetic mean; an empty list gives 0.0 rather than an error, so a pipeline over an empty
    result set still produces a number (check `list-is-empty` first when that matters)."""
    if not numbers:
        return 0.0
    return sum(numbers) / len(numbers)


@module(description="Largest Int of a list; an empty list is an error", tags=_TAGS, inline=True)
def Max(numbers: list[int]) -> int:
    """Raises:
    ValueError: the list is empty.
    """
    if not numbers:
        raise ValueError("Max: the list is empty")
    return max(numbers)


@module(description="Smallest Int of a list; an empty list is an error", tags=_TAGS, inline=True)
def Min(numbers: list[int]) -> int:
    """Raises:
    ValueError: the list is empty.
    """
    if not numbers:
        raise ValueError("Min: the list is empty")
    return min(numbers)


@module(description="The Ints strictly greater than a threshold, in order", tags=_TAGS, inline=True)
def FilterGreaterThan(numbers: list[int], threshold: int) -> list[int]:
    return [n for n in numbers if n > threshold]


@module(description="Every Int of a list multiplied by a factor", tags=_TAGS, inline=True)
def MultiplyEach(numbers: list[int], multiplier: int) -> list[int]:
    return [int64("MultiplyEach", n * multiplier) for n in numbers]


@module(description="The Ints from start (included) to end (excluded)", tags=_TAGS, inline=True)
def Range(start: int, end: int) -> list[int]:
    """`Range(1, 4)` is `[1, 2, 3]`, like Python's range and Scala's `start until end`; empty when
    end <= start.

    Raises:
        ValueError: more than RANGE_LIMIT (10 million) elements.
    """
    if end - start > RANGE_LIMIT:
        raise ValueError(f"Range: {start} to {end} has {end - start} elements, more than the limit of {RANGE_LIMIT}")
    return list(range(start, end))


@module(description="An Int with thousands separators: 1234567 -> 1,234,567", tags=_TAGS, inline=True)
def FormatNumber(number: int) -> str:
    return f"{number:,}"


__cst_modules__: list[Callable[..., Any]] = [
    SumList,
    Average,
    Max,
    Min,
    FilterGreaterThan,
    MultiplyEach,
    Range,
    FormatNumber,
]
