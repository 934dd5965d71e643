"""`stdlib`: the core module, identity."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from cst_cli.modules.api import module

T = TypeVar("T")


@module("identity", namespace="stdlib", description="The value, unchanged", tags=("core",), inline=True)
def identity(value: T) -> T:
    return value


__cst_modules__: list[Callable[..., Any]] = [identity]
