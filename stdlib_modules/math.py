"""`stdlib.math`: arithmetic over numbers, generic in N (Int or Float). Division and modulo by zero raise.

Int division and modulo truncate toward zero (as the reference engine's 64-bit Longs do); Int results outside
64 bits raise instead of wrapping.
"""

from __future__ import annotations

import math as _pymath
from collections.abc import Callable
from typing import Any, TypeVar, cast

from cst_cli.modules.api import module
from stdlib_modules._numbers import as_kind, int64, is_int

N = TypeVar("N", int, float)

_NS = "stdlib.math"
_TAGS = ("math",)


@module("add", namespace=_NS, description="Sum of two numbers", tags=_TAGS, inline=True)
def add(a: N, b: N) -> N:
    return cast(N, as_kind("add", a + b, a, b))


@module("subtract", namespace=_NS, description="Difference of two numbers (a - b)", tags=_TAGS, inline=True)
def subtract(a: N, b: N) -> N:
    return cast(N, as_kind("subtract", a - b, a, b))


@module("multiply", namespace=_NS, description="Product of two numbers", tags=_TAGS, inline=True)
def multiply(a: N, b: N) -> N:
    return cast(N, as_kind("multiply", a * b, a, b))


@module(
    "divide",
    namespace=_NS,
    description="Quotient a / b (Int division truncates toward zero); division by zero is an error",
    tags=_TAGS,
    inline=True,
)
def divide(a: N, b: N) -> N:
    """Raises:
    ZeroDivisionError: b is zero.
    """
    return cast(N, _divide(a, b))


def _divide(a: float, b: float) -> int | float:
    if b == 0:
        raise ZeroDivisionError(f"divide: division by zero ({a} / {b})")
    if is_int(a) and is_int(b):
        q = abs(int(a)) // abs(int(b))
        return int64("divide", q if (a < 0) == (b < 0) else -q)
    return float(a) / float(b)


@module(
    "modulo",
    namespace=_NS,
    description="Remainder of a / b, with the sign of a; modulo by zero is an error",
    tags=_TAGS,
    inline=True,
)
def modulo(a: N, b: N) -> N:
    """Raises:
    ZeroDivisionError: b is zero.
    """
    return cast(N, _modulo(a, b))


def _modulo(a: float, b: float) -> int | float:
    if b == 0:
        raise ZeroDivisionError(f"modulo: modulo by zero ({a} % {b})")
    if is_int(a) and is_int(b):
        r = abs(int(a)) % abs(int(b))
        return r if a >= 0 else -r
    return _pymath.fmod(float(a), float(b))


@module("max", namespace=_NS, description="The larger of two numbers", tags=_TAGS, inline=True)
def maximum(a: N, b: N) -> N:
    return cast(N, as_kind("max", a if a >= b else b, a, b))


@module("min", namespace=_NS, description="The smaller of two numbers", tags=_TAGS, inline=True)
def minimum(a: N, b: N) -> N:
    return cast(N, as_kind("min", a if a <= b else b, a, b))


@module("abs", namespace=_NS, description="Absolute value of a number", tags=_TAGS, inline=True)
def absolute(value: N) -> N:
    return cast(N, as_kind("abs", abs(value), value))


@module("negate", namespace=_NS, description="The number with its sign flipped", tags=_TAGS, inline=True)
def negate(value: N) -> N:
    return cast(N, as_kind("negate", -value, value))


@module(
    "round",
    namespace=_NS,
    description="Nearest Int to a Float, halves rounding up (2.5 -> 3, -2.5 -> -2)",
    tags=_TAGS,
    inline=True,
)
def round_half_up(value: float) -> int:
    """Rounds like the reference engine's `Math.round`: floor(value + 0.5).

    Raises:
        ValueError: value is NaN or infinite.
    """
    if not _pymath.isfinite(value):
        raise ValueError(f"round: cannot round {value} to an Int")
    return int64("round", _pymath.floor(value + 0.5))


__cst_modules__: list[Callable[..., Any]] = [
    add,
    subtract,
    multiply,
    divide,
    modulo,
    maximum,
    minimum,
    absolute,
    negate,
    round_half_up,
]
