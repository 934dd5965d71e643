"""`stdlib.bool`: Boolean connectives as modules (the `and`/`or`/`not` operators are built into the language)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cst_cli.modules.api import module

_NS = "stdlib.bool"
_TAGS = ("bool",)


@module("and", namespace=_NS, description="True when both are true", tags=_TAGS, inline=True)
def and_(a: bool, b: bool) -> bool:
    return a and b


@module("or", namespace=_NS, description="True when either is true", tags=_TAGS, inline=True)
def or_(a: bool, b: bool) -> bool:
    return a or b


@module("not", namespace=_NS, description="The opposite truth value", tags=_TAGS, inline=True)
def not_(value: bool) -> bool:
    return not value


__cst_modules__: list[Callable[..., Any]] = [and_, or_, not_]
