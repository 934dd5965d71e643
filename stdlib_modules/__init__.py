"""The built-in module library, registered through the `cst.modules` entry point like any plugin.

One Python module per namespace; importing this package is cheap (no heavy dependencies, nothing runs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stdlib_modules import bool as _bool
from stdlib_modules import collection as _collection
from stdlib_modules import compare as _compare
from stdlib_modules import convert as _convert
from stdlib_modules import core as _core
from stdlib_modules import data as _data
from stdlib_modules import debug as _debug
from stdlib_modules import list as _list
from stdlib_modules import math as _math
from stdlib_modules import resilience as _resilience
from stdlib_modules import string as _string
from stdlib_modules import text as _text

__cst_modules__: list[Callable[..., Any]] = [
    *_core.__cst_modules__,
    *_math.__cst_modules__,
    *_string.__cst_modules__,
    *_list.__cst_modules__,
    *_bool.__cst_modules__,
    *_compare.__cst_modules__,
    *_convert.__cst_modules__,
    *_debug.__cst_modules__,
    *_collection.__cst_modules__,
    *_data.__cst_modules__,
    *_text.__cst_modules__,
    *_resilience.__cst_modules__,
]
