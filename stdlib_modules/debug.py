"""`stdlib.debug`: log a value on its way through a pipeline. Writes to the `stdlib.debug` logger (stderr when
logging is not configured), never to stdout, where outputs go."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from cst_cli.modules.api import module
from stdlib_modules.convert import to_string

T = TypeVar("T")

logger = logging.getLogger("stdlib.debug")


@module(
    "log",
    namespace="stdlib.debug",
    description="Log a value (to stderr) and pass it on unchanged",
    tags=("debug",),
)
def log(value: T) -> T:
    text = to_string(value)
    if logger.hasHandlers():
        logger.info("log: %s", text)
    else:
        print(f"[stdlib.debug.log] {text}", file=sys.stderr)
    return value


__cst_modules__: list[Callable[..., Any]] = [log]
